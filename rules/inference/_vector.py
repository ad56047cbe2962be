"""The vectorised evaluator: the rule program run on many cases at once with numpy.

Sweeps of the whole questionnaire, what-if, the three worlds, completions of unknown
answers, ablations (the program without a proposition's rules) and scenarios need
thousands to millions of runs; the experta engine of record costs about a
millisecond each. This evaluator is generated from the same :class:`Program` and
runs its policies (rules/inference/_program.py) on arrays:

- a batch is an int8 array of level codes, one row per case and one column per
  slot (factors, then derived facts), ``-1`` where the level is unknown; a leaf of
  a condition is one table look-up per row (``UNKNOWN`` satisfies no leaf);
- the derive layer runs the agenda policy step by step for all rows together: at
  each step every row fires its enabled, not yet fired rule of highest priority,
  until no row has one left; :func:`rules.inference._program.settle_codes` settles the facts
  it asserts (the first assertion stands, a different later one is a conflict);
- the weighed stages then run in order, as the engine's decisions do: each
  stage's rules fire on the facts so far (the earlier stages' conclusions
  included), their certainty factors are multiplied in priority order, so the
  support is the engine's to the bit, and :func:`rules.inference._program.decide_stage_codes`
  concludes the stage, whose fact the next stage reads;
- the verdict is the response whose path the stages took, its margin that of its
  closest contested stage.

Nothing is cached per case. ``tests/test_vector.py`` and ``main.py verify`` check it
against the experta engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_advisor.rules.inference._program import Program, ProgramRule, combine, decide_stage_codes, settle_codes
from alliance_advisor.rules.kb import UNKNOWN
from alliance_advisor.rules.kb import conditions as cond

NO_LEVEL = -1
RECENT = 4  # single-case batches kept: a case's run in its world and in every world, and spare


@dataclass(frozen=True)
class Batch:
    """What the evaluator concluded about a batch of cases in one or more worlds.

    Arrays are indexed by case (rows); ``facts``, ``support``, ``verdict``,
    ``margin`` and ``tied`` are per world. ``fired`` marks, per case, every rule of
    the program (``Vector.rule_ids`` order) that fired in its world (derive rules in
    every world); ``step`` is the derive step at which a derive rule fired (-1:
    never). ``support`` has a column per alternative of every weighed stage
    (``Vector.alternatives`` order), ``stage_margin`` a column per stage (NaN where
    nothing was contested).
    """

    codes: Any  # (cases, slots) int8: answers and the derive layer's facts
    fired: Mapping[str, Any]  # world -> (cases, rules) bool
    step: Any  # (cases, derive rules) int16
    conflicts: Any  # (cases, derive rules) bool: the rule's assertion conflicted
    support: Mapping[str, Any]  # world -> (cases, alternatives) float64
    verdict: Mapping[str, Any]  # world -> (cases,) int: response code, -1 none
    margin: Mapping[str, Any]  # world -> (cases,) float64
    tied: Mapping[str, Any]  # world -> (cases,) bool: the verdict's closest stage is tied
    facts: Mapping[str, Any]  # world -> (cases, slots) int8: with the stages' conclusions
    stage_margin: Mapping[str, Any]  # world -> (cases, stages) float64
    memo: Any = None  # the leaves' results on answers and derived facts, for re-runs


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
        self._recent: dict[Any, Batch] = {}  # the last few single-case runs, by their input
        self.stages = program.stages
        self.alternatives = tuple((st.id, a) for st in self.stages for a in st.alternatives)
        self._stage_slots = frozenset(program.slot_index(st.fact) for st in self.stages)
        self._derive_tests = [self._compile(r.condition) if r.score is None else None for r in self.derive]
        self._support_tests = [self._compile(r.condition) for r in self.support_rules]
        offsets = np.cumsum([0] + [len(st.alternatives) for st in self.stages])
        self._columns = [slice(int(a), int(b)) for a, b in zip(offsets, offsets[1:])]
        self._stage_rules = [[j for j, r in enumerate(self.support_rules) if r.layer == st.layer] for st in self.stages]
        # Each response's path as (slot, level code) pairs, and the stages it runs through.
        self._paths = [
            [(program.slot_index(f), program.slot(f).levels.index(v)) for f, v in path] for _, path in program.paths
        ]
        facts = [st.fact for st in self.stages]
        self._path_stages = np.array(
            [[st.fact in dict(path) for st in self.stages] for _, path in program.paths], dtype=bool
        )
        # Responses in the order their paths override one another: a path through a
        # later stage wins (program.response_of).
        self._precedence = sorted(
            range(len(program.paths)), key=lambda r: max(facts.index(f) for f, _ in program.paths[r][1])
        )
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
            shelf = "answers" if slot < self.n_factors else "stages" if slot in self._stage_slots else "derived"
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
        return lambda codes: test(codes, {"answers": {}, "derived": {}, "stages": {}})

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
        # One case is often run again soon (its explanation's run, then its stability,
        # with its run in every world between): the last few single-case batches are
        # kept and given again.
        key = (codes.tobytes(), worlds, dropped) if codes.shape[0] == 1 else None
        if key is not None and key in self._recent:
            return self._recent[key]
        codes = codes.copy()
        memo: dict[str, dict[Any, Any]] = {"answers": {}, "derived": {}, "stages": {}}
        step, conflicts = self._derive(codes, dropped, memo)
        memo["derived"] = {}
        keep = np.array([r.id not in dropped for r in self.support_rules], dtype=bool)
        derived_fired = step >= 0
        settled = self._settled(codes)
        fired, support, verdict, margin, tied, facts, stage_margin = {}, {}, {}, {}, {}, {}, {}
        for world in worlds:
            out = self.stage_run(codes, world, keep, settled, memo)
            fired[world] = np.concatenate([derived_fired, out["fired"]], axis=1)
            support[world], verdict[world], margin[world] = out["support"], out["verdict"], out["margin"]
            tied[world], facts[world], stage_margin[world] = out["tied"], out["facts"], out["stage_margin"]
        batch = Batch(
            codes=codes,
            fired=fired,
            step=step,
            conflicts=conflicts,
            support=support,
            verdict=verdict,
            margin=margin,
            tied=tied,
            facts=facts,
            stage_margin=stage_margin,
            memo=memo,
        )
        if key is not None:
            self._recent[key] = batch
            if len(self._recent) > RECENT:
                del self._recent[next(iter(self._recent))]
        return batch

    def _settled(self, codes: Any) -> Any:
        """Per row: whether the facts the scoring requires are known."""
        required = [self.program.slot_index(f) for f in self.program.scoring.requires]
        if not required:
            return np.ones(codes.shape[0], dtype=bool)
        return (codes[:, required] != NO_LEVEL).all(axis=1)

    def stage_run(
        self,
        codes: Any,
        world: str,
        keep: Any,
        settled: Any,
        memo: dict[str, dict[Any, Any]] | None = None,
        scale: Any = None,
        force: Mapping[int, Any] | None = None,
    ) -> dict[str, Any]:
        """The weighed stages in ``world`` for rows whose answers and derived facts are
        ``codes``: the rules of each stage (those ``keep`` marks, per support rule, or
        per row and support rule) fire on the facts so far, the stage concludes, and
        its conclusion is written for the next stages to read. ``scale`` (rows x support
        rules) multiplies each rule's weights; ``force`` ({stage index: alternative
        code, or one per row}) holds a stage's conclusion whatever its rules say. Returns the fired support rules, the
        support per alternative, each stage's margin and the verdict, margin and tie."""
        n = codes.shape[0]
        facts = codes.copy()
        memo = memo if memo is not None else {"answers": {}, "derived": {}, "stages": {}}
        memo["stages"] = {}
        in_world = np.array([world in r.worlds for r in self.support_rules], dtype=bool)
        keep = np.asarray(keep, dtype=bool) & in_world
        fired = np.zeros((n, len(self.support_rules)), dtype=bool)
        support = np.zeros((n, len(self.alternatives)))
        margins = np.full((n, len(self.stages)), np.nan)
        ties = np.zeros((n, len(self.stages)), dtype=bool)
        for k, (stage, rules, columns) in enumerate(zip(self.stages, self._stage_rules, self._columns)):
            for j in rules:
                if keep.ndim == 2 or keep[j]:
                    fired[:, j] = self._support_tests[j](facts, memo)
            if keep.ndim == 2:
                fired[:, rules] &= keep[:, rules]
            cf = self._support(fired, rules, len(stage.alternatives), scale, stage)
            support[:, columns] = cf
            conclusion, margin, tied, _ = decide_stage_codes(
                self.program, stage, cf, self._allowed(stage, facts), settled
            )
            if force and k in force:
                conclusion = np.broadcast_to(np.asarray(force[k], dtype=np.int64), (n,))
                margin = np.full(n, np.nan)
            facts[:, self.program.slot_index(stage.fact)] = conclusion
            memo["stages"] = {}
            margins[:, k] = margin
            ties[:, k] = tied.any(axis=1)
        verdict = np.full(n, -1, dtype=np.int64)
        for r in self._precedence:
            taken = np.ones(n, dtype=bool)
            for slot, level in self._paths[r]:
                taken &= facts[:, slot] == level
            verdict[taken] = r
        verdict[~np.asarray(settled, dtype=bool)] = -1
        # The verdict's margin: that of its closest contested stage.
        on_path = self._path_stages[np.maximum(verdict, 0)] & (verdict >= 0)[:, None] & ~np.isnan(margins)
        closest = np.where(on_path, margins, np.inf)
        deciding = closest.argmin(axis=1)
        rows = np.arange(n)
        found = on_path.any(axis=1)
        margin_out = np.where(found, closest[rows, deciding], 0.0)
        return {
            "fired": fired,
            "support": support,
            "stage_margin": margins,
            "verdict": verdict,
            "margin": margin_out,
            "tied": found & ties[rows, deciding],
            "facts": facts,
        }

    def _allowed(self, stage: Any, facts: Any) -> Any:
        """(rows, alternatives) the alternatives of ``stage`` some response's path
        takes given the earlier stages' conclusions (program.allowed, on arrays)."""
        n = facts.shape[0]
        allowed = np.zeros((n, len(stage.alternatives)), dtype=bool)
        target = self.program.slot_index(stage.fact)
        for path in self._paths:
            steps = dict(path)
            if target not in steps:
                continue
            open_ = np.ones(n, dtype=bool)
            for slot, level in path:
                if slot != target:
                    open_ &= (facts[:, slot] == level) | (facts[:, slot] == NO_LEVEL)
            allowed[:, steps[target]] |= open_
        if stage.otherwise is not None:
            allowed[:, stage.alternatives.index(stage.otherwise)] = True
        return allowed

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

    def _support(self, fired: Any, rules: Sequence[int], width: int, scale: Any, stage: Any) -> Any:
        """Combined CF per alternative of ``stage`` from its ``rules`` that ``fired``:
        factors multiplied in firing (priority) order; ``scale`` (rows x support rules)
        multiplies each fired rule's weights, kept within [-1, 1]."""
        n = fired.shape[0]
        keep_for = np.ones((n, width))
        keep_against = np.ones((n, width))
        for j in rules:
            column = fired[:, j]
            if not column.any():
                continue
            for alternative, cf in self.support_rules[j].effects:
                a = stage.alternatives.index(alternative)
                weight = np.full(n, cf) if scale is None else np.clip(cf * scale[:, j], -1.0, 1.0)
                if cf > 0:
                    keep_for[:, a] *= np.where(column, 1.0 - weight, 1.0)
                else:
                    keep_against[:, a] *= np.where(column, 1.0 + weight, 1.0)
        return combine(keep_for, keep_against)[2]

    # ---------------------------------------------------------- stability
    def perturbed_verdicts(self, batch: Batch, world: str, factors: Any) -> Any:
        """The verdict of every case of ``batch`` in ``world`` under each row of
        ``factors`` (draws x support rules): every support rule's weights scaled by
        its factor (and kept within [-1, 1]), the stages run again (a stage that
        concludes otherwise changes which rules of the next ones fire). Returns codes
        (cases x draws)."""
        cases, draws = batch.codes.shape[0], factors.shape[0]
        codes = np.repeat(batch.codes, draws, axis=0)
        scale = np.tile(factors, (cases, 1))
        keep = np.ones(len(self.support_rules), dtype=bool)
        out = self.stage_run(codes, world, keep, self._settled(codes), scale=scale)
        return out["verdict"].reshape(cases, draws)

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
