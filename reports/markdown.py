"""The report as Markdown (GitHub-flavoured), with its figures as SVG files beside it."""

from __future__ import annotations

import re

from alliance_advisor.reports.blocks import Bullets, Figure, Heading, KeyValues, Para, Report, Run, Table

# Characters that start markup anywhere in a line (GitHub also reads ~ as
# strikethrough and $ as maths). & < > become entities, so no HTML gets through.
_SPECIAL = re.compile(r"([\\`*_\[\]{}|~$#])")
# A line that starts like a list item, a quote, a heading underline or a numbered item.
_LINE_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])")


def escape_markdown(text: object) -> str:
    """User or knowledge text as literal Markdown: no emphasis, links, HTML or tables."""
    text = re.sub(r"\s+", " ", str(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _code(text: str) -> str:
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _runs(runs: list[Run], in_table: bool = False) -> str:
    out: list[str] = []
    for run in runs:
        if run.style == "br":
            out.append("<br>" if in_table else "  \n")
            continue
        text = escape_markdown(run.text)
        if run.style == "code":
            out.append(_code(" ".join(run.text.split())))
        elif run.style in ("b", "i") and text.strip():
            mark = "**" if run.style == "b" else "*"
            lead, core, trail = _split_space(text)
            out.append(f"{lead}{mark}{core}{mark}{trail}")
        else:
            out.append(text)
    return "".join(out)


def _split_space(text: str) -> tuple[str, str, str]:
    core = text.strip()
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _line(runs: list[Run]) -> str:
    """A paragraph: keep its first character from reading as block markup."""
    text = _runs(runs)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def _table(block: Table) -> str:
    align = ["---:" if n in block.numeric else "---" for n in range(len(block.header))]
    lines = ["| " + " | ".join(escape_markdown(h) for h in block.header) + " |", "| " + " | ".join(align) + " |"]
    for row in block.rows:
        lines.append("| " + " | ".join(_runs(cell, in_table=True) or " " for cell in row) + " |")
    return "\n".join(lines)


def figure_name(image_stem: str, key: str) -> str:
    """The file name of a figure beside the report, e.g. 'report-chain.svg'."""
    return f"{image_stem}-{key}.svg"


def _link_target(name: str) -> str:
    # Spaces and brackets would end the link; percent-encode them.
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>[]%" else ch for ch in name)


def render_markdown(report: Report, image_stem: str) -> str:
    """The report (of any kind: its builder laid it out) as Markdown. Figures are
    linked as ``<image_stem>-<key>.svg`` (relative), which ``writing.write_blocks``
    writes beside the Markdown file."""
    parts: list[str] = []
    for block in report.blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + escape_markdown(block.text))
        elif isinstance(block, Para):
            text = _line(block.runs)
            if block.kind == "small":
                text = f"<sub>{text}</sub>"
            elif block.kind == "verdict":
                text = f"> {text}"
            parts.append(text)
        elif isinstance(block, Bullets):
            marker = "1." if block.ordered else "-"
            parts.append("\n".join(f"{marker} {_runs(item)}" for item in block.items))
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, KeyValues):
            parts.append("\n".join(f"- **{escape_markdown(key)}:** {_runs(value)}" for key, value in block.rows))
        elif isinstance(block, Figure):
            name = figure_name(image_stem, block.key)
            parts.append(f"![{escape_markdown(block.alt)}]({_link_target(name)})\n\n{_line(block.caption)}")
    return "\n\n".join(parts) + "\n"
