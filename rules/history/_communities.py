"""The observed blocs of a year: communities of the alliance network, weighed.

Connected pieces of the pairs allied merge rival camps through one old link (in 1949
the wartime Anglo-Soviet and Franco-Soviet pacts, still in force, chain NATO to the
Soviet bloc). A camp is a group of states bound by many and recent ties among
themselves, more than to the rest; so each allied pair is weighed by its shared
defence or offence pledges (ATOP member-level treaties), each pledge by its age, and
the blocs are the modularity communities of that network (Newman 2006), found by the
Louvain method (Blondel et al. 2008) with a fixed seed. The figures are declared in
knowledge/derivation.yaml (``history.observed_blocs``); this module only applies them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.history._data import HistoryData

Pair = tuple[int, int]


@dataclass(frozen=True, kw_only=True)
class BlocReading:
    """How the observed blocs are read (derivation.yaml, history.observed_blocs)."""

    half_life: float  # years: a pledge's weight halves with each
    unexplained: float  # the weight of an allied pair no member-level treaty explains
    resolution: float  # of the modularity (1: Newman's own)
    seed: int  # of the Louvain method's order of visits


def parse_bloc_reading(section: Any, where: str, line: int | None) -> BlocReading:
    """``history.observed_blocs`` read and checked (one line naming the file on error)."""
    if not isinstance(section, dict):
        raise KnowledgeError("history.observed_blocs must be a mapping", where, line)
    allowed = {"half_life", "unexplained_pair", "resolution", "seed"}
    extra = sorted(set(map(str, section)) - allowed)
    if extra:
        raise KnowledgeError(f"history.observed_blocs: unknown key '{extra[0]}'", where, line)

    def number(key: str, low: float, high: float) -> float:
        value = section.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low < value <= high:
            raise KnowledgeError(
                f"history.observed_blocs.{key} must be a number above {low:g} up to {high:g}", where, line
            )
        return float(value)

    seed = section.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise KnowledgeError("history.observed_blocs.seed must be a whole number 0 or more", where, line)
    return BlocReading(
        half_life=number("half_life", 0, 1000),
        unexplained=number("unexplained_pair", 0, 1),
        resolution=number("resolution", 0, 10),
        seed=seed,
    )


def tie_weights(data: HistoryData, year: int, pairs: Iterable[Pair], reading: BlocReading) -> dict[Pair, float]:
    """Each allied pair's tie in ``year``: the sum over the defence or offence pledges
    both are members of then, each ``0.5 ** (age / half_life)``, the age counted from
    the later of the two entries into the treaty; a pair the member-level file does not
    explain (ATOP 5.1 has pairs 4.01 lacks) weighs ``unexplained``."""
    wanted = set(pairs)
    entered: dict[int, dict[int, int]] = {}  # treaty -> member -> first entry
    in_force: set[tuple[int, int]] = set()  # (treaty, member) with a pledge in force in the year
    for t in data.treaties:
        if not t.pledge or t.entered > year:
            continue
        members = entered.setdefault(t.atopid, {})
        members[t.member] = min(members.get(t.member, t.entered), t.entered)
        if t.left == 0 or t.left >= year:
            in_force.add((t.atopid, t.member))
    weights: dict[Pair, float] = {}
    for tid, members in entered.items():
        current = sorted(m for m in members if (tid, m) in in_force)
        for a, b in combinations(current, 2):
            if (a, b) in wanted:
                age = year - max(members[a], members[b])
                weights[(a, b)] = weights.get((a, b), 0.0) + 0.5 ** (age / reading.half_life)
    return {p: weights.get(p, reading.unexplained) for p in sorted(wanted)}


def observed_blocs(data: HistoryData, year: int, pairs: Iterable[Pair], reading: BlocReading) -> list[list[int]]:
    """The blocs of the pairs allied in ``year``: the modularity communities of their
    weighted network, largest first, each of two states or more (a state allied to no
    one is in no bloc)."""
    import networkx as nx

    weights = tie_weights(data, year, pairs, reading)
    graph = nx.Graph()
    graph.add_nodes_from(sorted({c for p in weights for c in p}))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    found = nx.community.louvain_communities(graph, weight="weight", resolution=reading.resolution, seed=reading.seed)
    groups = [sorted(g) for g in found if len(g) > 1]
    return sorted(groups, key=lambda g: (-len(g), g))
