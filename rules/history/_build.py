"""One year of the state system as a scenario, run, and held against what happened.

:func:`year_scenario` builds the year's scenario dict (docs/formats.md) from the data by
the declared mapping (rules/history/_mapping.py), using nothing from after the year;
:func:`run_year` runs it through the scenario engine and compares every theory's
predicted pairs with the alliances of the following years. Plain data only.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from alliance_advisor.rules.history._communities import observed_blocs
from alliance_advisor.rules.history._data import DATASETS, Dispute, HistoryData
from alliance_advisor.rules.history._mapping import HistoryMapping
from alliance_advisor.rules.scenario import ScenarioEngine, ScenarioResult, band_of, scenario_from_data, slug
from alliance_advisor.rules.yamlio import as_node

Pair = tuple[int, int]
THEORIES = ("threat", "power", "landscape", "inertia", "random")


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def members(data: HistoryData, year: int) -> list[int]:
    """The COW codes of the state system in the year that have a capability figure."""
    inside = {c for c, st, end in data.membership if st <= year <= end}
    caps = data.nmc.get(year, {})
    return sorted(c for c in inside if c in caps)


def allied_pairs(data: HistoryData, year: int, kinds: Sequence[int], codes: Iterable[int]) -> set[Pair]:
    """The pairs of ``codes`` with one of the ``kinds`` of ATOP obligation in force in ``year``."""
    inside = set(codes)
    return {
        p
        for p, flags in data.atop.get(year, {}).items()
        if p[0] in inside and p[1] in inside and any(flags[k] for k in kinds)
    }


def _ids(data: HistoryData, codes: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    used: set[str] = set()
    for c in codes:
        sid = slug(data.names.get(c, ("", f"state {c}"))[1]) or f"state_{c}"
        if not sid[0].isalpha():
            sid = f"state_{sid}"
        sid = sid[:50]
        if sid in used:
            sid = f"{sid}_{c}"
        used.add(sid)
        out[c] = sid
    return out


def dispute_hostility(d: Dispute, year: int) -> int:
    """The hostility a dispute-year shows as seen in ``year``: the file codes a dispute's
    peak for all its years, so the peak is read only from the dispute's last year on
    (by then it was reached); before, the dispute is known but at no hostility (0)."""
    return d.b_hostility if 0 < d.ended <= year else 0


def forced_pairs(data: HistoryData, year: int, mapping: HistoryMapping) -> set[tuple[int, int]]:
    """(a, b): b, on the side that acted first, used force against a in a dispute of the
    ``dispute_years`` up to the year, as the year could know it (:func:`dispute_hostility`)."""
    out: set[tuple[int, int]] = set()
    for y in range(year - mapping.dispute_years + 1, year + 1):
        for d in data.mids.get(y, ()):
            if d.b_initiator and dispute_hostility(d, year) >= mapping.hostility_at_least:
                out.add((d.a, d.b))
    return out


def year_scenario(data: HistoryData, year: int, mapping: HistoryMapping) -> dict[str, Any]:
    """The year's system as a scenario dict, from the data up to the year only."""
    codes = members(data, year)
    ids = _ids(data, codes)
    caps = data.nmc[year]
    totals = {k: sum(v for c in codes if (v := getattr(caps[c], k)) is not None) for k in ("milex", "milper")}
    states = []
    for c in codes:
        cap = caps[c]
        shares = [v / totals[k] for k in ("milex", "milper") if (v := getattr(cap, k)) is not None and totals[k] > 0]
        share = sum(shares) / len(shares) if shares else 0.0
        level = band_of(mapping.offensive, share).level if share >= mapping.offensive[-1].at_least else "low"
        states.append(
            {
                "id": ids[c],
                "name": mapping.names.name(c, year, data.names.get(c, ("", f"state {c}"))[1]),
                "capability": max(round(cap.cinc, 4), mapping.capability_floor),
                "offensive_capability": level,
                "cow_code": c,
            }
        )
    inside = set(codes)
    neighbours = sorted(
        {
            (x.a, x.b)
            for x in data.contiguity
            if x.kind in mapping.neighbour_types
            and x.start <= year <= x.end
            and x.a in inside
            and x.b in inside
            and x.a != x.b
        }
    )
    # Intentions: how a sees b.
    rivals = {_pair(r.a, r.b) for r in data.rivalries if r.start <= year <= r.end}
    forced = forced_pairs(data, year, mapping)
    majors = {c for c, st, end in data.majors if st <= year <= end}
    at_war: set[Pair] = set()
    war_onsets = []
    first_year: dict[int, int] = {}
    for y in sorted(data.wars):
        if y > year:
            break
        for w in data.wars[y]:
            first_year.setdefault(w.warnum, y)
    for w in data.wars.get(year, ()):
        at_war.add(_pair(w.a, w.b))
        if w.a in majors or w.b in majors:
            war_onsets.append(first_year[w.warnum])
    any_alliance = {p for p, flags in data.atop.get(year, {}).items() if any(flags)}
    perceptions: dict[str, dict[str, str]] = {}
    it = mapping.intentions
    for a in codes:
        for b in codes:
            if a == b:
                continue
            p = _pair(a, b)
            rival, force = p in rivals, (a, b) in forced
            if rival and force:
                level = it["rivalry_and_force"]
            elif rival:
                level = it["rivalry"]
            elif force:
                level = it["initiated_force"]
            elif p in at_war:
                level = it["at_war"]
            elif p in any_alliance:
                level = it["allied"]
            else:
                continue
            perceptions.setdefault(ids[a], {})[ids[b]] = level
    if war_onsets:
        war = "early_war" if year - max(war_onsets) < mapping.early_war_years else "late_war"
    else:
        war = "peace"
    alliances = sorted(allied_pairs(data, year, mapping.alliance_kinds, codes))
    sources = [
        d.citation for d in DATASETS if d.key in ("nmc", "contiguity", "states", "atop", "rivalries", "mids", "wars")
    ]
    return {
        "title": f"The state system, {year}",
        "year": year,
        "states": states,
        "neighbours": [[ids[a], ids[b]] for a, b in neighbours],
        "perceptions": perceptions,
        "war": war,
        "alignments": [[ids[a], ids[b]] for a, b in alliances],
        "sources": list(dict.fromkeys(sources)),
        "notes": (
            f"Built from data up to {year} by knowledge/derivation.yaml (history), mapping {mapping.hash}"
            + (f", variant {mapping.variant}" if mapping.variant else "")
            + ": capability is CINC; offensive capability the mean share of the system's milex and milper; "
            "neighbours COW contiguity; intentions from strategic rivalries, disputes, wars and alliances; "
            "alignments the ATOP defence and offence pledges in force."
        ),
    }


# ------------------------------------------------------------------ comparison
@dataclass(frozen=True, kw_only=True)
class Counts:
    tp: int
    fp: int
    fn: int

    def to_list(self) -> list[int]:
        return [self.tp, self.fp, self.fn]


def _counts(predicted: set[Pair], observed: set[Pair]) -> Counts:
    tp = len(predicted & observed)
    return Counts(tp=tp, fp=len(predicted) - tp, fn=len(observed) - tp)


def _bloc_pairs(blocs: Iterable[Iterable[str]], code_of: Mapping[str, int]) -> set[Pair]:
    out: set[Pair] = set()
    for bloc in blocs:
        for x, y in combinations(sorted(code_of[s] for s in bloc), 2):
            out.add((x, y))
    return out


def new_treaties(
    data: HistoryData, year: int, mapping: HistoryMapping, codes: Iterable[int], allied: set[Pair]
) -> dict[int, set[Pair]]:
    """ATOP treaties (4.01 member level) with a defence or offence pledge entered the next
    year, each scored once: atopid -> the pairs of its members in this year's system not
    allied now. The 4.01 file only groups pairs into treaties; pairs and onsets come from
    the 5.1 dyad-years."""
    inside = set(codes)
    by_treaty: dict[int, set[int]] = {}
    for t in data.treaties:
        if t.pledge and t.entered == year + 1 and t.member in inside:
            by_treaty.setdefault(t.atopid, set()).add(t.member)
    out = {}
    for tid, mem in sorted(by_treaty.items()):
        pairs = {p for p in combinations(sorted(mem), 2) if p not in allied}
        if pairs:
            out[tid] = pairs
    return out


def score_theories(
    predicted: Mapping[str, set[Pair]],
    allied: set[Pair],
    observed: set[Pair],
    onsets: set[Pair],
    treaties: Mapping[int, set[Pair]],
) -> dict[str, Any]:
    """Each theory's counts against what happened: its pairs against the pairs allied the
    next year, its pairs not allied now against the onsets, and the new treaties in which
    it names a pair not allied now (the year's scores, and a filter's recount of them)."""
    theories = {}
    for name in THEORIES:
        pred = predicted[name]
        fresh = pred - allied
        theories[name] = {
            "pairs": _counts(pred, observed).to_list(),
            "onsets": _counts(fresh, onsets).to_list(),
            "treaties_found": sum(1 for pairs in treaties.values() if pairs & fresh),
            "predicted": len(pred),
        }
    return theories


def compare_year(
    data: HistoryData, year: int, mapping: HistoryMapping, result: ScenarioResult, seed: int
) -> dict[str, Any]:
    """Each theory's predicted pairs against the next year's alliances and the onsets."""
    sc = result.scenario
    code_of = {s.id: int(s.cow_code) for s in sc.states if s.cow_code is not None}
    codes = sorted(code_of.values())
    allied = allied_pairs(data, year, mapping.alliance_kinds, codes)
    observed = allied_pairs(data, year + 1, mapping.alliance_kinds, codes)
    onsets = observed - allied  # single-year: allied the next year, not in the year
    threat: set[Pair] = set()
    for sid, choice in result.states.items():
        for partner in choice.partners:
            threat.add(_pair(code_of[sid], code_of[partner]))
    all_pairs = [(a, b) for a, b in combinations(codes, 2)]
    rng = random.Random(f"{seed}:{year}")
    predicted = {
        "threat": threat,
        "power": _bloc_pairs(result.baselines.power.coalitions, code_of),
        "landscape": _bloc_pairs(result.baselines.landscape.coalitions, code_of),
        "inertia": set(allied),
        "random": set(rng.sample(all_pairs, min(len(threat), len(all_pairs)))),
    }
    treaties = new_treaties(data, year, mapping, codes, allied)
    theories = score_theories(predicted, allied, observed, onsets, treaties)
    name_of = {c: sid for sid, c in code_of.items()}
    return {
        "theories": theories,
        "treaties": len(treaties),
        "observed_pairs": sorted(observed),
        "onset_pairs": sorted(onsets),
        "allied_pairs": sorted(allied),
        "predicted_pairs": {k: sorted(v) for k, v in predicted.items() if k in ("threat", "random")},
        "observed_blocs": [[name_of[c] for c in g] for g in observed_blocs(data, year + 1, observed, mapping.blocs)],
        "state_count": len(codes),
    }


def run_year(
    data: HistoryData, year: int, mapping: HistoryMapping, engine: ScenarioEngine, seed: int
) -> tuple[dict[str, Any], ScenarioResult]:
    """The year's scenario run through the engine, and its comparison (plain data)."""
    raw = year_scenario(data, year, mapping)
    sc = scenario_from_data(as_node(raw), engine.kb, f"history {year}")
    result = engine.run(sc, explanations=False)
    compared = compare_year(data, year, mapping, result, seed)
    states = {}
    for sid, choice in result.states.items():
        st = sc.state(sid)
        states[sid] = {
            "name": st.name,
            "cow_code": st.cow_code,
            "capability": st.capability,
            "greatest_threat": choice.greatest_threat,
            "choice": choice.verdict,
            "side": choice.side,
            "partners": list(choice.partners),
        }
    out = {
        "year": year,
        "war": sc.war,
        "states": states,
        "predicted_blocs": [list(b) for b in result.coalitions],
        "landscape_blocs": [list(b) for b in result.baselines.landscape.coalitions],
        "power_blocs": [list(b) for b in result.baselines.power.coalitions],
        "rounds": result.rounds,
        "stable": result.stable,
        **compared,
    }
    return out, result
