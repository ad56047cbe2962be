"""Analyses beyond the verdict: what-if, the three worlds, historical analogues.

Each runs on the vectorised evaluator (rules/inference/_vector.py), generated from the same rule
program as the experta engine, in one batch per analysis; the advisor puts them in
the Result it builds, so the views render them without reasoning again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_advisor.rules.case._model import Case, default_library_dir, load_case
from alliance_advisor.rules.case._result import (
    Analogue,
    AnswerMove,
    Certainty,
    Completions,
    Flip,
    Stability,
    WhatIf,
    WorldOutcome,
)
from alliance_advisor.rules.case._uncertainty import answer_distributions
from alliance_advisor.rules.errors import CaseError
from alliance_advisor.rules.kb import UNKNOWN, KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.rules.inference import Vector

# A library case compared on fewer than half the questionnaire's factors ranks
# below every case compared on more: its similarity rests on too little.
MIN_COMPARED_SHARE = 0.5
ANALOGUES = 5
# Completions: an open space of at most DIRECT_LIMIT combinations is run directly
# (a few ms); a larger one is read off the verdict table of the whole space, which is
# built on first need once counting directly would cost at least 1/TABLE_WORTH of
# building it (so a single analysis from the command line pays little for it).
DIRECT_LIMIT = 2048
TABLE_WORTH = 4
TABLES_KEPT = 6  # (world, left-out rules) tables kept, about 330 kB each
CHUNK = 1 << 16  # combinations run at once
# The distribution over the responses: at most this many reachable combinations are run
# directly; more are read off the whole space's verdict table (built once, about a second).
SPREAD_DIRECT_LIMIT = 1 << 17


def _r(x: float) -> float:
    return round(float(x), 4) + 0.0


class _Reached:
    """The combinations of answers a case's spreads reach: their verdict codes + 1, one
    axis per factor, and their probabilities."""

    def __init__(self, codes: Any, weights: Any, support: list[Any], spreads: list[Any]) -> None:
        self.codes, self.weights, self.support, self.spreads = codes, weights, support, spreads

    def if_certain(self, code: int) -> dict[int, float]:
        """For every answer spread over more than one level (by its axis): the probability
        of verdict ``code`` were that answer certain at its most likely level, the others
        as uncertain as they are; one pass over the combinations for all of them."""
        import numpy as np

        mass = np.where(self.codes == code, self.weights, 0.0)
        out: dict[int, float] = {}
        for axis, levels in enumerate(self.support):
            if len(levels) < 2:
                continue
            at = int(np.argmax(self.spreads[axis][levels]))  # the most likely level, the first of equals
            # The axis between all before it and all after it: a three-way sum, far
            # quicker than reducing ten axes at once.
            before = int(np.prod(mass.shape[:axis]))
            level_mass = mass.reshape(before, len(levels), -1)[:, at, :].sum()
            out[axis] = float(level_mass / self.spreads[axis][levels][at])
        return out


class Analyst:
    """What-if, worlds and analogues for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, vector: Vector):
        self.kb = kb
        self.vector = vector
        self._library: list[Case] | None = None  # read once
        self._library_paths: list[Path | None] | None = None  # their files, resolved once
        self._predicted: dict[str, list[str | None]] = {}
        # (world, left-out rules) -> the verdict of every combination (verdict_table).
        self._tables: dict[tuple[str, frozenset[str]], Any] = {}
        self._tables_lock = threading.Lock()

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
    ) -> Completions:
        """The verdict under every completion of the unknown answers, counted exactly.

        A small open space is run directly (a few ms). A larger one is counted in the
        verdict table of the whole questionnaire space (:meth:`verdict_table`), once
        it is there, or once counting directly would cost a good share of building it."""
        import numpy as np

        answers = {f: level for f, level in answers.items() if level != UNKNOWN}  # as absent: open
        dropped = frozenset(without)
        sizes = [len(f.level_ids) for f in self.kb.factors if f.id not in answers]
        total = int(np.prod(sizes)) if sizes else 1
        table = self._tables.get((world, dropped))
        if table is None and total > DIRECT_LIMIT and total * TABLE_WORTH >= self._space():
            table = self.verdict_table(world, dropped)
        counts = self._count_in(table, answers) if table is not None else self._count(answers, world, dropped)
        vector = self.vector
        shares = {
            "none" if i == 0 else vector.responses[i - 1]: _r(c / total) for i, c in enumerate(counts.tolist()) if c
        }
        keeps = counts[0 if verdict is None else vector.responses.index(verdict) + 1] / total
        return Completions(total, _r(keeps), shares)

    # ----------------------------------------------------------- distribution
    def distribution(self, spreads: list[Any], world: str, without: Iterable[str] = ()) -> tuple[Any, _Reached]:
        """The probability of each verdict code + 1 (0: no verdict) when every answer is
        the distribution ``spreads`` holds for it (questionnaire order), computed exactly
        over the combinations the answers can reach; and those combinations with their
        probabilities, for :meth:`_Reached.if_certain`.

        The reachable combinations are read off the whole space's verdict table when it
        is built (the app builds it after the first analysis), and otherwise run directly
        when they are few enough (a single analysis from the command line)."""
        import numpy as np

        dropped = frozenset(without)
        support = [np.flatnonzero(spread) for spread in spreads]
        size = int(np.prod([len(s) for s in support]))
        table = self._tables.get((world, dropped))
        if table is None and size > SPREAD_DIRECT_LIMIT:
            table = self.verdict_table(world, dropped)
        if table is not None:
            # Neighbouring levels are a run of each axis: a view of the table, no copy.
            runs = all(len(s) == s[-1] - s[0] + 1 for s in support)
            reached = table[tuple(slice(s[0], s[-1] + 1) for s in support)] if runs else table[np.ix_(*support)]
        else:
            reached = self._run_support(support, world, dropped)
        weights = spreads[0][support[0]]
        for spread, levels in zip(spreads[1:], support[1:]):
            weights = np.multiply.outer(weights, spread[levels])
        bins = len(self.vector.responses) + 1
        total = np.bincount(reached.ravel(), weights=weights.ravel(), minlength=bins)
        return total, _Reached(reached, weights, support, spreads)

    def certainty(self, case: Case, world: str, verdict: str | None, without: Iterable[str] = ()) -> dict[str, Any]:
        """The Result's ``distribution``, ``confidence`` and ``certainty`` for ``case``:
        every answer read with its uncertainty (rules.case._uncertainty), the verdict
        kept as the theory's answer at the answers as given."""
        import numpy as np

        kb = self.kb
        spreads = answer_distributions(kb, case.answers, case.uncertain)
        total, reached = self.distribution(spreads, world, without)
        names = ["no_verdict", *self.vector.responses]
        order = np.argsort(-total, kind="stable")  # most probable first
        distribution = {names[i]: _r(total[i]) for i in order if total[i] >= 0.00005}
        most = names[int(np.argmax(total))]
        # The answers it turns on: for the verdict's probability, or without a verdict
        # for the most probable response's.
        target = int(np.argmax(total)) if verdict is None else self.vector.responses.index(verdict) + 1
        base = float(total[target])
        certain = reached.if_certain(target)  # axis -> the verdict's probability were that answer certain
        ranked = sorted(((p - base, axis) for axis, p in certain.items()), key=lambda item: (-item[0], item[1]))
        answer_moves = tuple(
            AnswerMove(
                factor=kb.factors[axis].id, given=case.answers.get(kb.factors[axis].id), certain=_r(certain[axis])
            )
            for gain, axis in ranked[:3]
            if gain >= 0.01
        )
        threshold = kb.uncertainty.close_call
        certainty = Certainty(
            reading=kb.uncertainty.reading,
            threshold=threshold,
            close_call=verdict is not None and base < threshold,
            most_probable=most,
            spread=tuple(f for f in kb.factor_ids if f in case.uncertain),
            moves=answer_moves,
        )
        return {
            "distribution": distribution,
            "confidence": _r(base) if verdict is not None else None,
            "certainty": certainty,
        }

    def _run_support(self, support: list[Any], world: str, without: frozenset[str]) -> Any:
        """The verdict code + 1 of every combination of the levels ``support`` holds for
        each factor, run through the evaluator, shaped one axis per factor."""
        import numpy as np

        grids = np.meshgrid(*support, indexing="ij")
        levels = np.stack([grid.ravel() for grid in grids], axis=1)
        codes = np.empty(levels.shape[0], dtype=np.int8)
        for start in range(0, levels.shape[0], CHUNK):
            stop = min(levels.shape[0], start + CHUNK)
            codes[start:stop] = (
                self.vector.run(self.vector.from_levels(levels[start:stop]), (world,), without).verdict[world] + 1
            )
        return codes.reshape([len(s) for s in support])

    def _space(self) -> int:
        space = 1
        for factor in self.kb.factors:
            space *= len(factor.level_ids)
        return space

    def _combinations(self, fixed: Mapping[str, str], start: int, stop: int) -> Any:
        """Rows ``start:stop`` of every combination of the factors not in ``fixed``
        (the last factor varying fastest), as a batch for the vectorised evaluator."""
        import numpy as np

        vector = self.vector
        open_factors = [f for f in self.kb.factors if f.id not in fixed]
        sizes = [len(f.level_ids) for f in open_factors]
        index = np.arange(start, stop, dtype=np.int64)
        levels = np.tile(vector.encode([fixed])[0, : vector.n_factors], (len(index), 1))
        stride = 1
        for factor, size in reversed(list(zip(open_factors, sizes))):
            levels[:, vector.program.slot_index(factor.id)] = (index // stride) % size
            stride *= size
        return vector.from_levels(levels)

    def _count(self, answers: Mapping[str, str], world: str, without: frozenset[str]) -> Any:
        """Verdict counts (index 0: no verdict, then response code + 1) over every
        completion of ``answers``, each completion run through the evaluator."""
        import numpy as np

        vector = self.vector
        total = 1
        for factor in self.kb.factors:
            if factor.id not in answers:
                total *= len(factor.level_ids)
        counts = np.zeros(len(vector.responses) + 1, dtype=np.int64)
        for start in range(0, total, CHUNK):
            batch = self._combinations(answers, start, min(total, start + CHUNK))
            codes = vector.run(batch, (world,), without).verdict[world]
            counts += np.bincount(codes + 1, minlength=len(counts))
        return counts

    def _count_in(self, table: Any, answers: Mapping[str, str]) -> Any:
        """Verdict counts over every completion of ``answers``, read off the table: the
        known answers fix their axes, the unknown ones are counted whole."""
        import numpy as np

        index = tuple(f.level_ids.index(answers[f.id]) if f.id in answers else slice(None) for f in self.kb.factors)
        return np.bincount(np.ravel(table[index]), minlength=len(self.vector.responses) + 1)

    def verdict_table(self, world: str, without: Iterable[str] = ()) -> Any:
        """The verdict of every combination of answers in ``world`` with the rules
        ``without`` left out: an int8 array with one axis per factor (questionnaire
        order, levels in order), holding the response code + 1 (0: no verdict).

        Built once per (world, left-out rules) and kept (the last few): about a
        second for the 331,776 combinations of the shipped questionnaire, after which
        any count of completions is a slice and a bincount. The app builds its
        world's table on its worker thread right after the first analysis, off the
        edit path."""
        import numpy as np

        key = (world, frozenset(without))
        with self._tables_lock:
            table = self._tables.get(key)
            if table is None:
                space = self._space()
                flat = np.empty(space, dtype=np.int8)
                for start in range(0, space, CHUNK):
                    stop = min(space, start + CHUNK)
                    batch = self._combinations({}, start, stop)
                    flat[start:stop] = self.vector.run(batch, (world,), key[1]).verdict[world] + 1
                table = flat.reshape([len(f.level_ids) for f in self.kb.factors])
                table.flags.writeable = False
                self._tables[key] = table
                while len(self._tables) > TABLES_KEPT:
                    self._tables.pop(next(iter(self._tables)))
            return table

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
        if self._library_paths is None:  # resolved once: the library does not move
            self._library_paths = [Path(c.path).resolve() if c.path else None for c in self.library()]
        for other, path, predicted in zip(self.library(), self._library_paths, self.predictions(world)):
            if own is not None and path == own:
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
