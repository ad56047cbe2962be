"""Blocs of a scenario run: who is tied to whom, and the blocs the choices make.

States are their indices in the scenario's order here (the engine's arrays)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class _Threat(Protocol):
    @property
    def members(self) -> tuple[int, ...]: ...


def ties(groups: Iterable[Iterable[int]], n: int) -> list[frozenset[int]]:
    """Who is aligned with whom: each group ties its own members to one another."""
    out: list[set[int]] = [set() for _ in range(n)]
    for group in groups:
        members = set(group)
        for m in members:
            out[m] |= members
    return [frozenset(s - {i}) for i, s in enumerate(out)]


def canonical(blocs: Iterable[Iterable[int]]) -> list[tuple[int, ...]]:
    """Blocs as the engine orders them (rules/scenario/_matching.py sort_blocs, by index): members in
    the scenario's order, the largest bloc first, ties by the earliest member."""
    out = [tuple(sorted(b)) for b in blocs]
    return sorted((b for b in out if b), key=lambda b: (-len(b), b[0]))


def coalitions(
    n: int, threats: Sequence[_Threat], sides: Sequence[str], partners: Sequence[Sequence[int]]
) -> tuple[list[tuple[int, ...]], list[int]]:
    """The blocs the choices make. A state that bandwagons joins its threat's bloc (every
    member of it). A state that balances joins its partners that balance too: the states
    whose own greatest threat is on the same side of the divide, so that states balancing
    against different members of one bloc end up together (one bloc per side, not one
    per threat). No state is put in a bloc that holds a power it balances against; those
    refusals are returned, with the blocs (every state in one, singletons included). A
    state apart (it stays out, derivation.yaml `stays_out`) joins no one and no one joins
    it: it is a bloc of its own."""
    parent = list(range(n))
    members: list[set[int]] = [{i} for i in range(n)]
    # The powers a bloc may not take in: the threats its balancing members stand against.
    barred: list[set[int]] = [set(threats[i].members) if sides[i] == "against" else set() for i in range(n)]

    def find(s: int) -> int:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def join(x: int, y: int) -> bool:
        rx, ry = find(x), find(y)
        if rx == ry:
            return True
        if members[rx] & barred[ry] or members[ry] & barred[rx]:
            return False
        if len(members[rx]) < len(members[ry]):
            rx, ry = ry, rx
        parent[ry] = rx
        members[rx] |= members[ry]
        barred[rx] |= barred[ry]
        return True

    refused: set[int] = set()
    for a in range(n):  # bandwagoning first: it names its partners outright
        if sides[a] == "with":
            for m in threats[a].members:
                # a state that stays out (side "apart") is in no bloc: accommodating
                # it does not make one with it
                if sides[m] == "apart":
                    continue
                if not join(a, m):
                    refused.add(a)
    for a in range(n):
        if sides[a] != "against":
            continue
        for x in partners[a]:
            # the common case, already together, without a call
            ra, rx = a, x
            while parent[ra] != ra:
                ra = parent[ra]
            while parent[rx] != rx:
                rx = parent[rx]
            if ra != rx and sides[x] == "against" and not join(a, x):
                refused.add(a)
    roots: dict[int, list[int]] = {}
    for s in range(n):
        roots.setdefault(find(s), []).append(s)
    return canonical(roots.values()), sorted(refused)
