"""The ink and the typeface that the figures and every report's renderer share.

Kept apart from figures.py, which draws a case's figures and so reads a case's
result: the renderers (reports/html.py, reports/pdf.py) know no kind of document."""

INK = "#1f2933"
MUTED = "#6b7785"
FONT_FAMILY = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
