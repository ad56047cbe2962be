"""The graded panel of one year: a row per pair of members (dyad-years) and per member
(state-years), as numpy columns of compact types, computed in the worker from the
year's :class:`ScenarioResult` and the data up to the next year (the outcome).

The columns, their sources and their transformations are documented in
docs/codebook.md; :data:`DYAD_COLUMNS` and :data:`STATE_COLUMNS` are their order in the
exports (``mapping_hash`` is added by the writer). Plain data, no printing.
"""

from __future__ import annotations

import bisect
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_advisor.rules.history._build import allied_pairs, members
from alliance_advisor.rules.history._data import HistoryData, capital_at
from alliance_advisor.rules.history._mapping import HistoryMapping
from alliance_advisor.rules.scenario import ScenarioResult

Columns = dict[str, np.ndarray]
# ATOP's neutrality, non-aggression and consultation obligations (indices into the
# mapping's ALLIANCE_KINDS): the pledges short of defence and offence.
LESSER_KINDS = (2, 3, 4)

# Column -> numpy type, in the exports' order (before mapping_hash, which ends each row).
DYAD_TYPES: dict[str, str] = {
    "year": "int16",
    "ccode1": "int16",
    "ccode2": "int16",
    "threat_12": "int16",
    "threat_21": "int16",
    "shared_threat": "int8",
    "same_bloc_threat": "int8",
    "same_bloc_power": "int8",
    "same_bloc_landscape": "int8",
    "allied": "int8",
    "other_pledge": "int8",
    "onset": "int8",
    "treaty": "int32",
    "contiguous": "int8",
    "capital_distance": "float32",
    "democracy_1": "float64",
    "democracy_2": "float64",
    "cinc_1": "float64",
    "cinc_2": "float64",
    "major_1": "int8",
    "major_2": "int8",
    "rivalry": "int8",
    "mid_recent": "int8",
    "peace_years": "int16",
    "ever_allied": "int8",
}
STATE_TYPES: dict[str, str] = {
    "year": "int16",
    "ccode": "int16",
    "cinc": "float64",
    "greatest_threat": "int16",
    "greatest_threat_score": "int16",
    "greatest_threat_bloc": "int8",
    "threat_total": "int32",
    "choice": "U16",
    "side": "U8",
}
DYAD_COLUMNS = (*DYAD_TYPES, "mapping_hash")
STATE_COLUMNS = (*STATE_TYPES, "mapping_hash")
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, kw_only=True)
class YearPanel:
    """One year's rows: dyad-years (ccode1 < ccode2) and state-years, column by column."""

    year: int
    dyads: Columns
    states: Columns

    def to_bytes(self) -> bytes:
        """A compressed npz blob (the results database keeps one per year)."""
        buffer = io.BytesIO()
        arrays = {f"d_{k}": v for k, v in self.dyads.items()} | {f"s_{k}": v for k, v in self.states.items()}
        np.savez_compressed(buffer, year=np.int16(self.year), **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    @staticmethod
    def from_bytes(blob: bytes) -> YearPanel:
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            dyads = {k: z[f"d_{k}"] for k in DYAD_TYPES}
            states = {k: z[f"s_{k}"] for k in STATE_TYPES}
            return YearPanel(year=int(z["year"]), dyads=dyads, states=states)


# ------------------------------------------------------------------ per-process indexes
_ALLIED_YEARS: dict[tuple[int, tuple[int, ...]], dict[tuple[int, int], list[int]]] = {}


def _allied_years(data: HistoryData, kinds: tuple[int, ...]) -> dict[tuple[int, int], list[int]]:
    """Each pair ever allied (the mapping's kinds) -> the years it was, sorted (once per process)."""
    key = (id(data), kinds)
    if key not in _ALLIED_YEARS:
        out: dict[tuple[int, int], list[int]] = {}
        for y in sorted(data.atop):
            for p, flags in data.atop[y].items():
                if any(flags[k] for k in kinds):
                    out.setdefault(p, []).append(y)
        _ALLIED_YEARS.clear()  # one data set per process at a time
        _ALLIED_YEARS[key] = out
    return _ALLIED_YEARS[key]


# ------------------------------------------------------------------ the year
def _matrix(n: int, dtype: str) -> np.ndarray:
    return np.zeros((n, n), dtype=dtype)


def _mark(m: np.ndarray, at: dict[int, int], pairs: Any, value: int = 1) -> None:
    for a, b in pairs:
        if a in at and b in at and a != b:
            m[at[a], at[b]] = m[at[b], at[a]] = value


def _same_bloc(blocs: Any, index: dict[str, int], n: int) -> np.ndarray:
    label = np.arange(n) + n  # every state alone, unless in a bloc of two or more
    for k, bloc in enumerate(blocs):
        for sid in bloc:
            label[index[sid]] = k
    return np.asarray(label[:, None] == label[None, :])


def _threats(result: ScenarioResult, index: dict[str, int], n: int) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The threat points each state perceives from each other (singles only), and each
    state's greatest threat: (the state that leads it, its score, 1 if a bloc)."""
    points = _matrix(n, "int32")
    greatest = [(-1, 0, 0)] * n
    for sid, choice in result.states.items():
        i = index[sid]
        for t in choice.threats:
            if not t.is_bloc:
                points[i, index[t.power]] = t.score
        top = choice.threats[0] if choice.threats else None
        greatest[i] = (
            index.get(choice.greatest_threat, -1),
            top.score if top is not None else 0,
            1 if choice.threat_bloc else 0,
        )
    return points, greatest


def _distance(data: HistoryData, codes: list[int], year: int) -> np.ndarray:
    """Great-circle distance between the capitals held in the year (NaN without one)."""
    lat, lng = np.full(len(codes), np.nan), np.full(len(codes), np.nan)
    for i, c in enumerate(codes):
        cap = capital_at(data, c, year)
        if cap is not None:
            lat[i], lng[i] = math.radians(cap.lat), math.radians(cap.lng)
    dlat = lat[:, None] - lat[None, :]
    dlng = lng[:, None] - lng[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlng / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def _treaties(data: HistoryData, year: int, at: dict[int, int], n: int) -> np.ndarray:
    """The smallest atopid of a pledge treaty entered the next year holding both (0: none)."""
    by_treaty: dict[int, set[int]] = {}
    for t in data.treaties:
        if t.pledge and t.entered == year + 1 and t.member in at:
            by_treaty.setdefault(t.atopid, set()).add(t.member)
    out = _matrix(n, "int32")
    for tid in sorted(by_treaty, reverse=True):  # the smallest written last
        mem = sorted(by_treaty[tid])
        for k, a in enumerate(mem):
            for b in mem[k + 1 :]:
                out[at[a], at[b]] = out[at[b], at[a]] = tid
    return out


def _peace(data: HistoryData, year: int, mapping: HistoryMapping, codes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Years since the pair was last allied (0 when allied in the year), or since both
    were members (the current membership periods) if never; and 1 if allied before."""
    n = len(codes)
    at = {c: i for i, c in enumerate(codes)}
    since = np.zeros(n, dtype=np.int32)
    for c, st, end in data.membership:
        if st <= year <= end and c in at:
            since[at[c]] = st
    peace = year - np.maximum(since[:, None], since[None, :])
    ever = _matrix(n, "int8")
    for (a, b), years in _allied_years(data, mapping.alliance_kinds).items():
        if a in at and b in at:
            k = bisect.bisect_right(years, year)
            if k:
                i, j = at[a], at[b]
                peace[i, j] = peace[j, i] = year - years[k - 1]
                if years[0] < year:
                    ever[i, j] = ever[j, i] = 1
    return peace, ever


def year_panel(data: HistoryData, year: int, mapping: HistoryMapping, result: ScenarioResult) -> YearPanel:
    """The year's dyad-years and state-years from its result and the data."""
    codes = members(data, year)
    n = len(codes)
    at = {c: i for i, c in enumerate(codes)}
    index = {s.id: at[int(s.cow_code)] for s in result.scenario.states if s.cow_code is not None}
    points, greatest = _threats(result, index, n)
    lead = np.array([g[0] for g in greatest], dtype=np.int64)
    allied, onset_m = _matrix(n, "int8"), _matrix(n, "int8")
    now = allied_pairs(data, year, mapping.alliance_kinds, codes)
    _mark(allied, at, now)
    _mark(onset_m, at, allied_pairs(data, year + 1, mapping.alliance_kinds, codes) - now)
    # A lesser pledge in force (neutrality, non-aggression, consultation): the mapping
    # reads any alliance in force as benign intentions, so the evaluation controls for it.
    lesser = _matrix(n, "int8")
    _mark(lesser, at, allied_pairs(data, year, LESSER_KINDS, codes))
    contiguous, rivalry, mid = _matrix(n, "int8"), _matrix(n, "int8"), _matrix(n, "int8")
    _mark(
        contiguous,
        at,
        ((x.a, x.b) for x in data.contiguity if x.kind in mapping.neighbour_types and x.start <= year <= x.end),
    )
    _mark(rivalry, at, ((r.a, r.b) for r in data.rivalries if r.start <= year <= r.end))
    # A dispute between the two in the `dispute_years` up to the year: known as it runs.
    window = range(year - mapping.dispute_years + 1, year + 1)
    _mark(mid, at, ((d.a, d.b) for y in window for d in data.mids.get(y, ())))
    peace, ever = _peace(data, year, mapping, codes)
    caps = data.nmc[year]
    cinc = np.array([caps[c].cinc for c in codes], dtype=np.float64)
    majors = {c for c, st, end in data.majors if st <= year <= end}
    major = np.array([c in majors for c in codes], dtype=np.int8)
    dem_year = data.democracy.get(year, {})
    democracy = np.array([dem_year.get(c, np.nan) for c in codes], dtype=np.float64)
    i, j = np.triu_indices(n, 1)
    shared = (lead[i] == lead[j]) & (lead[i] >= 0)
    bloc_of = result.baselines
    dyads: Columns = {
        "year": np.full(len(i), year),
        "ccode1": np.asarray(codes)[i],
        "ccode2": np.asarray(codes)[j],
        "threat_12": points[i, j],
        "threat_21": points[j, i],
        "shared_threat": shared,
        "same_bloc_threat": _same_bloc(result.coalitions, index, n)[i, j],
        "same_bloc_power": _same_bloc(bloc_of.power.coalitions, index, n)[i, j],
        "same_bloc_landscape": _same_bloc(bloc_of.landscape.coalitions, index, n)[i, j],
        "allied": allied[i, j],
        "other_pledge": lesser[i, j],
        "onset": onset_m[i, j],
        "treaty": _treaties(data, year, at, n)[i, j],
        "contiguous": contiguous[i, j],
        "capital_distance": _distance(data, codes, year)[i, j],
        "democracy_1": democracy[i],
        "democracy_2": democracy[j],
        "cinc_1": cinc[i],
        "cinc_2": cinc[j],
        "major_1": major[i],
        "major_2": major[j],
        "rivalry": rivalry[i, j],
        "mid_recent": mid[i, j],
        "peace_years": peace[i, j],
        "ever_allied": ever[i, j],
    }
    code_arr = np.asarray(codes)
    states: Columns = {
        "year": np.full(n, year),
        "ccode": code_arr,
        "cinc": cinc,
        "greatest_threat": np.where(lead >= 0, code_arr[np.maximum(lead, 0)], -1),
        "greatest_threat_score": np.array([g[1] for g in greatest]),
        "greatest_threat_bloc": np.array([g[2] for g in greatest]),
        "threat_total": points.sum(axis=1),
        "choice": np.array([_choice(result, sid) for sid in _by_index(index, n)]),
        "side": np.array([result.states[sid].side for sid in _by_index(index, n)]),
    }
    return YearPanel(
        year=year,
        dyads={k: np.ascontiguousarray(dyads[k], dtype=t) for k, t in DYAD_TYPES.items()},
        states={k: np.ascontiguousarray(states[k], dtype=t) for k, t in STATE_TYPES.items()},
    )


def _by_index(index: dict[str, int], n: int) -> list[str]:
    out = [""] * n
    for sid, i in index.items():
        out[i] = sid
    return out


def _choice(result: ScenarioResult, sid: str) -> str:
    return result.states[sid].verdict or ""
