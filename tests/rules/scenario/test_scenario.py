"""Scenarios of several powers (issue 12): validation, the greatest threat, the
partners, the coalitions and the json contract."""

import json
import subprocess
import sys
import unicodedata

import pytest

from alliance_advisor import main
from alliance_advisor.rules.scenario import (
    ScenarioEngine,
    ScenarioError,
    load_scenario,
    match_blocs,
    parse_scenario_text,
    scenario_result_to_dict,
)
from conftest import ROOT

TRIANGLE = """
title: Textbook triangle
year: 1900
states:
  - {id: giant, name: Giant, capability: 0.30, offensive_capability: moderate}
  - {id: raider, name: Raider, capability: 0.10, offensive_capability: high}
  - {id: middle, name: Middle, capability: 0.02, offensive_capability: low}
neighbours:
  - [raider, middle]
  - [giant, middle]
perceptions:
  middle: {raider: aggressive, giant: benign}
  giant: {raider: aggressive}
war: peace
"""

ALONE = """
title: A small state beside an overwhelming aggressor
states:
  - {id: colossus, name: Colossus, capability: 0.20, offensive_capability: high}
  - {id: minnow, name: Minnow, capability: 0.002, offensive_capability: low}
  - {id: faraway, name: Faraway, capability: 0.003, offensive_capability: low}
neighbours:
  - [colossus, minnow]
perceptions:
  minnow: {colossus: aggressive}
  faraway: {colossus: benign}
war: peace
"""


@pytest.fixture(scope="module")
def engine(advisor):
    return ScenarioEngine(advisor)


def run(engine, kb, text):
    return engine.run(parse_scenario_text(text, kb, "test.yaml"))


def test_the_weaker_aggressive_power_is_the_greatest_threat_and_the_state_allies_with_the_stronger(engine, kb):
    result = run(engine, kb, TRIANGLE)
    middle = result.states["middle"]
    assert middle.strongest == "giant" and middle.greatest_threat == "raider"
    assert middle.threats[0].score > next(t for t in middle.threats if t.power == "giant").score
    assert middle.verdict == "balance" and middle.side == "against" and "giant" in middle.partners
    assert ("giant", "middle") in result.coalitions and "raider" in result.unaligned
    # the full single-case explanation is the same engine's
    assert middle.result.verdict == "balance" and middle.result.fired
    assert middle.result.case.answers["threat_power"] == "overwhelming"  # 0.10 / 0.02


def test_a_weak_state_beside_an_overwhelming_aggressor_with_no_capable_partner_bandwagons(engine, kb):
    result = run(engine, kb, ALONE)
    minnow = result.states["minnow"]
    assert minnow.greatest_threat == "colossus"
    assert minnow.answers["ally_availability"] == "none"
    assert minnow.answers["state_strength"] == "weak" and minnow.answers["threat_power"] == "overwhelming"
    assert minnow.verdict == "bandwagon" and minnow.partners == ("colossus",)
    # Colossus itself faces only small states: too small a threat to ally over, so it
    # stays out of every bloc (derivation.yaml `stays_out`), and Minnow's accommodation
    # of it makes no bloc with it.
    colossus = result.states["colossus"]
    assert colossus.verdict == "no_alignment" and colossus.side == "apart" and colossus.stays_out == "low"
    assert result.coalitions == () and set(result.unaligned) == {"colossus", "minnow", "faraway"}


def test_every_derived_answer_keeps_its_derivation_and_an_override_wins(engine, kb):
    result = run(engine, kb, TRIANGLE)
    derived = {d.factor: d for d in result.states["middle"].derivation}
    assert set(derived) == set(kb.factor_ids)
    assert derived["threat_power"].figures["ratio"] == pytest.approx(5.0)
    assert derived["proximity"].level == "neighbour" and derived["intentions"].source == "data"
    overridden = run(engine, kb, TRIANGLE + "overrides:\n  middle: {raider: {communication: impaired}}\n")
    talk = next(d for d in overridden.states["middle"].derivation if d.factor == "communication")
    assert talk.level == "impaired" and talk.source == "override" and talk.figures == {"derived": "effective"}
    assert overridden.states["middle"].result.case.answers["communication"] == "impaired"
    # an override of a threat's source moves the ranking too
    benign = run(engine, kb, TRIANGLE + "overrides:\n  middle: {raider: {intentions: benign}}\n")
    raider = next(t for t in benign.states["middle"].threats if t.power == "raider")
    assert raider.answers["intentions"] == "benign" and raider.score < result.states["middle"].threats[0].score


def test_the_iteration_reaches_a_stable_configuration_and_repeats_it(engine, kb):
    result = run(engine, kb, TRIANGLE)
    assert result.stable and result.cycle is None
    assert result.history[-1] == result.history[-2]
    again = run(engine, kb, TRIANGLE)
    assert again.coalitions == result.coalitions and again.rounds == result.rounds


def test_alignments_in_force_feed_the_first_round(engine, kb):
    text = TRIANGLE + "alignments:\n  - [middle, giant]\n"
    result = run(engine, kb, text)
    first = {d.factor: d.level for d in result.states["middle"].derivation}
    assert first["current_alignment"] == "against_threat"


def test_blocs_are_matched_to_the_observed_ones_and_misassigned_states_named(engine, kb):
    text = TRIANGLE + "observed:\n  - [giant, middle, raider]\n"
    result = run(engine, kb, text)
    assert result.misassigned == ("raider",)
    assert result.agreement == {"giant": True, "raider": False, "middle": True}
    mis, agree, matching = match_blocs([("a", "b"), ("c", "d")], [("c", "d", "e"), ("a",)], "abcde")
    assert matching == {0: 1, 1: 0} and mis == ("b", "e")


def test_the_json_contract(engine, kb, tmp_path, capsys):
    path = tmp_path / "triangle.yaml"
    path.write_text(TRIANGLE + "observed:\n  - [giant, middle]\n", encoding="utf-8")
    assert main.main(["scenario", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"states", "coalitions", "rounds", "misassigned"} <= set(data)
    for sid in ("giant", "raider", "middle"):
        entry = data["states"][sid]
        assert {"greatest_threat", "threats", "verdict", "partners"} <= set(entry)
        assert all({"power", "threat_level", "score"} <= set(t) for t in entry["threats"])
        assert entry["threats"][0]["power"] == entry["greatest_threat"]
        assert entry["explanation"]["verdict"] == entry["verdict"]
    assert data["coalitions"] == [["giant", "middle"]] and data["misassigned"] == []
    assert isinstance(data["rounds"], int) and data["rounds"] >= 1


def test_text_output_names_blocs_threats_and_misassigned(tmp_path, capsys):
    path = tmp_path / "triangle.yaml"
    path.write_text(TRIANGLE + "observed:\n  - [giant, middle, raider]\n", encoding="utf-8")
    assert main.main(["scenario", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Coalitions" in out and "Giant and Middle" in out
    # The sentence wraps in the table's column; it names the state it is about.
    assert "For Middle, Raider is the greater threat though Giant is stronger" in " ".join(out.split())
    assert "Misassigned: Raider" in out


HOSTILE = [
    ("states: []\n", "two or more states"),
    ("states:\n  - {id: a, capability: 0.1, offensive_capability: low}\n", "two or more states"),
    (TRIANGLE.replace("capability: 0.30", "capability: 1.5"), "capability 1.5 is outside 0-1"),
    (TRIANGLE.replace("capability: 0.30", "capability: 0"), "outside 0-1"),
    (TRIANGLE.replace("capability: 0.30", "capability: yes"), "outside 0-1"),
    (TRIANGLE.replace("[raider, middle]", "[raider, atlantis]"), "'atlantis' is not a state of this scenario"),
    (TRIANGLE.replace("giant: {raider: aggressive}", "giant: {giant: aggressive}"), "'giant' perceives itself"),
    (TRIANGLE.replace("middle: {raider: aggressive", "middle: {nowhere: aggressive"), "'nowhere' is not a state"),
    (TRIANGLE.replace("giant: {raider: aggressive}", "giant: {raider: hostile}"), "'hostile' is not one of"),
    (TRIANGLE.replace("offensive_capability: high", "offensive_capability: huge"), "offensive_capability 'huge'"),
    (TRIANGLE.replace("id: raider", "id: Raider!"), "an id is lowercase"),
    (TRIANGLE.replace("id: raider, name: Raider", "id: giant, name: Raider"), "declared twice"),
    (TRIANGLE + "war_leader: raider\n", "'war' is peace"),
    (TRIANGLE.replace("war: peace", "war: cold"), "'war': 'cold'"),
    (TRIANGLE + "colour: red\n", "unknown key 'colour'"),
    (TRIANGLE + "observed:\n  - [giant]\n  - [giant, raider]\n", "'giant' is in two blocs"),
    (TRIANGLE + "overrides:\n  middle: {raider: {intentions: evil}}\n", "'evil' is not one of"),
    (TRIANGLE + "overrides:\n  middle: {middle: {intentions: benign}}\n", "cannot face itself"),
    (TRIANGLE + "alignments: [giant, raider]\n", "list of lists"),
    ("- just\n- a list\n", "must be a mapping"),
    ("", "empty"),
    ("title: [unclosed\n", ""),
    ("a: !!python/object/apply:os.system ['true']\n", ""),
]


@pytest.mark.parametrize("text,expected", HOSTILE)
def test_a_bad_scenario_gets_one_line_naming_the_file_and_the_problem(kb, tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, kb)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    assert expected in message


def test_an_error_names_the_line_of_the_offending_id(kb, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(TRIANGLE.replace("giant: {raider: aggressive}", "giant: {giant: aggressive}"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, kb)
    line = next(n for n, text in enumerate(TRIANGLE.splitlines(), 1) if text.startswith("  giant: {raider"))
    assert info.value.line == line and f"bad.yaml:{line}:" in str(info.value)


@pytest.mark.slow
def test_the_command_line_exits_2_with_one_line_and_no_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(TRIANGLE.replace("[raider, middle]", "[raider, atlantis]"), encoding="utf-8")
    for args in ([str(path)], [str(tmp_path / "missing.yaml")], [str(path), "-o", str(tmp_path / "x.pdf")]):
        run = subprocess.run(
            [sys.executable, "main.py", "scenario", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 2, run.stderr
        assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


SHIPPED = sorted((ROOT / "knowledge" / "scenarios").glob("*.yaml"))


def test_three_scenarios_ship_with_cited_data():
    assert {p.stem for p in SHIPPED} >= {"europe_1936", "europe_1949"} and len(SHIPPED) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_shipped_scenario_runs_to_a_configuration_with_every_state_placed(engine, kb, path):
    scenario = load_scenario(path, kb)
    assert any("Correlates of War" in s for s in scenario.sources)
    result = engine.run(scenario)
    placed = [s for bloc in result.coalitions for s in bloc] + list(result.unaligned)
    assert sorted(placed) == sorted(scenario.ids)
    assert result.stable or result.cycle
    for sid, choice in result.states.items():
        assert choice.threats[0].power == choice.greatest_threat != sid
        assert choice.result.case.answers == choice.answers and len(choice.answers) == len(kb.factor_ids)
    assert result.misassigned is not None and set(result.misassigned) <= set(scenario.ids)
    again = engine.run(load_scenario(path, kb))
    assert scenario_result_to_dict(again) == scenario_result_to_dict(result)


def test_europe_1936_names_blocs_greatest_threats_and_the_misassigned(capsys):
    assert main.main(["scenario", str(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") > 40 and "Coalitions" in out and "Misassigned:" in out
    assert "Axelrod" in out and "15 of 17" in out
    for name in (
        "Britain",
        "Czechoslovakia",
        "Denmark",
        "Estonia",
        "Finland",
        "France",
        "Germany",
        "Greece",
        "Hungary",
        "Italy",
        "Latvia",
        "Lithuania",
        "Poland",
        "Portugal",
        "Romania",
        "Soviet Union",
        "Yugoslavia",
    ):
        assert f"\n{name} " in out


def test_scenario_from_cow_writes_a_scenario_the_loader_reads(kb, tmp_path, cow_dir):
    cow = cow_dir  # the data folder's cow/ (conftest.py: --data-dir, ALLIANCE_DATA)
    out = tmp_path / "mine.yaml"
    code = main.main(
        [
            "scenario-from-cow",
            "--year",
            "1936",
            "--states",
            "UKG,FRN,GMY,ITA,POL",
            "--nmc",
            str(cow / "nmc-7.0.csv"),
            "--contiguity",
            str(cow / "contiguity-3.2.csv"),
            "--title",
            "Five powers, 1936",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    scenario = load_scenario(out, kb)
    assert scenario.title == "Five powers, 1936" and len(scenario.states) == 5 and not scenario.perceptions
    assert frozenset(("germany", "poland")) in scenario.neighbours
    assert any("Singer" in s for s in scenario.sources) and any("Stinnett" in s for s in scenario.sources)
    bad = main.main(
        [
            "scenario-from-cow",
            "--year",
            "1936",
            "--states",
            "UKG,XXX",
            "--nmc",
            str(cow / "nmc-7.0.csv"),
            "--contiguity",
            str(cow / "contiguity-3.2.csv"),
        ]
    )
    assert bad == 2


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_a_scenario_report_in_each_format_holds_the_blocs_the_choices_and_the_sources(tmp_path, fmt):
    out = tmp_path / f"europe.{fmt}"
    code = main.main(["scenario", str(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"), "-o", str(out)])
    assert code == 0 and out.exists()
    if fmt == "pdf":
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    else:
        text = out.read_text(encoding="utf-8")
    flat = "".join(unicodedata.normalize("NFKC", text).split())  # PDF text comes with odd spacing
    for needle in (
        "Europe, 1936",
        "Each state",
        "Greatest threat",
        "Czechoslovakia",
        "Correlates of War",
        "Contested",
        "python main.py scenario europe_1936.yaml",
    ):
        assert "".join(needle.split()) in flat, needle
    if fmt == "html":
        from html.parser import HTMLParser

        HTMLParser().feed(text)
        assert "<svg" in text and "<script" not in text
    if fmt == "md":
        assert (tmp_path / "europe-coalitions.svg").exists()


def test_a_hostile_state_name_renders_inert(kb, tmp_path):
    text = TRIANGLE.replace("name: Raider", "name: '<script>alert(1)</script>'")
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "hostile.html"
    assert main.main(["scenario", str(path), "-o", str(out)]) == 0
    assert "<script>alert" not in out.read_text(encoding="utf-8")


VICTORY = """
title: A coalition that has beaten its enemy
states:
  - {id: east, name: East, capability: 0.15, offensive_capability: high}
  - {id: west, name: West, capability: 0.25, offensive_capability: high}
  - {id: isle, name: Isle, capability: 0.07, offensive_capability: moderate}
  - {id: reich, name: Reich, capability: 0.05, offensive_capability: high}
neighbours:
  - [east, reich]
  - [isle, reich]
perceptions:
  east: {reich: unalterably_aggressive, west: ambiguous, isle: ambiguous}
  west: {reich: unalterably_aggressive, east: ambiguous}
  isle: {reich: unalterably_aggressive, east: ambiguous}
war: peace
defeated: [reich]
alignments:
  - [east, west, isle]
"""


def test_a_victorious_coalition_comes_apart_once_its_enemy_is_beaten(engine, kb):
    result = run(engine, kb, VICTORY)
    for sid in ("east", "west", "isle"):
        choice = result.states[sid]
        assert choice.greatest_threat == "reich" and choice.verdict == "dissolve", sid
        assert choice.answers["war_status"] == "threat_defeated"
        assert choice.answers["current_alignment"] == "against_threat"
    assert result.coalitions == () and result.stable
    # at war, near victory, the same coalition holds
    at_war = run(engine, kb, VICTORY.replace("war: peace\ndefeated: [reich]", "war: late_war\nwar_leader: west"))
    assert at_war.coalitions == (("east", "west", "isle"),)
    # each stays against the threat (great powers sure of their allies pass the buck
    # within the coalition: C3's mode, not a change of side)
    for s in ("east", "west", "isle"):
        choice = at_war.states[s]
        direction = next(st for st in choice.result.stages if st.stage == "direction")
        assert choice.side == "against" and direction.conclusion == "against", s


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_quick_run_for_live_editing_gives_the_same_choices_and_blocs(engine, kb, path):
    scenario = load_scenario(path, kb)
    full, quick = engine.run(scenario), engine.run(scenario, explanations=False)
    assert quick.coalitions == full.coalitions and quick.misassigned == full.misassigned
    assert {s: c.verdict for s, c in quick.states.items()} == {s: c.verdict for s, c in full.states.items()}
    assert all(c.result is None for c in quick.states.values())


@pytest.mark.slow
def test_each_listed_single_change_really_moves_the_states_it_names(engine, kb):
    import dataclasses

    from alliance_advisor.rules.scenario import perception_moves

    scenario = load_scenario(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml", kb)
    base = engine.run(scenario, explanations=False)
    moves = perception_moves(engine, scenario, base)
    assert moves
    for move in moves[:4]:
        seen = {s: dict(v) for s, v in scenario.perceptions.items()}
        seen.setdefault(move.state, {})[move.power] = move.after
        after = engine.run(dataclasses.replace(scenario, perceptions=seen), explanations=False)
        assert after.coalitions == move.result.coalitions
        for state in move.moved:
            old = next((set(b) for b in base.coalitions if state in b), {state})
            new = next((set(b) for b in after.coalitions if state in b), {state})
            assert old != new, (move, state)


def test_each_threat_carries_the_points_of_its_sources_and_they_add_up_to_its_score(engine, kb):
    result = run(engine, kb, TRIANGLE)
    for choice in result.states.values():
        for threat in choice.threats:
            assert sum(points for _, points in threat.parts) == threat.score
    raider = result.states["middle"].threats[0]
    assert dict(raider.parts)["intentions"] == 2 and raider.power == "raider"  # aggressive: x2, +2
