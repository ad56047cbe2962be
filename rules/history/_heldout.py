"""Which held-out years are truly held out: the repository's cases and scenarios that date
from them, and the years its tests use (declared in knowledge/derivation.yaml's history
mapping, ``tested_years``), are listed; the held-out years none of them names are clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.yamlio import read_yaml_file


def tested_years(raw: dict[str, Any]) -> set[int]:
    """The years ``tested_years`` declares: whole years and [first, last] ranges."""
    out: set[int] = set()
    for item in raw.get("tested_years") or ():
        if isinstance(item, int) and not isinstance(item, bool):
            out.add(item)
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(x, int) for x in item):
            out.update(range(item[0], item[1] + 1))
        else:
            raise KnowledgeError(f"history.tested_years: {item!r} is neither a year nor [first, last]")
    return out


def _dated(folder: Path, kind: str) -> list[dict[str, Any]]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = read_yaml_file(path, KnowledgeError)
        except KnowledgeError:
            continue  # a damaged file is its own loader's to report
        year = data.get("year") if isinstance(data, dict) else None
        if isinstance(year, int) and not isinstance(year, bool):
            out.append({"kind": kind, "name": path.stem, "year": year})
    return out


def held_out(knowledge_dir: str | Path, raw: dict[str, Any], years: range) -> dict[str, Any]:
    """``named``: the cases, scenarios and tested years of the range (kind, name, year);
    ``clean_years``: the range's years none of them names."""
    root = Path(knowledge_dir)
    named = [
        *_dated(root / "cases", "case"),
        *_dated(root / "scenarios", "scenario"),
        *({"kind": "test", "name": "tests (history.tested_years)", "year": y} for y in sorted(tested_years(raw))),
    ]
    named = sorted((n for n in named if n["year"] in years), key=lambda n: (n["year"], n["kind"], n["name"]))
    touched = {n["year"] for n in named}
    return {"named": named, "clean_years": [y for y in years if y not in touched]}
