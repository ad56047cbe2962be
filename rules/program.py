"""The one rule program: the knowledge base compiled once into plain, immutable data.

Every evaluator is generated from a :class:`Program`: the experta engine of record
(rules/engine.py, whose agenda gives the trace the user reads), the vectorised
evaluator that runs many cases at once (rules/vector.py) and the CLIPS oracle
(bench/clips_backend.py). What they must agree on is defined here, once:

- the facts: every questionnaire factor and derived fact as a :class:`Slot` with its
  levels (an answer may also be unknown, which satisfies no condition);
- the rules, each with its condition, what it asserts or supports, and its
  **priority**: the derive layer outranks the support layer, and within a layer the
  rule declared first outranks the later ones. Priorities are unique;
- the **agenda policy**: the enabled rule with the highest priority fires next, and
  each rule fires at most once per case (a rule whose condition has alternatives
  counts once, on the first that matches);
- the **conflict policy** (:func:`settle`): the first level asserted for a derived
  fact stands; a later rule asserting another level is recorded as a conflict and
  changes nothing;
- the score rule (the threat level from its four sources) tabulated over every
  combination of its factors' levels, unknown included (:class:`ScoreTable`), so
  that no backend bands a score of its own;
- the **scoring**: certainty factors combined as in MYCIN (:func:`combine`), and the
  verdict, its margin and ties (:func:`decide`), as declared in responses.yaml.
  Both work on plain floats and on numpy arrays alike, so the engine of record and
  the vectorised evaluator run the very same arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from .knowledge import UNKNOWN, KnowledgeBase, RuleSpec, Scoring

# Priority bands per layer; they stay inside CLIPS's salience range (-10000..10000)
# so that the CLIPS oracle runs the rules with exactly these priorities.
LAYER_BASE = {"derive": 5_000, "support": 0}


@dataclass(frozen=True)
class Slot:
    """A fact a rule can read: a questionnaire factor (``answer``) or a derived fact."""

    name: str
    kind: str  # "answer" or "derived"
    levels: tuple[str, ...]
    ordered: bool


@dataclass(frozen=True)
class ScoreOutcome:
    """What the score rule concludes for one combination of its factors' levels."""

    level: str | None  # the band asserted; None when the unknowns leave it open
    points: tuple[tuple[str, int], ...]  # (factor, points) of the known means
    weight: tuple[int, int] | None  # (times, plus) of the known weighing factor
    total: int  # the score (the lowest the unknowns allow while open)
    maximum: int
    low: int  # the lowest and highest totals the unknowns allow
    high: int
    unknown: tuple[str, ...]  # the components that are unknown
    bands: tuple[str, ...]  # the bands the unknowns allow, lowest first


@dataclass(frozen=True)
class ScoreTable:
    """A score rule over every combination of its factors' levels, unknown included."""

    target: str  # the derived fact it asserts
    factors: tuple[str, ...]  # the means, then the weighing factor if any
    outcomes: Mapping[tuple[str, ...], ScoreOutcome]

    def outcome(self, facts: Mapping[str, str]) -> ScoreOutcome:
        return self.outcomes[tuple(facts.get(f, UNKNOWN) for f in self.factors)]


@dataclass(frozen=True)
class ProgramRule:
    """One rule as every backend runs it."""

    id: str
    layer: str  # "derive" or "support"
    index: int  # its place in rules.yaml
    priority: int  # unique; higher fires first
    propositions: tuple[str, ...]
    condition: Any  # a condition tree (rules/conditions.py), None for a score rule
    asserts: tuple[tuple[str, str], ...]
    effects: tuple[tuple[str, float], ...]
    score: ScoreTable | None
    reads: tuple[str, ...]  # the facts its condition (or score) reads
    worlds: frozenset[str]  # the worlds it runs in


@dataclass(frozen=True)
class Program:
    """The compiled knowledge base. Build it once with :func:`compile_program`."""

    knowledge_version: str
    slots: tuple[Slot, ...]
    rules: tuple[ProgramRule, ...]  # highest priority first
    responses: tuple[str, ...]
    scoring: Scoring
    worlds: tuple[str, ...]
    default_world: str
    _slot_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _rule_index: dict[str, ProgramRule] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._slot_index.update({s.name: i for i, s in enumerate(self.slots)})
        self._rule_index.update({r.id: r for r in self.rules})

    @property
    def factors(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.slots if s.kind == "answer")

    @property
    def derived(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.slots if s.kind == "derived")

    def slot(self, name: str) -> Slot:
        return self.slots[self._slot_index[name]]

    def slot_index(self, name: str) -> int:
        return self._slot_index[name]

    def rule(self, rule_id: str) -> ProgramRule:
        return self._rule_index[rule_id]

    def rules_in(self, world: str, without: Iterable[str] = ()) -> tuple[ProgramRule, ...]:
        """The rules that run in ``world``, highest priority first, less ``without``."""
        dropped = frozenset(without)
        return tuple(r for r in self.rules if world in r.worlds and r.id not in dropped)

    @property
    def derive_rules(self) -> tuple[ProgramRule, ...]:
        return tuple(r for r in self.rules if r.layer == "derive")

    @property
    def support_rules(self) -> tuple[ProgramRule, ...]:
        return tuple(r for r in self.rules if r.layer == "support")


def priority(spec: RuleSpec) -> int:
    """A rule's priority: its layer's band, then its order in rules.yaml."""
    return LAYER_BASE[spec.layer] - spec.index


def settle(known: str | None, asserted: str) -> tuple[str, bool]:
    """The conflict policy: (the fact's level after the assertion, whether it conflicted).
    The first level asserted for a fact stands."""
    if known is None:
        return asserted, False
    return known, known != asserted


def settle_codes(known: Any, asserted: Any, unknown: int = -1) -> tuple[Any, Any]:
    """:func:`settle` on arrays of level codes (``unknown`` where no level is known)."""
    import numpy as np

    fresh = known == unknown
    return np.where(fresh, asserted, known), ~fresh & (known != asserted)


# ---------------------------------------------------------------- scoring


def combine(keep_for: Any, keep_against: Any) -> tuple[Any, Any, Any]:
    """MYCIN's combination, from the products of (1 - cf) over the positive factors
    (``keep_for``) and of (1 + cf) over the negative ones (``keep_against``), each
    multiplied in firing order. Returns (MB, MD, CF), on floats or numpy arrays."""
    mb = 1.0 - keep_for
    md = 1.0 - keep_against
    if isinstance(mb, float) and isinstance(md, float):
        low = min(mb, md)
        return mb, md, 0.0 if low >= 1.0 else (mb - md) / (1.0 - low)
    import numpy as np

    low = np.minimum(mb, md)
    whole = low >= 1.0
    denominator = 1.0 - low
    denominator[whole] = 1.0
    cf = mb - md
    cf /= denominator
    cf[whole] = 0.0
    return mb, md, cf


def combine_factors(cfs: Iterable[float]) -> tuple[float, float, float]:
    """MB, MD and CF of certainty factors given in firing order."""
    keep_for, keep_against = 1.0, 1.0
    for cf in cfs:
        if cf > 0:
            keep_for *= 1.0 - cf
        elif cf < 0:
            keep_against *= 1.0 + cf
    mb, md, cf = combine(keep_for, keep_against)
    return mb, md, cf


@dataclass(frozen=True)
class Decision:
    """The verdict from the combined support of each response."""

    verdict: str | None  # None: no response reached the minimum support
    margin: float  # over the runner-up (a runner-up below zero counts as zero)
    tie: bool
    tied_with: tuple[str, ...]
    ranking: tuple[str, ...]  # every response, best first


def decide(program: Program, support: Mapping[str, float], settled: bool = True) -> Decision:
    """The verdict as declared in responses.yaml: the response with the highest
    support, ties within the tolerance broken by the declared order (C1); none when
    the facts the scoring requires are not ``settled``."""
    codes = decide_codes(program, [[support[r] for r in program.responses]], [settled])
    verdict, margin, tied, order = (int(codes[0][0]), float(codes[1][0]), codes[2][0], codes[3][0])
    ranking = tuple(program.responses[i] for i in order)
    if verdict < 0:
        return Decision(None, 0.0, False, (), ranking)
    tied_with = tuple(program.responses[i] for i in order[1:] if tied[i])
    return Decision(program.responses[verdict], margin, bool(tied_with), tied_with, ranking)


def decide_codes(program: Program, support: Any, settled: Any = None) -> tuple[Any, Any, Any, Any]:
    """:func:`decide` on many cases: ``support`` is an array (cases x responses),
    ``settled`` a mask of the cases whose required facts are known (default: all).

    Returns the verdict code per case (-1: none), the margin, a mask (cases x
    responses) of the responses tied with the verdict, and each case's ranking
    (response codes, best first)."""
    import numpy as np

    cf = np.asarray(support, dtype=float)
    rank = np.array([program.scoring.tie_order.index(r) for r in program.responses])
    # Sort by support, highest first, then by the declared tie order.
    order = np.lexsort((np.broadcast_to(rank, cf.shape), -cf), axis=-1)
    rows = np.arange(cf.shape[0])
    top = cf[rows, order[:, 0]]
    second = np.maximum(cf[rows, order[:, 1]], 0.0)
    has = top >= program.scoring.min_support
    if settled is not None:
        has &= np.asarray(settled, dtype=bool)
    verdict = np.where(has, order[:, 0], -1)
    margin = np.where(has, top - second, 0.0)
    tied = (top[:, None] - cf <= program.scoring.tie_tolerance) & has[:, None]
    tied[rows, order[:, 0]] = False
    return verdict, margin, tied, order


# ------------------------------------------------------------- compilation


def _score_table(spec: RuleSpec) -> ScoreTable:
    """Tabulate a score rule over every combination of its factors' levels, unknown
    included. The means add their points; a weighing factor multiplies the sum by its
    level's `times` and adds its `plus`. With unknown components the band is settled
    only if every completion falls in the same band; otherwise none is asserted (the
    threat is not guessed)."""
    means = [(factor, dict(points)) for factor, points in spec.score]
    weigh = [(factor, {lv: (t, p) for lv, t, p in entries}) for factor, entries in spec.weigh_by]
    factors = tuple(f for f, _ in means) + tuple(f for f, _ in weigh)
    order = {b.level: i for i, b in enumerate(spec.bands)}

    def band(total: int) -> str:
        for b in spec.bands:
            if total <= b.up_to:
                return b.level
        return spec.bands[-1].level

    def total_of(levels: Sequence[str]) -> int:
        points = sum(table[lv] for (_, table), lv in zip(means, levels))
        for (_, table), lv in zip(weigh, levels[len(means) :]):
            times, plus = table[lv]
            points = points * times + plus
        return points

    tables = [list(t) for _, t in means] + [list(t) for _, t in weigh]
    maximum = max(total_of(combo) for combo in product(*tables))
    outcomes: dict[tuple[str, ...], ScoreOutcome] = {}
    for combo in product(*[(UNKNOWN, *t) for t in tables]):
        completions = product(*[t if lv == UNKNOWN else (lv,) for t, lv in zip(tables, combo)])
        totals = sorted({total_of(c) for c in completions})
        bands = tuple(sorted({band(t) for t in totals}, key=order.__getitem__))
        points = tuple((f, table[lv]) for (f, table), lv in zip(means, combo) if lv != UNKNOWN)
        weight = None
        if weigh and combo[len(means)] != UNKNOWN:
            weight = weigh[0][1][combo[len(means)]]
        missing = tuple(f for f, lv in zip(factors, combo) if lv == UNKNOWN)
        outcomes[combo] = ScoreOutcome(
            bands[0] if len(bands) == 1 else None,
            points,
            weight,
            totals[0],
            maximum,
            totals[0],
            totals[-1],
            missing,
            bands,
        )
    return ScoreTable(spec.derive or "", factors, outcomes)


def compile_program(kb: KnowledgeBase) -> Program:
    """Compile a validated knowledge base into its one rule program."""
    slots = [Slot(f.id, "answer", f.level_ids, f.ordered) for f in kb.factors]
    slots += [Slot(d.id, "derived", tuple(d.levels), d.ordered) for d in kb.derived]
    worlds = tuple(w.id for w in kb.worlds)
    members = {w: {r.id for r in kb.rules_in_world(w)} for w in worlds}
    rules = []
    for spec in kb.rules:
        score = _score_table(spec) if spec.derive else None
        rules.append(
            ProgramRule(
                id=spec.id,
                layer=spec.layer,
                index=spec.index,
                priority=priority(spec),
                propositions=spec.propositions,
                condition=spec.condition,
                asserts=spec.asserts,
                effects=spec.effects,
                score=score,
                reads=score.factors if score else spec.facts_read(),
                worlds=frozenset(w for w in worlds if spec.id in members[w]),
            )
        )
    rules.sort(key=lambda r: -r.priority)
    if len({r.priority for r in rules}) != len(rules):
        raise ValueError("rule priorities must be unique")
    return Program(
        knowledge_version=kb.version,
        slots=tuple(slots),
        rules=tuple(rules),
        responses=kb.response_ids,
        scoring=kb.scoring,
        worlds=worlds,
        default_world=kb.theory.default_world,
    )


def support_of(program: Program, fired: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """(MB, MD, CF) per response from the support rules ``fired``, in firing order."""
    per: dict[str, list[float]] = {r: [] for r in program.responses}
    for rule_id in fired:
        for response, cf in program.rule(rule_id).effects:
            per[response].append(cf)
    return {r: combine_factors(cfs) for r, cfs in per.items()}
