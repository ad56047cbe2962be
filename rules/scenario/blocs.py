"""Blocs of a scenario run: who is tied to whom, and the blocs the choices make."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rules.blocs import sort_blocs
from rules.knowledge import KnowledgeBase

from .model import Scenario


def ties(groups: Iterable[Sequence[str]], ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """Who is aligned with whom: each group ties its own members to one another."""
    out: dict[str, set[str]] = {s: set() for s in ids}
    for group in groups:
        for member in group:
            out[member] |= set(group) - {member}
    return {s: frozenset(v) for s, v in out.items()}


def canonical(root: Mapping[str, str], ids: Sequence[str]) -> list[tuple[str, ...]]:
    blocs: dict[str, list[str]] = {}
    for s in ids:
        blocs.setdefault(root[s], []).append(s)
    return sort_blocs(blocs.values(), ids)


def side_of(kb: KnowledgeBase, verdict: str | None) -> str:
    """Where a verdict puts a state in the system (responses.yaml `side`)."""
    return kb.response(verdict).side if verdict else "apart"


def coalitions(
    ids: Sequence[str],
    greatest: Mapping[str, str],
    verdicts: Mapping[str, str | None],
    candidates: Mapping[str, Sequence[str]],
    sc: Scenario,
    sc_kb: KnowledgeBase,
) -> tuple[list[tuple[str, ...]], list[str]]:
    """The blocs the choices make: a bandwagoner joins its threat; the states that
    balance against the same power (or ride under the coalition against it) join one
    another. A state that balances against a power is never merged into a bloc that
    holds it; those refusals are returned."""
    parent = {s: s for s in ids}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def members(root: str) -> set[str]:
        return {s for s in ids if find(s) == root}

    def compatible(x: str, y: str) -> bool:
        joined = members(find(x)) | members(find(y))
        return not any(greatest[s] in joined and side_of(sc_kb, verdicts.get(s)) == "against" for s in joined)

    refused = []
    for a in ids:  # bandwagoning first: it names its partner outright
        if side_of(sc_kb, verdicts.get(a)) == "with":
            if compatible(a, greatest[a]):
                parent[find(a)] = find(greatest[a])
            else:
                refused.append(a)
    against: dict[str, list[str]] = {}
    for a in ids:
        if side_of(sc_kb, verdicts.get(a)) == "against":
            against.setdefault(greatest[a], []).append(a)
    for group in against.values():
        for a in group:
            partners = [x for x in group if x != a and x in candidates[a]] or [x for x in group if x != a]
            for x in partners:
                if find(a) == find(x):
                    continue
                if compatible(a, x):
                    parent[find(x)] = find(a)
                else:
                    refused.append(a)
    return canonical({s: find(s) for s in ids}, ids), sorted(set(refused))
