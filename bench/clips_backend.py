"""The knowledge base compiled to CLIPS: a reference backend and an oracle.

Outside the product's runtime (it needs the optional ``clipspy``). The same
rules.yaml becomes a CLIPS program:

- ``answer`` and ``derived`` deftemplates hold the facts, as the experta engine's
  ``Answer`` and ``DerivedFact`` do; an unknown answer is the level ``unknown``,
  which no condition accepts;
- one defrule per rule, with the salience the experta engine gives it
  (``rules.engine.salience``); a condition tree becomes patterns with literal
  membership constraints (``(level ?f&weak|middle)``) joined by ``and``/``or``;
- the score rule adds its points, settles or estimates the band, in CLIPS;
- every rule's RHS asserts ``(fired (rule ID))`` and appends its id to the
  ``?*trace*`` global; a ``(not (fired (rule ID)))`` pattern makes a rule with
  alternatives count once, as in the experta engine.

The verdict is then combined in Python from the fired rules' effects with the same
MYCIN combination and tie rules as the advisor.
"""
import clips

from rules.advisor import combine_mycin, decide
from rules.conditions import All, Leaf
from rules.engine import salience
from rules.knowledge import UNKNOWN, KnowledgeBase, RuleSpec

TEMPLATES = ("(deftemplate answer (slot factor) (slot level))",
             "(deftemplate derived (slot fact) (slot level))",
             "(deftemplate fired (slot rule))")

# The rule ids in firing order, as one string: reading one string back costs
# clipspy one conversion, where a fact or a multifield costs one per rule.
TRACE = '(defglobal ?*trace* = "")'


# A derived fact keeps its first level; a later rule asserting another level is
# a conflict that, as in the experta engine, changes nothing.
DERIVE = """
(deffunction derive (?fact ?level)
  (if (not (any-factp ((?d derived)) (eq ?d:fact ?fact)))
   then (assert (derived (fact ?fact) (level ?level)))))
"""

# Python's round() on the ratio num/den (both >= 0): halves go to the even neighbour.
ROUND_HALF_EVEN = """
(deffunction round-half-even (?num ?den)
  (if (= ?den 0) then (return 0))
  (bind ?q (div ?num ?den))
  (bind ?twice-rest (* 2 (- ?num (* ?q ?den))))
  (if (or (> ?twice-rest ?den) (and (= ?twice-rest ?den) (= (mod ?q 2) 1)))
   then (+ ?q 1) else ?q))
"""


def _pattern(leaf: Leaf, kb: KnowledgeBase):
    # Levels in the knowledge base's order, so the program text is deterministic.
    levels = [lv for lv in _levels(kb, leaf.fact) if lv in leaf.allowed]
    constraint = f"?{leaf.fact}&{'|'.join(levels)}"
    if leaf.fact in kb._factor_index:
        return f"(answer (factor {leaf.fact}) (level {constraint}))"
    return f"(derived (fact {leaf.fact}) (level {constraint}))"


def _levels(kb, fact):
    if fact in kb._factor_index:
        return kb.factor(fact).level_ids
    return kb.derived_fact(fact).levels


def compile_condition(node, kb: KnowledgeBase):
    """A condition tree as CLIPS conditional elements."""
    if isinstance(node, Leaf):
        return _pattern(node, kb)
    parts = " ".join(compile_condition(child, kb) for child in node.children)
    if len(node.children) == 1:
        return parts
    return f"({'and' if isinstance(node, All) else 'or'} {parts})"


def _band_function(spec: RuleSpec):
    body = spec.bands[-1].level
    for band in reversed(spec.bands[:-1]):
        body = f"(if (<= ?total {band.up_to}) then {band.level} else {body})"
    return f"(deffunction {spec.id}-band (?total) {body})"


def _score_rule(spec: RuleSpec):
    """The score rule in CLIPS: known points count once, an unknown component
    counts its lowest points towards ``?low`` and its highest towards ``?high``."""
    full = sum(max(p for _, p in table) for _, table in spec.score)
    patterns, sums = [], []
    for factor, table in spec.score:
        points = dict(table)
        top, bottom = max(points.values()), min(points.values())
        patterns.append(f"(answer (factor {factor}) (level ?{factor}))")
        cases = " ".join(f"(case {level} then (bind ?low (+ ?low {p})) (bind ?high (+ ?high {p})) "
                         f"(bind ?known-top (+ ?known-top {top})))" for level, p in table)
        sums.append(f"(switch ?{factor} {cases} "
                    f"(default (bind ?low (+ ?low {bottom})) (bind ?high (+ ?high {top}))))")
    band = f"{spec.id}-band"
    return f"""(defrule {spec.id} (declare (salience {salience(spec)}))
  (not (fired (rule {spec.id})))
  {' '.join(patterns)}
  =>
  {_record(spec)}
  (bind ?low 0) (bind ?high 0) (bind ?known-top 0)
  {' '.join(sums)}
  (bind ?level ({band} ?low))
  (if (neq ?level ({band} ?high))
   then (bind ?level ({band} (round-half-even (* ?low {full}) ?known-top))))
  (derive {spec.derive} ?level))"""


def _record(spec: RuleSpec):
    return f'(assert (fired (rule {spec.id}))) (bind ?*trace* (str-cat ?*trace* "{spec.id} "))'


def compile_rule(spec: RuleSpec, kb: KnowledgeBase):
    """One defrule for one rule of the knowledge base."""
    if spec.derive:
        return _score_rule(spec)
    actions = " ".join(f"(derive {fact} {level})" for fact, level in spec.asserts)
    return f"""(defrule {spec.id} (declare (salience {salience(spec)}))
  (not (fired (rule {spec.id})))
  {compile_condition(spec.condition, kb)}
  =>
  {_record(spec)} {actions})"""


def compile_program(kb: KnowledgeBase, rules):
    """The whole CLIPS program for these rules, as a list of constructs."""
    constructs = [*TEMPLATES, TRACE, DERIVE, ROUND_HALF_EVEN]
    constructs += [_band_function(spec) for spec in rules if spec.derive]
    constructs += [compile_rule(spec, kb) for spec in rules]
    return constructs


class ClipsRun:
    """What one CLIPS run concluded: the rules in firing order and the verdict."""

    __slots__ = ("fired", "verdict")

    def __init__(self, fired, verdict):
        self.fired = fired
        self.verdict = verdict


class ClipsBackend:
    """One CLIPS environment per world, built once and ``reset()`` between cases."""

    def __init__(self, kb: KnowledgeBase, world="walt"):
        self.kb = kb
        self.rules = kb.rules_in_world(world)
        self.env = clips.Environment()
        for construct in compile_program(kb, self.rules):
            self.env.build(construct)
        # clipspy's error router is a Python callback that CLIPS queries for every
        # character it reads; the hot path only parses our own generated text, so
        # it is switched off once the program has been built.
        for router in self.env.routers():
            router.deactivate()
        self._trace = self.env.find_global("trace")
        self._derived = self.env.find_template("derived")
        self._effects = {spec.id: spec.effects for spec in self.rules}

    def run(self, answers: dict) -> ClipsRun:
        env = self.env
        env.reset()
        facts = " ".join(f"(answer (factor {fid}) (level {answers.get(fid, UNKNOWN)}))"
                         for fid in self.kb.factor_ids)
        env.eval(f"(assert {facts})")
        env.run()
        fired = self._trace.value.split()
        return ClipsRun(fired, self.verdict(fired))

    def derived_facts(self):
        """The derived facts of the last run (outside the timed path)."""
        return {str(fact["fact"]): str(fact["level"]) for fact in self._derived.facts()}

    def verdict(self, fired):
        """The verdict from the effects of the fired rules, combined as in MYCIN."""
        contributions = {rid: [] for rid in self.kb.response_ids}
        for rule_id in fired:
            for response, cf in self._effects[rule_id]:
                contributions[response].append(cf)
        cf = {response: combine_mycin(cfs)[2] for response, cfs in contributions.items()}
        return decide(self.kb, cf)[0]
