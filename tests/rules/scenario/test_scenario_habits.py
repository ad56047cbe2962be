"""Four habits of the scenario engine, read again from the text (issue 28), each on a
small system built here: a state may stay out of every bloc (the threat is low, far,
or balanced without it); allied help is weighed against the threat the state faces,
not the whole side; offensive capability is read against distance; an alliance in
force is evidence about intentions (knowledge/derivation.yaml: `stays_out`, `allies`,
`offensive_capability`, `alliance_in_force`)."""

import pytest

from alliance_advisor.presentation.scenario import choice_text
from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.scenario import ScenarioEngine, parse_scenario_text, scenario_result_to_dict


@pytest.fixture(scope="module")
def engine(advisor):
    return ScenarioEngine(advisor)


def run(engine, kb, text, **kw):
    return engine.run(parse_scenario_text(text, kb, "habits.yaml"), **kw)


def bloc_of(result, state):
    return next((set(b) for b in result.coalitions if state in b), None)


def derived(choice, factor):
    return next(d for d in choice.derivation if d.factor == factor)


# ---------------------------------------------------------------- 1. staying out
# Two great powers face a rival between them; a small neighbour of the rival, bound by
# no treaty, can count on both to hold it; a distant island fears no one.
STAYS_OUT = """
title: Staying out
states:
  - {id: big, name: Big, capability: 0.20, offensive_capability: high}
  - {id: rival, name: Rival, capability: 0.18, offensive_capability: high}
  - {id: ally, name: Ally, capability: 0.15, offensive_capability: moderate}
  - {id: small, name: Small, capability: 0.003, offensive_capability: low}
  - {id: isle, name: Isle, capability: 0.002, offensive_capability: low}
neighbours:
  - [big, rival]
  - [rival, ally]
  - [big, ally]
  - [rival, small]
perceptions:
  big: {rival: aggressive}
  ally: {rival: aggressive}
  rival: {big: aggressive, ally: aggressive}
  small: {rival: aggressive}
  isle: {big: benign, rival: benign, ally: benign, small: benign}
war: peace
"""


def test_a_state_whose_threat_is_balanced_without_it_stays_out(engine, kb):
    result = run(engine, kb, STAYS_OUT)
    small = result.states["small"]
    allies = derived(small, "ally_availability")
    # its partners' help is certain without it, and its own effort adds little
    assert allies.level == "certain" and set(allies.figures["candidates"]) == {"big", "ally"}
    assert small.verdict == "free_ride" and small.side == "apart" and small.stays_out == "balanced"
    assert bloc_of(result, "small") is None and "small" in result.unaligned and small.partners == ()
    assert {"big", "ally"} == bloc_of(result, "big")  # the threat is balanced all the same
    assert "staying out of every bloc" in choice_text(kb, result, small)
    entry = scenario_result_to_dict(result)["states"]["small"]
    assert entry["stays_out"] == "balanced" and entry["side"] == "apart"
    assert entry["explanation"]["verdict"] == "free_ride"
    quick = run(engine, kb, STAYS_OUT, explanations=False)
    assert quick.states["small"].stays_out == "balanced" and quick.coalitions == result.coalitions


def test_a_free_rider_bound_by_an_alliance_in_force_rides_under_it(engine, kb):
    result = run(engine, kb, STAYS_OUT + "alignments:\n  - [small, big]\n")
    small = result.states["small"]
    assert small.verdict == "free_ride" and small.side == "against" and small.stays_out is None
    assert {"small", "big", "ally"} <= bloc_of(result, "small")


def test_a_state_facing_a_low_threat_stays_out_and_says_so(engine, kb):
    result = run(engine, kb, STAYS_OUT)
    isle = result.states["isle"]
    assert isle.threats[0].threat_level == "low" and isle.verdict == "no_alignment"
    assert isle.side == "apart" and isle.stays_out == "low" and bloc_of(result, "isle") is None
    assert scenario_result_to_dict(result)["states"]["isle"]["stays_out"] == "low"
    # a state that takes a side says no reason to stay out
    assert result.states["big"].stays_out is None
    assert scenario_result_to_dict(result)["states"]["big"]["stays_out"] is None


def test_no_bandwagoner_pulls_a_state_that_stays_out_into_a_bloc(engine, kb):
    # Minnow accommodates Colossus, which faces only small states and stays out.
    text = """
title: A colossus that fears no one
states:
  - {id: colossus, name: Colossus, capability: 0.20, offensive_capability: high}
  - {id: minnow, name: Minnow, capability: 0.002, offensive_capability: low}
neighbours:
  - [colossus, minnow]
perceptions:
  minnow: {colossus: aggressive}
war: peace
"""
    result = run(engine, kb, text)
    assert result.states["minnow"].side == "with" and result.states["colossus"].stays_out == "low"
    assert result.coalitions == () and set(result.unaligned) == {"colossus", "minnow"}


def test_a_weak_state_whose_threat_is_far_away_stays_out(engine, kb):
    text = """
title: Far away
states:
  - {id: big, name: Big, capability: 0.20, offensive_capability: moderate}
  - {id: rival, name: Rival, capability: 0.18, offensive_capability: moderate}
  - {id: tiny, name: Tiny, capability: 0.003, offensive_capability: low}
neighbours:
  - [big, rival]
perceptions:
  big: {rival: aggressive}
  rival: {big: aggressive}
  tiny: {big: ambiguous, rival: benign}
war: peace
"""
    result = run(engine, kb, text)
    tiny = result.states["tiny"]
    assert tiny.answers["proximity"] == "distant" and tiny.threats[0].threat_level != "low"
    assert tiny.verdict == "no_alignment" and tiny.side == "apart" and tiny.stays_out == "far"
    assert "R5-FAR-FROM-WEAK" in {f.rule for f in tiny.result.fired}
    assert "the threat is far away" in choice_text(kb, result, tiny)


def test_an_unknown_response_in_stays_out_is_refused(advisor, tmp_path):
    import shutil

    from alliance_advisor.rules import Advisor, load_knowledge
    from conftest import ROOT

    folder = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    path = folder / "derivation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("balanced_without_it: [free_ride,", "balanced_without_it: [sulk,"), "utf-8")
    with pytest.raises(KnowledgeError) as err:
        ScenarioEngine(Advisor(load_knowledge(folder)))
    assert "stays_out.balanced_without_it" in str(err.value) and "sulk" in str(err.value)


# ---------------------------------------------------------------- 2. help against the threat
# Mid and Friend face their aggressive neighbour Nbr; Nbr is allied to a distant great
# power, Patron, which balances its own rival. Mid's help is weighed against Nbr, the
# threat it faces, not against Nbr and Patron together.
HELP = """
title: Help against the threat
states:
  - {id: mid, name: Mid, capability: 0.010, offensive_capability: low}
  - {id: nbr, name: Nbr, capability: 0.020, offensive_capability: moderate}
  - {id: friend, name: Friend, capability: 0.015, offensive_capability: low}
  - {id: gp, name: Patron, capability: 0.25, offensive_capability: high}
  - {id: rv, name: Rival, capability: 0.20, offensive_capability: high}
neighbours:
  - [mid, nbr]
  - [nbr, friend]
  - [mid, friend]
  - [gp, rv]
perceptions:
  mid: {nbr: aggressive, gp: benign, rv: benign}
  friend: {nbr: aggressive, gp: benign, rv: benign}
  nbr: {rv: unalterably_aggressive}
  gp: {rv: aggressive}
  rv: {gp: aggressive, nbr: aggressive}
alignments:
  - [nbr, gp]
war: peace
"""


def test_allied_help_is_weighed_against_the_threat_not_its_whole_side(engine, kb):
    result = run(engine, kb, HELP)
    assert {"nbr", "gp"} == bloc_of(result, "nbr")  # the threat's side holds the great power
    for sid in ("mid", "friend"):
        choice = result.states[sid]
        assert choice.greatest_threat == "nbr" and not choice.threat_bloc
        allies = derived(choice, "ally_availability")
        assert allies.figures["threat_members"] == ["nbr"]
        assert allies.figures["power_capability"] == pytest.approx(0.02)
        assert allies.figures["ratio"] == pytest.approx(allies.figures["their_worth"] / 0.02, abs=1e-3)
        # against Nbr and Patron together (0.27) the same help would be doubtful
        assert allies.figures["their_worth"] / 0.27 < 0.5 and allies.level == "certain", sid
    # never bandwagoning with the far great power
    assert all(result.states[s].side != "with" for s in ("mid", "friend"))


def test_a_bloc_threat_is_weighed_by_the_members_that_make_it_one(engine, kb):
    result = run(engine, kb, HELP)
    rv = result.states["rv"]
    assert set(rv.threat_bloc) == {"gp", "nbr"}
    allies = derived(rv, "ally_availability")
    assert allies.figures["threat_members"] == ["gp", "nbr"]
    assert allies.figures["power_capability"] == pytest.approx(0.27)


# ---------------------------------------------------------------- 3. reach
# Home's neighbour Foe is at war with it; Raider, stronger but not a great power, is
# far away; Giant, a great power, is far away too.
REACH = """
title: Reach
states:
  - {id: home, name: Home, capability: 0.008, offensive_capability: low}
  - {id: foe, name: Foe, capability: 0.012, offensive_capability: moderate}
  - {id: raider, name: Raider, capability: 0.034, offensive_capability: high}
  - {id: giant, name: Giant, capability: 0.20, offensive_capability: high}
neighbours:
  - [home, foe]
perceptions:
  home: {foe: aggressive, raider: aggressive, giant: ambiguous}
  giant: {raider: aggressive}
war: early_war
"""


def single(choice, power):
    return next(t for t in choice.threats if t.power == power and not t.is_bloc)


def test_offensive_capability_counts_lower_against_a_distant_state_unless_a_great_power(engine, kb):
    result = run(engine, kb, REACH)
    home = result.states["home"]
    assert single(home, "raider").answers["offensive_capability"] == "moderate"  # declared high, far away
    assert single(home, "giant").answers["offensive_capability"] == "high"  # a great power projects it
    assert single(home, "foe").answers["offensive_capability"] == "moderate"  # a neighbour: as declared
    # the neighbour at war outranks the stronger distant power
    assert single(home, "foe").score > single(home, "raider").score and home.greatest_threat == "foe"
    giant = result.states["giant"]
    assert giant.greatest_threat == "raider"
    offensive = derived(giant, "offensive_capability")
    assert offensive.level == "moderate"
    assert offensive.figures["declared"] == "high" and offensive.figures["lowered_for_distance"] == 1


def test_within_a_region_the_declared_offensive_capability_stands(engine, kb):
    result = run(engine, kb, REACH + "regions:\n  here: [home, raider]\n")
    home = result.states["home"]
    assert single(home, "raider").answers["proximity"] == "regional"
    assert single(home, "raider").answers["offensive_capability"] == "high"
    # an analyst's override still wins over the reading of distance
    over = run(engine, kb, REACH + "overrides:\n  giant: {raider: {offensive_capability: high}}\n")
    assert derived(over.states["giant"], "offensive_capability").source == "override"
    assert over.states["giant"].answers["offensive_capability"] == "high"


# ---------------------------------------------------------------- 4. alliances in force
# Aa and Bb, neighbours bound by a treaty, no perception of each other coded; Cc, far
# away, is aggressive to both and they to it.
ALLIED = """
title: Allies in force
states:
  - {id: aa, name: Aa, capability: 0.02, offensive_capability: low}
  - {id: bb, name: Bb, capability: 0.05, offensive_capability: high}
  - {id: cc, name: Cc, capability: 0.06, offensive_capability: low}
neighbours:
  - [aa, bb]
perceptions:
  aa: {cc: aggressive}
  bb: {cc: aggressive}
  cc: {aa: aggressive, bb: aggressive}
alignments:
  - [aa, bb]
war: peace
"""


def test_partners_in_force_are_not_each_others_threat_and_stay_together(engine, kb):
    result = run(engine, kb, ALLIED)
    aa = result.states["aa"]
    assert single(aa, "bb").answers["intentions"] == "benign"
    assert aa.greatest_threat == "cc" and result.states["bb"].greatest_threat == "cc"
    assert {"aa", "bb"} == bloc_of(result, "aa") and "cc" not in bloc_of(result, "aa")


def test_an_explicit_perception_outweighs_the_alliance(engine, kb):
    text = ALLIED.replace("aa: {cc: aggressive}", "aa: {cc: aggressive, bb: aggressive}")
    result = run(engine, kb, text)
    aa = result.states["aa"]
    assert single(aa, "bb").answers["intentions"] == "aggressive" and aa.greatest_threat == "bb"
    assert derived(aa, "intentions").rule == "perceptions"
    # only the direction coded: Bb still reads Aa through the treaty
    assert single(result.states["bb"], "aa").answers["intentions"] == "benign"


def test_the_alliance_reading_is_named_in_the_derivation(engine, kb):
    text = """
title: Two partners alone
states:
  - {id: aa, name: Aa, capability: 0.02, offensive_capability: low}
  - {id: bb, name: Bb, capability: 0.05, offensive_capability: high}
neighbours:
  - [aa, bb]
alignments:
  - [aa, bb]
war: peace
"""
    result = run(engine, kb, text)
    intentions = derived(result.states["aa"], "intentions")
    assert intentions.level == "benign" and intentions.source == "data"
    assert intentions.rule == "alliance_in_force" and intentions.figures == {"alliance": ["aa", "bb"]}
    without = run(engine, kb, text.replace("alignments:\n  - [aa, bb]\n", ""))
    assert derived(without.states["aa"], "intentions").rule == "default_intentions"
    assert without.states["aa"].answers["intentions"] == "ambiguous"
