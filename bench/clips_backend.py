"""The rule program compiled to CLIPS: a reference backend and an oracle.

Outside the product's runtime (it needs the optional ``clipspy``). The same
:class:`rules.program.Program` the experta engine and the vectorised evaluator are
generated from becomes a CLIPS program:

- ``answer`` and ``derived`` deftemplates hold the facts, as the experta engine's
  ``Answer`` and ``DerivedFact`` do; an unknown answer is the level ``unknown``,
  which no condition accepts;
- one defrule per rule, with the program's priority as its salience; a condition
  tree becomes patterns with literal membership constraints
  (``(level ?f&weak|middle)``) joined by ``and``/``or``;
- the score rule is the program's score table, as a deffunction of nested
  ``switch`` expressions over its factors' levels (unknown included), so CLIPS
  bands no score of its own (a score the unknowns leave open asserts nothing);
- the conflict policy (the first level asserted for a fact stands) is the
  ``derive`` deffunction;
- every rule's RHS appends its id to the ``?*trace*`` global; a ``(not (fired
  (rule ID)))`` pattern makes a rule with alternatives count once.

The verdict is then combined from the fired rules' effects with the program's own
scoring (rules.program.support_of and decide).
"""

import clips

from rules.conditions import All, Leaf
from rules.knowledge import UNKNOWN
from rules.program import Program, ProgramRule, decide, support_of

TEMPLATES = (
    "(deftemplate answer (slot factor) (slot level))",
    "(deftemplate derived (slot fact) (slot level))",
    "(deftemplate fired (slot rule))",
)

# The rule ids in firing order, as one string: reading one string back costs
# clipspy one conversion, where a fact or a multifield costs one per rule.
TRACE = '(defglobal ?*trace* = "")'

# The program's conflict policy: a derived fact keeps its first level.
DERIVE = """
(deffunction derive (?fact ?level)
  (if (not (any-factp ((?d derived)) (eq ?d:fact ?fact)))
   then (assert (derived (fact ?fact) (level ?level)))))
"""


def _pattern(leaf: Leaf, program: Program):
    # Levels in the program's order, so the program text is deterministic.
    slot = program.slot(leaf.fact)
    levels = [lv for lv in slot.levels if lv in leaf.allowed]
    constraint = f"?{leaf.fact}&{'|'.join(levels)}"
    if slot.kind == "answer":
        return f"(answer (factor {leaf.fact}) (level {constraint}))"
    return f"(derived (fact {leaf.fact}) (level {constraint}))"


def compile_condition(node, program: Program):
    """A condition tree as CLIPS conditional elements."""
    if isinstance(node, Leaf):
        return _pattern(node, program)
    parts = " ".join(compile_condition(child, program) for child in node.children)
    if len(node.children) == 1:
        return parts
    return f"({'and' if isinstance(node, All) else 'or'} {parts})"


def _record(rule: ProgramRule):
    return f'(assert (fired (rule {rule.id}))) (bind ?*trace* (str-cat ?*trace* "{rule.id} "))'


def _lookup(table, factors, combo):
    """The score table as nested ``switch`` expressions over the factors' levels."""
    if not factors:
        return table.outcomes[tuple(combo)].level or "open"
    factor, rest = factors[0], factors[1:]
    levels = sorted({key[len(combo)] for key in table.outcomes})
    cases = " ".join(f"(case {level} then {_lookup(table, rest, [*combo, level])})" for level in levels)
    return f"(switch ?{factor} {cases})"


def _score_constructs(rule: ProgramRule):
    """The program's score table as a deffunction of nested switches, and the rule
    that calls it: CLIPS looks the band up, it bands no score of its own."""
    table = rule.score
    assert table is not None, "called for score rules only"
    arguments = " ".join(f"?{f}" for f in table.factors)
    function = f"(deffunction {rule.id}-level ({arguments}) {_lookup(table, list(table.factors), [])})"
    answers = " ".join(f"(answer (factor {f}) (level ?{f}))" for f in table.factors)
    defrule = f"""(defrule {rule.id} (declare (salience {rule.priority}))
  (not (fired (rule {rule.id})))
  {answers}
  =>
  {_record(rule)}
  (bind ?level ({rule.id}-level {arguments}))
  (if (neq ?level open) then (derive {table.target} ?level)))"""
    return [function, defrule]


def compile_rule(rule: ProgramRule, program: Program):
    """One defrule for one rule of the program."""
    actions = " ".join(f"(derive {fact} {level})" for fact, level in rule.asserts)
    return f"""(defrule {rule.id} (declare (salience {rule.priority}))
  (not (fired (rule {rule.id})))
  {compile_condition(rule.condition, program)}
  =>
  {_record(rule)} {actions})"""


def compile_clips(program: Program, rules):
    """The whole CLIPS program for these rules of the program, as a list of constructs."""
    constructs = [*TEMPLATES, TRACE, DERIVE]
    for rule in rules:
        constructs += _score_constructs(rule) if rule.score is not None else [compile_rule(rule, program)]
    return constructs


class ClipsRun:
    """What one CLIPS run concluded: the rules in firing order and the verdict."""

    __slots__ = ("fired", "verdict")

    def __init__(self, fired, verdict):
        self.fired = fired
        self.verdict = verdict


class ClipsBackend:
    """One CLIPS environment per world, built once and ``reset()`` between cases."""

    def __init__(self, program: Program, world=None):
        self.program = program
        self.rules = program.rules_in(world or program.default_world)
        self.env = clips.Environment()
        for construct in compile_clips(program, self.rules):
            self.env.build(construct)
        # clipspy's error router is a Python callback that CLIPS queries for every
        # character it reads; the hot path only parses our own generated text, so
        # it is switched off once the program has been built.
        for router in self.env.routers():
            router.deactivate()
        self._trace = self.env.find_global("trace")
        self._derived = self.env.find_template("derived")
        self._supporting = {rule.id for rule in self.rules if rule.effects}

    def run(self, answers: dict) -> ClipsRun:
        env = self.env
        env.reset()
        facts = " ".join(f"(answer (factor {fid}) (level {answers.get(fid, UNKNOWN)}))" for fid in self.program.factors)
        env.eval(f"(assert {facts})")
        env.run()
        fired = self._trace.value.split()
        return ClipsRun(fired, self.verdict(fired, self._settled()))

    def _settled(self):
        """Whether the facts the scoring requires (the threat level) were derived."""
        required = self.program.scoring.requires
        if not required:
            return True
        found = {str(fact["fact"]) for fact in self._derived.facts()}
        return all(fact in found for fact in required)

    def derived_facts(self):
        """The derived facts of the last run (outside the timed path)."""
        return {str(fact["fact"]): str(fact["level"]) for fact in self._derived.facts()}

    def verdict(self, fired, settled=True):
        """The verdict from the effects of the fired rules, with the program's scoring."""
        support = support_of(self.program, [rule_id for rule_id in fired if rule_id in self._supporting])
        return decide(self.program, {r: s[2] for r, s in support.items()}, settled).verdict
