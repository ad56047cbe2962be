"""Blocs as threats and as partners (issue 19): a bloc weighed as one threat, partners
as the threat's enemies, one bloc per side of a divide, bandwagoning as joining the
threat's bloc, and the words for a state that others take for an aggressor."""

import pytest

from alliance_advisor.presentation.scenario import aims_text, baseline_rows, bloc_threat_text
from alliance_advisor.rules.scenario import ScenarioEngine, parse_scenario_text, scenario_result_to_dict

# Two allied powers, each only superior to the small states beside them, together
# overwhelming; one small state beside each; a distant great power that fears the pair.
AXIS = """
title: Two allies and their neighbours
states:
  - {id: east, name: East, capability: 0.10, offensive_capability: high}
  - {id: west, name: West, capability: 0.10, offensive_capability: high}
  - {id: pole, name: Pole, capability: 0.04, offensive_capability: low}
  - {id: gaul, name: Gaul, capability: 0.04, offensive_capability: low}
  - {id: tiny, name: Tiny, capability: 0.002, offensive_capability: low}
  - {id: far, name: Far, capability: 0.20, offensive_capability: moderate}
neighbours:
  - [east, pole]
  - [west, gaul]
  - [east, west]
  - [pole, tiny]
perceptions:
  pole: {east: aggressive, west: aggressive}
  gaul: {west: aggressive, east: aggressive}
  tiny: {pole: benign, east: ambiguous}
  far: {east: aggressive, west: aggressive}
  east: {pole: aggressive, far: aggressive}
  west: {gaul: aggressive, far: aggressive}
alignments:
  - [east, west]
war: peace
"""


@pytest.fixture(scope="module")
def engine(advisor):
    return ScenarioEngine(advisor)


@pytest.fixture(scope="module")
def axis(engine, kb):
    return engine.run(parse_scenario_text(AXIS, kb, "axis.yaml"))


def test_a_bloc_is_the_greatest_threat_and_the_members_that_make_it_so_are_named(axis):
    pole = axis.states["pole"]
    assert set(pole.threat_bloc) == {"east", "west"} and pole.greatest_threat == "east"
    top = pole.threats[0]
    assert top.is_bloc and top.answers["threat_power"] == "overwhelming"  # 0.20 / 0.04, either alone superior
    alone = next(t for t in pole.threats if t.power == "east" and not t.is_bloc)
    assert alone.answers["threat_power"] == "superior" and top.score > alone.score
    made = dict(top.made_by)
    assert made["proximity"] == ("east",) and set(made["threat_power"]) == {"east", "west"}
    assert "Pole" in bloc_threat_text(axis, pole) and "its nearness from East" in bloc_threat_text(axis, pole)
    entry = scenario_result_to_dict(axis)["states"]["pole"]
    assert set(entry["threats"][0]["members"]) == {"east", "west"} and entry["threat_bloc"] == ["east", "west"]


def test_states_balancing_against_one_bloc_form_one_bloc_with_a_distant_patron(axis):
    blocs = [set(b) for b in axis.coalitions]
    ours = next(b for b in blocs if "pole" in b)
    assert {"pole", "gaul", "far"} <= ours and not ours & {"east", "west"}
    assert {"east", "west"} <= next(b for b in blocs if "east" in b)
    # the distant patron counts among Pole's partners and its allies' worth
    allies = next(d for d in axis.states["pole"].derivation if d.factor == "ally_availability")
    assert "far" in allies.figures["candidates"] and allies.level != "none"


def test_a_weak_partner_counts(engine, kb):
    # Tiny (0.002) is a partner of Pole's side: its greatest threat is East, in the bloc.
    result = engine.run(parse_scenario_text(AXIS, kb, "axis.yaml"), explanations=False)
    assert result.states["tiny"].greatest_threat == "east"
    allies = next(d for d in result.states["gaul"].derivation if d.factor == "ally_availability")
    assert "tiny" in allies.figures["candidates"]


def test_a_bandwagoner_joins_the_threats_bloc(engine, kb):
    # Alone beside the pair, with no one else threatened by it, Tiny has no partner.
    text = AXIS.replace("  - [pole, tiny]\n", "  - [east, tiny]\n").replace(
        "tiny: {pole: benign, east: ambiguous}", "tiny: {east: aggressive, west: aggressive}"
    )
    text = text.replace("pole: {east: aggressive, west: aggressive}", "pole: {east: benign, west: benign}")
    text = text.replace("gaul: {west: aggressive, east: aggressive}", "gaul: {west: benign, east: benign}")
    text = text.replace("far: {east: aggressive, west: aggressive}", "far: {east: benign, west: benign}")
    result = engine.run(parse_scenario_text(text, kb, "t.yaml"), explanations=False)
    tiny = result.states["tiny"]
    assert tiny.side == "with", tiny.verdict
    assert {"tiny", "east", "west"} <= next(set(b) for b in result.coalitions if "tiny" in b)


def test_an_aggressor_chooses_too_and_the_words_leave_its_aims_aside(axis):
    east = axis.states["east"]
    assert set(east.threatens) >= {"pole", "far"} and east.verdict is not None
    text = aims_text(axis, east)
    assert "says nothing of its aims" in text and text.startswith("East is the greatest threat of")
    assert aims_text(axis, axis.states["tiny"]) == ""


def test_the_baseline_rows_put_the_three_theories_side_by_side(engine, kb):
    result = engine.run(parse_scenario_text(AXIS + "observed:\n  - [pole, gaul, far, tiny]\n  - [east, west]\n", kb))
    rows = baseline_rows(result)
    assert [r[0] for r in rows][0].startswith("Balance of threat") and len(rows) == 3
    assert rows[0][2] == f"{sum(result.agreement.values())} of 6"
    assert rows[2][2] == f"{result.baselines.power.agreed} of 6"
    assert all(r[4] != "-" for r in rows)
    assert baseline_rows(engine.run(parse_scenario_text(AXIS, kb)))[0][2] == "-"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_scenario_report_carries_the_three_theories(tmp_path, fmt):
    from alliance_advisor import main
    from conftest import ROOT

    out = tmp_path / f"europe.{fmt}"
    assert main.main(["scenario", str(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"), "-o", str(out)]) == 0
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "Rival theories" in text and "Landscape theory (Axelrod and Bennett 1993)" in text
    assert "15 of 17" in text and "Balance of power" in text and "Placed as observed" in text


def test_the_points_per_source_are_one_computation_for_the_scenario_and_the_case(axis, kb):
    from alliance_advisor.presentation.figures import threat_profile
    from alliance_advisor.presentation.scenario import threat_rows

    pole = axis.states["pole"]
    rows = threat_rows(kb, pole.threats[0])
    assert sum(points for _, _, points in rows) == pole.threats[0].score
    assert any(label == "Intentions" or "ntention" in label for label, _, _ in rows)  # the row the app's table lacked
    from alliance_advisor.rules.inference import score_parts

    score = pole.result.threat_score
    parts = score_parts(score.points.items(), score.weight, "intentions")
    assert dict(parts) == dict(pole.threats[0].parts) and sum(p for _, p in parts) == score.total
    weighing = threat_profile(pole.result).sources[-1]
    assert weighing.factor == "intentions" and weighing.points == dict(parts)["intentions"]
