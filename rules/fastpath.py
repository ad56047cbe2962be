"""A fast forward-chaining evaluator over the same knowledge base as the experta engine.

Sweeps (what-if, the three worlds, ``verify``) need hundreds of thousands of runs,
and the experta engine costs milliseconds each. This evaluator runs the very same
``kb.rules`` with the same semantics, only without a RETE network or a trace:

- facts are slots holding one bit per level (0 while unknown), and every condition
  is compiled once into a closure over bit masks, so a leaf is one ``&``;
- derive rules fire like the experta agenda picks them: always the enabled rule
  declared first, until none is left. A rule fires once; the first level asserted
  for a fact stands and a different later one is a conflict, as in rules/engine.py;
- the score rule is tabulated once from ``engine.score_rule`` over every
  combination of its factors' levels (unknown included), so both paths band alike;
- support rules then fire on the final facts, and the support and the verdict come
  from ``advisor.combine_mycin`` and ``advisor.decide``, the engine's own scoring.

A combination of answers is always evaluated afresh: nothing is cached per case.
"""
from dataclasses import dataclass
from functools import reduce
from itertools import product

from . import conditions as cond
from .advisor import combine_mycin, decide
from .engine import score_rule
from .knowledge import UNKNOWN, KnowledgeBase


@dataclass
class FastResult:
    """What the fast path concludes about one combination of answers in one world."""
    world: str
    verdict: object          # response id or None
    confidence: float        # margin over the runner-up, as in Result.confidence
    tie: bool
    tied_with: list
    ranking: list            # every response, best first
    support: dict            # response -> combined CF (unrounded)
    fired: list              # rule ids in firing order
    derived: dict            # derived fact -> level
    conflicts: list          # [{"fact", "levels", "rule"}], as the engine reports them


def _both(a, b):
    return lambda v: a(v) and b(v)


def _either(a, b):
    return lambda v: a(v) or b(v)


class FastPath:
    """The knowledge base's rules compiled for speed. Build once per knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        names = list(kb.factor_ids) + [d.id for d in kb.derived]
        levels = [kb.factor(f).level_ids for f in kb.factor_ids] + [d.levels for d in kb.derived]
        self.n_factors = len(kb.factors)
        self.slot = {name: i for i, name in enumerate(names)}
        self.names = names
        self.levels = levels
        self.bit = [{level: 1 << i for i, level in enumerate(lv)} for lv in levels]
        self.level_of = [{1 << i: level for i, level in enumerate(lv)} for lv in levels]
        self.responses = kb.response_ids

        derive = [r for r in kb.rules if r.layer == "derive"]
        support = [r for r in kb.rules if r.layer == "support"]
        self.derive_ids = [r.id for r in derive]
        self.support_ids = [r.id for r in support]
        self._derive_tests = [self._score_rule(r) if r.derive else self.compile(r.condition)
                              for r in derive]
        self._derive_asserts = [() if r.derive else tuple((self.slot[f], self.bit[self.slot[f]][lv])
                                                          for f, lv in r.asserts)
                                for r in derive]
        self._scored = [self.slot[r.derive] if r.derive else None for r in derive]
        # For each derived slot, the derive rules that read it: only they can become
        # enabled when it is asserted.
        self._readers = {self.slot[d.id]: [i for i, r in enumerate(derive)
                                           if not r.derive and d.id in cond.facts_used(r.condition)]
                         for d in kb.derived}
        self._support_tests = [self.compile(r.condition) for r in support]
        response_index = {rid: i for i, rid in enumerate(self.responses)}
        self._effects = [tuple((response_index[resp], cf) for resp, cf in r.effects) for r in support]
        self._in_world = {}
        for world in kb.worlds:
            members = {r.id for r in kb.rules_in_world(world.id)}
            self._in_world[world.id] = [rid in members for rid in self.support_ids]

    # ------------------------------------------------------------ compilation
    def compile(self, node):
        """A condition tree as a closure over slot values: truthy iff the condition
        holds. Unknown facts hold no bit, so they satisfy no leaf, which gives the
        same answer as Kleene evaluation being True (conditions are in NNF)."""
        if isinstance(node, cond.Leaf):
            slot = self.slot[node.fact]
            mask = sum(self.bit[slot][level] for level in node.allowed)
            return lambda v: v[slot] & mask
        parts = [self.compile(child) for child in node.children]
        return reduce(_both if isinstance(node, cond.All) else _either, parts)

    def _score_rule(self, spec):
        """The score rule as a table from its factors' bits (0 = unknown) to the bit
        of the band it asserts; it always fires, like the engine's score rule."""
        slots = [self.slot[factor] for factor, _ in spec.score]
        target = self.slot[spec.derive]
        table = {}
        for combo in product(*[(UNKNOWN,) + self.levels[s] for s in slots]):
            facts = dict(zip((factor for factor, _ in spec.score), combo))
            level = score_rule(spec, facts)["asserted"][spec.derive]
            key = tuple(0 if lv == UNKNOWN else self.bit[s][lv] for s, lv in zip(slots, combo))
            table[key] = self.bit[target][level]
        return lambda v: table[tuple(v[s] for s in slots)]

    # --------------------------------------------------------------- encoding
    def encode(self, answers):
        """Slot values for answers {factor: level} (absent or 'unknown' = unknown)."""
        values = [0] * len(self.names)
        for factor, level in answers.items():
            if level != UNKNOWN:
                values[self.slot[factor]] = self.bit[self.slot[factor]][level]
        return values

    def encode_levels(self, indices):
        """Slot values for one level index per factor, in questionnaire order."""
        return [1 << i for i in indices] + [0] * (len(self.names) - self.n_factors)

    # --------------------------------------------------------------- running
    def derive(self, v):
        """Run the derive layer on slot values ``v`` (extended in place).

        Returns the derive rules fired, in firing order, and the conflicts as
        (rule position, slot, known bit, asserted bit)."""
        tests, asserts, scored, readers = self._derive_tests, self._derive_asserts, self._scored, self._readers
        count = len(tests)
        done = [False] * count
        fired, conflicts = [], []
        i = 0
        while i < count:
            if done[i]:
                i += 1
                continue
            holds = tests[i](v)
            if not holds:
                i += 1
                continue
            done[i] = True
            fired.append(i)
            claims = asserts[i] if scored[i] is None else ((scored[i], holds),)
            nxt = i + 1
            for slot, bit in claims:
                known = v[slot]
                if not known:
                    v[slot] = bit
                    # An earlier rule reading this fact may now hold; it fires first.
                    nxt = min([nxt] + [j for j in readers.get(slot, ()) if j < nxt and not done[j]])
                elif known != bit:
                    conflicts.append((i, slot, known, bit))
            i = nxt
        return fired, conflicts

    def support_fired(self, v):
        """Positions of the support rules whose conditions hold on final facts ``v``."""
        return [i for i, test in enumerate(self._support_tests) if test(v)]

    def support(self, fired_support, world):
        """Combined CF per response index, from the support rules fired in ``world``
        (combined in firing order, exactly as the engine's trace is)."""
        in_world, effects = self._in_world[world], self._effects
        cfs = [[] for _ in self.responses]
        for i in fired_support:
            if in_world[i]:
                for response, cf in effects[i]:
                    cfs[response].append(cf)
        return [combine_mycin(items)[2] if items else 0.0 for items in cfs]

    def decide(self, support_values):
        """(verdict, margin, tie, tied, ranking) from combined CFs per response index."""
        return decide(self.kb, dict(zip(self.responses, support_values)))

    def evaluate(self, answers, world="walt") -> FastResult:
        """Evaluate answers {factor: level} in one world."""
        v = self.encode(answers)
        fired_derive, conflicts = self.derive(v)
        fired_support = self.support_fired(v)
        support = self.support(fired_support, world)
        verdict, margin, tie, tied, ranking = self.decide(support)
        in_world = self._in_world[world]
        fired = [self.derive_ids[i] for i in fired_derive] + \
                [self.support_ids[i] for i in fired_support if in_world[i]]
        return FastResult(
            world=world, verdict=verdict, confidence=margin, tie=tie, tied_with=tied,
            ranking=ranking, support=dict(zip(self.responses, support)), fired=fired,
            derived=self.derived_facts(v),
            conflicts=[{"fact": self.names[slot], "levels": [self.level_of[slot][known], self.level_of[slot][bit]],
                        "rule": self.derive_ids[i]} for i, slot, known, bit in conflicts])

    def verdict(self, answers, world="walt"):
        return self.evaluate(answers, world).verdict

    def derived_facts(self, v):
        return {self.names[s]: self.level_of[s][v[s]]
                for s in range(self.n_factors, len(self.names)) if v[s]}
