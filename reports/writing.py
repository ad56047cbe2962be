"""A report laid out as blocks (reports/case.py) written in md, html or pdf.

The scenario and the history reports both end here; a case's report goes through
app/export.py's own writer, which also picks its figures' files.
"""

from __future__ import annotations

import os
from typing import Any

from alliance_advisor.rules.errors import ExportError
from alliance_advisor.rules.fileio import atomic_write_bytes, atomic_write_text


def write_blocks(result: Any, report: Any, fmt: str, path: str | os.PathLike[str], paper: str = "a4") -> None:
    """Write a report already laid out as blocks (reports/case.py) in md, html or pdf,
    atomically; ``result`` is what the writers read the knowledge base's version from.
    The scenario and the history reports both end here. ExportError naming the path."""
    path = os.fspath(path)
    if fmt == "html":
        from alliance_advisor.reports.html import render_html

        atomic_write_text(path, render_html(result, report))
    elif fmt == "pdf":
        from alliance_advisor.reports.pdf import render_pdf

        try:
            data = render_pdf(result, paper, report)
        except ExportError as exc:
            raise ExportError(exc.message, path) from None
        atomic_write_bytes(path, data)
    else:
        from alliance_advisor.reports.markdown import figure_name, render_markdown

        folder = os.path.dirname(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        text = render_markdown(result, stem, report)
        for fig in report.figures():
            atomic_write_text(os.path.join(folder, figure_name(stem, fig.key)), fig.svg)
        atomic_write_text(path, text)
