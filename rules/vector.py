"""The vectorised evaluator: the rule program run on many cases at once with numpy.

Sweeps of the whole questionnaire, what-if, the three worlds, completions of unknown
answers, ablations (the program without a proposition's rules) and scenarios need
thousands to millions of runs; the experta engine of record costs about a
millisecond each. This evaluator is generated from the same :class:`Program` and
runs its policies (rules/program.py) on arrays:

- a batch is an int8 array of level codes, one row per case and one column per
  slot (factors, then derived facts), ``-1`` where the level is unknown; a leaf of
  a condition is one table look-up per row (``UNKNOWN`` satisfies no leaf);
- the derive layer runs the agenda policy step by step for all rows together: at
  each step every row fires its enabled, not yet fired rule of highest priority,
  until no row has one left; :func:`rules.program.settle_codes` settles the facts
  it asserts (the first assertion stands, a different later one is a conflict);
- support rules fire on the final facts in priority order, and their certainty
  factors are multiplied in that order, so the support is the engine's to the bit;
- :func:`rules.program.decide_codes` gives the verdict, margin and ties.

Nothing is cached per case. ``tests/test_vector.py`` and ``main.py verify`` check it
against the experta engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import conditions as cond
from .knowledge import UNKNOWN
from .program import Program, ProgramRule, combine, decide_codes, settle_codes

NO_LEVEL = -1


@dataclass(frozen=True)
class Batch:
    """What the evaluator concluded about a batch of cases in one or more worlds.

    Arrays are indexed by case (rows); ``support``, ``verdict``, ``margin`` and
    ``tied`` are per world. ``fired`` marks, per case, every rule of the program
    (``Vector.rule_ids`` order) that fired in its world (derive rules in every
    world); ``step`` is the derive step at which a derive rule fired (-1: never).
    """

    codes: Any  # (cases, slots) int8: answers and derived facts
    fired: Mapping[str, Any]  # world -> (cases, rules) bool
    step: Any  # (cases, derive rules) int16
    conflicts: Any  # (cases, derive rules) bool: the rule's assertion conflicted
    support: Mapping[str, Any]  # world -> (cases, responses) float64
    verdict: Mapping[str, Any]  # world -> (cases,) int: response code, -1 none
    margin: Mapping[str, Any]  # world -> (cases,) float64
    tied: Mapping[str, Any]  # world -> (cases, responses) bool


class Vector:
    """The program compiled for arrays. Build once per program and reuse."""

    def __init__(self, program: Program):
        self.program = program
        self.slots = program.slots
        self.n_factors = len(program.factors)
        self.rule_ids = tuple(r.id for r in program.rules)
        self.derive = program.derive_rules
        self.support_rules = program.support_rules
        self.responses = program.responses
        self._response_index = {r: i for i, r in enumerate(self.responses)}
        # One look-up table per distinct leaf: index = level code + 1 (0: unknown).
        self._luts: dict[tuple[int, frozenset[str]], Any] = {}
        self._derive_tests = [self._compile(r.condition) if r.score is None else None for r in self.derive]
        self._support_tests = [self._compile(r.condition) for r in self.support_rules]
        self._scores = [self._score_lookup(r) if r.score is not None else None for r in self.derive]
        # Each derive rule's assertions as (slot, level code) pairs.
        self._asserts = [tuple((program.slot_index(f), self._code(f, lv)) for f, lv in r.asserts) for r in self.derive]

    # ------------------------------------------------------------ encoding
    def _code(self, fact: str, level: str) -> int:
        return self.program.slot(fact).levels.index(level)

    def encode(self, answers: Iterable[Mapping[str, str]]) -> Any:
        """A batch of level codes from answers {factor: level} (absent or unknown: -1)."""
        rows = list(answers)
        codes = np.full((len(rows), len(self.slots)), NO_LEVEL, dtype=np.int8)
        for k, row in enumerate(rows):
            for factor, level in row.items():
                if level != UNKNOWN:
                    codes[k, self.program.slot_index(factor)] = self._code(factor, level)
        return codes

    def from_levels(self, levels: Any) -> Any:
        """A batch from an array (cases, factors) of answer level codes."""
        levels = np.asarray(levels, dtype=np.int8)
        codes = np.full((levels.shape[0], len(self.slots)), NO_LEVEL, dtype=np.int8)
        codes[:, : self.n_factors] = levels
        return codes

    def decode(self, row: Any, derived: bool = False) -> dict[str, str]:
        """The facts of one row as {fact: level}, unknown left out."""
        names = self.slots if derived else self.slots[: self.n_factors]
        return {s.name: s.levels[int(c)] for s, c in zip(names, row) if c != NO_LEVEL}

    # --------------------------------------------------------- compilation
    def _compile(self, node: Any) -> Any:
        """A condition tree as a function of (codes, memo), true per row where it holds.
        ``memo`` keeps each leaf's result on answers for the whole run, and on derived
        facts until they change (the caller empties ``memo["derived"]``)."""
        if isinstance(node, cond.Leaf):
            slot = self.program.slot_index(node.fact)
            lut = self._lut(slot, node.allowed)
            shelf = "answers" if slot < self.n_factors else "derived"
            key = (slot, node.allowed)

            def leaf(codes: Any, memo: dict[str, dict[Any, Any]]) -> Any:
                kept = memo[shelf]
                if key not in kept:
                    kept[key] = lut[codes[:, slot] + 1]
                return kept[key]

            return leaf
        parts = [self._compile(child) for child in node.children]
        if isinstance(node, cond.All):

            def all_of(codes: Any, memo: dict[str, dict[Any, Any]]) -> Any:
                out = parts[0](codes, memo)
                for part in parts[1:]:
                    out = out & part(codes, memo)
                return out

            return all_of

        def any_of(codes: Any, memo: dict[str, dict[Any, Any]]) -> Any:
            out = parts[0](codes, memo)
            for part in parts[1:]:
                out = out | part(codes, memo)
            return out

        return any_of

    def condition(self, node: Any) -> Any:
        """A condition tree as a function of a batch's final codes (after :meth:`run`)."""
        test = self._compile(node)
        return lambda codes: test(codes, {"answers": {}, "derived": {}})

    def _lut(self, slot: int, allowed: frozenset[str]) -> Any:
        key = (slot, allowed)
        if key not in self._luts:
            levels = self.slots[slot].levels
            self._luts[key] = np.array([False] + [lv in allowed for lv in levels])
        return self._luts[key]

    def _score_lookup(self, rule: ProgramRule) -> tuple[list[int], Any, Any]:
        """The score table as an array indexed by the mixed-radix number of its
        factors' codes (+1, so unknown is 0): the level code it asserts."""
        table = rule.score
        assert table is not None
        slots = [self.program.slot_index(f) for f in table.factors]
        radices = [len(self.slots[s].levels) + 1 for s in slots]
        strides = [int(np.prod(radices[i + 1 :])) for i in range(len(radices))]
        target = self.program.slot(table.target)
        out = np.empty(int(np.prod(radices)), dtype=np.int8)
        for combo, outcome in table.outcomes.items():
            index = sum(
                stride * (0 if level == UNKNOWN else self.slots[s].levels.index(level) + 1)
                for s, stride, level in zip(slots, strides, combo)
            )
            out[index] = NO_LEVEL if outcome.level is None else target.levels.index(outcome.level)
        return slots, np.array(strides, dtype=np.int64), out

    # ------------------------------------------------------------- running
    def run(self, codes: Any, worlds: Sequence[str] | None = None, without: Iterable[str] = ()) -> Batch:
        """Run a batch (from :meth:`encode` or :meth:`from_levels`) in ``worlds``
        (default: all), with the rules ``without`` left out of the program."""
        worlds = tuple(worlds or self.program.worlds)
        dropped = frozenset(without)
        codes = codes.copy()
        n = codes.shape[0]
        memo: dict[str, dict[Any, Any]] = {"answers": {}, "derived": {}}
        step, conflicts = self._derive(codes, dropped, memo)
        memo["derived"] = {}
        support_fired = np.zeros((n, len(self.support_rules)), dtype=bool)
        for j, (rule, test) in enumerate(zip(self.support_rules, self._support_tests)):
            if rule.id not in dropped:
                support_fired[:, j] = test(codes, memo)
        derived_fired = step >= 0
        required = [self.program.slot_index(f) for f in self.program.scoring.requires]
        settled = (codes[:, required] != NO_LEVEL).all(axis=1) if required else None
        fired, support, verdict, margin, tied = {}, {}, {}, {}, {}
        for world in worlds:
            in_world = np.array([world in r.worlds for r in self.support_rules], dtype=bool)
            world_fired = support_fired & in_world
            fired[world] = np.concatenate([derived_fired, world_fired], axis=1)
            support[world] = self._support(world_fired)
            verdict[world], margin[world], tied[world], _ = decide_codes(self.program, support[world], settled)
        return Batch(
            codes=codes,
            fired=fired,
            step=step,
            conflicts=conflicts,
            support=support,
            verdict=verdict,
            margin=margin,
            tied=tied,
        )

    def _derive(self, codes: Any, dropped: frozenset[str], memo: dict[str, dict[Any, Any]]) -> tuple[Any, Any]:
        """The derive layer under the agenda policy, for every row at once. A rule that
        reads answers only is tested once; one that reads derived facts at every step."""
        n, count = codes.shape[0], len(self.derive)
        done = np.zeros((n, count), dtype=bool)
        for i, rule in enumerate(self.derive):
            if rule.id in dropped:
                done[:, i] = True
        step = np.full((n, count), -1, dtype=np.int16)
        conflicts = np.zeros((n, count), dtype=bool)
        fixed = np.ones((n, count), dtype=bool)
        moving = []
        for i, (rule, test) in enumerate(zip(self.derive, self._derive_tests)):
            if test is not None and all(self.program.slot_index(f) < self.n_factors for f in rule.reads):
                fixed[:, i] = test(codes, memo)
            elif test is not None:
                moving.append((i, test))
        enabled = np.empty((n, count), dtype=bool)
        rows = np.arange(n)
        for t in range(count):
            np.copyto(enabled, fixed)
            memo["derived"] = {}
            for i, test in moving:
                enabled[:, i] = test(codes, memo)
            enabled &= ~done
            active = enabled.any(axis=1)
            if not active.any():
                break
            first = np.where(active, enabled.argmax(axis=1), -1)
            for i in np.unique(first[active]):
                at = rows[first == i]
                done[at, i] = True
                step[at, i] = t
                score = self._scores[i]
                if score is not None:
                    slots, strides, table = score
                    index = ((codes[at][:, slots].astype(np.int64) + 1) * strides).sum(axis=1)
                    target = self.derive[i].score
                    assert target is not None
                    claims = [(self.program.slot_index(target.target), table[index])]
                else:
                    claims = list(self._asserts[i])
                for slot, level in claims:
                    if isinstance(level, np.ndarray):
                        # A score left open asserts nothing for those rows.
                        keep = level != NO_LEVEL
                        where, level = at[keep], level[keep]
                    else:
                        where = at
                    codes[where, slot], clash = settle_codes(codes[where, slot], level, NO_LEVEL)
                    conflicts[where, i] |= clash
        return step, conflicts

    def _support(self, fired: Any, factors: Any = None) -> Any:
        """Combined CF per response: factors multiplied in firing (priority) order. With
        ``factors`` (draws x support rules), each fired rule's weights are scaled by its
        factor (kept within [-1, 1]) and the result is (cases x draws x responses)."""
        cases = fired.shape[0]
        scale = np.ones((1, len(self.support_rules))) if factors is None else factors
        draws = scale.shape[0]
        keep_for = np.ones((cases, draws, len(self.responses)))
        keep_against = np.ones((cases, draws, len(self.responses)))
        for j, rule in enumerate(self.support_rules):
            column = fired[:, j]
            if not column.any():
                continue
            for response, cf in rule.effects:
                r = self._response_index[response]
                scaled = np.clip(cf * scale[:, j], -1.0, 1.0)
                if cf > 0:
                    keep_for[:, :, r] *= np.where(column[:, None], 1.0 - scaled[None, :], 1.0)
                else:
                    keep_against[:, :, r] *= np.where(column[:, None], 1.0 + scaled[None, :], 1.0)
        support = combine(keep_for.reshape(-1, len(self.responses)), keep_against.reshape(-1, len(self.responses)))[2]
        return support if factors is not None else support.reshape(cases, len(self.responses))

    # ---------------------------------------------------------- stability
    def perturbed_verdicts(self, batch: Batch, world: str, factors: Any) -> Any:
        """The verdict of every case of ``batch`` in ``world`` under each row of
        ``factors`` (draws x support rules): every fired support rule's weights scaled
        by its factor (and kept within [-1, 1]). Returns codes (cases x draws)."""
        fired = batch.fired[world][:, len(self.derive) :]
        cases, draws = fired.shape[0], factors.shape[0]
        support = self._support(fired, factors)
        required = [self.program.slot_index(f) for f in self.program.scoring.requires]
        settled = (batch.codes[:, required] != NO_LEVEL).all(axis=1) if required else np.ones(cases, dtype=bool)
        verdict = decide_codes(self.program, support, np.repeat(settled, draws))[0]
        return verdict.reshape(cases, draws)

    def draws(self, count: int, spread: float, seed: int) -> Any:
        """``count`` rows of factors within [1 - spread, 1 + spread], one per support
        rule, from a fixed seed: the same draws for every case."""
        rng = np.random.default_rng(seed)
        return rng.uniform(1.0 - spread, 1.0 + spread, size=(count, len(self.support_rules)))

    # ------------------------------------------------------------ helpers
    def verdicts(
        self, answers: Iterable[Mapping[str, str]], world: str, without: Iterable[str] = ()
    ) -> list[str | None]:
        """The verdict of each set of answers in ``world``."""
        batch = self.run(self.encode(answers), (world,), without)
        return [self.responses[v] if v >= 0 else None for v in batch.verdict[world].tolist()]

    def fired_ids(self, batch: Batch, world: str, row: int) -> list[str]:
        """The rules fired for one row, in firing order (derive by step, then support)."""
        marks = batch.fired[world][row]
        derive = [(int(batch.step[row, i]), r.id) for i, r in enumerate(self.derive) if batch.step[row, i] >= 0]
        support = [r.id for j, r in enumerate(self.support_rules) if marks[len(self.derive) + j]]
        return [rid for _, rid in sorted(derive)] + support
