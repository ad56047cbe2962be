"""Merge citations such as 'Walt 1987, pp. 30-31, 32' and 'Walt 1987, pp. 30-31'
into one: 'Walt 1987, pp. 30-32'. Pure text work, shared by every view."""

import re
from collections.abc import Iterable

from alliance_advisor.rules.kb import Source

_CITATION = re.compile(r"^\s*(?P<source>.+?),\s*pp?\.\s*(?P<pages>.+?)\s*$")
_RANGE = re.compile(r"^(\d+)\s*(?:[-\u2013\u2014]\s*(\d+))?$")


def merge_pages(page_lists: Iterable[object]) -> str:
    """Page lists ('30-31, 32', '30-31', ...) as one sorted list of disjoint ranges,
    overlapping and adjacent ranges joined: '30-32'. Pages that are not numbers
    (e.g. 'xi') are kept, once each, after the numbered ones."""
    ranges: list[tuple[int, int]] = []
    other: list[str] = []
    for pages in page_lists:
        for part in str(pages).split(","):
            part = part.strip()
            if not part:
                continue
            match = _RANGE.match(part)
            if match:
                start = int(match.group(1))
                end = int(match.group(2) or start)
                ranges.append((min(start, end), max(start, end)))
            elif part not in other:
                other.append(part)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in merged] + other
    return ", ".join(parts)


def _pages_label(pages: str) -> str:
    single = "," not in pages and "-" not in pages
    return f"p. {pages}" if single else f"pp. {pages}"


def merge_citations(citations: Iterable[object], sep: str = "; ") -> str:
    """Citations of the same source merged into one, each source once, in the order
    it first appears: ['Walt 1987, pp. 30-31, 32', 'Walt 1987, pp. 30-31'] gives
    'Walt 1987, pp. 30-32'. A citation without pages is kept as it is, once."""
    pages_by_source: dict[str, list[str]] = {}
    plain: dict[str, str | None] = {}
    for citation in citations:
        match = _CITATION.match(str(citation))
        if match:
            pages_by_source.setdefault(match.group("source"), []).append(match.group("pages"))
            plain.setdefault(match.group("source"), None)
        else:
            plain.setdefault(str(citation).strip(), str(citation).strip())
    out: list[str] = []
    for key, text in plain.items():
        if key in pages_by_source:
            out.append(f"{key}, {_pages_label(merge_pages(pages_by_source[key]))}")
        elif text and text not in out:
            out.append(text)
    return sep.join(out)


def inverted_name(author: object) -> str:
    """'Jane Q. Author' as a bibliography lists her: 'Author, Jane Q.'."""
    parts = str(author).split()
    if len(parts) < 2:
        return str(author).strip()
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def listed_sources(sources: Iterable[object]) -> str:
    """Sources run together in one sentence: each one's own closing full stop dropped
    before the semicolon that follows it, and one full stop at the end ('... 58-66;
    Axelrod, ...', never '58-66.; Axelrod'). Empty for no sources."""
    from alliance_advisor.presentation.grammar import closed, unclosed

    items = [unclosed(str(s)) for s in sources if str(s).strip()]
    return closed("; ".join(items)) if items else ""


def source_html(source: Source) -> str:
    """The theory's source (knowledge/theory.yaml) as a sentence cites it, in HTML:
    'Author, <i>Title</i> (Place: Publisher, Year), pp. Pages'."""
    from html import escape

    return (
        f"{escape(source.author)}, <i>{escape(source.title)}</i> ({escape(source.place)}: "
        f"{escape(source.publisher)}, {source.year}), pp. {escape(source.pages)}"
    )
