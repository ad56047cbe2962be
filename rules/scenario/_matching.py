"""Blocs of states: the engine's order of a configuration, and the matching of a
predicted configuration to an observed one. Shared by the scenario engine
(rules/scenario/) and the rival theories (rules/scenario/_baselines.py), so that both are
sorted and scored alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product


def sort_blocs(blocs: Iterable[Iterable[str]], ids: Sequence[str]) -> list[tuple[str, ...]]:
    """Blocs as the engine orders them: members in the scenario's order, the largest
    bloc first, ties by the earliest member."""
    order = {s: i for i, s in enumerate(ids)}
    out = [tuple(sorted(m, key=order.__getitem__)) for m in blocs]
    out = [b for b in out if b]
    return sorted(out, key=lambda b: (-len(b), order[b[0]]))


def match_blocs(
    predicted: Sequence[Sequence[str]], observed: Sequence[Sequence[str]], ids: Sequence[str]
) -> tuple[tuple[str, ...], dict[str, bool], dict[int, int | None]]:
    """The best match of predicted to observed blocs (most states placed alike); a state
    in no bloc is unaligned. Returns the misassigned states, per-state agreement, and
    the matching (predicted index -> observed index, None: unmatched)."""
    overlap = [[len(set(p) & set(o)) for o in observed] for p in predicted]
    choices: list[int | None] = [None, *range(len(predicted))]
    best: tuple[int, tuple[int | None, ...]] = (-1, ())
    if len(observed) <= 6:
        # Each observed bloc to a different predicted bloc (or none): every injective map.
        for combo in product(choices, repeat=len(observed)):
            used = [c for c in combo if c is not None]
            if len(used) != len(set(used)):
                continue
            score = sum(overlap[c][j] for j, c in enumerate(combo) if c is not None)
            if score > best[0]:
                best = (score, combo)
    else:  # many blocs: the largest overlaps first
        taken: set[int] = set()
        combo_list: list[int | None] = [None] * len(observed)
        for _, i, j in sorted((-overlap[i][j], i, j) for i in range(len(predicted)) for j in range(len(observed))):
            if overlap[i][j] and i not in taken and combo_list[j] is None:
                combo_list[j] = i
                taken.add(i)
        best = (0, tuple(combo_list))
    of_observed = {c: j for j, c in enumerate(best[1]) if c is not None}
    matching: dict[int, int | None] = {i: of_observed.get(i) for i in range(len(predicted))}
    observed_of = {s: j for j, bloc in enumerate(observed) for s in bloc}
    predicted_of = {s: i for i, bloc in enumerate(predicted) for s in bloc}
    agreement = {}
    for s in ids:
        p, o = predicted_of.get(s), observed_of.get(s)
        agreement[s] = (o is None) if p is None else (matching.get(p) == o and o is not None)
    return tuple(s for s in ids if not agreement[s]), agreement, matching
