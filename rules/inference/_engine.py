"""The experta engine of record, generated from the rule program (rules/inference/_program.py).

One engine class is built per world (the program's rules that hold in it, less any
left out for an ablation) the first time it is needed, and one instance of it is reused with ``reset()`` between
cases: building the matcher's network is the expensive part.

The trace is captured at the agenda: a thin Agenda subclass remembers the
activation it hands out, so every firing is recorded with its rule, the facts it
matched and its bindings, in firing order. Each rule's salience is its priority
in the program, unique per rule, so the same case always fires the same rules in
the same order; the program's conflict policy settles what a rule asserts.

Speed (issue 6; ``python -m bench`` measures it against CLIPS): the engines are
experta KnowledgeEngines whose rules fire through experta's agenda and depth
strategy, with the parts the profile showed slow replaced by leaner ones that
do the same: the RETE matcher (:class:`IndexedMatcher`, same activations), the
strategy's cached key, Fact's per-value freezing, the fact list's declare, the
checks in declare() and reset(), and the run loop's log formatting. A test
(tests/rules/inference/test_clips_oracle.py) checks the trace against experta's stock parts.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from alliance_advisor.rules.inference._experta import (
    AND,
    MATCH,
    OR,
    Activation,
    Agenda,
    DepthStrategy,
    Fact,
    FactCapture,
    FactList,
    FeatureCheck,
    InitialFact,
    KnowledgeEngine,
    L,
    Matcher,
    P,
    Rule,
    TypeCheck,
    generate_checks,
    negated_constraint,
    watchers,
)
from alliance_advisor.rules.inference._program import Program, ProgramRule, StageDecision, decide_stage, settle
from alliance_advisor.rules.kb import UNKNOWN, Stage
from alliance_advisor.rules.kb import conditions as cond


class _NamedFact(Fact):
    """An experta fact given by keyword. ``Fact.__init__`` passes every value
    through ``experta.utils.freeze`` (a functools.singledispatch) to make it
    hashable; ours are strings, or field constraints in patterns, hashable
    already, and the profile put that freezing at a fifth of declaring a case."""

    def __init__(self, **fields: Any) -> None:
        dict.update(self, fields)


class Answer(_NamedFact):
    """An answer to the questionnaire: ``Answer(factor=..., level=...)``."""


class DerivedFact(_NamedFact):
    """A fact derived by a rule: ``DerivedFact(fact=..., level=...)``."""


class _Pattern:
    """One distinct fact pattern of the rules, with the facts it has matched."""

    __slots__ = ("checks", "alone", "joins", "memory", "fact_type", "literals")

    def __init__(self, fact: Fact) -> None:
        checks = list(generate_checks(fact))
        for check in checks:
            if isinstance(check, FeatureCheck) and negated_constraint(check.how):
                raise TypeError(f"{fact!r}: negated field constraints are not supported")
        # experta captures every fact under a generated name; only captures the
        # rule asked for (``AS.name << Fact(...)``) reach the context.
        self.checks = [c for c in checks if not (isinstance(c, FactCapture) and c.bind.startswith("__pattern_"))]
        self.alone: list[Rule] = []  # rules with an alternative that is this pattern alone
        self.joins: list[tuple[_Conjunction, int]] = []  # (conjunction, position) of the longer alternatives
        self.memory: list[tuple[Fact, dict[str, Any]]] = []  # (fact, bindings) in declaration order
        self.fact_type = next(c.fact_type for c in checks if isinstance(c, TypeCheck))
        self.literals: dict[str, Any] = {
            c.what: c.how.value
            for c in checks
            if isinstance(c, FeatureCheck) and isinstance(c.how, L) and c.how.__bind__ is None
        }

    def overlaps(self, other: _Pattern) -> bool:
        """Whether some fact could match both patterns."""
        return self.fact_type is other.fact_type and all(
            other.literals.get(what, value) == value for what, value in self.literals.items()
        )

    def match(self, fact: Fact) -> dict[str, Any] | None:
        """The bindings this fact gives the pattern (experta's own checks), or None."""
        bindings: dict[str, Any] = {}
        for check in self.checks:
            result = check(fact)
            if not result:
                return None
            if result is not True:
                for key, value in result.items():
                    if bindings.setdefault(key, value) != value:
                        return None
        return bindings


class _Conjunction:
    """One alternative of a rule's condition (a branch of its DNF)."""

    __slots__ = ("rule", "patterns", "seen", "filled")

    def __init__(self, rule: Rule, patterns: list[_Pattern]) -> None:
        self.rule = rule
        self.patterns = patterns
        self.filled = 0  # positions whose pattern has matched some fact
        # Two distinct facts can fill the same positions in two orders only if two
        # positions can match the same facts; only then are repeats possible, and
        # remembered (as experta's conflict-set node does).
        self.seen: set[tuple[frozenset[Fact], frozenset[tuple[str, Any]]]] | None
        self.seen = set() if any(a.overlaps(b) for i, a in enumerate(patterns) for b in patterns[i + 1 :]) else None


def _alternatives(rule: Rule, element: Any) -> list[list[Fact]]:
    """A rule's conditions in disjunctive normal form: a list of conjunctions of
    fact patterns. (experta's own DNF does the same for every CE, far slower; it
    was half of building an engine, which the command line pays on every call.)"""
    if isinstance(element, Fact):
        return [[element]]
    if isinstance(element, OR):
        return [conjunction for part in element for conjunction in _alternatives(rule, part)]
    if isinstance(element, (AND, Rule)):
        conjunctions: list[list[Fact]] = [[]]
        for part in element:
            conjunctions = [a + b for a in conjunctions for b in _alternatives(rule, part)]
        return conjunctions
    raise TypeError(f"{rule!r}: only fact patterns joined by AND/OR are supported")


class IndexedMatcher(Matcher):
    """experta's Matcher interface, with the alpha network as a hash table.

    The profile showed experta's ReteMatcher spending most of each case passing
    token copies through some 400 nodes and asking every conflict-set node for
    news after each change. The rules compiled here are fact patterns joined by
    AND/OR, whose field tests are pure functions of a fact's values (membership
    in a set of levels). So the patterns a fact satisfies are worked out once per
    distinct fact content, with experta's own checks, and remembered (a table
    bounded by the facts the questionnaire allows, never keyed by a case); a new
    fact is then joined only into the conjunctions that hold one of its patterns.
    The activations, and so the agenda and the firing order, are experta's.
    """

    def __init__(self, engine: KnowledgeEngine) -> None:
        super().__init__(engine)
        self._patterns: dict[Fact, _Pattern] = {}  # pattern Fact -> _Pattern (one per distinct pattern)
        # fact content -> [(_Pattern, bindings)]
        self._matches: dict[tuple[type, tuple[tuple[str, Any], ...]], list[tuple[_Pattern, dict[str, Any]]]] = {}
        self._live: list[Activation] = []  # activations produced since the last reset
        self._filled: list[_Pattern] = []  # patterns that have matched some fact since the reset
        self._remembering: list[_Conjunction] = []  # conjunctions that remember their matches
        for rule in engine.get_rules():
            # As experta's RETE does: an unbound copy of the rule, and a rule with
            # no patterns matches the initial fact.
            unbound = rule.new_conditions(*rule)
            for patterns in _alternatives(rule, rule):
                conjunction = _Conjunction(unbound, [self._pattern(p) for p in patterns or [InitialFact()]])
                if len(conjunction.patterns) == 1:
                    conjunction.patterns[0].alone.append(unbound)
                for position, pattern in enumerate(conjunction.patterns):
                    if len(conjunction.patterns) > 1:
                        pattern.joins.append((conjunction, position))
                if conjunction.seen is not None:
                    self._remembering.append(conjunction)

    def _pattern(self, fact: Fact) -> _Pattern:
        if fact not in self._patterns:
            self._patterns[fact] = _Pattern(fact)
        return self._patterns[fact]

    def _patterns_of(self, fact: Fact) -> list[tuple[_Pattern, dict[str, Any]]]:
        values = dict(fact)
        del values["__factid__"]  # the one special key a declared fact has
        content = (type(fact), tuple(values.items()))
        found = self._matches.get(content)
        if found is None:
            found = []
            for pattern in self._patterns.values():
                bindings = pattern.match(fact)
                if bindings is not None:
                    found.append((pattern, bindings))
            self._matches[content] = found
        return found

    def changes(
        self, adding: Iterable[Fact] | None = None, deleting: Iterable[Fact] | None = None
    ) -> tuple[list[Activation], list[Activation]]:
        added: list[Activation] = []
        removed: list[Activation] = []
        for fact in deleting or ():
            for pattern, _ in self._patterns_of(fact):
                pattern.memory = [m for m in pattern.memory if m[0] is not fact]
                if not pattern.memory:
                    for conjunction, _ in pattern.joins:
                        conjunction.filled -= 1
            removed += [a for a in self._live if fact in a.facts]
            self._live = [a for a in self._live if fact not in a.facts]
        for fact in adding or ():
            found = self._patterns_of(fact)
            for pattern, bindings in found:
                if not pattern.memory:
                    self._filled.append(pattern)
                    for conjunction, _ in pattern.joins:
                        conjunction.filled += 1
                pattern.memory.append((fact, bindings))
            for pattern, bindings in found:
                added += [Activation(rule, (fact,), dict(bindings)) for rule in pattern.alone]
                for conjunction, position in pattern.joins:
                    # Usually a partner fact is still missing: nothing to join.
                    if conjunction.filled == len(conjunction.patterns):
                        self._join(conjunction, position, fact, bindings, added)
        self._live += added
        return added, removed

    @staticmethod
    def _join(conjunction: _Conjunction, at: int, fact: Fact, bindings: dict[str, Any], out: list[Activation]) -> None:
        """Every complete match of ``conjunction`` with ``fact`` at position ``at``.
        Positions before ``at`` take only other facts, so a match in which the
        fact fills several positions is found once."""
        partial: list[tuple[list[Fact], dict[str, Any]]] = [([], {})]
        for position, pattern in enumerate(conjunction.patterns):
            options: Sequence[tuple[Fact, dict[str, Any]]]
            if position == at:
                options = ((fact, bindings),)
            elif position < at:
                options = [m for m in pattern.memory if m[0] is not fact]
            else:
                options = pattern.memory
            partial = [
                (facts + [other], {**context, **more})
                for facts, context in partial
                for other, more in options
                if all(context.get(k, v) == v for k, v in more.items())
            ]
            if not partial:
                return
        seen = conjunction.seen
        for facts, context in partial:
            if seen is not None:
                key = (frozenset(facts), frozenset(context.items()))
                if key in seen:
                    continue
                seen.add(key)
            out.append(Activation(conjunction.rule, facts, context))

    def reset(self) -> None:
        for pattern in self._filled:
            if pattern.memory:
                pattern.memory = []
                for conjunction, _ in pattern.joins:
                    conjunction.filled -= 1
        for conjunction in self._remembering:
            conjunction.seen = set()
        self._filled, self._live = [], []


class _DepthStrategy(DepthStrategy):
    """experta's depth strategy, with the key computed directly: its lru_cache
    hashed the whole rule and activation on every call, which cost more than
    the key itself."""

    def get_key(self, activation: Activation) -> tuple[int, list[int]]:
        return (activation.rule.salience, sorted((f["__factid__"] for f in activation.facts), reverse=True))


def _fact_id(fact: Fact) -> int:
    fact_id: int = fact["__factid__"]
    return fact_id


class _TracingAgenda(Agenda):
    """Remembers the activation handed to the engine, for the trace."""

    current: Activation | None = None

    def get_next(self) -> Activation | None:
        self.current = super().get_next()
        return self.current


class _FactList(FactList):
    """experta's fact list. For the facts of this module, declare() does what
    FactList.declare does (validate, refuse a duplicate, number the fact, tell
    the FACTS watcher) in fewer calls: the profile had it at a tenth of a case."""

    last_index: int  # set by FactList.__init__

    def declare(self, fact: Fact) -> Fact | None:
        if not isinstance(fact, _NamedFact) or "__factid__" in fact:
            return super().declare(fact)
        fact.validate()
        fact_id = frozenset([fact.__class__, *fact.items()])  # FactList._get_fact_id
        if not self.duplication and fact_id in self.reference_counter:
            return None
        index = self.last_index
        dict.__setitem__(fact, "__factid__", index)
        self[index] = fact
        self.last_index = index + 1
        self.added.append(fact)
        self.reference_counter[fact_id] = self.reference_counter.get(fact_id, 0) + 1
        watchers.FACTS.info(" ==> %s: %r", fact, fact)
        return fact


class _TracingEngine(KnowledgeEngine):
    """Base class of the compiled engines; records what fires."""

    __matcher__ = IndexedMatcher
    __strategy__ = _DepthStrategy
    _deffacts: list[tuple[Callable[..., Any], set[str] | None]] | None = None
    # set by reset()
    program: Program  # set by compile_engine_class
    trace: list[dict[str, Any]]
    stages: list[StageDecision]
    fired_ids: set[str]
    derived: dict[str, str]
    conflicts: list[tuple[str, str, str, str]]
    running: bool

    def get_deffacts(self) -> list[tuple[Callable[..., Any], set[str] | None]]:
        # experta looks them up with inspect.getmembers, and reads each one's
        # signature, on every reset; they belong to the class and never change.
        if self._deffacts is None:
            self._deffacts = []
            for deffacts in super().get_deffacts():
                parameters = inspect.signature(deffacts).parameters.values()
                takes_all = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters)
                self._deffacts.append((deffacts, None if takes_all else {p.name for p in parameters}))
        return self._deffacts

    def reset(self, **kwargs: Any) -> None:
        """KnowledgeEngine.reset with this engine's agenda and fact list: the
        agenda, the facts and the matcher emptied, the deffacts declared."""
        self.agenda = _TracingAgenda()
        self.facts = _FactList()
        self.matcher.reset()
        self.trace, self.fired_ids, self.derived, self.conflicts = [], set(), {}, []
        self.stages = []
        for deffacts, accepted in self.get_deffacts():
            wanted = kwargs if accepted is None else {k: v for k, v in kwargs.items() if k in accepted}
            for fact in deffacts(**wanted):
                self.facts.declare(fact)
        self._update_agenda()
        self.running = False

    def declare(self, *facts: Fact) -> Fact | None:
        """KnowledgeEngine.declare. Answers and derived facts are built in this
        module from levels the knowledge base has validated, so they skip its
        checks for field constraints and nested keys (a pass over every value)."""
        if not all(isinstance(fact, _NamedFact) for fact in facts):
            return super().declare(*facts)
        last: Fact | None = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            self._update_agenda()
        return last

    def _update_agenda(self) -> None:
        added, removed = self.get_activations()
        self.strategy.update_agenda(self.agenda, added, removed)

    def run(self, steps: float = float("inf")) -> None:
        """experta's run loop without its per-firing log formatting (it joins the
        facts of every activation into a string even when no watcher listens),
        and asking the matcher for news only when the facts have changed."""
        self.running = True
        while steps > 0 and self.running:
            if self.facts.added or self.facts.removed:
                self._update_agenda()
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            activation.rule(self, **{k: v for k, v in activation.context.items() if not k.startswith("__")})
        self.running = False

    def _on_fire(self, rule: ProgramRule, context: Mapping[str, Any]) -> None:
        if rule.id in self.fired_ids:
            # A rule with alternatives ("any") can match along two branches; it
            # counts once, on the first (the program's agenda policy).
            return
        self.fired_ids.add(rule.id)
        facts: dict[str, str] = {}
        kinds: dict[str, str] = {}
        current = self.agenda.current
        assert current is not None, "a rule fires for the activation the agenda handed out"
        matched = current.facts
        for fact in sorted(matched, key=_fact_id) if len(matched) > 1 else matched:
            if type(fact) is Answer:
                facts[fact["factor"]] = fact["level"]
                kinds[fact["factor"]] = "answer"
            elif type(fact) is DerivedFact:
                facts[fact["fact"]] = fact["level"]
                kinds[fact["fact"]] = "derived"
        entry: dict[str, Any] = {
            "rule": rule.id,
            "facts": facts,
            "fact_kinds": kinds,
            "bindings": {k: v for k, v in sorted(context.items()) if not k.startswith("_")},
        }
        if rule.score is not None:
            outcome = rule.score.outcome(facts)
            entry["score"] = outcome
            asserts: tuple[tuple[str, str], ...] = (
                ((rule.score.target, outcome.level),) if outcome.level is not None else ()
            )
        else:
            asserts = rule.asserts
        if rule.effects:
            entry["effects"] = rule.effects
        if asserts or rule.score is not None:
            entry["asserted"] = {}
            for fact_name, level in asserts:
                known = self.derived.get(fact_name)
                stands, conflict = settle(known, level)
                if conflict:
                    self.conflicts.append((fact_name, stands, level, rule.id))  # on a conflict stands is known
                    continue
                entry["asserted"][fact_name] = level
                if known is None:
                    self.derived[fact_name] = stands
                    self.declare(DerivedFact(fact=fact_name, level=stands))
        self.trace.append(entry)

    def _decide(self, stage: Stage) -> None:
        """A stage's decision, which fires once every rule of its layer has: it weighs
        what they lent the stage's alternatives (the program's own arithmetic) and
        asserts the conclusion, which the next stages' rules read."""
        program = self.program
        fired = [e["rule"] for e in self.trace if "effects" in e and program.rule(e["rule"]).layer == stage.layer]
        concluded = {st.fact: self.derived[st.fact] for st in program.stages if st.fact in self.derived}
        settled = all(fact in self.derived for fact in program.scoring.requires)
        decision = decide_stage(program, stage, fired, concluded, settled)
        self.stages.append(decision)
        if decision.conclusion is not None:
            self.derived[stage.fact] = decision.conclusion
            self.declare(DerivedFact(fact=stage.fact, level=decision.conclusion))


def _predicate(cache: dict[tuple[str, ...], Any], allowed: frozenset[str]) -> Any:
    """One predicate object per level set, so the matcher can share patterns."""
    key = tuple(sorted(allowed))
    if key not in cache:
        members = frozenset(allowed)
        cache[key] = P(members.__contains__)
    return cache[key]


def _compile_condition(node: Any, program: Program, cache: dict[tuple[str, ...], Any]) -> Any:
    if isinstance(node, cond.Leaf):
        test = _predicate(cache, node.allowed)
        if program.slot(node.fact).kind == "answer":
            return Answer(factor=node.fact, level=getattr(MATCH, node.fact) & test)
        return DerivedFact(fact=node.fact, level=getattr(MATCH, node.fact) & test)
    parts = [_compile_condition(child, program, cache) for child in node.children]
    if len(parts) == 1:
        return parts[0]
    return AND(*parts) if isinstance(node, cond.All) else OR(*parts)


def _compile_rule(rule: ProgramRule, program: Program, cache: dict[tuple[str, ...], Any]) -> Any:
    if rule.score is not None:
        patterns = [Answer(factor=factor, level=getattr(MATCH, factor)) for factor in rule.score.factors]
    else:
        patterns = [_compile_condition(rule.condition, program, cache)]

    def rhs(engine: _TracingEngine, **context: Any) -> None:
        engine._on_fire(rule, context)

    rhs.__name__ = "rule_" + rule.id.replace("-", "_")
    return Rule(*patterns, salience=rule.priority)(rhs)


def _compile_decision(stage: Stage, program: Program) -> Any:
    """A stage's decision as a rule: it matches the initial fact, so it is on the
    agenda from the start, and its priority puts it after every rule of its layer and
    before every rule of the next."""

    def rhs(engine: _TracingEngine) -> None:
        engine._decide(stage)

    rhs.__name__ = "decide_" + stage.id
    return Rule(salience=program.decision_priority(stage))(rhs)


def compile_engine_class(program: Program, rules: tuple[ProgramRule, ...]) -> type[_TracingEngine]:
    """Build a KnowledgeEngine subclass holding the given rules of the program and
    the decision of every weighed stage."""
    cache: dict[tuple[str, ...], Any] = {}
    namespace: dict[str, Any] = {
        f"r{rule.index:04d}_{rule.id.replace('-', '_')}": _compile_rule(rule, program, cache) for rule in rules
    }
    for stage in program.stages:
        namespace[f"s_{stage.id}"] = _compile_decision(stage, program)
    namespace["program"] = program
    return type("AllianceEngine", (_TracingEngine,), namespace)


class RawRun:
    """What one engine run produced: the trace, the derived facts and the conflicts,
    as (fact, level that stood, level refused, rule)."""

    __slots__ = ("answers", "trace", "derived", "conflicts", "stages")

    def __init__(
        self,
        answers: dict[str, str],
        trace: list[dict[str, Any]],
        derived: dict[str, str],
        conflicts: list[tuple[str, str, str, str]],
        stages: list[StageDecision],
    ):
        self.answers = answers
        self.trace = trace
        self.derived = derived
        self.conflicts = conflicts
        self.stages = stages


class EnginePool:
    """One reusable engine per world (and per set of left-out rules), built on first use."""

    def __init__(self, program: Program):
        self.program = program
        self._engines: dict[tuple[str, frozenset[str]], _TracingEngine] = {}

    def engine(self, world: str, without: frozenset[str] = frozenset()) -> _TracingEngine:
        key = (world, without)
        if key not in self._engines:
            cls = compile_engine_class(self.program, self.program.rules_in(world, without))
            self._engines[key] = cls()
        return self._engines[key]

    def run(self, answers: Mapping[str, str], world: str, without: frozenset[str] = frozenset()) -> RawRun:
        engine = self.engine(world, without)
        engine.reset()
        engine.declare(*[Answer(factor=fid, level=answers.get(fid, UNKNOWN)) for fid in self.program.factors])
        engine.run()
        return RawRun(dict(answers), engine.trace, dict(engine.derived), list(engine.conflicts), list(engine.stages))
