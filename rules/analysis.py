"""Analyses beyond the verdict: what-if, the three worlds, historical analogues.

Each runs on the vectorised evaluator (rules/vector.py), generated from the same rule
program as the experta engine, in one batch per analysis; the advisor puts them in
the Result it builds, so the views render them without reasoning again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING

from .cases import Case, default_library_dir, load_case
from .errors import CaseError
from .knowledge import KnowledgeBase
from .result import Analogue, Completions, Flip, Stability, WhatIf, WorldOutcome

if TYPE_CHECKING:
    from .vector import Vector

# A library case compared on fewer than half the questionnaire's factors ranks
# below every case compared on more: its similarity rests on too little.
MIN_COMPARED_SHARE = 0.5
ANALOGUES = 5


def _r(x: float) -> float:
    return round(float(x), 4) + 0.0


class Analyst:
    """What-if, worlds and analogues for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, vector: Vector):
        self.kb = kb
        self.vector = vector
        self._library: list[Case] | None = None  # read once
        self._predicted: dict[str, list[str | None]] = {}

    def _label(self, verdict: str | None) -> str:
        return self.kb.response(verdict).label if verdict else "No verdict"

    # ----------------------------------------------------------------- what if
    def whatif(self, answers: Mapping[str, str], world: str, without: Iterable[str] = ()) -> tuple[WhatIf, str | None]:
        """Every single change of a known answer that changes the verdict, and the
        verdict under each level of every unknown factor; with the verdict of the
        answers themselves, for the advisor to check against the engine of record."""
        variants: list[tuple[str, str | None, str]] = []
        rows: list[Mapping[str, str]] = [answers]
        for factor in self.kb.factors:
            current = answers.get(factor.id)
            for level in factor.level_ids:
                if level != current:
                    variants.append((factor.id, current, level))
                    rows.append({**answers, factor.id: level})
        verdicts = self.vector.verdicts(rows, world, without)
        baseline = verdicts[0]
        flips: list[Flip] = []
        unknowns: dict[str, dict[str, str | None]] = {}
        for (factor_id, current, level), new in zip(variants, verdicts[1:]):
            if current is None:
                unknowns.setdefault(factor_id, {})[level] = new
            elif new != baseline:
                flips.append(Flip(factor_id, current, level, new))
        stable = not flips and all(v == baseline for levels in unknowns.values() for v in levels.values())
        return WhatIf(tuple(flips), unknowns, stable), baseline

    # -------------------------------------------------------------- stability
    def stability(
        self, answers: Mapping[str, str], world: str, verdict: str | None, without: Iterable[str] = ()
    ) -> Stability | None:
        """The share of random perturbations of every fired rule's weight (within the
        declared share, from the declared seed) that keep ``verdict``."""
        if verdict is None:
            return None
        scoring = self.kb.scoring
        vector = self.vector
        batch = vector.run(vector.encode([answers]), (world,), without)
        codes = vector.perturbed_verdicts(
            batch, world, vector.draws(scoring.perturbations, scoring.perturbation, scoring.seed)
        )
        share = float((codes[0] == self.vector.responses.index(verdict)).mean()) if scoring.perturbations else 1.0
        return Stability(_r(share), scoring.perturbations, scoring.perturbation, share < scoring.fragile_below)

    # ------------------------------------------------------------ completions
    def completions(
        self,
        answers: Mapping[str, str],
        world: str,
        verdict: str | None,
        without: Iterable[str] = (),
        chunk: int = 1 << 16,
    ) -> Completions:
        """The verdict under every completion of the unknown answers, counted exactly."""
        import numpy as np

        vector = self.vector
        open_factors = [f for f in self.kb.factors if f.id not in answers]
        sizes = [len(f.level_ids) for f in open_factors]
        total = int(np.prod(sizes)) if sizes else 1
        known = vector.encode([answers])[0, : vector.n_factors]
        columns = [vector.program.slot_index(f.id) for f in open_factors]
        strides = [int(np.prod(sizes[i + 1 :])) for i in range(len(sizes))]
        counts = np.zeros(len(vector.responses) + 1, dtype=np.int64)
        for start in range(0, total, chunk):
            index = np.arange(start, min(total, start + chunk), dtype=np.int64)
            levels = np.tile(known, (len(index), 1))
            for column, stride, size in zip(columns, strides, sizes):
                levels[:, column] = (index // stride) % size
            codes = vector.run(vector.from_levels(levels), (world,), without).verdict[world]
            counts += np.bincount(codes + 1, minlength=len(counts))
        shares = {
            "none" if i == 0 else vector.responses[i - 1]: _r(c / total) for i, c in enumerate(counts.tolist()) if c
        }
        keeps = counts[0 if verdict is None else vector.responses.index(verdict) + 1] / total
        return Completions(total, _r(keeps), shares)

    def next_questions(self, answers: Mapping[str, str], unknown: Iterable[str]) -> tuple[str, ...]:
        """The unknown sources of threat, the one whose answer most often settles the
        threat level first (then in questionnaire order)."""
        table = next(r.score for r in self.vector.program.rules if r.score is not None)
        order = {f.id: i for i, f in enumerate(self.kb.factors)}
        open_sources = [f for f in table.factors if f in set(unknown)]

        def settles(factor: str) -> float:
            levels = self.kb.factor(factor).level_ids
            hits = sum(table.outcome({**answers, factor: level}).level is not None for level in levels)
            return hits / len(levels)

        return tuple(sorted(open_sources, key=lambda f: (-settles(f), order[f])))

    # ------------------------------------------------------------ three worlds
    def worlds(self, answers: Mapping[str, str]) -> dict[str, WorldOutcome]:
        """The verdict in each world, with the world's advice and the risk of
        misjudging which world one is in."""
        batch = self.vector.run(self.vector.encode([answers]))
        out = {}
        for world in self.kb.worlds:
            code = int(batch.verdict[world.id][0])
            verdict = self.vector.responses[code] if code >= 0 else None
            support = batch.support[world.id][0]
            out[world.id] = WorldOutcome(
                world=world.id,
                title=world.title,
                verdict=verdict,
                verdict_label=self._label(verdict),
                confidence=_r(batch.margin[world.id][0]),
                # each stage's support for its alternatives, as "stage.alternative"
                support={f"{st}.{a}": _r(cf) for (st, a), cf in zip(self.vector.alternatives, support.tolist())},
                advice=world.advice,
                risk=world.risk,
            )
        return out

    # --------------------------------------------------------------- analogues
    def library(self) -> list[Case]:
        """The recorded cases with an observed response. A library file that does
        not load is left out here; ``main.py validate`` names it."""
        if self._library is None:
            directory = default_library_dir(self.kb)
            cases = []
            if directory.is_dir():
                for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
                    try:
                        case = load_case(path, self.kb)
                    except CaseError:
                        continue
                    if case.observed:
                        cases.append(case)
            self._library = cases
        return self._library

    def predictions(self, world: str) -> list[str | None]:
        if world not in self._predicted:
            self._predicted[world] = self.vector.verdicts([c.answers for c in self.library()], world)
        return self._predicted[world]

    def similarity(self, answers: Mapping[str, str], other: Mapping[str, str]) -> tuple[float, int, list[str]]:
        """(similarity in [0, 1], factors compared, factors that differ).

        Each factor weighs what the questionnaire's ``similarity`` declares; an
        ordered factor earns partial credit by level distance. A factor unknown
        on either side is left out of both sums: no credit and no penalty."""
        earned = weight = 0.0
        compared, differences = 0, []
        for factor in self.kb.factors:
            mine, theirs = answers.get(factor.id), other.get(factor.id)
            if mine is None or theirs is None:
                continue
            compared += 1
            if mine == theirs:
                credit = 1.0
            else:
                differences.append(factor.id)
                levels = factor.level_ids
                credit = (
                    1.0 - abs(levels.index(mine) - levels.index(theirs)) / (len(levels) - 1) if factor.ordered else 0.0
                )
            earned += factor.similarity * credit
            weight += factor.similarity
        return (earned / weight if weight else 0.0), compared, differences

    def analogues(self, case: Case, world: str, count: int = ANALOGUES) -> tuple[Analogue, ...]:
        """The library cases most like ``case`` (never the case's own file)."""
        own = Path(case.path).resolve() if case.path else None
        enough = ceil(MIN_COMPARED_SHARE * len(self.kb.factors))
        ranked = []
        for other, predicted in zip(self.library(), self.predictions(world)):
            if own is not None and other.path and Path(other.path).resolve() == own:
                continue
            score, compared, differences = self.similarity(case.answers, other.answers)
            ranked.append(((compared >= enough, score, compared), other, predicted, score, compared, differences))
        ranked.sort(key=lambda item: item[0], reverse=True)  # stable: ties keep file order
        return tuple(
            Analogue(
                file=Path(other.path or "").name,
                title=other.title,
                year=other.year,
                state=other.state,
                threat=other.threat,
                similarity=_r(score),
                compared=compared,
                observed=other.observed or "",
                predicted=predicted,
                theory_right=predicted == other.observed,
                differences=tuple(differences),
            )
            for _, other, predicted, score, compared, differences in ranked[:count]
        )
