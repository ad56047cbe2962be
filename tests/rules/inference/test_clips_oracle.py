"""Oracles for the engine. CLIPS: the same knowledge base compiled to CLIPS rules
(bench/) must fire the same rules, take the same stage decisions and reach the
same staged verdict as the experta engine. experta's own parts: the engine's
faster matcher, strategy and fact list must leave the trace exactly as experta's
stock ones make it. CLIPS with a stage's decision held: the responses the runner-up
and the tied alternatives lead to."""

import dataclasses
import random

import pytest

pytest.importorskip("clips")  # the clipspy distribution installs the module `clips`

from alliance_advisor.rules import load_library  # noqa: E402
from alliance_advisor.rules.inference import (
    NOT,
    Answer,
    KnowledgeEngine,
    Rule,
    compile_engine_class,
    compile_program,
    staged_decision,
)
from alliance_advisor.rules.kb import UNKNOWN
from bench.clips_backend import ClipsBackend, compile_clips  # noqa: E402
from bench.workload import generated_cases  # noqa: E402
from conftest import CASES_DIR  # noqa: E402


def sample(kb, n, seed):
    """n of the benchmark's generated cases, drawn at random (about one answer in ten unknown)."""
    return random.Random(seed).sample(generated_cases(kb), n)


def disagreements(advisor, clips, cases, world="walt"):
    found = []
    for case in cases:
        result = advisor.analyze(case, world=world, explain=False)
        raw = advisor.pool.run(case.answers, world)  # the engine's own stage decisions
        run = clips.run(case.answers)
        derived = {fact: d.level for fact, d in result.derived.items() if d.level is not None}
        engine = (result.verdict, [f.rule for f in result.fired], derived, list(raw.stages))
        if engine != (run.verdict, run.fired, clips.derived_facts(), list(run.stages)):
            found.append((case.answers, result.verdict, run.verdict))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("world, n", [("walt", 300), ("balancing", 150), ("bandwagoning", 150)])
def test_experta_and_clips_agree_on_random_cases(advisor, kb, world, n):
    # Same verdict, same rules in the same firing order, same derived facts
    # (including threat levels estimated from unknown sources, and the stage
    # facts concluded), same decision at every stage.
    assert disagreements(advisor, ClipsBackend(advisor.program, world), sample(kb, n, seed=len(world)), world) == []


@pytest.mark.slow
def test_experta_and_clips_agree_on_the_historical_library(advisor, kb):
    cases = load_library(CASES_DIR, kb)
    assert disagreements(advisor, ClipsBackend(advisor.program), cases) == []


@pytest.mark.slow
@pytest.mark.parametrize("world", ["walt", "balancing", "bandwagoning"])
def test_the_runner_up_and_the_tied_responses_are_the_oracles_with_the_deciding_stage_held(advisor, kb, world):
    # The explanation's runner-up and tied responses come from the vectorised
    # evaluator run with the deciding stage held at the runner-up or at a tied
    # alternative (the later stages' rules fire on it). CLIPS, holding the same stage
    # at the same alternative, must lead to the same responses. Every generated case
    # whose verdict is tied is included: no case of the library is.
    clips = ClipsBackend(advisor.program, world)
    vector = advisor.vector
    cases = generated_cases(kb)
    tied = vector.run(vector.encode([c.answers for c in cases]), (world,)).tied[world].tolist()
    chosen = [case for case, t in zip(cases, tied) if t] + sample(kb, 150, seed=3)
    requires = advisor.program.scoring.requires
    runner_ups = tied_responses = 0
    for case in chosen:
        result = advisor.analyze(case, world=world, explain=False)
        raw = advisor.pool.run(case.answers, world)

        def held(stage, alternatives, answers=case.answers):
            return [clips.run(answers, {stage.id: alternative}).verdict for alternative in alternatives]

        oracle = staged_decision(advisor.program, raw.stages, all(f in raw.derived for f in requires), held)
        assert oracle.verdict == result.verdict == clips.run(case.answers).verdict
        expected = (oracle.runner_up if oracle.verdict is not None else None, oracle.tied_with)
        assert (result.runner_up, result.tied_with) == expected, case.answers
        runner_ups += result.runner_up is not None
        tied_responses += bool(result.tied_with)
    # Not vacuous: runner-ups are compared, and tied responses wherever a verdict is tied.
    assert runner_ups > len(chosen) // 4
    assert tied_responses > 0 or not any(tied)


@pytest.mark.slow
def test_every_rule_fires_somewhere_in_clips(kb):
    clips = ClipsBackend(compile_program(kb))
    fired = set()
    for case in generated_cases(kb)[:400]:
        fired.update(clips.run(case.answers).fired)
    assert fired == {spec.id for spec in kb.rules_in_world("walt")}


@pytest.mark.slow
def test_the_oracle_notices_a_rule_that_differs(advisor, kb):
    # CLIPS compiled from a knowledge base in which one rule reads another level:
    # the comparison must report it, or it would prove nothing.
    changed = [
        dataclasses.replace(spec, condition=dataclasses.replace(spec.condition, allowed=frozenset({"no"})))
        if spec.id == "B1-THREAT"
        else spec
        for spec in kb.rules
    ]
    other = dataclasses.replace(kb, rules=tuple(changed))
    found = disagreements(advisor, ClipsBackend(compile_program(other)), sample(kb, 100, seed=1))
    assert found


@pytest.mark.slow
def test_the_oracle_notices_a_stage_rule_that_weighs_differently(advisor, kb):
    # A rule of a weighed stage that lends its certainty to another alternative
    # fires on the same cases, so the traces agree: only the stage's decision, made
    # in CLIPS from the trace, can tell, and the comparison must report it.
    changed = [
        dataclasses.replace(spec, effects=(("alliance", 1.0),)) if spec.id == "R7-NO-USABLE-ALLIES" else spec
        for spec in kb.rules
    ]
    other = ClipsBackend(compile_program(dataclasses.replace(kb, rules=tuple(changed))))
    cases = sample(kb, 100, seed=1)
    assert disagreements(advisor, other, cases)
    for case in cases:
        assert [f.rule for f in advisor.analyze(case, explain=False).fired] == other.run(case.answers).fired


def test_the_clips_program_is_deterministic_and_covers_every_rule(kb):
    program = compile_program(kb)
    text = compile_clips(program, program.rules)
    assert text == compile_clips(compile_program(kb), program.rules)
    defrules = [c for c in text if c.startswith("(defrule ")]
    # One defrule per rule with its priority, and one per weighed stage's decision
    # with the decision's priority (below its layer's rules, above the next's).
    expected = [f"(defrule {r.id} (declare (salience {r.priority}))" for r in program.rules]
    expected += [
        f"(defrule decide-{st.id} (declare (salience {program.decision_priority(st)}))" for st in program.stages
    ]
    assert len(defrules) == len(kb.rules) + len(program.stages) == len(expected)
    assert [c.split("\n")[0] for c in defrules] == expected


@pytest.mark.slow
def test_the_engine_traces_exactly_as_stock_experta_does(kb):
    # The engine replaces experta's matcher, strategy key, fact list, declare,
    # reset and run loop for speed; the same rules on experta's own parts must
    # fire in the same order on the same facts with the same bindings.
    from alliance_advisor.rules.inference import DepthStrategy, ReteMatcher
    from alliance_advisor.rules.inference._engine import _TracingAgenda

    program = compile_program(kb)
    fast = compile_engine_class(program, program.rules_in("walt"))

    class Stock(fast):
        __matcher__ = ReteMatcher
        __strategy__ = DepthStrategy
        declare = KnowledgeEngine.declare
        get_deffacts = KnowledgeEngine.get_deffacts
        run = KnowledgeEngine.run

        def reset(self):
            KnowledgeEngine.reset(self)
            agenda = _TracingAgenda()
            agenda.activations = self.agenda.activations
            self.agenda = agenda
            self.trace, self.fired_ids, self.derived, self.conflicts = [], set(), {}, []
            self.stages = []

    engines = fast(), Stock()
    for case in sample(kb, 60, seed=6):
        runs = []
        for engine in engines:
            engine.reset()
            engine.declare(*[Answer(factor=f, level=case.answers.get(f, UNKNOWN)) for f in kb.factor_ids])
            engine.run()
            runs.append((engine.trace, engine.derived, engine.conflicts, engine.stages))
        assert runs[0] == runs[1], case.answers


def test_the_fast_matcher_refuses_conditions_it_cannot_match(kb):
    program = compile_program(kb)
    engine_class = compile_engine_class(program, program.rules[:1])
    unsupported = Rule(NOT(Answer(factor="pivotal", level="yes")))(lambda engine: None)
    with pytest.raises(TypeError, match="only fact patterns"):
        type("Unsupported", (engine_class,), {"rule": unsupported})()
