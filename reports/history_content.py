"""The report of a history run (main.py history --format md|html|pdf).

Method, mapping, the headline table (all years and held out), agreement by era as a
plot (matplotlib, Agg backend), the best and worst years, and the citations of every
data set. Wording from presentation/history_text.py.
"""

from __future__ import annotations

import html
import io
import os
from collections.abc import Mapping
from typing import Any

from presentation.history_text import COLUMNS, METHOD, THEORY_NAMES, best_and_worst, headline_rows
from rules.errors import ExportError
from rules.fileio import atomic_write_text


def era_plot(run: Mapping[str, Any], fmt: str = "svg") -> bytes:
    """Pairs and onsets F1 of each theory by era, as an image (svg or png)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    eras = list(run["summary"]["by_era"])
    fig = Figure(figsize=(8, 3.2))
    for i, part in enumerate(("pairs_f1", "onsets_f1")):
        ax = fig.add_subplot(1, 2, i + 1)
        for name in THEORY_NAMES:
            ax.plot(eras, [run["summary"]["by_era"][e][name][part] for e in eras], marker="o", label=name)
        ax.set_title(part.replace("_", " "))
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        ax.set_ylim(0, 1)
    fig.axes[0].legend(fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def _sections(run: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(heading, kind, content) blocks; kind: text, table, list."""
    s = run["summary"]
    header = ["theory", *[label for _, label in COLUMNS]]
    out: list[tuple[str, str, Any]] = [("Method", "text", METHOD)]
    out.append(("Mapping", "text", f"knowledge/derivation.yaml, history section, hash {run['mapping']['hash']}, "
                f"frozen {run['mapping']['frozen']}."))  # fmt: skip
    out.append((f"All years, {s['years'][0]}-{s['years'][1]}", "table", [header, *headline_rows(s["theories"])]))
    if s.get("held_out"):
        h = s["held_out"]
        out.append(
            (f"Held out, {h['from']}-{h['to']} (mapping frozen {h['mapping_frozen']})", "table",
             [header, *headline_rows(h["theories"])])
        )  # fmt: skip
    rows = s["sensitivity"]["rows"]
    if rows:
        out.append(("Sensitivity (balance of threat)", "table",
                    [["variant", "pairs F1", "onsets F1"], *[[r["variant"], f"{r['pairs_f1']:.3f}",
                     f"{r['onsets_f1']:.3f}"] for r in rows]]))  # fmt: skip
    best, worst = best_and_worst(run)
    out.append(("Best years (balance of threat, pairs F1 / onsets F1)", "list",
                [f"{y}: {a:.2f} / {b:.2f}" for y, a, b in best]))  # fmt: skip
    out.append(("Worst years", "list", [f"{y}: {a:.2f} / {b:.2f}" for y, a, b in worst]))
    out.append(("Data", "list", [f"{f['release']}: {f['citation']}" for f in run["data"]["files"]]
                + [f"Extracted with: {run['data']['extracted_with']}"]))  # fmt: skip
    return out


def _markdown(run: Mapping[str, Any], image: str) -> str:
    lines = [f"# History of the state system, {run['summary']['years'][0]}-{run['summary']['years'][1]}", ""]
    for heading, kind, content in _sections(run):
        lines += [f"## {heading}", ""]
        if kind == "text":
            lines.append(content)
        elif kind == "table":
            lines.append("| " + " | ".join(content[0]) + " |")
            lines.append("|" + "---|" * len(content[0]))
            lines += ["| " + " | ".join(r) + " |" for r in content[1:]]
        else:
            lines += [f"- {c}" for c in content]
        lines.append("")
        if heading.startswith("All years"):
            lines += ["## Agreement by era", "", f"![Agreement by era]({image})", ""]
    return "\n".join(lines)


def _html(run: Mapping[str, Any]) -> str:
    e = html.escape
    first, last = run["summary"]["years"]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>History</title></head><body>",
        f"<h1>History of the state system, {first}-{last}</h1>",
    ]
    for heading, kind, content in _sections(run):
        parts.append(f"<h2>{e(heading)}</h2>")
        if kind == "text":
            parts.append(f"<p>{e(content)}</p>")
        elif kind == "table":
            parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in content[0]) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in content[1:]]
            parts.append("</table>")
        else:
            parts.append("<ul>" + "".join(f"<li>{e(c)}</li>" for c in content) + "</ul>")
        if heading.startswith("All years"):
            parts += ["<h2>Agreement by era</h2>", era_plot(run, "svg").decode("utf-8")]
    return "\n".join(parts) + "</body></html>\n"


def _pdf(run: Mapping[str, Any], path: str, paper: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    size = (8.27, 11.69) if paper == "a4" else (8.5, 11)
    text = _markdown(run, "(figure on the last page)")
    lines = []
    import textwrap

    for line in text.splitlines():
        lines += textwrap.wrap(line, 110) or [""]
    tmp = f"{path}.part"
    with PdfPages(tmp, metadata={"CreationDate": None}) as pdf:
        per_page = 70
        for start in range(0, len(lines), per_page):
            fig = Figure(figsize=size)
            fig.text(0.05, 0.97, "\n".join(lines[start : start + per_page]), va="top", family="monospace", fontsize=6)
            pdf.savefig(fig)
        fig = Figure(figsize=size)
        img = matplotlib.image.imread(io.BytesIO(era_plot(run, "png")), format="png")
        ax = fig.add_axes((0.05, 0.5, 0.9, 0.4))
        ax.imshow(img)
        ax.axis("off")
        pdf.savefig(fig)
    os.replace(tmp, path)


def write_history_report(run: Mapping[str, Any], fmt: str, path: str, paper: str) -> None:
    try:
        if fmt == "md":
            stem = os.path.splitext(path)[0] + "-eras.svg"
            atomic_write_text(stem, era_plot(run, "svg").decode("utf-8"))
            atomic_write_text(path, _markdown(run, os.path.basename(stem)))
        elif fmt == "html":
            atomic_write_text(path, _html(run))
        else:
            _pdf(run, path, paper)
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror or exc}", path) from None
