"""How sure a verdict is (issue 28): the answers read with their declared uncertainty, a
distribution over the responses computed exactly, the verdict's probability in it, and
how it scores on the library."""

import dataclasses
import itertools

import pytest

from alliance_advisor.app.edits import answer_of, set_answer
from alliance_advisor.presentation.wording import certainty_text
from alliance_advisor.rules import Advisor, CaseError, load_case, parse_case_text
from alliance_advisor.rules.case import case_to_yaml
from alliance_advisor.rules.case._evaluation import distribution_scores
from alliance_advisor.rules.kb import Uncertainty
from conftest import CASES_DIR, make_case


def test_the_distribution_sums_to_one_and_the_confidence_is_the_verdicts_share(advisor, kb):
    result = advisor.analyze(load_case(CASES_DIR / "norway_1949.yaml", kb), extras=True)
    assert sum(result.distribution.values()) == pytest.approx(1, abs=1e-3)
    assert result.confidence == result.distribution[result.verdict]
    assert result.certainty.reading == kb.uncertainty.reading > 0
    assert result.to_dict()["confidence"] == result.confidence and "margin" in result.to_dict()


def test_answers_read_as_certain_give_the_verdict_for_sure(kb):
    certain = Advisor(dataclasses.replace(kb, uncertainty=Uncertainty(reading=0.0, close_call=0.6)))
    result = certain.analyze(load_case(CASES_DIR / "norway_1949.yaml", kb), extras=True)
    assert result.distribution == {result.verdict: 1.0} and result.confidence == 1.0
    assert not result.certainty.close_call and result.certainty.moves == ()


def test_the_distribution_is_the_exact_weighted_sum_of_the_engine_of_records_verdicts(kb):
    """Two answers spread by the coder, the rest certain: four combinations, each run
    through the experta engine, weighted by the product of their answers' weights."""
    quiet = dataclasses.replace(kb, uncertainty=Uncertainty(reading=0.0, close_call=0.6))
    advisor = Advisor(quiet)
    case = make_case(
        state_strength="weak",
        threat_power="overwhelming",
        proximity="neighbour",
        offensive_capability="high",
        intentions="aggressive",
    )
    case = case.with_uncertain("ally_availability", {"doubtful": 3, "probable": 1})
    case = case.with_uncertain("communication", {"effective": 1, "impaired": 1})
    expected: dict[str, float] = {}
    for (ally, wa), (talk, wt) in itertools.product(
        case.uncertain["ally_availability"].items(), case.uncertain["communication"].items()
    ):
        verdict = advisor.analyze(
            make_case(**{**case.answers, "ally_availability": ally, "communication": talk})
        ).verdict
        expected[verdict or "no_verdict"] = expected.get(verdict or "no_verdict", 0) + wa * wt
    result = advisor.analyze(case, extras=True)
    assert result.distribution == pytest.approx(expected, abs=1e-4)
    assert case.answers["ally_availability"] == "doubtful"  # the verdict is reached at the most likely level


def test_the_table_and_the_direct_run_give_the_same_distribution(kb):
    case = load_case(CASES_DIR / "sweden_1949.yaml", kb)  # an unknown answer: spread over its levels
    direct = Advisor(kb).analyze(case, extras=True)
    tabled = Advisor(kb)
    tabled.analyst.verdict_table(tabled.default_world)
    assert tabled.analyze(case, extras=True).distribution == direct.distribution


def test_where_another_response_is_more_probable_the_result_says_so(advisor, kb):
    result = advisor.analyze(load_case(CASES_DIR / "sweden_1949.yaml", kb), extras=True)
    assert result.certainty.most_probable != result.verdict
    assert "is more probable" in certainty_text(kb, result)


def test_a_close_call_names_the_answers_it_turns_on(advisor, kb):
    result = advisor.analyze(load_case(CASES_DIR / "yugoslavia_1948.yaml", kb), extras=True)
    assert result.certainty.close_call and result.confidence < kb.uncertainty.close_call
    text = certainty_text(kb, result)
    assert text.startswith("A close call: ") and "it turns most on " in text
    assert all(move.certain > result.confidence for move in result.certainty.moves)


def test_a_spread_answer_loads_round_trips_and_is_refused_when_bad(kb):
    text = "title: t\nanswers:\n  ally_availability: {probable: 1, certain: 1}\n  state_strength: weak\n"
    case = parse_case_text(text, kb)
    assert case.answers["ally_availability"] == "probable"
    assert case.uncertain == {"ally_availability": {"probable": 0.5, "certain": 0.5}}
    assert parse_case_text(case_to_yaml(case, kb), kb).uncertain == case.uncertain
    for bad, says in (
        ("{maybe: 1}", "unknown level 'maybe'"),
        ("{probable: -1}", "a number of 0 or more"),
        ("{probable: 0}", "at least one level a weight above 0"),
    ):
        with pytest.raises(CaseError) as info:
            parse_case_text(f"answers:\n  ally_availability: {bad}\n", kb)
        assert says in str(info.value) and "\n" not in str(info.value)


def test_the_app_says_not_sure_between_two_levels_and_takes_it_back(kb):
    case = make_case(ally_availability="probable")
    unsure = set_answer(case, "ally_availability", "probable|certain", kb=kb)
    assert (
        answer_of(unsure, "ally_availability") == "probable|certain"
        and unsure.answers["ally_availability"] == "probable"
    )
    assert answer_of(set_answer(unsure, "ally_availability", "certain", kb=kb), "ally_availability") == "certain"
    with pytest.raises(CaseError):
        set_answer(case, "ally_availability", "probable|probable", kb=kb)


def test_the_scores_reward_a_predictor_that_knows_and_the_auc_tells_hits_from_misses():
    responses = ["balance", "bandwagon"]
    rows = [
        {"observed": "balance", "agree": True, "confidence": 0.9, "distribution": {"balance": 0.9, "bandwagon": 0.1}},
        {"observed": "bandwagon", "agree": True, "confidence": 0.8, "distribution": {"bandwagon": 0.8, "balance": 0.2}},
        {"observed": "balance", "agree": False, "confidence": 0.6, "distribution": {"bandwagon": 0.6, "balance": 0.4}},
        {
            "observed": "bandwagon",
            "agree": False,
            "confidence": 0.55,
            "distribution": {"balance": 0.55, "bandwagon": 0.45},
        },
    ]
    scores = distribution_scores(rows, responses)
    assert scores["auc_hits_over_misses"] == 1.0
    assert scores["log_score"] > scores["log_score_base_rates"] and scores["brier"] < scores["brier_base_rates"]
    backwards = [dict(r, confidence=1 - r["confidence"]) for r in rows]
    assert distribution_scores(backwards, responses)["auc_hits_over_misses"] == 0.0
