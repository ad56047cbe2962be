"""The engine: each proposition's rules fire on a case built for them; the trace,
why-not, unknowns and determinism behave as an analyst relies on."""

import dataclasses
import json
import random

import pytest

from alliance_advisor.presentation.wording import failure_text
from alliance_advisor.rules import Advisor, load_knowledge
from alliance_advisor.rules.kb import conditions as cond
from conftest import make_case

THREATENING = dict(threat_power="superior", proximity="neighbour", offensive_capability="high", intentions="aggressive")

# proposition -> (answers of a case built for it, a rule citing it that must fire, expected verdict or None)
PROPOSITION_CASES = {
    "B1": (THREATENING, "B1-THREAT", "balance"),
    "B2": (THREATENING, "B2-POWER", None),
    "B3": (THREATENING, "B3-PROXIMITY", None),
    "B4": (THREATENING, "B4-OFFENCE", None),
    "B5": (THREATENING, "B5-INTENTIONS", None),
    "B6": (
        dict(THREATENING, war_status="threat_defeated", current_alignment="against_threat"),
        "B6-COALITION-DISSOLVES",
        "dissolve",
    ),
    "W1": (THREATENING, "W1-THREAT", None),
    "W2": (THREATENING, "W2-POWER", None),
    "W3": (THREATENING, "W3-PROXIMITY", None),
    "W4": (THREATENING, "W4-OFFENCE", None),
    "W5": (THREATENING, "W5-INTENTIONS", None),
    "W6": (
        dict(THREATENING, threat_power="overwhelming", current_alignment="against_threat"),
        "W6-COALITION-COLLAPSES",
        None,
    ),
    "C1": (THREATENING, "C1-BALANCING-IS-THE-RULE", "balance"),
    "C2": (
        dict(THREATENING, state_strength="weak", threat_power="overwhelming", ally_availability="none"),
        "C2-WEAK-FACING-GREAT",
        "bandwagon",
    ),
    # A weak state sure of its allies before a great power whose aims are unclear (Luxembourg in NATO).
    "C3": (
        dict(
            state_strength="weak",
            threat_power="overwhelming",
            proximity="regional",
            offensive_capability="high",
            intentions="ambiguous",
            ally_availability="certain",
            current_alignment="against_threat",
        ),
        "C3-FREE-RIDE",
        "free_ride",
    ),
    "C4": (dict(THREATENING, intentions="unalterably_aggressive"), "C4-UNALTERABLE-AGGRESSION", "balance"),
    "C5": (dict(THREATENING, war_status="late_war", winning_side="threat"), "C5-THREAT-NEAR-VICTORY", None),
}


@pytest.mark.parametrize("proposition", sorted(PROPOSITION_CASES))
def test_each_proposition_fires_on_a_case_built_for_it(advisor, kb, proposition):
    # In a world where the proposition holds: Walt's, or the mirror world for W1-W6.
    answers, rule_id, expected = PROPOSITION_CASES[proposition]
    assert proposition in kb.rule(rule_id).propositions
    worlds = kb.proposition(proposition).worlds
    result = advisor.analyze(make_case(**answers), world="walt" if "walt" in worlds else worlds[0])
    fired = [f.rule for f in result.fired]
    assert rule_id in fired
    entry = next(f for f in result.fired if f.rule == rule_id)
    assert proposition in entry.propositions
    assert entry.facts, "a fired rule names the facts it matched"
    if expected:
        assert result.verdict == expected


def test_other_verdicts_are_reachable(advisor):
    assert advisor.analyze(make_case()).verdict == "no_alignment"
    # A great power sure of its allies stands against the threat (direction) and
    # passes the buck (C3, the mode stage): the grounds for turning against the threat
    # (B1-B5, C1, C2, R4) decide the direction, never how the state acts on it.
    great = advisor.analyze(
        make_case(
            **dict(THREATENING, intentions="ambiguous", state_strength="great_power", ally_availability="certain")
        )
    )
    assert great.verdict == "buck_pass" and great.runner_up == "internal_balance"
    direction, mode = (next(s for s in great.stages if s.stage == k) for k in ("direction", "mode"))
    assert direction.conclusion == "against" and mode.conclusion == "buck_pass" and mode.support["buck_pass"] >= 0.4
    weak = advisor.analyze(make_case(**dict(THREATENING, state_strength="weak", ally_availability="certain")))
    assert weak.verdict == "free_ride"
    alone = advisor.analyze(make_case(**dict(THREATENING, state_strength="strong", ally_availability="none")))
    assert alone.verdict == "internal_balance"
    losing = advisor.analyze(
        make_case(**dict(THREATENING, war_status="late_war", winning_side="threat", current_alignment="against_threat"))
    )
    assert losing.verdict == "defect"


def test_every_analysis_checks_the_engine_against_the_vectorised_evaluator(kb):
    # The runner-up's response comes from the vectorised evaluator, so every analysis,
    # not only one with extras, checks that it concluded each stage as the engine of
    # record did: one generated from a program whose stage rule weighs otherwise (R7
    # lending all its certainty to an alliance) is caught, not explained.
    from alliance_advisor.rules.case import Analyst
    from alliance_advisor.rules.case._advisor import EngineDisagreement
    from alliance_advisor.rules.inference import Vector, compile_program

    case = make_case(**dict(THREATENING, state_strength="strong", ally_availability="none"))
    result = Advisor(kb).analyze(case, explain=False)
    assert result.verdict == "internal_balance" and any(f.rule == "R7-NO-USABLE-ALLIES" for f in result.fired)
    changed = tuple(
        dataclasses.replace(spec, effects=(("alliance", 1.0),)) if spec.id == "R7-NO-USABLE-ALLIES" else spec
        for spec in kb.rules
    )
    advisor = Advisor(kb)
    advisor._analyst = Analyst(kb, Vector(compile_program(dataclasses.replace(kb, rules=changed))))
    with pytest.raises(EngineDisagreement, match="vectorised"):
        advisor.analyze(case, explain=False)


def test_trace_is_in_firing_order_with_derivations_first(advisor):
    result = advisor.analyze(make_case(**THREATENING))
    steps = [f.step for f in result.fired]
    assert steps == list(range(1, len(steps) + 1))
    layers = [f.layer for f in result.fired]
    assert layers == sorted(layers, key=lambda layer: layer != "derive")
    first = result.fired[0]
    assert first.rule == "D-THREAT" and first.asserted == {"threat_level": "severe"}
    # The means (power 2, proximity 2, offence 2) weighed by aggressive intentions (x2 +2).
    assert first.score.total == (2 + 2 + 2) * 2 + 2 and first.score.weight == (2, 2)
    # A rule that reads a derived fact fires after the rule that derived it.
    position = {f.rule: i for i, f in enumerate(result.fired)}
    assert position["D-SIGNIFICANT"] > position["D-THREAT"]
    assert position["B1-THREAT"] > position["D-SIGNIFICANT"]
    assert result.fired[position["B1-THREAT"]].facts == {"significant_threat": "yes"}


def test_support_combines_like_mycin(advisor):
    result = advisor.analyze(make_case(**THREATENING))
    detail = result.support_detail["balance"]
    keep = 1.0
    for item in detail.for_:
        keep *= 1 - item.cf
    assert detail.mb == pytest.approx(1 - keep, abs=1e-3)
    ranked = sorted(result.support.values(), reverse=True)
    assert result.margin == pytest.approx(ranked[0] - max(ranked[1], 0), abs=1e-3)


def test_why_not_names_the_first_failed_condition(advisor):
    result = advisor.analyze(make_case(**THREATENING))
    free_ride = result.why_not["free_ride"]
    blocked = {b.rule: b for b in free_ride.blocked}
    assert "C3-FREE-RIDE" in blocked
    failure = blocked["C3-FREE-RIDE"].failed[0]
    assert failure.fact == "ally_availability" and failure.value == "probable"
    assert failure.needs == ("certain",)
    assert "ally availability is Probable; the rule needs Certain" == failure_text(advisor.kb, failure)
    bandwagon = result.why_not["bandwagon"]
    assert "R6-SPHERE-OF-INFLUENCE" in {b.rule for b in bandwagon.blocked}  # not a weak neighbour
    assert "R1-DISTRUST" in bandwagon.against
    assert bandwagon.support < result.support["balance"]


def test_unknown_factors_are_listed_and_block_rules_honestly(advisor):
    case = make_case(**dict(THREATENING, ally_availability="unknown", pivotal="unknown"))
    result = advisor.analyze(case)
    assert result.unknown == ("ally_availability", "pivotal")
    assert result.derived["allies_usable"].level is None
    blocked = {b.rule: b for b in result.why_not["balance"].blocked}
    # The verdict is decided at the mode stage, where allies at hand argue for an alliance.
    assert result.why_not["balance"].stage == "mode"
    failure = blocked["C3-ALLIES-AT-HAND"].failed[0]
    assert failure.value == "unknown" and "unknown" in failure_text(advisor.kb, failure)
    # not(...) never fires on ignorance: neither allies rule fired.
    fired = {f.rule for f in result.fired}
    assert not fired & {"D-ALLIES-USABLE", "D-ALLIES-DOUBTFUL", "D-NO-ALLIES"}


def test_a_threat_the_answers_leave_open_gives_no_verdict_and_says_what_to_answer(advisor):
    result = advisor.analyze(make_case(**dict(THREATENING, intentions="unknown")), extras=True)
    score = result.threat_score
    # Benign aims count the means for nothing; unalterable aggression counts them thrice.
    assert score.unknown == ("intentions",) and score.range == (0, 21) and not score.settled
    assert score.bands == ("low", "high", "severe")
    assert result.threat_level is None and result.verdict is None and result.no_verdict == "threat_open"
    assert result.next_questions == ("intentions",)
    # Every way of answering it gives a verdict: balance three times in four.
    assert result.completions.count == 4 and result.completions.keeps == 0.0
    assert result.completions.shares == {"balance": 0.75, "no_alignment": 0.25}
    # An unknown that cannot move the band leaves the threat settled.
    settled = advisor.analyze(make_case(threat_power="lesser", proximity="unknown", intentions="benign"))
    assert settled.threat_score.settled and settled.threat_level == "low" and settled.verdict == "no_alignment"


def test_same_case_twice_gives_identical_json(kb):
    case = make_case(**THREATENING)
    first = json.dumps(Advisor(kb).analyze(case).to_dict(), sort_keys=False)
    again_same_engine = Advisor(kb)
    again_same_engine.analyze(make_case(state_strength="weak"))
    second = json.dumps(again_same_engine.analyze(case).to_dict(), sort_keys=False)
    third = json.dumps(Advisor(load_knowledge()).analyze(case).to_dict(), sort_keys=False)
    assert first == second == third


@pytest.mark.slow
def test_rete_and_the_condition_evaluator_agree(advisor, kb):
    """On random cases, a rule fires in experta exactly when its declared
    condition holds on the final facts: the explanation and the engine agree."""
    rng = random.Random(7)
    for _ in range(150):
        answers = {}
        for factor in kb.factors:
            choice = rng.choice(factor.level_ids + ("unknown",) * (1 if rng.random() < 0.3 else 0))
            if choice != "unknown":
                answers[factor.id] = choice
        result = advisor.analyze(make_case(**{f: answers.get(f, "unknown") for f in kb.factor_ids}), explain=False)
        fired = {f.rule for f in result.fired}
        for spec in kb.rules_in_world("walt"):
            if spec.condition is None:
                assert spec.id in fired
                continue
            holds = cond.evaluate(spec.condition, result.facts) is True
            assert holds == (spec.id in fired), (spec.id, answers)
        assert not result.conflicts


def test_worlds_run_their_own_rules(advisor):
    case = make_case(**dict(THREATENING, state_strength="weak", threat_power="overwhelming", ally_availability="none"))
    balancing = advisor.analyze(case, world="balancing")
    bandwagoning = advisor.analyze(case, world="bandwagoning")
    assert {p for f in balancing.fired for p in f.propositions}.isdisjoint({"W1", "W2", "C1"})
    assert bandwagoning.verdict == "bandwagon"
    assert balancing.verdict == "internal_balance"
