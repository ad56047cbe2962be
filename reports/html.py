"""The report as one self-contained HTML page: styles and figures inline, no script,
no outside resource, made to print well."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from alliance_advisor.presentation.style import FONT_FAMILY
from alliance_advisor.reports.blocks import Block, Bullets, Figure, Heading, KeyValues, Para, Report, Run, Table
from alliance_advisor.rules.version import app_version

# Even if some text slipped through unescaped, the page may run no script and load
# nothing from outside.
# The narrowest the inference chain is drawn on screen: its 11 px labels at about 8 px.
CHAIN_MIN_WIDTH = 1120  # the staged chain has more derived columns and a column of stage choices
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2933; font: 15px/1.55 %(font)s; }
main { max-width: 980px; margin: 0 auto; padding: 40px 48px 56px; background: #fff;
       box-shadow: 0 1px 3px rgba(15, 30, 50, .08); }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; letter-spacing: -.01em; overflow-wrap: anywhere; }
h2 { font-size: 21px; margin: 44px 0 12px; padding-bottom: 6px; border-bottom: 1px solid #d5dce3; }
h3 { font-size: 16px; margin: 26px 0 6px; }
p { margin: 8px 0; }
p.lead { color: #52606d; font-size: 17px; margin-bottom: 22px; }
p.small, figcaption { color: #52606d; font-size: 13px; }
code { font: 12.5px/1.3 ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace;
       background: #eef2f6; border-radius: 3px; padding: 1px 4px; white-space: nowrap; color: #243b53; }
table { border-collapse: collapse; width: 100%%; margin: 12px 0; font-size: 13.5px; }
th { text-align: left; font-weight: 600; color: #52606d; font-size: 12px; text-transform: uppercase;
     letter-spacing: .03em; border-bottom: 2px solid #d5dce3; padding: 6px 10px 6px 0; }
td { vertical-align: top; border-bottom: 1px solid #e6ebf0; padding: 7px 10px 7px 0; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.steps td:first-child { color: #7b8794; }
table.kv { margin: 0; }
table.kv td { border: 0; padding: 5px 14px 5px 0; }
table.kv td:first-child { width: 11em; color: #52606d; font-weight: 600; }
p.verdict { border-left: 4px solid #1d4e89; background: #f3f7fc; padding: 14px 18px; margin: 18px 0 10px;
            border-radius: 0 6px 6px 0; font-size: 17px; }
p.verdict strong { color: #1d4e89; font-size: 20px; }
ul { padding-left: 22px; }
li { margin: 5px 0; }
figure { margin: 22px 0 30px; break-inside: avoid; }
figure svg { display: block; width: 100%%; height: auto; margin: 0 auto; }
/* The chain stays in the column: it scales with it down to the width where its labels
   are still legible, and below that scrolls sideways inside the column. */
figure.wide .scroll { overflow-x: auto; overflow-y: hidden; border: 1px solid #e6ebf0; border-radius: 4px; }
figure.wide .scroll svg { min-width: %(chain_min)spx; }
figure.wide .hint { color: #7b8794; font-size: 12px; margin: 4px 0 8px; }
@media (max-width: 860px) { main { padding: 28px 20px 40px; } }
footer { margin-top: 40px; color: #7b8794; font-size: 12px; }
@page { margin: 16mm 15mm 18mm; }
@page wide { size: landscape; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; box-shadow: none; }
  h2 { break-after: avoid; margin-top: 28px; }
  h3 { break-after: avoid; }
  tr, li, p.verdict, table.whole { break-inside: avoid; }
  thead { display: table-header-group; }
  section.wide-page { page: wide; }
  figure.wide .scroll { overflow: visible; border: 0; }
  figure.wide .scroll svg { min-width: 0; }
  figure.wide .hint { display: none !important; }
  code { background: none; padding: 0; }
}
""" % {"font": FONT_FAMILY, "chain_min": CHAIN_MIN_WIDTH}


def runs_html(runs: list[Run]) -> str:
    out: list[str] = []
    for run in runs:
        text = escape(run.text)
        if run.style == "br":
            out.append("<br>")
        elif run.style == "b":
            out.append(f"<strong>{text}</strong>")
        elif run.style == "i":
            out.append(f"<em>{text}</em>")
        elif run.style == "code":
            out.append(f"<code>{text}</code>")
        else:
            out.append(text)
    return "".join(out)


def _responsive_svg(svg: str) -> str:
    """Scale with the page: drop the fixed size (the viewBox keeps the proportions)
    and the XML prolog-free document becomes an inline element."""
    found = re.search(r'width="(\d+)"', svg)
    assert found is not None  # every figure is drawn at a fixed size
    width = found.group(1)
    svg = re.sub(r' width="\d+" height="\d+"', "", svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" style="max-width:{width}px" ', 1)


def _figure(block: Figure) -> str:
    svg = _responsive_svg(block.svg)
    if block.wide:
        return (
            f'<figure class="wide" id="figure-{block.key}">'
            f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(block.alt)}">{svg}</div>'
            f'<p class="hint">Drawn at a size that stays legible: scroll sideways to follow the chain.</p>'
            f"<figcaption>{runs_html(block.caption)}</figcaption></figure>"
        )
    return f'<figure id="figure-{block.key}">{svg}<figcaption>{runs_html(block.caption)}</figcaption></figure>'


def _cell_attrs(block: Table, n: int) -> str:
    # Widths as attributes: Qt's rich text reads them, CSS cannot reach them there.
    attrs = ' class="num"' if n in block.numeric else ""
    if n < len(block.widths):
        attrs += f' width="{block.widths[n]}%"'
    return attrs


def _table(block: Table, header: bool = True, attrs: str = "") -> str:
    kind = f"{block.kind} whole" if block.whole else block.kind
    cls = f' class="grid {kind}"' if header else f' class="{kind}"'
    out = [f"<table{cls}{attrs}>"]
    if header:
        out.append(
            "<thead><tr>"
            + "".join(f"<th{_cell_attrs(block, n)}>{escape(h)}</th>" for n, h in enumerate(block.header))
            + "</tr></thead>"
        )
    out.append("<tbody>")
    for row in block.rows:
        out.append(
            "<tr>"
            + "".join(f"<td{_cell_attrs(block, n)}>{runs_html(cell)}</td>" for n, cell in enumerate(row))
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


# A table's attributes for Qt: one text for every table, or a function of the block.
TableAttrs = str | Callable[[Table | KeyValues], str]


def _attrs(table_attrs: TableAttrs, block: Table | KeyValues) -> str:
    return table_attrs(block) if callable(table_attrs) else table_attrs


def blocks_html(blocks: list[Block], figure: Callable[[Figure], str] = _figure, table_attrs: TableAttrs = "") -> str:
    """The body of a report from its blocks; the PDF swaps the ``figure`` renderer and
    gives tables the attributes that Qt reads instead of CSS (a text, or a function
    of the block that gives it)."""
    parts: list[str] = []
    for n, block in enumerate(blocks):
        if _opens_wide_page(blocks, n):
            parts.append('<section class="wide-page">')
        if isinstance(block, Heading):
            parts.append(f'<h{block.level} id="{escape(block.anchor)}">{escape(block.text)}</h{block.level}>')
        elif isinstance(block, Para):
            cls = f' class="{block.kind}"' if block.kind else ""
            parts.append(f"<p{cls}>{runs_html(block.runs)}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.ordered else "ul"
            parts.append(f"<{tag}>" + "".join(f"<li>{runs_html(item)}</li>" for item in block.items) + f"</{tag}>")
        elif isinstance(block, Table):
            parts.append(_table(block, attrs=_attrs(table_attrs, block)))
        elif isinstance(block, KeyValues):
            rows = [[[Run(key)], value] for key, value in block.rows]
            table = _table(
                Table(["", ""], rows, "kv", widths=block.widths), header=False, attrs=_attrs(table_attrs, block)
            )
            parts.append(table)
        elif isinstance(block, Figure):
            parts.append(figure(block))
            if block.wide:
                parts.append("</section>")
    return "\n".join(parts)


def _opens_wide_page(blocks: list[Block], n: int) -> bool:
    """A wide figure prints on a landscape page, together with the heading above it."""
    block = blocks[n]
    if isinstance(block, Figure):
        return block.wide and not (n and isinstance(blocks[n - 1], Heading))
    following = blocks[n + 1] if n + 1 < len(blocks) else None
    return isinstance(block, Heading) and isinstance(following, Figure) and following.wide


def render_html(report: Report) -> str:
    """The whole report (of any kind: its builder laid it out) as one HTML document (str)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Alliance Advisor">
<title>{escape(report.title)}: reasoning report</title>
<style>{STYLE}</style>
</head>
<body>
<main>
{blocks_html(report.blocks)}
<footer>Alliance Advisor {escape(app_version())} reasoning report, generated {escape(report.generated)}
with knowledge base version {escape(report.knowledge_version)}.</footer>
</main>
</body>
</html>
"""
