"""Compile the knowledge base into experta engines and run cases through them.

One engine class is built per world (the rules that hold in it) the first time
that world is needed, and one instance of it is reused with ``reset()`` between
cases: building the matcher's network is the expensive part.

The trace is captured at the agenda: a thin Agenda subclass remembers the
activation it hands out, so every firing is recorded with its rule, the facts it
matched and its bindings, in firing order. Rule priorities (salience) are unique
per rule, so the same case always fires the same rules in the same order.

Speed (issue 6; ``python -m bench`` measures it against CLIPS): the engines are
experta KnowledgeEngines whose rules fire through experta's agenda and depth
strategy, with the parts the profile showed slow replaced by leaner ones that
do the same: the RETE matcher (:class:`IndexedMatcher`, same activations), the
strategy's cached key, Fact's per-value freezing, the fact list's declare, the
checks in declare() and reset(), and the run loop's log formatting. A test
(tests/test_clips_oracle.py) checks the trace against experta's stock parts.
"""
import inspect

from .experta_compat import AND, MATCH, OR, P, Agenda, Fact, KnowledgeEngine, Rule
# experta_compat (above) has restored the collections aliases experta needs.
from experta.abstract import Matcher
from experta.activation import Activation
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, L
from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck
from experta.matchers.rete.utils import generate_checks
from experta import watchers
from experta.fact import InitialFact
from experta.factlist import FactList
from experta.strategies import DepthStrategy
from . import conditions as cond
from .knowledge import UNKNOWN, KnowledgeBase, RuleSpec

# Salience bands per layer; they stay inside CLIPS's range (-10000..10000) so the
# CLIPS reference backend (bench/) runs the rules with exactly these priorities.
DERIVE_BASE = 5_000
SUPPORT_BASE = 0


def salience(spec: RuleSpec):
    """A rule's priority: its layer's band, then its order in rules.yaml (unique)."""
    return (DERIVE_BASE if spec.layer == "derive" else SUPPORT_BASE) - spec.index


class _NamedFact(Fact):
    """An experta fact given by keyword. ``Fact.__init__`` passes every value
    through ``experta.utils.freeze`` (a functools.singledispatch) to make it
    hashable; ours are strings, or field constraints in patterns, hashable
    already, and the profile put that freezing at a fifth of declaring a case."""

    def __init__(self, **fields):
        dict.update(self, fields)


class Answer(_NamedFact):
    """An answer to the questionnaire: ``Answer(factor=..., level=...)``."""


class DerivedFact(_NamedFact):
    """A fact derived by a rule: ``DerivedFact(fact=..., level=...)``."""


class _Pattern:
    """One distinct fact pattern of the rules, with the facts it has matched."""

    __slots__ = ("checks", "alone", "joins", "memory", "fact_type", "literals")

    def __init__(self, fact):
        checks = list(generate_checks(fact))
        for check in checks:
            if isinstance(check, FeatureCheck) and _negated(check.how):
                raise TypeError(f"{fact!r}: negated field constraints are not supported")
        # experta captures every fact under a generated name; only captures the
        # rule asked for (``AS.name << Fact(...)``) reach the context.
        self.checks = [c for c in checks if not (isinstance(c, FactCapture) and c.bind.startswith("__pattern_"))]
        self.alone = []             # rules with an alternative that is this pattern alone
        self.joins = []             # (conjunction, position) of the longer alternatives
        self.memory = []            # (fact, bindings) in declaration order
        self.fact_type = next(c.fact_type for c in checks if isinstance(c, TypeCheck))
        self.literals = {c.what: c.how.value for c in checks
                         if isinstance(c, FeatureCheck) and isinstance(c.how, L) and c.how.__bind__ is None}

    def overlaps(self, other):
        """Whether some fact could match both patterns."""
        return self.fact_type is other.fact_type and all(
            other.literals.get(what, value) == value for what, value in self.literals.items())

    def match(self, fact):
        """The bindings this fact gives the pattern (experta's own checks), or None."""
        bindings = {}
        for check in self.checks:
            result = check(fact)
            if not result:
                return None
            if result is not True:
                for key, value in result.items():
                    if bindings.setdefault(key, value) != value:
                        return None
        return bindings


def _negated(constraint):
    """Whether a field constraint holds a negation (``~L(...)``, ``~P(...)``)."""
    return isinstance(constraint, NOTFC) or (
        isinstance(constraint, (ANDFC, ORFC)) and any(_negated(part) for part in constraint))


class _Conjunction:
    """One alternative of a rule's condition (a branch of its DNF)."""

    __slots__ = ("rule", "patterns", "seen", "filled")

    def __init__(self, rule, patterns):
        self.rule = rule
        self.patterns = patterns
        self.filled = 0             # positions whose pattern has matched some fact
        # Two distinct facts can fill the same positions in two orders only if two
        # positions can match the same facts; only then are repeats possible, and
        # remembered (as experta's conflict-set node does).
        self.seen = set() if any(a.overlaps(b) for i, a in enumerate(patterns) for b in patterns[i + 1:]) \
            else None


def _alternatives(rule, element):
    """A rule's conditions in disjunctive normal form: a list of conjunctions of
    fact patterns. (experta's own DNF does the same for every CE, far slower; it
    was half of building an engine, which the command line pays on every call.)"""
    if isinstance(element, Fact):
        return [[element]]
    if isinstance(element, OR):
        return [conjunction for part in element for conjunction in _alternatives(rule, part)]
    if isinstance(element, (AND, Rule)):
        conjunctions = [[]]
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

    def __init__(self, engine):
        super().__init__(engine)
        self._patterns = {}         # pattern Fact -> _Pattern (one per distinct pattern)
        self._matches = {}          # fact content -> [(_Pattern, bindings)]
        self._live = []             # activations produced since the last reset
        self._filled = []           # patterns that have matched some fact since the reset
        self._remembering = []      # conjunctions that remember their matches
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

    def _pattern(self, fact):
        if fact not in self._patterns:
            self._patterns[fact] = _Pattern(fact)
        return self._patterns[fact]

    def _patterns_of(self, fact):
        content = dict(fact)
        del content["__factid__"]               # the one special key a declared fact has
        content = (type(fact), tuple(content.items()))
        found = self._matches.get(content)
        if found is None:
            found = []
            for pattern in self._patterns.values():
                bindings = pattern.match(fact)
                if bindings is not None:
                    found.append((pattern, bindings))
            self._matches[content] = found
        return found

    def changes(self, adding=None, deleting=None):
        added, removed = [], []
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
    def _join(conjunction, at, fact, bindings, out):
        """Every complete match of ``conjunction`` with ``fact`` at position ``at``.
        Positions before ``at`` take only other facts, so a match in which the
        fact fills several positions is found once."""
        partial = [([], {})]
        for position, pattern in enumerate(conjunction.patterns):
            if position == at:
                options = ((fact, bindings),)
            elif position < at:
                options = [m for m in pattern.memory if m[0] is not fact]
            else:
                options = pattern.memory
            partial = [(facts + [other], {**context, **more}) for facts, context in partial
                       for other, more in options
                       if all(context.get(k, v) == v for k, v in more.items())]
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

    def reset(self):
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

    def get_key(self, activation):
        return (activation.rule.salience, sorted((f["__factid__"] for f in activation.facts), reverse=True))


def _fact_id(fact):
    return fact["__factid__"]


class _TracingAgenda(Agenda):
    """Remembers the activation handed to the engine, for the trace."""

    current = None

    def get_next(self):
        self.current = super().get_next()
        return self.current


class _FactList(FactList):
    """experta's fact list. For the facts of this module, declare() does what
    FactList.declare does (validate, refuse a duplicate, number the fact, tell
    the FACTS watcher) in fewer calls: the profile had it at a tenth of a case."""

    def declare(self, fact):
        if not isinstance(fact, _NamedFact) or "__factid__" in fact:
            return super().declare(fact)
        fact.validate()
        fact_id = frozenset([fact.__class__, *fact.items()])     # FactList._get_fact_id
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


def score_rule(spec: RuleSpec, facts):
    """A score rule: add the points of the known components, pick the band.

    With unknown components the band is settled only if every completion of
    the unknowns falls in the same band; otherwise the known points are
    scaled up to the full range and the result is marked as estimated.
    """
    points, low, high, missing = {}, 0, 0, []
    full = 0
    for factor, table in spec.score:
        values = dict(table)
        top = max(values.values())
        full += top
        level = facts.get(factor, UNKNOWN)
        if level == UNKNOWN:
            missing.append(factor)
            high += top
            low += min(values.values())
        else:
            points[factor] = values[level]
            low += values[level]
            high += values[level]

    def band(total):
        for b in spec.bands:
            if total <= b.up_to:
                return b.level
        return spec.bands[-1].level

    estimated = False
    if band(low) == band(high):
        total = low
        level = band(low)
    else:
        known_top = full - sum(max(dict(t).values()) for f, t in spec.score if f in missing)
        total = round(low * full / known_top) if known_top else 0
        level = band(total)
        estimated = True
    return {"score": {"points": points, "total": low if not missing else total, "maximum": full,
                      "range": [low, high], "unknown": missing, "estimated": estimated},
            "asserted": {spec.derive: level}}


class _TracingEngine(KnowledgeEngine):
    """Base class of the compiled engines; records what fires."""

    __matcher__ = IndexedMatcher
    __strategy__ = _DepthStrategy
    _deffacts = None

    def get_deffacts(self):
        # experta looks them up with inspect.getmembers, and reads each one's
        # signature, on every reset; they belong to the class and never change.
        if self._deffacts is None:
            self._deffacts = []
            for deffacts in super().get_deffacts():
                parameters = inspect.signature(deffacts).parameters.values()
                takes_all = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters)
                self._deffacts.append((deffacts, None if takes_all else {p.name for p in parameters}))
        return self._deffacts

    def reset(self, **kwargs):
        """KnowledgeEngine.reset with this engine's agenda and fact list: the
        agenda, the facts and the matcher emptied, the deffacts declared."""
        self.agenda = _TracingAgenda()
        self.facts = _FactList()
        self.matcher.reset()
        self.trace, self.fired_ids, self.derived, self.conflicts = [], set(), {}, []
        for deffacts, accepted in self.get_deffacts():
            wanted = kwargs if accepted is None else {k: v for k, v in kwargs.items() if k in accepted}
            for fact in deffacts(**wanted):
                self.facts.declare(fact)
        self._update_agenda()
        self.running = False

    def declare(self, *facts):
        """KnowledgeEngine.declare. Answers and derived facts are built in this
        module from levels the knowledge base has validated, so they skip its
        checks for field constraints and nested keys (a pass over every value)."""
        if not all(isinstance(fact, _NamedFact) for fact in facts):
            return super().declare(*facts)
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            self._update_agenda()
        return last

    def _update_agenda(self):
        added, removed = self.get_activations()
        self.strategy.update_agenda(self.agenda, added, removed)

    def run(self, steps=float("inf")):
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

    def _on_fire(self, spec: RuleSpec, context):
        if spec.id in self.fired_ids:
            # A rule with alternatives ("any") can match along two branches; it
            # counts once, on the first.
            return
        self.fired_ids.add(spec.id)
        facts = {}
        kinds = {}
        matched = self.agenda.current.facts
        for fact in sorted(matched, key=_fact_id) if len(matched) > 1 else matched:
            if type(fact) is Answer:
                facts[fact["factor"]] = fact["level"]
                kinds[fact["factor"]] = "answer"
            elif type(fact) is DerivedFact:
                facts[fact["fact"]] = fact["level"]
                kinds[fact["fact"]] = "derived"
        entry = {"rule": spec.id, "layer": spec.layer, "propositions": list(spec.propositions),
                 "facts": facts, "fact_kinds": kinds,
                 "bindings": {k: v for k, v in sorted(context.items()) if not k.startswith("_")}}
        if spec.derive:
            entry.update(score_rule(spec, facts))
            asserts = ((spec.derive, entry["asserted"][spec.derive]),)
        else:
            asserts = spec.asserts
            if spec.effects:
                entry["effects"] = dict(spec.effects)
        if asserts:
            entry.setdefault("asserted", {})
            for fact, level in asserts:
                known = self.derived.get(fact)
                if known is not None and known != level:
                    self.conflicts.append({"fact": fact, "levels": [known, level], "rule": spec.id})
                    continue
                entry["asserted"][fact] = level
                if known is None:
                    self.derived[fact] = level
                    self.declare(DerivedFact(fact=fact, level=level))
        self.trace.append(entry)
def _predicate(cache, allowed):
    """One predicate object per level set, so the RETE network can share nodes."""
    key = tuple(sorted(allowed))
    if key not in cache:
        members = frozenset(allowed)
        cache[key] = P(members.__contains__)
    return cache[key]


def _compile_condition(node, kb: KnowledgeBase, cache):
    if isinstance(node, cond.Leaf):
        test = _predicate(cache, node.allowed)
        if node.fact in kb._factor_index:
            return Answer(factor=node.fact, level=getattr(MATCH, node.fact) & test)
        return DerivedFact(fact=node.fact, level=getattr(MATCH, node.fact) & test)
    parts = [_compile_condition(child, kb, cache) for child in node.children]
    if len(parts) == 1:
        return parts[0]
    return AND(*parts) if isinstance(node, cond.All) else OR(*parts)


def _compile_rule(spec: RuleSpec, kb: KnowledgeBase, cache):
    if spec.derive:
        patterns = [Answer(factor=factor, level=getattr(MATCH, factor)) for factor, _ in spec.score]
    else:
        patterns = [_compile_condition(spec.condition, kb, cache)]

    def rhs(engine, **context):
        engine._on_fire(spec, context)

    rhs.__name__ = "rule_" + spec.id.replace("-", "_")
    return Rule(*patterns, salience=salience(spec))(rhs)


def compile_engine_class(kb: KnowledgeBase, rules):
    """Build a KnowledgeEngine subclass holding the given rules."""
    cache = {}
    namespace = {}
    for spec in rules:
        namespace[f"r{spec.index:04d}_{spec.id.replace('-', '_')}"] = _compile_rule(spec, kb, cache)
    return type("AllianceEngine", (_TracingEngine,), namespace)


class RawRun:
    """What one engine run produced, before scoring and explanation."""

    __slots__ = ("answers", "trace", "derived", "conflicts")

    def __init__(self, answers, trace, derived, conflicts):
        self.answers = answers
        self.trace = trace
        self.derived = derived
        self.conflicts = conflicts


class EnginePool:
    """One reusable engine per world, built on first use."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._engines = {}

    def engine(self, world="walt"):
        if world not in self._engines:
            cls = compile_engine_class(self.kb, self.kb.rules_in_world(world))
            self._engines[world] = cls()
        return self._engines[world]

    def run(self, answers: dict, world="walt") -> RawRun:
        engine = self.engine(world)
        engine.reset()
        engine.declare(*[Answer(factor=fid, level=answers.get(fid, UNKNOWN)) for fid in self.kb.factor_ids])
        engine.run()
        return RawRun(dict(answers), engine.trace, dict(engine.derived), list(engine.conflicts))
