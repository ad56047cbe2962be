"""The rule program compiled to CLIPS: a reference backend and an oracle.

Outside the product's runtime (it needs the optional ``clipspy``). The same
:class:`rules.inference._program.Program` the experta engine and the vectorised evaluator are
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
  (rule ID)))`` pattern makes a rule with alternatives count once;
- each weighed stage's decision is a defrule with no patterns (on the agenda from
  the reset) whose salience is the program's decision priority, below every rule
  of the stage's layer and above the next layer's. Its RHS calls ``decide-stage``,
  a Python function registered with the environment, on the trace so far: it
  weighs the stage's fired rules with the program's own arithmetic
  (rules.inference._program.decide_stage, given the stage facts concluded so far and whether
  the facts the scoring requires are derived) and returns the conclusion, which
  the RHS asserts with ``derive`` for the later stages' rules to read (or FALSE:
  the stage concluded nothing).

The verdict is the response whose path the stages' conclusions took
(rules.inference._program.Program.response_of), none while the scoring's required facts (the
threat level) are not derived: the verdict rules.inference._program.staged_decision gives
from the engine of record's stage decisions.
"""

import dataclasses

import clips

from alliance_advisor.rules.inference import Program, ProgramRule, StageDecision, decide_stage
from alliance_advisor.rules.kb import UNKNOWN, All, Leaf, Stage

# What ``decide-stage`` returns when a stage concludes nothing: no alternative is
# named so (the levels are lowercase identifiers).
NO_CONCLUSION = clips.Symbol("FALSE")

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


def compile_decision(stage: Stage, program: Program):
    """One defrule for a weighed stage's decision: no patterns, so it is on the agenda
    from the reset; its salience puts it after every rule of its layer and before
    every rule of the next. ``decide-stage`` (a Python function the backend
    registers) weighs the trace so far; a conclusion is asserted as the stage fact."""
    assert str(NO_CONCLUSION) not in stage.alternatives, "no alternative may be named as 'no conclusion'"
    return f"""(defrule decide-{stage.id} (declare (salience {program.decision_priority(stage)}))
  =>
  (bind ?conclusion (decide-stage {stage.id} ?*trace*))
  (if (neq ?conclusion {NO_CONCLUSION}) then (derive {stage.fact} ?conclusion)))"""


def compile_clips(program: Program, rules):
    """The whole CLIPS program for these rules of the program and the decision of
    every weighed stage, as a list of constructs. The decisions call
    ``decide-stage``, which :class:`ClipsBackend` defines before building them."""
    constructs = [*TEMPLATES, TRACE, DERIVE]
    for rule in rules:
        constructs += _score_constructs(rule) if rule.score is not None else [compile_rule(rule, program)]
    constructs += [compile_decision(stage, program) for stage in program.stages]
    return constructs


class ClipsRun:
    """What one CLIPS run concluded: the rules in firing order, the verdict and each
    weighed stage's decision, in the order they were taken."""

    __slots__ = ("fired", "verdict", "stages")

    def __init__(self, fired, verdict, stages=()):
        self.fired = fired
        self.verdict = verdict
        self.stages = stages


class ClipsBackend:
    """One CLIPS environment per world, built once and ``reset()`` between cases."""

    def __init__(self, program: Program, world=None):
        self.program = program
        self.rules = program.rules_in(world or program.default_world)
        self.env = clips.Environment()
        # ``decide-stage`` must exist before the decisions that call it are built.
        self.env.define_function(self._decide_stage, "decide-stage")
        for construct in compile_clips(program, self.rules):
            self.env.build(construct)
        # clipspy's error router is a Python callback that CLIPS queries for every
        # character it reads; the hot path only parses our own generated text, so
        # it is switched off once the program has been built.
        for router in self.env.routers():
            router.deactivate()
        self._trace = self.env.find_global("trace")
        self._derived = self.env.find_template("derived")
        self._stages = {stage.id: stage for stage in program.stages}
        # Per stage, the rules whose effects it weighs (those of its layer that lend
        # certainty to its alternatives), as the engine of record counts them.
        self._weighed = {
            stage.id: frozenset(rule.id for rule in program.rules if rule.layer == stage.layer and rule.effects)
            for stage in program.stages
        }
        self._decisions: list[StageDecision] = []
        self._error: BaseException | None = None
        self._held: dict = {}

    def _decide_stage(self, stage_id, trace):
        """``decide-stage``: a stage's decision from the trace so far, with the stage
        facts concluded so far and whether the scoring's required facts are derived.
        CLIPS would only print an exception raised here (its router is off), so it
        is kept and raised again once the run is over."""
        try:
            stage = self._stages[str(stage_id)]
            weighed = self._weighed[stage.id]
            fired = [rule_id for rule_id in trace.split() if rule_id in weighed]
            derived = self.derived_facts()
            decision = decide_stage(self.program, stage, fired, self._concluded(derived), self._settled(derived))
            if stage.id in self._held:
                decision = dataclasses.replace(decision, conclusion=self._held[stage.id])
            self._decisions.append(decision)
            return NO_CONCLUSION if decision.conclusion is None else clips.Symbol(decision.conclusion)
        except BaseException as error:  # noqa: BLE001 - raised again after the run
            self._error = self._error or error
            return NO_CONCLUSION

    def run(self, answers: dict, held=None) -> ClipsRun:
        """Run one case. ``held`` ({stage id: alternative}) makes those stages conclude
        the alternative given whatever their rules lent (the path a runner-up leads to)."""
        env = self.env
        env.reset()
        self._decisions, self._error, self._held = [], None, dict(held or {})
        facts = " ".join(f"(answer (factor {fid}) (level {answers.get(fid, UNKNOWN)}))" for fid in self.program.factors)
        env.eval(f"(assert {facts})")
        env.run()
        if self._error is not None:
            raise self._error
        fired = self._trace.value.split()
        derived = self.derived_facts()
        return ClipsRun(fired, self.verdict(self._concluded(derived), self._settled(derived)), tuple(self._decisions))

    def _concluded(self, derived):
        """The stage facts concluded so far: {stage fact: level}."""
        return {stage.fact: derived[stage.fact] for stage in self.program.stages if stage.fact in derived}

    def _settled(self, derived=None):
        """Whether the facts the scoring requires (the threat level) were derived."""
        derived = self.derived_facts() if derived is None else derived
        return all(fact in derived for fact in self.program.scoring.requires)

    def derived_facts(self):
        """The derived facts so far: {fact: level}."""
        return {str(fact["fact"]): str(fact["level"]) for fact in self._derived.facts()}

    def verdict(self, concluded, settled=True):
        """The staged verdict: the response whose path the stages' conclusions
        (``concluded``: {stage fact: level}) took; none when not ``settled``."""
        return self.program.response_of(concluded) if settled else None
