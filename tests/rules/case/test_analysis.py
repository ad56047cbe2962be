"""Analyses beyond the verdict, as an analyst reads them: what would flip the
verdict, what each world predicts, and which recorded cases are most alike."""

import json
import shutil

import pytest

from alliance_advisor import main
from alliance_advisor.rules import Advisor, Case, load_case, load_knowledge
from alliance_advisor.rules.case import Flip
from conftest import CASES_DIR, make_case

# A weak state next to an overwhelming, aggressive great power that can strike fast.
EXPOSED = dict(
    state_strength="weak",
    threat_power="overwhelming",
    proximity="neighbour",
    offensive_capability="high",
    intentions="aggressive",
)
NORWAY = CASES_DIR / "norway_1949.yaml"


def verdict_by_engine(advisor, case, world="walt"):
    return advisor.analyze(case, world=world, explain=False).verdict


def test_a_case_one_step_from_flipping_shows_that_flip(advisor):
    case = make_case(**EXPOSED, ally_availability="none")
    result = advisor.analyze(case, extras=True)
    assert result.verdict == "bandwagon"
    flips = result.whatif.flips
    assert Flip("ally_availability", "none", "probable", "balance") in flips
    assert not result.whatif.stable
    # Complete and correct: every single change is listed exactly when the engine's
    # verdict for it differs.
    listed = {(f.factor, f.to): f.verdict for f in flips}
    for factor in advisor.kb.factors:
        for level in factor.level_ids:
            if level == case.answers[factor.id]:
                continue
            after = verdict_by_engine(advisor, case.with_answer(factor.id, level))
            if after == result.verdict:
                assert (factor.id, level) not in listed
            else:
                assert listed[(factor.id, level)] == after


def test_a_case_with_two_unknowns_lists_both_with_every_level(advisor, kb):
    case = make_case(**EXPOSED, ally_availability="unknown", communication="unknown")
    result = advisor.analyze(case, extras=True)
    unknowns = result.whatif.unknowns
    assert set(unknowns) == {"ally_availability", "communication"}
    for factor_id, verdicts in unknowns.items():
        assert list(verdicts) == list(kb.factor(factor_id).level_ids)
        for level, verdict in verdicts.items():
            assert verdict == verdict_by_engine(advisor, case.with_answer(factor_id, level))
    # Knowing the allies would settle it either way, so the verdict is not stable.
    assert unknowns["ally_availability"]["none"] == "bandwagon"
    assert unknowns["ally_availability"]["probable"] == "balance"
    assert not result.whatif.stable
    assert all(f.factor not in unknowns for f in result.whatif.flips)


def test_an_unknown_that_cannot_matter_gives_one_verdict_and_stable_follows(advisor):
    # On the losing side of a settled war the state defects (R9), whether or not
    # its own choice could decide the contest.
    case = make_case(
        threat_power="superior",
        proximity="neighbour",
        offensive_capability="high",
        intentions="aggressive",
        war_status="late_war",
        winning_side="threat",
        current_alignment="against_threat",
        pivotal="unknown",
    )
    whatif = advisor.analyze(case, extras=True).whatif
    assert set(whatif.unknowns["pivotal"].values()) == {"defect"}
    # The verdict still hangs on the war being settled, so it is not stable.
    assert any(f.factor == "winning_side" for f in whatif.flips)
    assert whatif.stable is (
        not whatif.flips and all(len(set(levels.values())) == 1 for levels in whatif.unknowns.values())
    )


def test_the_three_worlds_differ_where_the_theory_says(advisor, kb):
    alone = advisor.analyze(make_case(**EXPOSED, ally_availability="none"), extras=True).worlds
    assert alone["balancing"].verdict in ("internal_balance", "balance")
    assert alone["bandwagoning"].verdict == "bandwagon"
    assert alone["walt"].verdict == "bandwagon"
    helped = advisor.analyze(make_case(**EXPOSED, ally_availability="probable"), extras=True).worlds
    assert helped["walt"].verdict == "balance"
    assert helped["bandwagoning"].verdict == "bandwagon"
    for world in kb.worlds:
        entry = alone[world.id]
        assert (entry.title, entry.advice, entry.risk) == (world.title, world.advice, world.risk)
        assert entry.verdict_label == kb.response(entry.verdict).label
        assert entry.verdict == verdict_by_engine(advisor, make_case(**EXPOSED, ally_availability="none"), world.id)
        # The verdict's direction is the best supported of the direction stage's alternatives.
        direction = {k.split(".")[1]: v for k, v in entry.support.items() if k.startswith("direction.")}
        assert max(direction, key=direction.get) == kb.response(entry.verdict).direction


def test_the_world_of_the_run_matches_its_result(advisor):
    case = make_case(**EXPOSED, ally_availability="doubtful")
    result = advisor.analyze(case, world="bandwagoning", extras=True)
    mine = result.worlds["bandwagoning"]
    assert (mine.verdict, mine.confidence) == (result.verdict, result.margin)
    # Each stage's support is the one the explained run shows stage by stage.
    for stage in result.stages[1:]:
        for alternative, cf in stage.support.items():
            assert mine.support[f"{stage.stage}.{alternative}"] == cf


def test_an_identical_library_case_ranks_first(advisor, kb):
    norway = load_case(NORWAY, kb)
    copy = Case(title="my reading of Norway", answers=dict(norway.answers))
    first = advisor.analyze(copy, extras=True).analogues[0]
    assert first.file == "norway_1949.yaml"
    assert (first.similarity, first.compared, first.differences) == (1.0, 11, ())
    assert first.observed == "balance" and first.predicted == "balance" and first.theory_right
    # The library file itself is not its own analogue.
    analogues = advisor.analyze(norway, extras=True).analogues
    assert len(analogues) == 5 and "norway_1949.yaml" not in [a.file for a in analogues]
    assert [a.similarity for a in analogues] == sorted((a.similarity for a in analogues), reverse=True)


def test_unknown_answers_are_left_out_of_the_comparison(advisor, kb):
    norway = load_case(NORWAY, kb)
    vague = Case(answers={k: v for k, v in norway.answers.items() if k not in ("pivotal", "communication")})
    analogues = advisor.analyze(vague, extras=True).analogues
    assert analogues[0].file == "norway_1949.yaml"
    assert (analogues[0].similarity, analogues[0].compared) == (1.0, 9)
    assert all("pivotal" not in a.differences and "communication" not in a.differences for a in analogues)


def test_ordered_factors_earn_partial_credit(kb):
    analyst = Advisor(kb).analyst
    base = make_case().answers
    total = sum(f.similarity for f in kb.factors)
    weight = kb.factor("state_strength").similarity
    one_step = analyst.similarity(base, {**base, "state_strength": "strong"})  # middle -> strong
    assert one_step == (pytest.approx((total - weight / 3) / total), 11, ["state_strength"])
    unordered = analyst.similarity(base, {**base, "communication": "impaired"})
    assert unordered[0] == pytest.approx((total - kb.factor("communication").similarity) / total)


def test_a_case_compared_on_too_few_factors_ranks_below(tmp_path):
    kb_dir = tmp_path / "knowledge"
    shutil.copytree(CASES_DIR.parent, kb_dir, ignore=shutil.ignore_patterns("cases"))
    (kb_dir / "cases").mkdir()
    query = make_case(**EXPOSED, ally_availability="none").answers
    few = {k: query[k] for k in ("state_strength", "threat_power", "proximity")}
    near = {**query, "intentions": "unalterably_aggressive"}
    far = {**query, "state_strength": "great_power", "ally_availability": "certain", "war_status": "late_war"}
    for name, answers in (("few", few), ("near", near), ("far", far)):
        lines = [f"title: {name}", "observed: bandwagon", "answers:"]
        lines += [f'  {k}: "{v}"' for k, v in answers.items()]
        (kb_dir / "cases" / f"{name}.yaml").write_text("\n".join(lines) + "\n")
    (kb_dir / "cases" / "broken.yaml").write_text("answers: [1, 2\n")  # left out, not fatal
    advisor = Advisor(load_knowledge(kb_dir))
    analogues = advisor.analyze(Case(answers=query), extras=True).analogues
    assert [a.file for a in analogues] == ["near.yaml", "far.yaml", "few.yaml"]
    assert analogues[2].similarity == 1.0 and analogues[2].compared == 3
    assert analogues[1].similarity < 1.0 and analogues[1].compared == 11


def test_json_carries_the_extras(capsys):
    assert main.main(["analyze", str(NORWAY), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["whatif"]) == {"flips", "unknowns", "stable"}
    assert set(data["worlds"]) == {"balancing", "bandwagoning", "walt"}
    assert data["worlds"]["walt"]["verdict"] == data["verdict"]
    assert data["analogues"] and {
        "file",
        "similarity",
        "compared",
        "observed",
        "predicted",
        "theory_right",
        "differences",
    } <= set(data["analogues"][0])
