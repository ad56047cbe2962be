"""Write a report to a file: atomically, with a clear error naming the path."""
import json
import os

from rules.errors import ExportError
from rules.fileio import atomic_write_bytes, atomic_write_text

from .content import report_blocks

# Format -> the filter text of the app's Export dialog.
FORMATS = {
    "html": "HTML report (*.html)",
    "pdf": "PDF report (*.pdf)",
    "md": "Markdown report (*.md)",
    "json": "JSON result (*.json)",
}
PAPERS = ("a4", "letter")


def write_report(result, fmt, path, paper="a4"):
    """Write ``result`` as a report in ``fmt`` (a key of FORMATS) to ``path``.

    Every file is written atomically; on any failure ExportError (naming the path)
    is raised and no file of the report is left behind, complete or not.
    """
    path = os.fspath(path)
    paper = str(paper).lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown report format '{fmt}' (expected {', '.join(FORMATS)})", path)
    if paper not in PAPERS:
        raise ExportError(f"unknown paper size '{paper}' (expected {', '.join(PAPERS)})", path)
    if fmt == "json":
        atomic_write_text(path, json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "html":
        from .html import render_html
        atomic_write_text(path, render_html(result))
    elif fmt == "pdf":
        from .pdf import render_pdf
        try:
            data = render_pdf(result, paper)
        except ExportError as exc:
            raise ExportError(exc.message, path) from None
        atomic_write_bytes(path, data)
    else:
        _write_markdown(result, path)


def _write_markdown(result, path):
    """The Markdown file and its figures beside it, as ``<stem>-<figure>.svg``."""
    from .markdown import figure_name, render_markdown
    report = report_blocks(result)
    folder = os.path.dirname(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    text = render_markdown(result, stem, report)
    written = []
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


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass
