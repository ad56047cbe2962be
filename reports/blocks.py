"""A report as blocks: what every renderer (markdown.py, html.py, pdf.py) takes.

The builders of each kind (case.py, scenario.py, history.py) say what a report says
in these blocks; the renderers only format them and know no kind of result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A piece of text with one style: '' plain, 'b' strong, 'i' emphasis,
    'code' an identifier, 'br' a line break (text ignored)."""

    text: str
    style: str = ""


BR = Run("", "br")


def strong(text: str) -> Run:
    """Text set in bold."""
    return Run(text, "b")


def emphasis(text: str) -> Run:
    """Text set in italics."""
    return Run(text, "i")


def code(text: str) -> Run:
    return Run(text, "code")


@dataclass
class Heading:
    level: int  # 1 title, 2 section, 3 subsection
    text: str
    anchor: str = ""


@dataclass
class Para:
    runs: list[Run]
    kind: str = ""  # '' body, 'lead' a standfirst, 'small' a caption or note


@dataclass
class Bullets:
    items: list[list[Run]]  # each a list of runs
    ordered: bool = False


@dataclass
class Table:
    header: list[str]  # column titles (plain text)
    rows: list[list[list[Run]]]  # each a list of cells; a cell is a list of runs
    kind: str = ""  # a hint for styling: 'answers', 'steps', 'support', ...
    numeric: tuple[int, ...] = ()  # indices of right-aligned columns
    widths: tuple[int, ...] = ()  # column widths in percent (HTML and PDF; Markdown ignores them)
    whole: bool = False  # PDF: on one page, with its heading, when it fits on a page


@dataclass
class KeyValues:
    rows: list[tuple[str, list[Run]]]  # (key text, list of runs)
    kind: str = ""
    widths: tuple[int, ...] = ()  # column widths in percent (PDF: the same for the pieces of a split list)


@dataclass
class Figure:
    key: str  # 'chain', 'threat', 'support': also the image file suffix
    svg: str
    caption: list[Run]  # runs
    alt: str
    wide: bool = False  # wider than the text column (the inference chain)


# Every kind of block, as the renderers take them.
Block = Heading | Para | Bullets | Table | KeyValues | Figure


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)
    generated: str = ""
    # The footer's stamp, given by the builder: a renderer knows no result to read it from.
    knowledge_version: str = ""

    def figures(self) -> list[Figure]:
        return [blk for blk in self.blocks if isinstance(blk, Figure)]


def plain_text(runs: Iterable[Run]) -> str:
    """The runs without styles (for alt texts and the PDF outline)."""
    return "".join("\n" if r.style == "br" else r.text for r in runs)
