"""The name a state had in a year: knowledge/state_names.yaml, read and checked.

The Correlates of War list names a state once for all its years (code 365 is
"Russia" from 1816 to 2016); a reader of 1949 expects "Soviet Union". The table in the
knowledge base gives a name for a span of years of one COW code, with its source; a
year outside every span keeps COW's name. Only the name shown changes: a state's id
stays the slug of COW's name, so a selection survives across years.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.kb import KnowledgeBase
from alliance_advisor.rules.yamlio import Node, read_yaml_file

NAMES_FILE = "state_names.yaml"
_YEARS = (1400, 2100)
_ENTRY_KEYS = ("cow", "name", "from", "to", "source", "event")


@dataclass(frozen=True, kw_only=True)
class NamePeriod:
    cow: int
    name: str
    first: int  # the first and last year of the name (the table's bounds when open)
    last: int


@dataclass(frozen=True, kw_only=True)
class StateNames:
    periods: tuple[NamePeriod, ...] = ()
    source: str = ""
    hash: str = ""  # of the table as declared ("" when the knowledge base has none)

    def name(self, cow: int, year: int, default: str) -> str:
        """The state's name in ``year``; ``default`` (COW's) outside every span."""
        for p in self.periods:
            if p.cow == cow and p.first <= year <= p.last:
                return p.name
        return default


def load_state_names(kb: KnowledgeBase) -> StateNames:
    """The knowledge base's table of names by year, checked on first use and kept with
    it; a knowledge base without the file gives COW's names throughout."""
    cached = kb.parsed.get("state_names")
    if isinstance(cached, StateNames):
        return cached
    path = Path(kb.directory) / NAMES_FILE
    names = parse_state_names(path) if path.exists() else StateNames()
    kb.parsed["state_names"] = names
    return names


def parse_state_names(path: Path) -> StateNames:
    """Read and check the table; a bad entry is one line naming the file and its line."""
    where = str(path)
    data = read_yaml_file(path, KnowledgeError)
    if not isinstance(data, Node):
        raise KnowledgeError("top level must be a mapping with 'source' and 'names'", where, 1)
    extra = sorted(set(map(str, data)) - {"source", "names"})
    if extra:
        raise KnowledgeError(
            f"unknown key '{extra[0]}' (the table has source and names)", where, data.line_of(extra[0])
        )
    source = data.get("source")
    table_source = source.strip() if isinstance(source, str) else ""
    entries = data.get("names")
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError("'names' must list {cow, name, from, to} entries", where, data.line_of("names"))
    periods = [_entry(item, where, table_source) for item in entries]
    _check_overlaps(periods, entries, where)
    raw = json.loads(json.dumps({"source": table_source, "names": entries}, default=str, sort_keys=True))
    return StateNames(
        periods=tuple(periods),
        source=table_source,
        hash=hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16],
    )


def _entry(item: Any, where: str, table_source: str) -> NamePeriod:
    line = getattr(item, "line", None)
    if not isinstance(item, dict):
        raise KnowledgeError("each entry of 'names' must be a mapping {cow, name, from, to}", where, line)
    extra = sorted(set(map(str, item)) - set(_ENTRY_KEYS))
    if extra:
        raise KnowledgeError(f"names: unknown key '{extra[0]}' (allowed: {', '.join(_ENTRY_KEYS)})", where, line)
    cow = item.get("cow")
    if isinstance(cow, bool) or not isinstance(cow, int) or not 1 <= cow <= 999:
        raise KnowledgeError(f"names: 'cow' must be a COW state code (1-999), not {cow!r}", where, line)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise KnowledgeError(f"names: state {cow} needs a 'name'", where, line)
    bounds = []
    for key, open_end in (("from", _YEARS[0]), ("to", _YEARS[1])):
        value = item.get(key, open_end)
        if isinstance(value, bool) or not isinstance(value, int) or not _YEARS[0] <= value <= _YEARS[1]:
            raise KnowledgeError(f"names: state {cow} '{key}' must be a year, not {value!r}", where, line)
        bounds.append(value)
    if bounds[0] > bounds[1]:
        raise KnowledgeError(f"names: state {cow} ({name}) runs from {bounds[0]} to {bounds[1]}", where, line)
    if not table_source and not (isinstance(item.get("source"), str) and item["source"].strip()):
        raise KnowledgeError(f"names: state {cow} ({name}) has no source (and the table none)", where, line)
    return NamePeriod(cow=cow, name=name.strip(), first=bounds[0], last=bounds[1])


def _check_overlaps(periods: list[NamePeriod], entries: list[Any], where: str) -> None:
    seen: dict[int, list[NamePeriod]] = {}
    for p, item in zip(periods, entries):
        for q in seen.get(p.cow, []):
            if p.first <= q.last and q.first <= p.last:
                raise KnowledgeError(
                    f"names: state {p.cow} has two names in {max(p.first, q.first)} ({q.name}, {p.name})",
                    where,
                    getattr(item, "line", None),
                )
        seen.setdefault(p.cow, []).append(p)
