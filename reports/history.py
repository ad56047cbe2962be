"""The report of a history run (main.py history --format md|html|pdf).

``history_report_blocks(run)`` turns a history run into the same blocks the case and
scenario reports use (reports/case.py), so the Markdown, HTML and PDF writers lay it
out as they lay out every other report: the method, the mapping, the headline table
(all years and held out), agreement by era as a plot (matplotlib, Agg backend, as SVG),
the sensitivity table, the best and worst years, the data sets' citations and the lines
to cite and reproduce the run. Wording from presentation/history.py.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import shlex
from collections.abc import Mapping
from typing import Any

from alliance_advisor.presentation.history import (
    COLUMNS,
    METHOD,
    THEORY_NAMES,
    best_and_worst,
    column_legend,
    headline_rows,
    run_title,
)
from alliance_advisor.reports.blocks import (
    Block,
    Bullets,
    Figure,
    Heading,
    Para,
    Report,
    Run,
    Table,
    code,
    emphasis,
    strong,
)
from alliance_advisor.rules.version import app_version


def era_plot(run: Mapping[str, Any], fmt: str = "svg") -> bytes:
    """Pairs and onsets F1 of each theory by era, as an image (svg or png)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as PlotFigure

    eras = list(run["summary"]["by_era"])
    fig = PlotFigure(figsize=(8, 3.2))
    for n, part in enumerate(("pairs_f1", "onsets_f1")):
        ax = fig.add_subplot(1, 2, n + 1)
        for name in THEORY_NAMES:
            ax.plot(eras, [run["summary"]["by_era"][e][name][part] for e in eras], marker="o", label=name)
        ax.set_title(part.replace("_", " "))
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        ax.set_ylim(0, 1)
    fig.axes[0].legend(fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    # Text as text, not glyph outlines: Qt's SVG renderer (the PDF) resolves no glyph links.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def _as_figure(svg: str) -> str:
    """matplotlib's SVG as the reports' figures are: no XML prolog, and a size in whole
    pixels (the viewBox's units), which the HTML and PDF writers scale from."""
    svg = svg[svg.index("<svg") :]
    size = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if size:
        w, h = (round(float(v)) for v in size.groups())
        svg = svg.replace(size.group(0), f'width="{w}" height="{h}"', 1)
    return svg


def _cited(text: str) -> list[Run]:
    """A citation as runs: its *starred* titles in italics."""
    return [emphasis(part) if n % 2 else Run(part) for n, part in enumerate(text.split("*")) if part]


def _table(header: list[str], rows: list[list[str]]) -> Table:
    cells = [[[Run(c)] for c in row] for row in rows]
    return Table(header, cells, "history", numeric=tuple(range(1, len(header))), whole=True)


def _headline(theories: Mapping[str, Mapping[str, Any]]) -> list[Block]:
    """The headline table and, under it, what each column measures (the app's tooltips' words)."""
    labels = [label for _, label in COLUMNS]
    legend = Para([Run(column_legend(labels))])
    return [_table(["Theory", *labels], headline_rows(theories)), legend]


def history_report_blocks(run: Mapping[str, Any], generated: str | None = None, command: str = "") -> Report:
    s = run["summary"]
    first, last = s["years"]
    generated = generated or datetime.date.today().isoformat()
    title = run_title(run)
    blocks: list[Block] = [Heading(1, title), Heading(2, "Method"), Para([Run(METHOD)])]
    m = run["mapping"]
    blocks += [
        Heading(2, "The mapping"),
        Para(
            [
                Run("knowledge/derivation.yaml, section "),
                code("history"),
                Run(", hash "),
                code(str(m["hash"])),
                Run(f", frozen {m['frozen']} (the held-out years were computed after that date)."),
            ]
        ),
        Heading(2, f"All years, {first}-{last}"),
        *_headline(s["theories"]),
    ]
    if s.get("by_era"):
        svg = _as_figure(era_plot(run, "svg").decode("utf-8"))
        blocks += [
            Figure(
                "eras",
                svg,
                [
                    strong("Agreement by era. "),
                    Run("Pairs and onsets F1 of each theory, by era (counts pooled over the era's years)."),
                ],
                "Pairs and onsets F1 of each theory by era",
            ),
        ]
    if s.get("held_out"):
        h = s["held_out"]
        blocks += [
            Heading(2, f"Held out, {h['from']}-{h['to']}"),
            Para(
                [Run(f"Computed last, after the mapping was frozen on {h['mapping_frozen']}; reported as it came out.")]
            ),
            *_headline(h["theories"]),
        ]
    rows = s["sensitivity"]["rows"]
    if rows:
        every = s["sensitivity"]["every"]
        blocks += [
            Heading(2, "Sensitivity (balance of threat)"),
            Para(
                [
                    Run(
                        f"Each declared threshold one step down and up, the rest as declared, on every {every}th "
                        f"year ({rows[0]['years']} years; the row 'as declared' is the same sample)."
                    )
                ]
            ),
            _table(
                ["Variant", "Pairs F1", "Onsets F1"],
                [[r["variant"], f"{r['pairs_f1']:.3f}", f"{r['onsets_f1']:.3f}"] for r in rows],
            ),
            Para([Run(column_legend(["pairs F1", "onsets F1"]))]),
        ]
    best, worst = best_and_worst(run)
    blocks += [
        Heading(2, "Best and worst years (balance of threat)"),
        _table(
            ["Best year", "Pairs F1", "Onsets F1", "Worst year", "Pairs F1", "Onsets F1"],
            [
                [str(y1), f"{a1:.2f}", f"{b1:.2f}", str(y2), f"{a2:.2f}", f"{b2:.2f}"]
                for (y1, a1, b1), (y2, a2, b2) in zip(best, worst, strict=False)
            ],
        ),
        Heading(2, "Data"),
        Bullets(
            [[strong(f["release"]), Run(": "), *_cited(f["citation"])] for f in run["data"]["files"]]
            + [[strong("Extracted with"), Run(": "), *_cited(run["data"]["extracted_with"])]]
        ),
        Heading(2, "Cite and reproduce"),
        Para(
            [
                Run(
                    f"Alliance Advisor {app_version()}, knowledge base {run.get('knowledge_version', '')}, mapping "
                    f"{m['hash']}, seed {run.get('seed', 0)}: history report, generated {generated}."
                )
            ]
        ),
    ]
    if command:
        blocks.append(Para([code(command)]))
    return Report(title, blocks, generated, str(run.get("knowledge_version", "")))


def _command(run: Mapping[str, Any], fmt: str, path: str) -> str:
    first, last = run["summary"]["years"]
    args = ["python", "main.py", "history", "--data", "DIR", "--from", str(first), "--to", str(last)]
    if run.get("seed"):
        args += ["--seed", str(run["seed"])]
    every = run["summary"]["sensitivity"]["every"]
    if every != 5:
        args += ["--sensitivity-every", str(every)]
    return shlex.join([*args, "--format", fmt, "-o", os.path.basename(path)])


def history_report(run: Mapping[str, Any], fmt: str, path: str, paper: str = "a4") -> Report:
    """The report of a history run as blocks, with the command that writes it again
    in ``fmt`` to ``path`` (the paper is the renderer's alone)."""
    return history_report_blocks(run, command=_command(run, fmt, os.fspath(path)))
