"""The one rule program: the knowledge base compiled once into plain, immutable data.

Every evaluator is generated from a :class:`Program`: the experta engine of record
(rules/inference/_engine.py, whose agenda gives the trace the user reads), the vectorised
evaluator that runs many cases at once (rules/inference/_vector.py) and the CLIPS oracle
(bench/clips_backend.py). What they must agree on is defined here, once:

- the facts: every questionnaire factor and derived fact as a :class:`Slot` with its
  levels (an answer may also be unknown, which satisfies no condition);
- the rules, each with its condition, what it asserts or supports, and its
  **priority**: the derive layer outranks the weighed stages' layers, each earlier
  stage outranks the later ones, and within a layer the rule declared first outranks
  the later ones. Priorities are unique; each stage's decision comes after every rule
  of its layer (:meth:`Program.decision_priority`);
- the **agenda policy**: the enabled rule with the highest priority fires next, and
  each rule fires at most once per case (a rule whose condition has alternatives
  counts once, on the first that matches);
- the **conflict policy** (:func:`settle`): the first level asserted for a derived
  fact stands; a later rule asserting another level is recorded as a conflict and
  changes nothing;
- the score rule (the threat level from its four sources) tabulated over every
  combination of its factors' levels, unknown included (:class:`ScoreTable`), so
  that no backend bands a score of its own;
- the **stages**: each weighed stage combines its rules' certainty factors as in
  MYCIN (:func:`combine`) for its own alternatives and concludes one, with its margin
  and ties (:func:`decide_stage`, :func:`decide_stage_codes`), as declared in
  responses.yaml and rules.yaml; the verdict is the response whose path the stages
  took (:meth:`Program.response_of`, :func:`staged_decision`). Both work on plain floats
  and on numpy arrays alike, so the engine of record and the vectorised evaluator run
  the very same arithmetic. Only the generated evaluators walk the stages: the
  decisions are those the engine of record's agenda made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from alliance_advisor.rules.kb import DERIVE, UNKNOWN, KnowledgeBase, RuleSpec, Scoring, Stage

# Priority bands: the derive layer first, then each weighed stage's layer, a band of
# STAGE_BAND each, in the stages' order; a stage's decision comes last in its band.
# They stay inside CLIPS's salience range (-10000..10000) so that the CLIPS oracle
# runs the rules with exactly these priorities.
TOP = 5_000
STAGE_BAND = 1_000


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

    def parts(self, weighing: str | None) -> tuple[tuple[str, int], ...]:
        """The points each source adds to the total (:func:`score_parts`)."""
        return score_parts(self.points, self.weight, weighing)


def score_parts(
    points: Iterable[tuple[str, int]], weight: tuple[int, int] | None, weighing: str | None
) -> tuple[tuple[str, int], ...]:
    """The points each source adds to a threat score: each known mean's points times the
    weighing factor's ``times``, then the weighing factor's own ``plus``. With every
    source known they add up to the total. The one computation of it: the scenario's
    threats, the figures and the app's threat table all read it (a case's ThreatScore
    gives ``points`` and ``weight``; its rule's last score factor is the weighing one)."""
    times, plus = weight or (1, 0)
    out = tuple((f, p * times) for f, p in points)
    if weight is not None and weighing is not None:
        out += ((weighing, plus),)
    return out


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
    layer: str  # "derive" or the layer of a weighed stage
    index: int  # its place in rules.yaml
    priority: int  # unique; higher fires first
    propositions: tuple[str, ...]
    condition: Any  # a condition tree (rules/kb/_conditions.py), None for a score rule
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
    stages: tuple[Stage, ...] = ()  # the weighed stages, in order (the threat stage is the derive layer)
    paths: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (response, ((stage fact, level), ...))
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
        return tuple(r for r in self.rules if r.layer == DERIVE)

    @property
    def support_rules(self) -> tuple[ProgramRule, ...]:
        """The rules of the weighed stages, highest priority (earliest stage) first."""
        return tuple(r for r in self.rules if r.layer != DERIVE)

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def decision_priority(self, stage: Stage) -> int:
        """The priority of a stage's decision: below every rule of its layer."""
        return TOP - STAGE_BAND * (self.stages.index(stage) + 1) - (STAGE_BAND - 1)

    def allowed(self, stage: Stage, concluded: Mapping[str, str]) -> tuple[str, ...]:
        """The alternatives of ``stage`` that some response's path takes, given what
        the earlier stages ``concluded`` ({stage fact: level}); the stage's
        `otherwise` is always open to it."""
        out = []
        for _, path in self.paths:
            steps = dict(path)
            if stage.fact in steps and all(steps.get(f, v) == v for f, v in concluded.items()):
                out.append(steps[stage.fact])
        if stage.otherwise is not None:
            out.append(stage.otherwise)
        return tuple(a for a in stage.alternatives if a in out)

    def response_of(self, concluded: Mapping[str, str | None]) -> str | None:
        """The response whose path the stages' conclusions took, or None. Where two
        paths are taken (a direction and mode, and a war that changes them), the one
        through the later stage names the response."""
        facts = [st.fact for st in self.stages]
        taken = [
            (max(facts.index(f) for f, _ in path), response)
            for response, path in self.paths
            if all(concluded.get(f) == v for f, v in path)
        ]
        return max(taken)[1] if taken else None


def priority(spec: RuleSpec, layers: Sequence[str]) -> int:
    """A rule's priority: its layer's band (``layers``: derive, then the weighed
    stages' layers in order), then its order in rules.yaml."""
    return TOP - STAGE_BAND * layers.index(spec.layer) - spec.index


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


# ----------------------------------------------------------------- stages


@dataclass(frozen=True)
class StageDecision:
    """What one weighed stage concluded."""

    stage: str
    conclusion: str | None  # None: the stage concluded nothing (a gap, or nothing to weigh)
    runner_up: str | None
    margin: float | None  # over the runner-up; None where nothing was contested
    tie: bool
    tied_with: tuple[str, ...]
    support: Mapping[str, tuple[float, float, float]]  # alternative -> (MB, MD, CF)
    fired: tuple[str, ...]  # the stage's rules that fired, in firing order
    allowed: tuple[str, ...]  # the alternatives the earlier stages left open


@dataclass(frozen=True, kw_only=True)
class StagedDecision:
    """The verdict from the stages: the response whose path they took, its margin
    (that of its closest contested stage, the `deciding` one) and the runner-up (the
    response the deciding stage's runner-up leads to)."""

    verdict: str | None
    margin: float
    tie: bool
    tied_with: tuple[str, ...]
    runner_up: str | None
    deciding: str | None
    stages: tuple[StageDecision, ...]
    facts: Mapping[str, str]  # the stage facts concluded


def stage_support(program: Program, stage: Stage, fired: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """(MB, MD, CF) per alternative of ``stage`` from its rules ``fired``, in firing
    order. (Perturbed weights are the vectorised evaluator's: Vector.perturbed_verdicts.)"""
    per: dict[str, list[float]] = {a: [] for a in stage.alternatives}
    for rule_id in fired:
        rule = program.rule(rule_id)
        if rule.layer != stage.layer:
            continue
        for alternative, cf in rule.effects:
            per[alternative].append(cf)
    return {a: combine_factors(cfs) for a, cfs in per.items()}


def decide_stage_codes(
    program: Program, stage: Stage, support: Any, allowed: Any, settled: Any
) -> tuple[Any, Any, Any, Any]:
    """A stage's decision on many cases: ``support`` (cases x alternatives) CF,
    ``allowed`` (cases x alternatives) the alternatives open to each case, ``settled``
    (cases,) whether the facts the scoring requires are known.

    Returns the conclusion code per case (-1: none), the margin (NaN where nothing
    was contested), a mask of the alternatives tied with the conclusion, and the
    runner-up code (-1: none). The `otherwise` alternative is never weighed: it is
    concluded when no other reaches the minimum support. An alternative alone open
    is concluded by construction."""
    import numpy as np

    cf = np.asarray(support, dtype=float)
    allowed = np.asarray(allowed, dtype=bool)
    settled = np.asarray(settled, dtype=bool)
    n, width = cf.shape
    fallback = stage.alternatives.index(stage.otherwise) if stage.otherwise is not None else -1
    candidates = allowed.copy()
    if fallback >= 0:
        candidates[:, fallback] = False
    count = candidates.sum(axis=1)
    rank = np.array([stage.tie_order.index(a) for a in stage.alternatives])
    masked = np.where(candidates, cf, -np.inf)
    order = np.lexsort((np.broadcast_to(rank, cf.shape), -masked), axis=-1)
    rows = np.arange(n)
    top = masked[rows, order[:, 0]]
    second = masked[rows, order[:, 1]] if width > 1 else np.full(n, -np.inf)
    alone = (count == 1) & (fallback < 0)
    weighed = (count >= 1) & ~alone
    has = weighed & (top >= program.scoring.min_support) & settled
    conclusion = np.where(has | (alone & settled), order[:, 0], -1)
    if fallback >= 0:
        conclusion = np.where(~has & settled, fallback, conclusion)
    runner = np.where(has & (count >= 2), order[:, 1], -1)
    if fallback >= 0:
        runner = np.where(has & ((count < 2) | (second <= 0.0)), fallback, runner)
    margin = np.where(has, top - np.maximum(second, 0.0), np.nan)
    tied = (top[:, None] - cf <= program.scoring.tie_tolerance) & candidates & has[:, None]
    tied[rows, order[:, 0]] = False
    return conclusion, margin, tied, runner


def decide_stage(
    program: Program,
    stage: Stage,
    fired: Sequence[str],
    concluded: Mapping[str, str],
    settled: bool = True,
) -> StageDecision:
    """One stage's decision for one case (the same arithmetic as the arrays')."""
    support = stage_support(program, stage, fired)
    allowed = program.allowed(stage, concluded)
    codes = decide_stage_codes(
        program,
        stage,
        [[support[a][2] for a in stage.alternatives]],
        [[a in allowed for a in stage.alternatives]],
        [settled],
    )
    conclusion, margin, tied, runner = int(codes[0][0]), float(codes[1][0]), codes[2][0], int(codes[3][0])
    alts = stage.alternatives
    return StageDecision(
        stage=stage.id,
        conclusion=alts[conclusion] if conclusion >= 0 else None,
        runner_up=alts[runner] if runner >= 0 else None,
        margin=None if margin != margin else margin,  # NaN: nothing contested
        tie=bool(tied.any()),
        tied_with=tuple(a for a, t in zip(alts, tied) if t),
        support={a: support[a] for a in alts if a in allowed},
        fired=tuple(r for r in fired if program.rule(r).layer == stage.layer),
        allowed=allowed,
    )


def staged_decision(
    program: Program,
    decisions: Sequence[StageDecision],
    settled: bool,
    forced: Callable[[Stage, Sequence[str]], Sequence[str | None]],
) -> StagedDecision:
    """The verdict from one case's stage ``decisions`` (the engine of record's, one per
    stage in order): the response whose path they took, unless the facts the scoring
    requires are not ``settled``, and its margin, that of its closest contested stage.
    The runner-up and the tied alternatives lead to responses only the later stages
    can tell (a stage's conclusion changes which rules of the next ones fire), so
    ``forced`` gives the verdicts with the deciding stage held at each of the
    alternatives given in turn: an evaluator generated from this program, never a
    second walk over the stages."""
    concluded = {program.stage(d.stage).fact: d.conclusion for d in decisions if d.conclusion is not None}
    verdict = program.response_of(concluded) if settled else None
    deciding = _deciding(program, verdict, decisions)
    margin, tie = 0.0, False
    runner_up: str | None = None
    tied_with: tuple[str, ...] = ()
    if deciding is not None:
        closest = next(d for d in decisions if d.stage == deciding)
        margin, tie = closest.margin or 0.0, closest.tie
        alternatives = ([closest.runner_up] if closest.runner_up is not None else []) + list(closest.tied_with)
        verdicts = list(forced(program.stage(deciding), alternatives)) if alternatives else []
        if closest.runner_up is not None:
            runner_up = verdicts.pop(0)
        tied_with = tuple(dict.fromkeys(v for v in verdicts if v is not None and v != verdict))
    return StagedDecision(
        verdict=verdict,
        margin=margin,
        tie=tie,
        tied_with=tied_with,
        runner_up=runner_up,
        deciding=deciding,
        stages=tuple(decisions),
        facts=concluded,
    )


def path_stages(program: Program, verdict: str | None) -> tuple[Stage, ...]:
    """The stages whose conclusions name ``verdict``."""
    if verdict is None:
        return ()
    path = dict(dict(program.paths)[verdict])
    return tuple(st for st in program.stages if st.fact in path)


def _deciding(program: Program, verdict: str | None, decisions: Sequence[StageDecision]) -> str | None:
    """The verdict's closest contested stage: the one with the least margin."""
    on_path = {st.id for st in path_stages(program, verdict)}
    contested = [d for d in decisions if d.stage in on_path and d.margin is not None]
    if not contested:
        return None
    return min(contested, key=lambda d: d.margin if d.margin is not None else 0.0).stage


# ------------------------------------------------------------- compilation


def _score_table(spec: RuleSpec) -> ScoreTable:
    """Tabulate a score rule over every combination of its factors' levels, unknown
    included. The means add their points (a mean weighed by another factor takes the
    points of that factor's level); a weighing factor multiplies the sum by its
    level's `times` and adds its `plus`. With unknown components the band is settled
    only if every completion falls in the same band; otherwise none is asserted (the
    threat is not guessed)."""
    plain = [(factor, dict(points)) for factor, points in spec.score]
    by_means = [(factor, by, {bl: dict(points) for bl, points in table}) for factor, by, table in spec.score_by]
    weigh = [(factor, {lv: (t, p) for lv, t, p in entries}) for factor, entries in spec.weigh_by]
    factors = spec.score_factors
    order = {b.level: i for i, b in enumerate(spec.bands)}
    levels_of: dict[str, list[str]] = {factor: list(points) for factor, points in plain}
    for factor, by, table in by_means:
        levels_of[factor] = list(next(iter(table.values())))
        levels_of[by] = list(table)
    for factor, weights in weigh:
        levels_of[factor] = list(weights)

    def band(total: int) -> str:
        for b in spec.bands:
            if total <= b.up_to:
                return b.level
        return spec.bands[-1].level

    def mean_points(combo: Mapping[str, str]) -> list[tuple[str, int]]:
        """(factor, points) of the means whose levels ``combo`` knows."""
        out = [(f, points[combo[f]]) for f, points in plain if combo[f] != UNKNOWN]
        out += [(f, table[combo[by]][combo[f]]) for f, by, table in by_means if UNKNOWN not in (combo[f], combo[by])]
        return sorted(out, key=lambda item: factors.index(item[0]))

    def total_of(combo: Mapping[str, str]) -> int:
        points = sum(p for _, p in mean_points(combo))
        for factor, table in weigh:
            times, plus = table[combo[factor]]
            points = points * times + plus
        return points

    tables = [levels_of[f] for f in factors]
    maximum = max(total_of(dict(zip(factors, combo))) for combo in product(*tables))
    outcomes: dict[tuple[str, ...], ScoreOutcome] = {}
    for combo in product(*[(UNKNOWN, *t) for t in tables]):
        completions = product(*[t if lv == UNKNOWN else (lv,) for t, lv in zip(tables, combo)])
        totals = sorted({total_of(dict(zip(factors, c))) for c in completions})
        bands = tuple(sorted({band(t) for t in totals}, key=order.__getitem__))
        known = dict(zip(factors, combo))
        weight = None
        if weigh and known[weigh[0][0]] != UNKNOWN:
            weight = weigh[0][1][known[weigh[0][0]]]
        missing = tuple(f for f, lv in zip(factors, combo) if lv == UNKNOWN)
        outcomes[combo] = ScoreOutcome(
            bands[0] if len(bands) == 1 else None,
            tuple(mean_points(known)),
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
    layers = [DERIVE] + [st.layer for st in kb.weighed_stages]
    if len(kb.rules) >= STAGE_BAND - 1:
        raise ValueError("too many rules for the priority bands")
    for spec in kb.rules:
        score = _score_table(spec) if spec.derive else None
        rules.append(
            ProgramRule(
                id=spec.id,
                layer=spec.layer,
                index=spec.index,
                priority=priority(spec, layers),
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
        stages=kb.weighed_stages,
        paths=tuple((resp.id, tuple(resp.path.items())) for resp in kb.responses),
    )
