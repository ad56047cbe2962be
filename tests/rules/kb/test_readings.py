"""Three readings of the text settled in the knowledge base (issue 28): a victorious
coalition dissolves whichever power the coder names as the threat; free-riding rests on
the state's effort adding little, read as the project reads weakness for bandwagoning;
the temptation to bandwagon is one condition, counted once."""

import pytest

from conftest import make_case

TEMPTATION = "C2-WEAK-FACING-GREAT"


def _rules(result):
    return [item.rule for item in result.fired]


def test_the_same_victorious_coalition_dissolves_whichever_power_is_named(advisor):
    """Naming the beaten enemy, or the partner of the war now rising, describes one
    situation (p. 31): the coalition comes apart in both."""
    beaten_enemy = make_case(
        state_strength="great_power",
        threat_power="lesser",
        proximity="regional",
        intentions="benign",
        war_status="threat_defeated",
        current_alignment="against_threat",
    )
    former_partner = make_case(
        state_strength="great_power",
        threat_power="comparable",
        proximity="regional",
        offensive_capability="high",
        intentions="aggressive",
        war_status="coalition_victory",
        current_alignment="with_threat",
    )
    first, second = advisor.analyze(beaten_enemy), advisor.analyze(former_partner)
    assert first.verdict == second.verdict == "dissolve"
    assert "B6-COALITION-DISSOLVES" in _rules(second)
    # Against the partner now threatening, the break-up means standing against it.
    direction = next(s for s in second.stages if s.stage == "direction")
    assert direction.conclusion == "against"
    from alliance_advisor.presentation.case import render_text

    assert "With the coalition gone, towards Threat: balance (ally with others against the threat)." in " ".join(
        render_text(second).split()
    )


def test_a_coalition_victory_is_no_losing_side_and_no_war_in_progress(advisor):
    result = advisor.analyze(make_case(war_status="coalition_victory", current_alignment="against_threat"))
    derived = result.facts
    assert derived["war_outcome"] == "coalition_won" and derived["on_losing_side"] == "no"


@pytest.mark.parametrize(
    ("strength", "pivotal", "expected"),
    [
        ("weak", "no", "free_ride"),
        ("middle", "no", "free_ride"),
        ("middle", "yes", "balance"),
        ("strong", "no", "balance"),
    ],
)
def test_free_riding_asks_whether_the_states_effort_counts(advisor, strength, pivotal, expected):
    case = make_case(
        state_strength=strength,
        pivotal=pivotal,
        threat_power="superior",
        proximity="regional",
        offensive_capability="high",
        intentions="aggressive",
        ally_availability="certain",
    )
    assert advisor.analyze(case).verdict == expected


@pytest.mark.parametrize("help_in_sight", ["none", "doubtful"])
def test_the_temptation_is_counted_once_whatever_the_help_in_sight(advisor, help_in_sight):
    case = make_case(
        state_strength="weak",
        threat_power="overwhelming",
        proximity="neighbour",
        offensive_capability="moderate",
        intentions="aggressive",
        ally_availability=help_in_sight,
    )
    result = advisor.analyze(case)
    assert [rule for rule in _rules(result) if rule.startswith(("C2-WEAK", "R4-WEAK"))] == [TEMPTATION]
    # Some help in sight makes balancing more attractive, once (C3), and no more.
    assert ("C3-SOME-SUPPORT" in _rules(result)) == (help_in_sight == "doubtful")


def test_no_rule_of_the_knowledge_base_counts_the_temptation_a_second_time(kb):
    """The rules that push towards the threat on 'weak before a great power' are the
    temptation and the great power's speed (a distinct fact), nothing else."""
    pushing = {
        rule.id
        for rule in kb.rules
        if rule.layer == "direction"
        and "weak_before_great_power" in str(rule.condition)
        and any(side == "with" and weight > 0 for side, weight in rule.effects)
    }
    assert pushing == {TEMPTATION, "C2-FAST-GREAT-POWER"}
