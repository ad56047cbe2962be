"""Write a report to a file: atomically, with a clear error naming the path.

``write(result, path, fmt, paper)`` is the one entry the command line and the app
call, for every kind of result: it checks the format and the paper size, writes the
JSON itself (``json_data`` assembles each kind's once), has the builder registered
for the result's type lay the report out as blocks, and hands those to the renderer
of the format (reports/writing.py), which knows no kind. A new kind of result
registers its builder and its JSON with ``register`` in ``_register_builtin``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alliance_advisor.rules.errors import ExportError
from alliance_advisor.rules.fileio import atomic_write_text

if TYPE_CHECKING:
    from alliance_advisor.reports.blocks import Report

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
# How long a report is: 'full' (every section, the rule tables in an appendix) or
# 'brief' (two pages: the verdict, the chain, what would change it); a kind without a
# brief report refuses 'brief'. The label is the app's.
LENGTHS = {"full": "Full report", "brief": "Brief report (two pages)"}
# What was really written, for the app's status message.
FORMAT_NAMES = {"html": "an HTML report", "pdf": "a PDF report", "md": "a Markdown report", "json": "a JSON result"}
BRIEF_NAMES = {"html": "a brief HTML report", "pdf": "a brief PDF report", "md": "a brief Markdown report"}


def _dialog_filters() -> dict[str, tuple[str, str]]:
    filters: dict[str, tuple[str, str]] = {}
    for fmt, text in FORMATS.items():
        if fmt not in BRIEF_NAMES:
            filters[text] = (fmt, "full")
            continue
        kind, pattern = text.split(" report ")
        filters[f"{kind} full report {pattern}"] = (fmt, "full")
        filters[f"{kind} brief report, two pages {pattern}"] = (fmt, "brief")
    return filters


# The app's Export dialog: each filter -> (format, length). The name typed decides the
# format; the filter chosen decides the length, Brief or Full (and the format of a name
# that has no extension we know).
DIALOG_FILTERS = _dialog_filters()


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The report format a file name asks for by its extension, or None."""
    return EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower())


@dataclass(frozen=True)
class Kind:
    """How one type of result is exported: its reports (md, html, pdf) and its JSON."""

    name: str  # what the result is, for an error message ("a case analysis")
    # (result, fmt, path, paper) -> the report as blocks, told where it goes (md/html/pdf)
    report: Callable[[Any, str, str, str], Report]
    data: Callable[[Any], dict[str, Any]]  # result -> its JSON, as plain data
    # (result, fmt, path, paper) -> the brief report as blocks; None: the kind has none
    brief: Callable[[Any, str, str, str], Report] | None = None


_KINDS: dict[type, Kind] = {}


def register(result_type: type, kind: Kind) -> None:
    """Export results of ``result_type`` (and its subclasses) as ``kind`` says."""
    _KINDS[result_type] = kind


def _register_builtin() -> None:
    # The result types are loaded whenever a result exists, so importing them here
    # costs nothing; importing them at the top would load the engine with this module.
    from alliance_advisor.rules.case import Result
    from alliance_advisor.rules.history import HistoryRun
    from alliance_advisor.rules.scenario import ScenarioResult

    register(Result, Kind("a case analysis", _case_report, result_json, _case_brief))
    register(ScenarioResult, Kind("a scenario run", _scenario_report, scenario_json))
    register(HistoryRun, Kind("a history run", _history_report, dict))


# The builders (and the renderers) load when a report is written: JSON needs none of them.
def _case_report(result: Any, fmt: str, path: str, paper: str) -> Report:
    """A case's blocks, told where they go so that its reproduce line is true."""
    from alliance_advisor.reports.case import Output, report_blocks

    return report_blocks(result, output=Output(fmt, os.path.basename(path), paper))


def _case_brief(result: Any, fmt: str, path: str, paper: str) -> Report:
    from alliance_advisor.reports.case import Output, brief_blocks

    return brief_blocks(result, output=Output(fmt, os.path.basename(path), paper, "brief"))


def _scenario_report(result: Any, fmt: str, path: str, paper: str) -> Report:
    from alliance_advisor.reports.scenario import scenario_report

    return scenario_report(result, fmt, path, paper)


def _history_report(run: Any, fmt: str, path: str, paper: str) -> Report:
    from alliance_advisor.reports.history import history_report

    return history_report(run, fmt, path, paper)


def kind_of(result: object) -> Kind:
    """The registered kind of ``result``; ExportError for a type nothing registered."""
    if not _KINDS:
        _register_builtin()
    for cls in type(result).__mro__:
        if cls in _KINDS:
            return _KINDS[cls]
    raise ExportError(f"cannot export a {type(result).__name__}: no report is registered for it")


def write(
    result: object, path: str | os.PathLike[str], fmt: str | None = None, paper: str = "a4", length: str = "full"
) -> None:
    """Write ``result`` (a case's Result, a ScenarioResult, ...) to ``path`` in ``fmt``
    (a key of FORMATS; by default the one the path's extension names), ``length`` long
    (a key of LENGTHS; JSON is always whole).

    Every file is written atomically; on any failure ExportError (naming the path)
    is raised and no file of the report is left behind, complete or not.
    """
    path = os.fspath(path)
    fmt = fmt or format_for_path(path)
    paper = str(paper).lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown report format '{fmt}' (expected {', '.join(FORMATS)})", path)
    if paper not in PAPERS:
        raise ExportError(f"unknown paper size '{paper}' (expected {', '.join(PAPERS)})", path)
    if length not in LENGTHS:
        raise ExportError(f"unknown report length '{length}' (expected {', '.join(LENGTHS)})", path)
    kind = kind_of(result)
    if fmt == "json":
        atomic_write_text(path, json_text(kind.data(result)))
        return
    build = kind.report if length == "full" else kind.brief
    if build is None:
        raise ExportError(f"{kind.name} has no {length} report (only a full one)", path)
    from alliance_advisor.reports.writing import write_blocks

    write_blocks(build(result, fmt, path, paper), fmt, path, paper)


def json_data(result: object) -> dict[str, Any]:
    """The JSON of any registered kind of result, as plain data."""
    return kind_of(result).data(result)


def json_text(data: object) -> str:
    """JSON as every command and the app write it: indented, UTF-8, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def scenario_json(result: Any) -> dict[str, Any]:
    """A scenario run as plain data, every explanation included."""
    from alliance_advisor.rules.scenario import scenario_result_to_dict

    return scenario_result_to_dict(result)


def result_json(result: Any) -> dict[str, Any]:
    """The result object as plain data, with the app's version beside the knowledge
    base's, so that a JSON file says what made it."""
    from alliance_advisor.rules.version import app_version

    data: dict[str, Any] = {}
    for key, value in result.to_dict().items():
        data[key] = value
        if key == "knowledge_version":
            data["app_version"] = app_version()
    data.setdefault("app_version", app_version())
    return data


def write_report(result: Any, fmt: str, path: str | os.PathLike[str], paper: str = "a4") -> None:
    """A case's report: ``write`` with the format named (kept for its callers)."""
    write(result, path, fmt, paper)
