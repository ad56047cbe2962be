"""Write a report to a file: atomically, with a clear error naming the path."""

import json
import os

from rules.errors import ExportError
from rules.fileio import atomic_write_bytes, atomic_write_text

# Format -> the filter text of the app's Export dialog.
FORMATS = {
    "html": "HTML report (*.html)",
    "pdf": "PDF report (*.pdf)",
    "md": "Markdown report (*.md)",
    "json": "JSON result (*.json)",
}
PAPERS = ("a4", "letter")
# File name extension -> format: the name the user gives decides what is written.
EXTENSIONS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".markdown": "md", ".json": "json"}
# What was really written, for the app's status message.
FORMAT_NAMES = {"html": "an HTML report", "pdf": "a PDF report", "md": "a Markdown report", "json": "a JSON result"}


def format_for_path(path):
    """The report format a file name asks for by its extension, or None."""
    return EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower())


def result_json(result) -> dict:
    """The result object as plain data, with the app's version beside the knowledge
    base's, so that a JSON file says what made it."""
    from rules.version import app_version

    data = {}
    for key, value in result.to_dict().items():
        data[key] = value
        if key == "knowledge_version":
            data["app_version"] = app_version()
    data.setdefault("app_version", app_version())
    return data


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
        atomic_write_text(path, json.dumps(result_json(result), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "html":
        from .html import render_html

        atomic_write_text(path, render_html(result, _report(result, fmt, path, paper)))
    elif fmt == "pdf":
        from .pdf import render_pdf

        try:
            data = render_pdf(result, paper, _report(result, fmt, path, paper))
        except ExportError as exc:
            raise ExportError(exc.message, path) from None
        atomic_write_bytes(path, data)
    else:
        _write_markdown(result, path)


def _report(result, fmt, path, paper="a4"):
    """The report's blocks, told where they go so that its reproduce line is true."""
    from .content import Output, report_blocks  # not for json: it needs no report

    return report_blocks(result, output=Output(fmt, os.path.basename(path), paper))


def _write_markdown(result, path):
    """The Markdown file and its figures beside it, as ``<stem>-<figure>.svg``."""
    from .markdown import figure_name, render_markdown

    report = _report(result, "md", path)
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
