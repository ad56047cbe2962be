"""What a history run reports: the whole world, a region, or a list of states.

The system is always run whole (a region's states face threats from outside it too);
a filter only selects what is reported, as a step over the run's JSON: each year keeps
the filter's states, its blocs restricted to them, its pairs with both states in the
filter, and its counts recomputed on those pairs (the counting functions of
rules/history/_build.py); the summary is made again from the filtered years. A field a
year gains later passes through untouched. The sensitivity rows are left out: a
variant's years keep only their counts, which cannot be restricted.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.history._build import Pair, _bloc_pairs, new_treaties, score_theories
from alliance_advisor.rules.history._data import HistoryData
from alliance_advisor.rules.history._mapping import HistoryMapping
from alliance_advisor.rules.history._regions import REGIONS, region
from alliance_advisor.rules.history._run import ERAS, HELD_OUT_FROM, HistoryRun, summarise
from alliance_advisor.rules.scenario import slug

BLOC_KEYS = ("predicted_blocs", "landscape_blocs", "power_blocs", "observed_blocs")
PAIR_KEYS = ("observed_pairs", "onset_pairs", "allied_pairs")


@dataclass(frozen=True, kw_only=True)
class StateFilter:
    """The states a run reports: a region's, or a list's (COW codes)."""

    label: str  # as a title says it: "Europe", "United Kingdom, France"
    region: str | None = None  # the region's key, for a region
    codes: frozenset[int] = frozenset()  # the states named, for a list

    def holds(self, ccode: int) -> bool:
        if self.region is not None:
            found = region(self.region)
            return found is not None and found.holds(ccode)
        return ccode in self.codes

    def to_dict(self) -> dict[str, Any]:
        if self.region is not None:
            return {"region": self.region, "label": self.label}
        return {"states": sorted(self.codes), "label": self.label}


def region_filter(name: str) -> StateFilter:
    """The filter of ``--region NAME``; an unknown region is one line naming the five."""
    found = region(name)
    if found is None:
        keys = ", ".join(r.key for r in REGIONS)
        near = difflib.get_close_matches(name.strip().lower().replace(" ", "_"), [r.key for r in REGIONS], 1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise AdvisorError(f"--region: unknown region '{name}'{hint}; the regions are {keys}")
    return StateFilter(label=found.name[0].upper() + found.name[1:], region=found.key)


def states_filter(text: str, data: HistoryData, mapping: HistoryMapping | None = None) -> StateFilter:
    """The filter of ``--states A,B,...``: each a name (COW's, its slug, or a period name
    of the names table), an abbreviation or a COW code; an unknown one is one line with
    the nearest match."""
    keys = _state_keys(data, mapping)
    codes: list[int] = []
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        code = keys.get(item.lower())
        if code is None and item.isdigit() and int(item) in data.names:
            code = int(item)
        if code is None:
            raise AdvisorError(f"--states: {_miss(item, keys, data)}")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise AdvisorError("--states: name at least one state (names, abbreviations or COW codes, comma-separated)")
    label = ", ".join(data.names[c][1] for c in codes)
    return StateFilter(label=label, codes=frozenset(codes))


def _state_keys(data: HistoryData, mapping: HistoryMapping | None) -> dict[str, int]:
    keys: dict[str, int] = {}
    for code, (abb, name) in data.names.items():
        for key in (abb, name, slug(name)):
            keys.setdefault(key.lower(), code)
    if mapping is not None:
        for period in mapping.names.periods:
            keys.setdefault(period.name.lower(), period.cow)
    return keys


def _miss(item: str, keys: Mapping[str, int], data: HistoryData) -> str:
    """The miss in words, with the nearest state: one whose name's initials the item is
    ("UK": United Kingdom), else the closest spelling of a name or abbreviation."""
    want = item.lower().replace(".", "")
    initials = sorted(
        c for c, (_abb, name) in data.names.items() if "".join(w[0] for w in name.lower().split()) == want
    )
    near = difflib.get_close_matches(want, list(keys), 1, 0.5)
    if not initials and not near:
        return f"'{item}' is not a state of the COW list (names, abbreviations or COW codes)"
    code = initials[0] if initials else keys[near[0]]
    abb, name = data.names[code]
    return f"'{item}' is not a state of the COW list; the nearest is {name} ({abb}, {code})"


# ------------------------------------------------------------------ the run, filtered
def filter_year(
    year: Mapping[str, Any], flt: StateFilter, data: HistoryData, mapping: HistoryMapping
) -> dict[str, Any]:
    """One year's JSON restricted to the filter, its counts recomputed on its pairs."""
    states = year["states"]
    code_of = {sid: int(s["cow_code"]) for sid, s in states.items() if s.get("cow_code") is not None}
    kept = {sid for sid, c in code_of.items() if flt.holds(c)}
    out = dict(year)
    out["states"] = {sid: s for sid, s in states.items() if sid in kept}
    for key in BLOC_KEYS:
        if key in year:
            blocs = [[sid for sid in bloc if sid in kept] for bloc in year[key]]
            out[key] = [b for b in blocs if b]

    def inside(pairs: Any) -> list[list[int]]:
        return [[a, b] for a, b in pairs if flt.holds(a) and flt.holds(b)]

    for key in PAIR_KEYS:
        if key in year:
            out[key] = inside(year[key])
    out["predicted_pairs"] = {k: inside(v) for k, v in year.get("predicted_pairs", {}).items()}
    codes = sorted(code_of[sid] for sid in kept)
    kept_codes = {sid: c for sid, c in code_of.items() if sid in kept}
    allied = _pairs(out["allied_pairs"])
    predicted = {
        "threat": _pairs(out["predicted_pairs"].get("threat", [])),
        "power": _bloc_pairs(out.get("power_blocs", []), kept_codes),
        "landscape": _bloc_pairs(out.get("landscape_blocs", []), kept_codes),
        "inertia": allied,
        "random": _pairs(out["predicted_pairs"].get("random", [])),
    }
    treaties = new_treaties(data, year["year"], mapping, codes, allied)
    out["theories"] = _theories(predicted, allied, out, treaties)
    out["treaties"] = len(treaties)
    out["state_count"] = len(codes)
    return out


def _pairs(rows: Any) -> set[Pair]:
    return {(min(a, b), max(a, b)) for a, b in rows}


def _theories(
    predicted: Mapping[str, set[Pair]], allied: set[Pair], year: Mapping[str, Any], treaties: Mapping[int, set[Pair]]
) -> dict[str, Any]:
    return score_theories(predicted, allied, _pairs(year["observed_pairs"]), _pairs(year["onset_pairs"]), treaties)


def filter_run(run: Mapping[str, Any], flt: StateFilter, data: HistoryData, mapping: HistoryMapping) -> HistoryRun:
    """The run's JSON restricted to the filter: its years, then its summary made again."""
    years = {y: filter_year(r, flt, data, mapping) for y, r in run["years"].items()}
    rows = [years[y] for y in sorted(years, key=int)]
    summary = dict(run["summary"])
    summary["theories"] = summarise(rows)
    dev = [r for r in rows if r["year"] < HELD_OUT_FROM]
    held = [r for r in rows if r["year"] >= HELD_OUT_FROM]
    summary["development"] = summarise(dev) if dev else None
    by_era = {}
    for a, b in ERAS:
        chosen = [r for r in rows if a <= r["year"] <= b]
        if chosen:
            by_era[f"{a}-{b}"] = summarise(chosen)
    summary["by_era"] = by_era
    if summary.get("held_out"):
        summary["held_out"] = {**summary["held_out"], "theories": summarise(held)}
    summary["sensitivity"] = {**summary["sensitivity"], "rows": []}  # a variant's counts cannot be restricted
    return HistoryRun({**run, "summary": summary, "years": years, "filter": flt.to_dict()})
