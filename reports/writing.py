"""A report laid out as blocks (reports/blocks.py) written in md, html or pdf.

Every kind's report ends here: app/export.py has the kind's builder lay the report
out, then hands the blocks to ``write_blocks``, which picks the renderer for the format.
"""

from __future__ import annotations

import os

from alliance_advisor.reports.blocks import Report
from alliance_advisor.rules.errors import ExportError
from alliance_advisor.rules.fileio import atomic_write_bytes, atomic_write_text


def write_blocks(report: Report, fmt: str, path: str | os.PathLike[str], paper: str = "a4") -> None:
    """Write a report already laid out as blocks in md, html or pdf, atomically.
    ExportError naming the path; no file of the report is left behind on failure."""
    path = os.fspath(path)
    if fmt == "html":
        from alliance_advisor.reports.html import render_html

        atomic_write_text(path, render_html(report))
    elif fmt == "pdf":
        from alliance_advisor.reports.pdf import render_pdf

        try:
            data = render_pdf(report, paper)
        except ExportError as exc:
            raise ExportError(exc.message, path) from None
        atomic_write_bytes(path, data)
    else:
        _write_markdown(report, path)


def _write_markdown(report: Report, path: str) -> None:
    """The Markdown file and its figures beside it, as ``<stem>-<figure>.svg``."""
    from alliance_advisor.reports.markdown import figure_name, render_markdown

    folder = os.path.dirname(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    text = render_markdown(report, stem)
    written: list[str] = []
    try:
        for fig in report.figures():
            image = os.path.join(folder, figure_name(stem, fig.key))
            atomic_write_text(image, fig.svg)
            written.append(image)
        atomic_write_text(path, text)
    except ExportError as exc:
        for image in written:
            _remove(image)
        # Name the report the user asked for, whichever of its files failed.
        raise ExportError(exc.message, path) from None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
