"""Rival theories of alignment, run beside balance of threat on every scenario.

Two baselines, each computed from the scenario's own data and scored against its
``observed`` blocs with the engine's matching (rules/scenario/_matching.py):

* Landscape theory (Axelrod and Bennett 1993, "A Landscape Theory of Aggregation",
  British Journal of Political Science 23: 211-233). Each state has a size ``s_i``
  (its capability share) and each pair a propensity ``p_ij`` to work together, read
  from the scenario's perceptions and alignments by the mapping declared in
  ``knowledge/derivation.yaml`` (``landscape``), averaged over the two directions.
  A configuration X splits the states into two blocs; ``d_ij(X)`` is 0 for two states
  in one bloc, else 1; its frustration (energy) is ``E(X) = sum_{i<j} s_i s_j p_ij
  d_ij(X)``. The prediction is the split of least energy: every split is tried up to
  ``exact_up_to`` states (numpy, in chunks); beyond, a seeded local search (single
  state flips, the best first, from ``restarts`` seeded random starts) finds a local
  minimum, and the result says which method gave it.
* Balance of power: every state aligns against the strongest state (the highest
  capability share, ties by id); the strongest itself aligns against the second
  strongest. So the blocs are the strongest alone, and everyone else together.

Pure Python and numpy: no Qt, no wording (presentation/ words it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from alliance_advisor.rules.scenario._matching import match_blocs, sort_blocs

FloatArray = npt.NDArray[np.float64]
CHUNK = 1 << 15  # splits evaluated at once by the exact search (memory: CHUNK x n)


@dataclass(frozen=True, kw_only=True)
class LandscapeMapping:
    """knowledge/derivation.yaml ``landscape``: from a scenario's data to propensities."""

    intentions: dict[str, float]  # perceived intentions (i of j) -> propensity of i to j
    alliance: float  # added to a pair with an alliance in force
    exact_up_to: int  # every split is tried up to this many states
    restarts: int  # beyond: random starts of the local search
    seed: int  # and the seed of those starts
    source: str  # the citation


@dataclass(frozen=True, kw_only=True)
class BaselineResult:
    """One rival theory's prediction for a scenario."""

    theory: str  # "landscape" or "power"
    coalitions: tuple[tuple[str, ...], ...]  # its blocs (every state in one), sorted as the engine sorts
    misassigned: tuple[str, ...] | None  # with `observed`: the states it places wrongly
    agreed: int | None  # with `observed`: how many it places as observed
    method: str | None = None  # landscape: "exact" or "local search, seed S, R restarts"
    energy: float | None = None  # landscape: the frustration of its configuration


@dataclass(frozen=True, kw_only=True)
class Baselines:
    landscape: BaselineResult
    power: BaselineResult


class _State(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def capability(self) -> float: ...


class ScenarioData(Protocol):
    """What the baselines read of a scenario (rules/scenario/ Scenario)."""

    @property
    def states(self) -> Sequence[_State]: ...

    @property
    def perceptions(self) -> Mapping[str, Mapping[str, str]]: ...

    @property
    def alignments(self) -> Sequence[Sequence[str]]: ...

    @property
    def observed(self) -> Sequence[Sequence[str]] | None: ...


# ------------------------------------------------------------------ landscape
def propensities(sc: ScenarioData, mapping: LandscapeMapping, default_intentions: str) -> FloatArray:
    """The symmetric matrix p_ij (zero diagonal): the mean of the two directions'
    perceptions (a pair not listed: ``default_intentions``), plus ``alliance`` when an
    alliance in force ties the two."""
    ids = [s.id for s in sc.states]
    at = {s: i for i, s in enumerate(ids)}
    n = len(ids)
    p = np.zeros((n, n))
    for i, a in enumerate(ids):
        seen = sc.perceptions.get(a, {})
        for j, b in enumerate(ids):
            if i != j:
                p[i, j] = mapping.intentions[seen.get(b, default_intentions)]
    p = (p + p.T) / 2.0
    allied = np.zeros((n, n), dtype=bool)
    for group in sc.alignments:
        members = [at[m] for m in group]
        for i in members:
            for j in members:
                if i != j:
                    allied[i, j] = True
    p = p + mapping.alliance * allied
    np.fill_diagonal(p, 0.0)
    return p


def energy(sizes: FloatArray, p: FloatArray, side: Sequence[int] | npt.NDArray[np.int_]) -> float:
    """E(X) = sum over pairs i<j of s_i s_j p_ij d_ij(X), X given by each state's side (0 or 1)."""
    x = np.asarray(side, dtype=np.float64)
    w = np.outer(sizes, sizes) * p
    d = np.abs(x[:, None] - x[None, :])
    return float(np.sum(np.triu(w * d, 1)))


def _exact(w: FloatArray) -> tuple[npt.NDArray[np.int_], float]:
    """The least-energy split over all 2^(n-1) of them (the first state on side 0; the
    first minimum in the order of the masks wins a tie)."""
    n = w.shape[0]
    rows = w.sum(axis=1)
    best_e, best_mask = np.inf, 0
    total = 1 << (n - 1)
    bits = np.arange(1, n, dtype=np.int64)
    for start in range(0, total, CHUNK):
        masks = np.arange(start, min(start + CHUNK, total), dtype=np.int64)
        x = np.zeros((masks.size, n))
        x[:, 1:] = (masks[:, None] >> (bits - 1)[None, :]) & 1
        # sum_{i<j} w_ij d_ij with d_ij = x_i + x_j - 2 x_i x_j, w symmetric, zero diagonal
        e = x @ rows - np.einsum("ki,ki->k", x @ w, x)
        k = int(np.argmin(e))
        if e[k] < best_e - 1e-12:
            best_e, best_mask = float(e[k]), int(masks[k])
    side = np.zeros(n, dtype=np.int_)
    side[1:] = (best_mask >> (bits - 1)) & 1
    return side, best_e


def _local(w: FloatArray, restarts: int, seed: int) -> tuple[npt.NDArray[np.int_], float]:
    """The best local minimum from ``restarts`` seeded random starts: flip the state
    whose flip lowers the energy most until no flip does."""
    n = w.shape[0]
    rng = np.random.default_rng(seed)
    best_side, best_e = np.zeros(n, dtype=np.int_), np.inf
    for _ in range(restarts):
        x: npt.NDArray[np.int_] = np.asarray(rng.integers(0, 2, size=n), dtype=np.int_)
        while True:
            # The change of E when state k flips: sum_j w_kj (1 - 2 d_kj) = s_k (w s)_k with
            # s = 2x - 1 (one matrix-vector product, not an n x n array per step).
            s = 2.0 * x - 1.0
            gain = s * (w @ s)
            k = int(np.argmin(gain))
            if gain[k] >= -1e-12:
                break
            x[k] = 1 - x[k]
        if x[0] == 1:  # the first state on side 0, as in the exact search
            x = 1 - x
        e = energy(np.ones(n), w, x)
        if e < best_e - 1e-12:
            best_side, best_e = x.copy(), e
    return best_side, best_e


def landscape_split(
    sizes: FloatArray, p: FloatArray, exact_up_to: int, restarts: int, seed: int
) -> tuple[npt.NDArray[np.int_], float, str]:
    """The least-energy split into two blocs (each state's side), its energy and the method."""
    w = np.outer(sizes, sizes) * p
    np.fill_diagonal(w, 0.0)
    if w.shape[0] <= exact_up_to:
        side, e = _exact(w)
        return side, e, "exact"
    side, e = _local(w, restarts, seed)
    return side, e, f"local search, seed {seed}, {restarts} restarts"


# ------------------------------------------------------------------ scoring
def _scored(
    blocs: Sequence[Sequence[str]], sc: ScenarioData, ids: Sequence[str]
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...] | None, int | None]:
    coalitions = tuple(sort_blocs(blocs, ids))
    if sc.observed is None:
        return coalitions, None, None
    misassigned, agreement, _matching = match_blocs(coalitions, sc.observed, ids)
    return coalitions, misassigned, sum(agreement.values())


def landscape(sc: ScenarioData, mapping: LandscapeMapping, default_intentions: str) -> BaselineResult:
    """Axelrod and Bennett's configuration: the split of least frustration."""
    ids = [s.id for s in sc.states]
    sizes = np.array([s.capability for s in sc.states], dtype=np.float64)
    p = propensities(sc, mapping, default_intentions)
    side, e, method = landscape_split(sizes, p, mapping.exact_up_to, mapping.restarts, mapping.seed)
    blocs = [[s for s, x in zip(ids, side) if x == k] for k in (0, 1)]
    coalitions, misassigned, agreed = _scored(blocs, sc, ids)
    return BaselineResult(
        theory="landscape",
        coalitions=coalitions,
        misassigned=misassigned,
        agreed=agreed,
        method=method,
        energy=round(e, 12),
    )


def balance_of_power(sc: ScenarioData) -> BaselineResult:
    """Everyone against the strongest state, the strongest against the second strongest:
    the strongest alone, and every other state in the bloc opposed to it."""
    ids = [s.id for s in sc.states]
    strongest = max(sc.states, key=lambda s: (s.capability, s.id)).id
    blocs = [[strongest], [s for s in ids if s != strongest]]
    coalitions, misassigned, agreed = _scored(blocs, sc, ids)
    return BaselineResult(theory="power", coalitions=coalitions, misassigned=misassigned, agreed=agreed)


def compute_baselines(sc: ScenarioData, mapping: LandscapeMapping, default_intentions: str) -> Baselines:
    return Baselines(landscape=landscape(sc, mapping, default_intentions), power=balance_of_power(sc))


def baselines_to_dict(b: Baselines) -> dict[str, dict[str, object]]:
    """The ``baselines`` object of ``scenario --format json``."""

    def common(r: BaselineResult) -> dict[str, object]:
        return {
            "coalitions": [list(c) for c in r.coalitions],
            "misassigned": None if r.misassigned is None else list(r.misassigned),
            "agreed": r.agreed,
        }

    return {
        "landscape": {**common(b.landscape), "method": b.landscape.method, "energy": b.landscape.energy},
        "power": common(b.power),
    }
