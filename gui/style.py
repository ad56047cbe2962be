"""Look and feel: one palette, one stylesheet, colours for responses and threat.

Colours are given by position in the knowledge base (responses in declaration
order, threat levels low to high), so a knowledge base with other responses
still gets distinct colours and nothing here names a response or factor. The
figures take their palette from presentation.figures, so screen and paper agree.
"""
import html

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

ACCENT = "#2f5d8a"
INK = "#1f2933"
MUTED = "#5f6b7a"
FAINT = "#8a94a3"
RULE_LINE = "#d5dbe3"
PANEL = "#ffffff"
WINDOW = "#eef1f5"
GOOD = "#1e7b4b"
BAD = "#b3261e"

# Responses, in knowledge-base order (balance first, the most common response).
RESPONSE_PALETTE = ("#2f6db3", "#138086", "#d2691e", "#7a4fb0", "#a23e8c",
                    "#c0392b", "#5b6b7d", "#7f8c8d")
# Threat levels, lowest first.
THREAT_PALETTE = ("#3a8d5c", "#c9a227", "#e07b24", "#c0392b")

STYLESHEET = f"""
QMainWindow, QDockWidget {{ background: {WINDOW}; }}
QFrame#card {{ background: {PANEL}; border: 1px solid {RULE_LINE}; border-radius: 8px; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 700; color: {ACCENT}; }}
QLabel#question {{ font-weight: 600; color: {INK}; }}
QLabel#help {{ color: {MUTED}; font-size: 8.5pt; }}
QLabel#meaning {{ color: {MUTED}; font-size: 8.5pt; font-style: italic; }}
QLabel#caption {{ color: {FAINT}; font-size: 8pt; font-weight: 700; letter-spacing: 1px; }}
QLabel#readOnlyBanner {{ background: #fff4df; border: 1px solid #f0d9a8; border-radius: 6px;
                         padding: 6px 8px; color: #6b4e16; }}
QComboBox[unknown="true"] {{ color: {FAINT}; font-style: italic; }}
QComboBox:disabled, QLineEdit:read-only, QPlainTextEdit[readOnly="true"] {{ color: {INK}; background: #f6f8fa; }}
QTabWidget::pane {{ border: 1px solid {RULE_LINE}; border-radius: 6px; background: {PANEL}; top: -1px; }}
QTabBar::tab {{ padding: 6px 14px; color: {MUTED}; border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {INK}; border-bottom: 2px solid {ACCENT}; font-weight: 600; }}
QTextBrowser, QTreeWidget, QTableWidget, QListWidget {{ border: none; background: {PANEL}; }}
QHeaderView::section {{ background: #f6f8fa; border: none; border-bottom: 1px solid {RULE_LINE};
                        padding: 4px 6px; color: {MUTED}; font-weight: 600; }}
QToolBar {{ background: {WINDOW}; border: none; spacing: 4px; padding: 2px 6px; }}
QStatusBar {{ color: {MUTED}; }}
QStatusBar QLabel {{ padding: 0 6px; }}
"""

# Rich text (QTextBrowser) shares the palette.
DOCUMENT_CSS = f"""
body {{ color: {INK}; }}
h2 {{ color: {ACCENT}; margin: 0 0 4px 0; }}
h3 {{ color: {INK}; margin: 12px 0 4px 0; }}
.muted {{ color: {MUTED}; }}
.faint {{ color: {FAINT}; }}
.good {{ color: {GOOD}; font-weight: 600; }}
.bad {{ color: {BAD}; font-weight: 600; }}
.code {{ font-family: monospace; color: {FAINT}; }}
a {{ color: {ACCENT}; text-decoration: none; }}
"""


def esc(text):
    """Anything from a case or the knowledge base, made safe for rich text."""
    return html.escape(str(text), quote=True)


def response_colour(kb, response_id):
    if response_id not in kb.response_ids:
        return QColor(FAINT)
    return QColor(RESPONSE_PALETTE[kb.response_ids.index(response_id) % len(RESPONSE_PALETTE)])


def threat_colour(levels, level):
    if level not in levels:
        return QColor(FAINT)
    index = levels.index(level) * (len(THREAT_PALETTE) - 1) // max(len(levels) - 1, 1)
    return QColor(THREAT_PALETTE[index])


def apply_style(app):
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.Window, QColor(WINDOW))
    palette.setColor(QPalette.Base, QColor(PANEL))
    palette.setColor(QPalette.AlternateBase, QColor("#f6f8fa"))
    palette.setColor(QPalette.WindowText, QColor(INK))
    palette.setColor(QPalette.Text, QColor(INK))
    palette.setColor(QPalette.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.Link, QColor(ACCENT))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)


def fact_levels(kb, fact):
    """The levels of a factor or derived fact, in declared order."""
    if fact in kb.factor_ids:
        return kb.factor(fact).level_ids
    return tuple(kb.derived_fact(fact).levels)


def fact_title(kb, fact):
    label = kb.fact_label(fact)
    return label[:1].upper() + label[1:]


def card(title=None):
    """A white rounded panel with an optional section heading; returns (frame, layout)."""
    frame = QFrame(objectName="card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 14)
    layout.setSpacing(8)
    if title:
        heading = QLabel(title, objectName="sectionTitle")
        layout.addWidget(heading)
    return frame, layout
