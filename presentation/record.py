"""Measured tables as small Markdown pages: the ``--record FILE.md`` of ``main.py evaluate``,
``verify``, ``scenario`` and ``history`` and of ``python -m bench``.

A figure typed into the documentation goes stale with the next change to the engine;
a page written by the command that measured it, stamped with the commit, the machine
and the date, can be traced and regenerated. The prose of docs/ links to these pages
and says what the figures mean. Plain data in, Markdown out; no Qt.
"""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from alliance_advisor.presentation.case import evaluation_summary
from alliance_advisor.presentation.grammar import counted
from alliance_advisor.presentation.wording import percent, response_label
from alliance_advisor.rules.kb import KnowledgeBase

# The repository's root is the package's folder: git is asked there, so an installed
# copy outside a clone says "unknown" rather than naming some other repository's commit.
_ROOT = Path(__file__).resolve().parent.parent

# Options whose values are the user's own paths: a committed page names the option, not
# the folder of the machine that ran it.
_PRIVATE_VALUES = {"--data": "DIR", "--db": "FILE"}


def commit() -> str:
    """The short hash of the commit the code was run from, or "unknown" outside a clone."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def machine() -> str:
    """The platform, the CPU count and the Python version, in one line."""
    return f"{platform.platform()}, {counted(os.cpu_count() or 0, 'CPU')}, Python {platform.python_version()}"


def command_line(program: str, argv: Sequence[str]) -> str:
    """The command as typed, with the user's own paths (``--data``, ``--db``) named by
    their kind instead of their place."""
    shown: list[str] = []
    hide_next: str | None = None
    for arg in argv:
        if hide_next is not None:
            shown.append(hide_next)
            hide_next = None
            continue
        option, eq, _ = arg.partition("=")
        if option in _PRIVATE_VALUES:
            if eq:
                shown.append(f"{option}={_PRIVATE_VALUES[option]}")
            else:
                shown.append(arg)
                hide_next = _PRIVATE_VALUES[option]
            continue
        shown.append(arg)
    return " ".join([program, *(shlex.quote(a) for a in shown)])


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured Markdown table; a "|" inside a cell is escaped."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def page(title: str, command: str, body: Sequence[str], *, now: datetime.datetime | None = None) -> str:
    """A measured page: its title, the stamp (command, commit, machine, date) and the body."""
    when = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# {title}",
        "",
        "Written by the command that measured it; do not edit by hand. To regenerate:",
        "",
        f"    {command}",
        "",
        f"- Commit: {commit()}",
        f"- Machine: {machine()}",
        f"- Date: {when}",
        "",
        *body,
    ]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ main.py evaluate
def agreement_body(table: dict[str, Any], kb: KnowledgeBase) -> list[str]:
    """The agreement of the library's predictions with what each state did."""
    rows = [
        [
            row["title"],
            "" if row.get("year") is None else row["year"],
            response_label(kb, row["predicted"]),
            response_label(kb, row["observed"]),
            "yes" if row["agree"] else "no",
            f"{row['margin']:.2f}",
            "" if row.get("confidence") is None else percent(row["confidence"]),
        ]
        for row in table["rows"]
    ]
    lines = [f"- {line}" for line in evaluation_summary(table, kb)]
    lines.append("")
    lines += markdown_table(["Case", "Year", "Predicted", "Observed", "Agrees", "Margin", "Confidence"], rows)
    return lines


# ------------------------------------------------------------------ main.py verify
def verification_body(report: Mapping[str, Any]) -> list[str]:
    """The summary of a sweep of the questionnaire space: rules, shares, statics, cross-check."""
    worlds = list(report["worlds"])
    n = report["combinations"]
    if report["mode"] == "full":
        swept = f"All {report['space']:,} combinations of {report['factors']} factors"
    else:
        swept = f"A random sample of {n:,} of {report['space']:,} combinations (seed {report['seed']})"
    statics = report["statics"]
    violations = sum(s["violations"] for s in statics)
    check = report["cross_check"]
    dead = report["dead"] if report["mode"] == "full" else None
    summary: list[list[str]] = [
        ["Swept", f"{swept} in {counted(len(worlds), 'world')}"],
        ["Workers, seconds", f"{report['jobs']}, {report['seconds']}"],
        ["Rules", str(len(report["rules"]))],
        ["Dead rules", "not swept in full" if dead is None else (", ".join(dead) or "none")],
        ["Gaps (no verdict)", ", ".join(f"{w} {report['worlds'][w]['gaps']['count']:,}" for w in worlds)],
        ["Ties", ", ".join(f"{w} {report['worlds'][w]['ties']['count']:,}" for w in worlds)],
        ["Conflicting derivations", f"{report['conflicts']['count']:,}"],
        [
            "Comparative statics",
            f"{counted(len(statics), 'claim')}, {sum(s['checked'] for s in statics):,} steps checked, "
            f"{counted(violations, 'violation')}",
        ],
        [
            "experta against the vectorised evaluator",
            f"{check['combinations']:,} random combinations in {counted(check['worlds'], 'world')}: "
            f"{counted(check['disagreements'], 'disagreement')}",
        ],
        ["Result", "OK" if report["ok"] else "FAILED"],
    ]
    lines = markdown_table(["Check", "Finding"], summary)
    responses = list(report["worlds"][worlds[0]]["shares"])
    shares = [[rid, *(f"{report['worlds'][w]['shares'][rid]:.1%}" for w in worlds)] for rid in responses]
    shares.append(["no verdict (gap)", *(f"{report['worlds'][w]['gaps']['count'] / n:.1%}" for w in worlds)])
    lines += ["", "Share of the space per verdict, by world:", ""]
    lines += markdown_table(["verdict", *worlds], shares)
    c1 = report["c1"]
    lines += [
        "",
        f"C1 (balancing is the rule): in {report['worlds'][c1['world']]['title']} balancing takes "
        f"{c1['balancing_share']:.1%} of the space, bandwagoning {c1['bandwagoning_share']:.1%}: "
        + ("holds." if c1["holds"] else "contradicted."),
    ]
    return lines


# ------------------------------------------------------------------ main.py scenario
def scenarios_body(results: Sequence[tuple[str, Any]]) -> list[str]:
    """For each scenario (its file's name and its result), the three theories' placements."""
    from alliance_advisor.presentation.scenario import baseline_rows, rounds_text

    lines: list[str] = []
    for name, result in results:
        lines += [f"## {result.scenario.title}", "", f"`{name}`, {rounds_text(result)}.", ""]
        rows = [(theory, how, placed, wrong) for theory, how, placed, _, wrong in baseline_rows(result)]
        lines += markdown_table(["Theory", "How", "Placed as observed", "Misplaced"], rows)
        lines.append("")
    return lines


# ------------------------------------------------------------------ main.py history
def evaluation_body(evaluation: Mapping[str, Any], named: str = "") -> list[str]:
    """The field's measures of a history run, first on its page: the reading, the held-out
    scores with intervals, the clean years, rolling by era and the regression table; the
    hard-prediction tables follow as secondary."""
    from alliance_advisor.presentation.history import (
        EVALUATION_COLUMNS,
        PARTS_COLUMNS,
        PARTS_HEADING,
        PARTS_NOTE,
        ROLLING_COLUMNS,
        coefficient_rows,
        evaluation_rows,
        held_out_line,
        parts_rows,
        rolling_rows,
    )

    h = evaluation["held_out"]
    lines = ["## The field's measures", "", *[f"- {line}" for line in evaluation["reading"]], ""]
    lines += [held_out_line(evaluation), "", *markdown_table(EVALUATION_COLUMNS, evaluation_rows(h.get("models")))]
    clean = h.get("clean")
    if clean and clean.get("models"):
        lines += ["", "Held-out years that nothing in the repository names:", ""]
        lines += markdown_table(EVALUATION_COLUMNS, evaluation_rows(clean["models"]))
    if evaluation.get("threat_parts"):
        lines += ["", f"{PARTS_HEADING}. {PARTS_NOTE}", ""]
        lines += markdown_table(PARTS_COLUMNS, parts_rows(evaluation))
        lines += ["", *[f"- {line}" for line in evaluation["threat_parts"].get("reading", [])]]
    if evaluation["by_era"]:
        lines += ["", "Rolling by era (each era judged by the models fitted on the eras before it):", ""]
        lines += markdown_table(ROLLING_COLUMNS, rolling_rows(evaluation))
    if named:
        lines += ["", named]
    header, rows = coefficient_rows(evaluation)
    lines += ["", "Logits on all years (per SD for numeric terms; SE clustered by pair):", ""]
    lines += [*markdown_table(header, rows), "", "## Hard predictions (secondary)", ""]
    return lines


def history_body(run: Mapping[str, Any], ran: str) -> list[str]:
    """The headline table of a history run (and its held-out years and sensitivity), with
    how the run went (``ran``: years, runs computed or resumed, seconds)."""
    from alliance_advisor.presentation.history import (
        COLUMNS,
        THEORY_NAMES,
        best_and_worst,
        fmt,
        headline_rows,
        named_line,
    )

    def named(rows: list[list[str]]) -> list[list[str]]:
        return [[THEORY_NAMES[row[0]], *row[1:]] for row in rows]

    s = run["summary"]
    header = ["theory", *[label for _, label in COLUMNS]]
    lines = [
        f"History of the state system, {s['years'][0]}-{s['years'][1]} (mapping {run['mapping']['hash']}); {ran}.",
        "",
        *(evaluation_body(s["evaluation"], named_line(s.get("held_out"))) if s.get("evaluation") else []),
        "All years:",
        "",
        *markdown_table(header, named(headline_rows(s["theories"]))),
    ]
    if s.get("held_out"):
        h = s["held_out"]
        lines += [
            "",
            f"Held out, {h['from']}-{h['to']} (mapping frozen {h['mapping_frozen']}):",
            "",
            *markdown_table(header, named(headline_rows(h["theories"]))),
        ]
    eras = [
        [era, fmt(t["threat"]["pairs_f1"]), fmt(t["threat"]["onsets_f1"]), t["threat"]["state_years"]]
        for era, t in s["by_era"].items()
    ]
    lines += [
        "",
        "By era (balance of threat):",
        "",
        *markdown_table(["era", "pairs F1", "onsets F1", "state-years"], eras),
    ]
    rows = s["sensitivity"]["rows"]
    if rows:
        lines += ["", f"Sensitivity (balance of threat, every {s['sensitivity']['every']}th year):", ""]
        lines += markdown_table(
            ["variant", "pairs F1", "onsets F1"],
            [[r["variant"], fmt(r["pairs_f1"]), fmt(r["onsets_f1"])] for r in rows],
        )
    best, worst = best_and_worst(run)
    lines += [
        "",
        "Best years (pairs F1, onsets F1): " + ", ".join(f"{y} ({a:.2f}, {b:.2f})" for y, a, b in best) + ".",
        "Worst years: " + ", ".join(f"{y} ({a:.2f}, {b:.2f})" for y, a, b in worst) + ".",
        "",
        "Data:",
        "",
        *[f"- {f['release']}: {f['citation']}" for f in run["data"]["files"]],
    ]
    return lines
