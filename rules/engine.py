"""Compile the knowledge base into experta engines and run cases through them.

One engine class is built per world (the rules that hold in it) the first time
that world is needed, and one instance of it is reused with ``reset()`` between
cases: building the RETE network is the expensive part.

The trace is captured at the agenda: a thin Agenda subclass remembers the
activation it hands out, so every firing is recorded with its rule, the facts it
matched and its bindings, in firing order. Rule priorities (salience) are unique
per rule, so the same case always fires the same rules in the same order.
"""
from .experta_compat import AND, MATCH, OR, P, Agenda, Fact, KnowledgeEngine, Rule
from . import conditions as cond
from .knowledge import UNKNOWN, KnowledgeBase, RuleSpec

DERIVE_BASE = 100_000
SUPPORT_BASE = 0


class Answer(Fact):
    """An answer to the questionnaire: ``Answer(factor=..., level=...)``."""


class DerivedFact(Fact):
    """A fact derived by a rule: ``DerivedFact(fact=..., level=...)``."""


class _TracingAgenda(Agenda):
    """Remembers the activation handed to the engine, for the trace."""

    current = None

    def get_next(self):
        self.current = super().get_next()
        return self.current


class _TracingEngine(KnowledgeEngine):
    """Base class of the compiled engines; records what fires."""

    def reset(self, **kwargs):
        super().reset(**kwargs)
        agenda = _TracingAgenda()
        agenda.activations = self.agenda.activations
        self.agenda = agenda
        self.trace = []
        self.fired_ids = set()
        self.derived = {}
        self.conflicts = []

    def _on_fire(self, spec: RuleSpec, context):
        if spec.id in self.fired_ids:
            # A rule with alternatives ("any") can match along two branches; it
            # counts once, on the first.
            return
        self.fired_ids.add(spec.id)
        activation = self.agenda.current
        matched = sorted((f for f in activation.facts if isinstance(f, (Answer, DerivedFact))),
                         key=lambda f: f["__factid__"])
        facts = {}
        kinds = {}
        for fact in matched:
            name = fact["factor"] if isinstance(fact, Answer) else fact["fact"]
            facts[name] = fact["level"]
            kinds[name] = "answer" if isinstance(fact, Answer) else "derived"
        entry = {"rule": spec.id, "layer": spec.layer, "propositions": list(spec.propositions),
                 "facts": facts, "fact_kinds": kinds,
                 "bindings": {k: v for k, v in sorted(context.items()) if not k.startswith("_")}}
        if spec.derive:
            entry.update(self._score(spec, facts))
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

    @staticmethod
    def _score(spec: RuleSpec, facts):
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
    salience = (DERIVE_BASE if spec.layer == "derive" else SUPPORT_BASE) - spec.index
    if spec.derive:
        patterns = [Answer(factor=factor, level=getattr(MATCH, factor)) for factor, _ in spec.score]
    else:
        patterns = [_compile_condition(spec.condition, kb, cache)]

    def rhs(engine, **context):
        engine._on_fire(spec, context)

    rhs.__name__ = "rule_" + spec.id.replace("-", "_")
    return Rule(*patterns, salience=salience)(rhs)


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
