"""The knowledge base's model: immutable objects for what ``knowledge/`` declares.

The loader (rules.kb._load) builds them from the YAML files and validates them; the
engine, the presentation layer and the reports read them. Nothing here reads a file.
"""

from dataclasses import dataclass, field
from pathlib import Path

from alliance_advisor.rules.kb import _conditions as cond
from alliance_advisor.rules.kb._bands import Band
from alliance_advisor.rules.version import KNOWLEDGE_DIR, KNOWLEDGE_FILES

DEFAULT_DIR = KNOWLEDGE_DIR
FILES = KNOWLEDGE_FILES
UNKNOWN = "unknown"
SIDES = ("against", "with", "apart")  # where a response puts a state in a system of powers
DERIVE = "derive"  # the layer of the threat stage and the facts the later stages read
GROUPS = ("balancing", "bandwagoning", "conditions", "reasoning")


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    meaning: str


@dataclass(frozen=True, kw_only=True)
class Factor:
    id: str
    section: str
    question: str
    help: str
    ordered: bool
    levels: tuple[Level, ...]
    propositions: tuple[str, ...]
    similarity: float
    # What the answer is about, as a phrase a sentence can carry ("how likely allied
    # help is"): the explanation of a close call names the answers it turns on by it.
    topic: str = ""

    @property
    def level_ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.levels)

    def level(self, level_id: str | None) -> Level | None:
        for level in self.levels:
            if level.id == level_id:
                return level
        return None

    def label_of(self, level_id: str | None) -> str:
        level = self.level(level_id)
        return level.label if level else "Unknown"


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True, kw_only=True)
class Derived:
    id: str
    label: str
    ordered: bool
    levels: tuple[str, ...]
    meaning: str
    labels: tuple[tuple[str, str], ...] = ()  # (level, how it reads), where declared

    @property
    def level_ids(self) -> tuple[str, ...]:
        return self.levels

    def label_of(self, level_id: str | None) -> str:
        if level_id is None:
            return "unknown"
        return dict(self.labels).get(level_id, str(level_id).replace("_", " "))


@dataclass(frozen=True, kw_only=True)
class Static:
    """A comparative static a proposition claims (see propositions.yaml)."""

    world: str
    factor: str
    response: str  # the response whose support the claim is about ("" for never_turns)
    over: tuple[str, ...]  # the levels of the factor the claim spans, in order
    when: cond.Condition | None  # a condition tree restricting the claim, or None
    kind: str = "support"  # support | margin | never_raises | never_turns
    against: str = ""  # margin: the response whose support is subtracted
    turns_from: tuple[str, ...] = ()  # never_turns: the verdicts ...
    turns_to: tuple[str, ...] = ()  # ... that must not become these
    steps: tuple[tuple[str, str], ...] = ()  # the changes checked: ((from level, to level), ...)
    # The stage the claim is about: its alternatives' support, or (never_turns) its
    # conclusion. None: a never_turns claim on the verdict.
    stage: str | None = None
    # Facts that must keep their level across the change ("all else fixed" for a
    # derived fact the claim takes as given, such as the threat level).
    hold: tuple[str, ...] = ()

    def describe(self) -> str:
        at = f" at the {self.stage} stage" if self.stage else ""
        if self.kind == "margin":
            return f"{self.response} minus {self.against} never falls{at}"
        if self.kind == "never_raises":
            return f"{self.response} never rises{at}"
        if self.kind == "never_turns":
            what = f"the {self.stage} stage's " if self.stage else ""
            return f"never turns {what}{'/'.join(self.turns_from)} into {'/'.join(self.turns_to)}"
        return f"{self.response} never falls{at}"


@dataclass(frozen=True, kw_only=True)
class Proposition:
    id: str
    group: str
    title: str
    text: str
    pages: str
    worlds: tuple[str, ...]
    mirror: str | None
    statics: tuple[Static, ...]
    source: str = ""  # the source's short citation, from theory.yaml
    line: int | None = None  # where it stands in propositions.yaml

    @property
    def citation(self) -> str:
        return (
            f"{self.source}, p. {self.pages}"
            if "-" not in self.pages and "," not in self.pages
            else f"{self.source}, pp. {self.pages}"
        )


@dataclass(frozen=True, kw_only=True)
class Response:
    id: str
    label: str
    meaning: str
    # The path through the stages that names this response (rules.yaml `stages`):
    # a direction and a mode, or what a war changes.
    direction: str | None = None
    mode: str | None = None
    war: str | None = None
    side: str = "apart"  # in a system of powers: "against" (its threat), "with" it, or "apart"
    rare: str | None = None  # why the default world may (all but) never give it, from the text

    @property
    def path(self) -> dict[str, str]:
        """{stage fact: level} of the stages that name this response."""
        out = {"direction": self.direction, "mode": self.mode, "war_change": self.war}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True, kw_only=True)
class Stage:
    """One stage of the decision: the layer of rules that runs in it and the fact it
    concludes, whose levels are the stage's alternatives."""

    id: str
    layer: str
    fact: str  # the derived fact the stage concludes
    question: str
    alternatives: tuple[str, ...]  # the fact's levels
    otherwise: str | None = None  # concluded when no alternative has the minimum support
    tie_order: tuple[str, ...] = ()  # the alternatives by the responses' tie order (C1)

    @property
    def weighed(self) -> bool:
        """Whether the stage weighs its rules (the threat stage scores instead)."""
        return self.layer != DERIVE


@dataclass(frozen=True, kw_only=True)
class World:
    id: str
    title: str
    description: str
    propositions: tuple[str, ...]
    advice: str
    risk: str


@dataclass(frozen=True, kw_only=True)
class Source:
    short: str
    author: str
    title: str
    publisher: str
    place: str
    year: int
    pages: str
    bibliography: str


@dataclass(frozen=True, kw_only=True)
class Theory:
    """What the engine and the views take as given about the theory (theory.yaml)."""

    default_world: str
    threat_fact: str
    balancing_responses: tuple[str, ...]
    bandwagoning_responses: tuple[str, ...]
    outcome_coded_responses: tuple[str, ...]  # responses whose coding of a case states the outcome
    source: Source
    references: tuple[tuple[str, str], ...]  # ((id, text), ...)


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    id: str
    layer: str
    propositions: tuple[str, ...]
    explanation: str
    condition: cond.Condition | None = None  # condition tree (None for score rules)
    asserts: tuple[tuple[str, str], ...] = ()  # ((derived fact, level), ...)
    effects: tuple[tuple[str, float], ...] = ()  # ((response, cf), ...)
    weights: tuple[tuple[str, str], ...] = ()  # ((response, signed weight class), ...), as declared
    derive: str | None = None  # score rules: the derived fact
    score: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()  # ((factor, ((level, points), ...)), ...)
    # score rules: means whose points depend on another factor's level:
    # ((factor, by factor, ((by level, ((level, points), ...)), ...)), ...)
    score_by: tuple[tuple[str, str, tuple[tuple[str, tuple[tuple[str, int], ...]], ...]], ...] = ()
    weigh_by: tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...] = ()  # ((factor, ((level, times, plus),)),)
    bands: tuple[Band, ...] = ()
    line: int | None = None
    index: int = 0

    @property
    def kind(self) -> str:
        return "score" if self.derive else self.layer

    def facts_read(self) -> tuple[str, ...]:
        if self.derive:
            return self.score_factors
        assert self.condition is not None, "a rule that is not a score rule has a condition"
        return tuple(sorted(cond.facts_used(self.condition)))

    @property
    def score_factors(self) -> tuple[str, ...]:
        """A score rule's factors: the means, the factors that weigh a mean, then the
        factor that weighs the sum."""
        means = [factor for factor, _ in self.score] + [factor for factor, _, _ in self.score_by]
        bys = [by for _, by, _ in self.score_by if by not in means]
        return tuple(means + sorted(set(bys), key=bys.index) + [factor for factor, _ in self.weigh_by])

    def effect_on(self, alternative: str) -> float:
        for alt, cf in self.effects:
            if alt == alternative:
                return cf
        return 0.0


@dataclass(frozen=True, kw_only=True)
class Scoring:
    method: str
    min_support: float
    tie_tolerance: float
    tie_order: tuple[str, ...]
    requires: tuple[str, ...] = ()  # derived facts without which there is no verdict
    close_call: float = 0.0  # a margin below this is too close to call
    perturbation: float = 0.2  # stability: each weight scaled within +/- this share
    perturbations: int = 200  # stability: how many draws
    seed: int = 1987
    fragile_below: float = 0.75


@dataclass(frozen=True, kw_only=True)
class Uncertainty:
    """How sure a verdict is (responses.yaml ``uncertainty``): every answer a case gives
    as certain is read as ``reading`` likely to lie elsewhere (on the neighbouring levels
    of an ordered factor, evenly on the others of an unordered one), the same for every
    case; a verdict whose probability under the answers' uncertainty is below
    ``close_call`` is a close call."""

    reading: float
    close_call: float
    source: str = ""


@dataclass(frozen=True)
class WeightClass:
    id: str
    cf: float
    meaning: str


@dataclass(kw_only=True)
class KnowledgeBase:
    directory: Path
    sections: tuple[Section, ...]
    factors: tuple[Factor, ...]
    derived: tuple[Derived, ...]
    propositions: tuple[Proposition, ...]
    responses: tuple[Response, ...]
    worlds: tuple[World, ...]
    rules: tuple[RuleSpec, ...]
    scoring: Scoring
    theory: Theory
    version: str
    weights: tuple[WeightClass, ...] = ()  # the declared scale of weight classes
    stages: tuple[Stage, ...] = ()  # the stages of the decision, in order
    uncertainty: Uncertainty = field(default_factory=lambda: Uncertainty(reading=0.0, close_call=0.0))
    # What a higher kind parses from this folder once and keeps with it (the scenario's
    # derivation.yaml, rules.scenario.load_derivation): the knowledge base knows no kind.
    parsed: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    _factor_index: dict[str, Factor] = field(default_factory=dict, repr=False)
    _derived_index: dict[str, Derived] = field(default_factory=dict, repr=False)
    _proposition_index: dict[str, Proposition] = field(default_factory=dict, repr=False)
    _rule_index: dict[str, RuleSpec] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._factor_index = {f.id: f for f in self.factors}
        self._derived_index = {d.id: d for d in self.derived}
        self._proposition_index = {p.id: p for p in self.propositions}
        self._rule_index = {r.id: r for r in self.rules}

    def factor(self, factor_id: str) -> Factor:
        return self._factor_index[factor_id]

    def derived_fact(self, fact_id: str) -> Derived:
        return self._derived_index[fact_id]

    def proposition(self, prop_id: str) -> Proposition:
        return self._proposition_index[prop_id]

    def rule(self, rule_id: str) -> RuleSpec:
        return self._rule_index[rule_id]

    def response(self, response_id: str) -> Response:
        return next(r for r in self.responses if r.id == response_id)

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    @property
    def weighed_stages(self) -> tuple[Stage, ...]:
        """The stages that weigh their rules' support: all but the threat stage."""
        return tuple(s for s in self.stages if s.weighed)

    def alternative_label(self, stage_id: str, alternative: str | None) -> str:
        """How a stage's alternative reads: the label of the derived fact's level."""
        return self.level_label(self.stage(stage_id).fact, alternative)

    def world(self, world_id: str) -> World:
        return next(w for w in self.worlds if w.id == world_id)

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.factors)

    @property
    def response_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.responses)

    def fact_label(self, fact_id: str) -> str:
        if fact_id in self._factor_index:
            return fact_id.replace("_", " ")
        return self._derived_index[fact_id].label

    def level_label(self, fact_id: str, level_id: str | None) -> str:
        if level_id is None or level_id == UNKNOWN:
            return "unknown"
        if fact_id in self._factor_index:
            return self._factor_index[fact_id].label_of(level_id)
        return self._derived_index[fact_id].label_of(level_id)

    def rules_in_world(self, world_id: str) -> tuple[RuleSpec, ...]:
        """Rules that run in a world: all derive rules, and support rules whose
        propositions all hold in that world."""
        return tuple(
            r
            for r in self.rules
            if r.layer == DERIVE or all(world_id in self.proposition(p).worlds for p in r.propositions)
        )

    def counts(self) -> dict[str, int]:
        return {
            "factors": len(self.factors),
            "derived facts": len(self.derived),
            "propositions": len(self.propositions),
            "rules": len(self.rules),
            "responses": len(self.responses),
            "worlds": len(self.worlds),
        }
