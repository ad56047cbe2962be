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
    EVALUATION_COLUMNS,
    EVALUATION_METHOD,
    EVALUATION_MODELS,
    METHOD,
    OBSERVED_BLOCS,
    PARTS_COLUMNS,
    PARTS_HEADING,
    PARTS_NOTE,
    PREDICTED_BLOCS,
    ROLLING_COLUMNS,
    THEORY_NAMES,
    best_and_worst,
    coefficient_rows,
    column_legend,
    evaluation_rows,
    headline_rows,
    held_out_line,
    named_line,
    parts_rows,
    rolling_rows,
    run_title,
    year_series,
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


def _plot_figure(figsize: tuple[float, float]) -> Any:
    """A matplotlib figure on the Agg backend (no screen, no pyplot state)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as PlotFigure

    return PlotFigure(figsize=figsize)


def _figure_bytes(fig: Any, fmt: str) -> bytes:
    """The figure as svg or png. Text as text, not glyph outlines: Qt's SVG renderer (the
    PDF) resolves no glyph links; no date in the SVG, so the same run gives the same file."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def era_plot(run: Mapping[str, Any], fmt: str = "svg") -> bytes:
    """Pairs and onsets F1 of each theory by era, as an image (svg or png)."""
    eras = list(run["summary"]["by_era"])
    fig = _plot_figure(figsize=(8, 3.2))
    for n, part in enumerate(("pairs_f1", "onsets_f1")):
        ax = fig.add_subplot(1, 2, n + 1)
        for name in THEORY_NAMES:
            ax.plot(eras, [run["summary"]["by_era"][e][name][part] for e in eras], marker="o", label=name)
        ax.set_title(part.replace("_", " "))
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        ax.set_ylim(0, 1)
    fig.axes[0].legend(fontsize=7)
    fig.tight_layout()
    return _figure_bytes(fig, fmt)


def years_plot(run: Mapping[str, Any], fmt: str = "svg") -> bytes:
    """The History window's plot over the years, for the report: each theory's pairs F1
    by year, and the number of blocs predicted and observed (presentation's
    ``year_series``, the same points the window draws)."""
    years = sorted(run["years"].items(), key=lambda kv: int(kv[0]))
    xs = [int(y) for y, _ in years]
    series = [year_series(y) for _, y in years]
    fig = _plot_figure(figsize=(8, 3.6))
    scores = fig.add_subplot(2, 1, 1)
    blocs = fig.add_subplot(2, 1, 2, sharex=scores)
    for name in series[0] if series else ():
        axis = blocs if name in (PREDICTED_BLOCS, OBSERVED_BLOCS) else scores
        axis.plot(xs, [point.get(name, float("nan")) for point in series], linewidth=1.0, label=name)
    scores.set(ylabel="pairs F1", ylim=(0, 1))
    blocs.set(ylabel="blocs", xlabel="year")
    scores.tick_params(labelbottom=False)
    for axis in (scores, blocs):
        axis.legend(fontsize=6, loc="upper left", ncol=3)
    fig.tight_layout()
    return _figure_bytes(fig, fmt)


def curves_plot(evaluation: Mapping[str, Any], fmt: str = "svg") -> bytes:
    """The held-out ROC and precision-recall curves of each model and baseline (svg or png)."""
    curves = evaluation["held_out"]["curves"]
    fig = _plot_figure(figsize=(8, 3.4))
    roc, pr = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for name, title in EVALUATION_MODELS.items():
        if not curves.get(name) or not curves[name]["roc"]:
            continue
        style = "--" if title.startswith("Baseline") else "-"
        roc.plot(*zip(*curves[name]["roc"]), style, linewidth=1.2, label=title)
        pr.plot(*zip(*curves[name]["pr"]), style, linewidth=1.2, label=title)
    roc.plot([0, 1], [0, 1], ":", color="grey", linewidth=0.8)
    roc.set(title="ROC (held out)", xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1), ylim=(0, 1))
    pr.set(title="Precision-recall (held out)", xlabel="recall", ylabel="precision", xlim=(0, 1))
    pr.set_yscale("log")
    # Plain decimals on the log axis: mathtext's superscripts ("3 x 10^-3") lose their
    # exponent in the reports' SVG text, which then reads "3 x 10".
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    pr.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    pr.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.3g}"))
    pr.yaxis.set_minor_formatter(NullFormatter())
    roc.legend(fontsize=6, loc="lower right")
    fig.tight_layout()
    return _figure_bytes(fig, fmt)


def _wide_table(header: list[str], rows: list[list[str]], widths: tuple[int, ...] = ()) -> Table:
    cells = [[[Run(c)] for c in row] for row in rows]
    return Table(header, cells, "history", numeric=tuple(range(1, len(header))), widths=widths, whole=True)


def evaluation_blocks(evaluation: Mapping[str, Any]) -> list[Block]:
    """The field's measures: the reading, the held-out table, the curves, the clean years,
    rolling by era and the regression table (presentation/history.py's wording)."""
    h = evaluation["held_out"]
    widths = (19, 13, 13, 15, 14, 13, 13)
    blocks: list[Block] = [
        Heading(2, "The field's measures"),
        Para([Run(EVALUATION_METHOD)]),
        Heading(2, "Held out: scores with 95% intervals"),
        _wide_table(list(EVALUATION_COLUMNS), evaluation_rows(h.get("models")), widths),
        Para([Run(held_out_line(evaluation))]),
        Bullets([[Run(line)] for line in evaluation["reading"]]),
    ]
    if h.get("curves"):
        svg = _as_figure(curves_plot(evaluation, "svg").decode("utf-8"))
        caption = [
            strong("Held-out curves. "),
            Run("ROC and precision-recall (log scale) of each model and baseline on the held-out years."),
        ]
        blocks.append(Figure("curves", svg, caption, "ROC and precision-recall curves on the held-out years"))
    clean = h.get("clean")
    if clean and clean.get("models"):
        blocks += [
            Heading(2, "Held-out years that nothing in the repository names"),
            _wide_table(list(EVALUATION_COLUMNS), evaluation_rows(clean["models"]), widths),
        ]
    if evaluation.get("threat_parts"):
        blocks += [
            Heading(2, PARTS_HEADING),
            _wide_table(list(PARTS_COLUMNS), parts_rows(evaluation), (40, 20, 20, 20)),
            Para([Run(PARTS_NOTE)]),
            Bullets([[Run(line)] for line in evaluation["threat_parts"].get("reading", [])]),
        ]
    if evaluation["by_era"]:
        blocks += [
            Heading(2, "Rolling by era"),
            _wide_table(list(ROLLING_COLUMNS), rolling_rows(evaluation)),
            Para([Run("Each era judged by the models fitted on the eras before it; the gain is balance of threat's.")]),
        ]
    header, rows = coefficient_rows(evaluation)
    blocks += [
        Heading(2, "Logits on all years"),
        _wide_table(header, rows),
        Para(
            [
                Run(
                    "Coefficients per standard deviation for numeric terms (0/1 terms as they are), standard "
                    "errors clustered by pair in brackets; * p < .05, ** p < .01, *** p < .001. "
                    + evaluation["imputation"]
                )
            ]
        ),
    ]
    return blocks


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
    blocks: list[Block] = [Heading(1, title)]
    if s.get("evaluation"):
        blocks += evaluation_blocks(s["evaluation"])
        if named := named_line(s.get("held_out")):
            blocks.append(Para([Run(named)]))
        blocks.append(Heading(2, "Hard predictions (secondary): method"))
    else:
        blocks.append(Heading(2, "Method"))
    blocks.append(Para([Run(METHOD)]))
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
    if len(run["years"]) > 1:
        svg = _as_figure(years_plot(run, "svg").decode("utf-8"))
        caption = [
            strong("Over the years. "),
            Run(
                "Each theory's pairs F1 by year, and the number of blocs balance of threat predicts and the "
                "number observed the next year (the History window's plot)."
            ),
        ]
        blocks.append(Figure("years", svg, caption, "Each theory's pairs F1 and the number of blocs by year"))
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
            _table(
                ["Variant", "Pairs F1", "Onsets F1"],
                [[r["variant"], f"{r['pairs_f1']:.3f}", f"{r['onsets_f1']:.3f}"] for r in rows],
            ),
            Para(
                [
                    Run(
                        f"Each declared threshold one step down and up, the rest as declared, on every {every}th "
                        f"year ({rows[0]['years']} years; the row 'as declared' is the same sample)."
                    )
                ]
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
