"""The edits of a document as pure functions (app/edits.py), without a window: each
gives new data and leaves its input as it was, removing or renaming a state reaches
every place a scenario names it, the result still loads, and a bad id or level is the
project's own error in one line."""

import copy
import dataclasses
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_advisor.app import edits
from alliance_advisor.rules import load_knowledge
from alliance_advisor.rules.case import Case
from alliance_advisor.rules.errors import CaseError
from alliance_advisor.rules.scenario import ScenarioError, scenario_from_data
from alliance_advisor.rules.yamlio import as_node
from conftest import ROOT

EUROPE_1936 = yaml.safe_load((ROOT / "knowledge" / "scenarios" / "europe_1936.yaml").read_text(encoding="utf-8"))
KB = load_knowledge()
INTENTIONS = KB.factor("intentions").level_ids
OFFENSIVE = KB.factor("offensive_capability").level_ids

# Every key that names a state, each used once: a war with a leader, overrides both
# ways, a region, an alliance, observed blocs and a published anchor's misplaced state.
AT_WAR = {
    "title": "Every key",
    "year": 1900,
    "states": [
        {"id": "giant", "name": "Giant", "capability": 0.3, "offensive_capability": "moderate"},
        {"id": "raider", "name": "Raider", "capability": 0.1, "offensive_capability": "high"},
        {"id": "middle", "name": "Middle", "capability": 0.02, "offensive_capability": "low"},
        {"id": "small", "name": "Small", "capability": 0.01, "offensive_capability": "low"},
    ],
    "neighbours": [["raider", "middle"], ["giant", "middle"], ["small", "raider"]],
    "regions": {"east": ["raider", "middle", "small"], "west": ["giant"]},
    "perceptions": {"middle": {"raider": "aggressive", "giant": "benign"}, "raider": {"middle": "aggressive"}},
    "war": "early_war",
    "war_leader": "raider",
    "alignments": [["giant", "middle"], ["raider", "small"]],
    "observed": [["giant", "middle"], ["raider"]],
    "overrides": {"middle": {"raider": {"ally_availability": "none"}}, "small": {"middle": {"proximity": "distant"}}},
    "anchor": {"source": "a study", "correct": 3, "of": 4, "wrong": ["raider"]},
}
AT_PEACE = {
    "states": AT_WAR["states"],
    "defeated": ["raider", "small"],
}


def load(data):
    """The data as the loader reads them (ScenarioError when they do not load)."""
    return scenario_from_data(as_node(data), KB)


def strings(value):
    """Every text anywhere in plain data, keys included."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from strings(key)
            yield from strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner)
    elif isinstance(value, str):
        yield value


def one_line_error(error_type, call, *args, **kwargs):
    with pytest.raises(error_type) as caught:
        call(*args, **kwargs)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_the_edits_need_no_qt():
    code = "import sys, alliance_advisor.app.edits; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_examples_load():
    assert load(AT_WAR).war_leader == "raider" and load(AT_PEACE).defeated == ("raider", "small")
    assert load(EUROPE_1936).title == "Europe, 1936"


# ------------------------------------------------------------------ add_state
def test_add_state_appends_one_that_loads_and_leaves_the_input():
    before = copy.deepcopy(EUROPE_1936)
    sid = edits.new_state_id(EUROPE_1936)
    assert sid == "state_18"
    after = edits.add_state(EUROPE_1936, sid, kb=KB, name="State 18")
    assert EUROPE_1936 == before  # the input is untouched
    assert after["states"][-1] == {"id": sid, "name": "State 18", "capability": 0.01, "offensive_capability": "low"}
    assert after["states"][:-1] == before["states"] and {k: v for k, v in after.items() if k != "states"} == {
        k: v for k, v in before.items() if k != "states"
    }
    assert load(after).ids[-1] == sid and len(load(after).states) == 18
    assert after["states"][0] is not EUROPE_1936["states"][0]  # nothing shared with the input


def test_a_new_id_skips_the_ids_taken():
    data = {"states": [{"id": "state_3"}, {"id": "a"}]}
    assert edits.new_state_id(data) == "state_4"
    assert edits.new_state_id({"states": [{"id": "state_2"}]}) == "state_3"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"state_id": "poland"}, "state 'poland' is declared already"),
        ({"state_id": "New State"}, "an id is lowercase letters"),
        ({"state_id": ""}, "an id is lowercase letters"),
        ({"state_id": "x" * 61}, "an id is lowercase letters"),
        ({"state_id": "x", "values": {"capability": 0}}, "capability 0 is outside 0-1"),
        ({"state_id": "x", "values": {"capability": 1.5}}, "capability 1.5 is outside 0-1"),
        (
            {"state_id": "x", "values": {"offensive_capability": "huge"}},
            "offensive_capability 'huge' is not one of low",
        ),
        ({"state_id": "x", "name": "n" * 201}, "'name' must be text of at most 200 characters"),
    ],
)
def test_add_state_refuses_a_bad_id_or_level(kwargs, message):
    before = copy.deepcopy(EUROPE_1936)
    text = one_line_error(ScenarioError, edits.add_state, EUROPE_1936, kb=KB, **kwargs)
    assert message in text and EUROPE_1936 == before


# ------------------------------------------------------------------ remove_state
def test_removing_a_state_removes_every_mention_of_it():
    before = copy.deepcopy(AT_WAR)
    after = edits.remove_state(AT_WAR, "raider")
    assert AT_WAR == before
    assert "raider" not in set(strings(after))
    assert [s["id"] for s in after["states"]] == ["giant", "middle", "small"]
    assert after["neighbours"] == [["giant", "middle"]]  # a pair without the state goes
    assert after["regions"] == {"east": ["middle", "small"], "west": ["giant"]}
    assert after["perceptions"] == {"middle": {"giant": "benign"}}  # both ways
    assert "war_leader" not in after and after["war"] == "early_war"
    assert after["alignments"] == [["giant", "middle"]]  # an alliance of one is none
    assert after["observed"] == [["giant", "middle"]]  # an empty bloc is none
    assert after["overrides"] == {"middle": {}, "small": {"middle": {"proximity": "distant"}}}
    assert after["anchor"]["wrong"] == [] and after["anchor"]["source"] == "a study"
    scenario = load(after)
    assert scenario.ids == ("giant", "middle", "small") and scenario.war_leader is None


def test_removing_a_state_keeps_a_bloc_of_one_and_a_region_emptied():
    after = edits.remove_state(AT_WAR, "giant")
    assert after["observed"] == [["middle"], ["raider"]] and after["regions"]["west"] == []
    assert after["war_leader"] == "raider"  # led by another: stays
    load(after)


def test_removing_a_defeated_state_at_peace():
    after = edits.remove_state(AT_PEACE, "small")
    assert after["defeated"] == ["raider"] and load(after).defeated == ("raider",)
    assert set(after) == set(AT_PEACE)  # no key the file did not have


def test_remove_state_refuses_an_unknown_id():
    text = one_line_error(ScenarioError, edits.remove_state, AT_WAR, "nowhere")
    assert "'nowhere' is not a state of this scenario (declared: giant, middle, raider, small)" in text


def test_removing_from_the_window_s_data_as_typed_keeps_what_it_does_not_understand():
    # The window keeps what was typed even when it does not load; an edit passes it on.
    data = dict(copy.deepcopy(AT_WAR), alignments=[["giant", "nowhere"], "junk"], regions="junk")
    after = edits.remove_state(data, "middle")
    assert after["alignments"] == [["giant", "nowhere"], "junk"] and after["regions"] == "junk"


# ------------------------------------------------------------------ rename_state
def test_renaming_an_id_renames_every_mention_in_place():
    before = copy.deepcopy(AT_WAR)
    after = edits.rename_state(AT_WAR, "raider", "pirate")
    assert AT_WAR == before
    assert "raider" not in set(strings(after))
    # The same text with the one id changed: every place, every order kept.
    expected = yaml.safe_load(yaml.safe_dump(before).replace("raider", "pirate"))
    assert after == expected
    assert list(after["perceptions"]) == ["middle", "pirate"] and after["war_leader"] == "pirate"
    assert [s["id"] for s in after["states"]] == ["giant", "pirate", "middle", "small"]
    assert after["states"][1]["name"] == "Raider"  # the display name is its own edit
    scenario, old = load(after), load(AT_WAR)
    assert scenario.perceptions["middle"]["pirate"] == old.perceptions["middle"]["raider"]
    assert scenario.overrides["middle"]["pirate"] == old.overrides["middle"]["raider"]


def test_renaming_the_display_name_and_the_id_together():
    after = edits.rename_state(AT_PEACE, "small", "tiny", name="Tiny")
    assert after["states"][3] == {"id": "tiny", "name": "Tiny", "capability": 0.01, "offensive_capability": "low"}
    assert after["defeated"] == ["raider", "tiny"]
    named = edits.rename_state(AT_PEACE, "small", name="Very small")
    assert named["states"][3]["name"] == "Very small" and named["defeated"] == AT_PEACE["defeated"]
    assert load(named).state("small").name == "Very small"
    assert edits.rename_state(AT_PEACE, "small", "small") == AT_PEACE  # the same id: nothing changes


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("nowhere", "x"), {}, "'nowhere' is not a state of this scenario"),
        (("raider", "giant"), {}, "state 'giant' is declared already"),
        (("raider", "Raider"), {}, "an id is lowercase letters"),
        (("raider",), {"name": "n" * 201}, "'name' must be text of at most 200 characters"),
    ],
)
def test_rename_state_refuses_a_bad_id_or_name(args, kwargs, message):
    before = copy.deepcopy(AT_WAR)
    assert message in one_line_error(ScenarioError, edits.rename_state, AT_WAR, *args, **kwargs)
    assert AT_WAR == before


# ------------------------------------------------------------------ set_perception
def test_set_perception_lists_a_level_and_the_default_unlists_it():
    before = copy.deepcopy(EUROPE_1936)
    assert edits.default_intentions(KB) == "ambiguous"
    seen = edits.set_perception(EUROPE_1936, "poland", "germany", "aggressive", kb=KB)
    assert EUROPE_1936 == before
    assert seen["perceptions"]["poland"]["germany"] == "aggressive"
    assert load(seen).perceptions["poland"]["germany"] == "aggressive"
    # Listed as ambiguous in the file; the default level means "not listed".
    assert before["perceptions"]["poland"]["germany"] == "ambiguous"
    reset = edits.set_perception(seen, "poland", "germany", "ambiguous", kb=KB)
    assert "germany" not in reset["perceptions"]["poland"]
    assert edits.perception(reset, "poland", "germany", kb=KB) == "ambiguous"
    assert load(reset).perceptions == load(EUROPE_1936).perceptions | {
        "poland": {k: v for k, v in load(EUROPE_1936).perceptions["poland"].items() if k != "germany"}
    }


def test_a_first_perception_makes_the_key_and_the_default_adds_none():
    data = {"states": AT_WAR["states"]}
    assert edits.set_perception(data, "giant", "small", "ambiguous", kb=KB) == data  # nothing to list
    seen = edits.set_perception(data, "giant", "small", "benign", kb=KB)
    assert seen["perceptions"] == {"giant": {"small": "benign"}} and "perceptions" not in data


@pytest.mark.parametrize(
    "state, power, level, message",
    [
        ("nowhere", "giant", "benign", "'nowhere' is not a state of this scenario"),
        ("giant", "nowhere", "benign", "'nowhere' is not a state of this scenario"),
        ("giant", "giant", "benign", "'giant' perceives itself"),
        ("giant", "small", "hostile", "perceptions.giant.small: 'hostile' is not one of benign"),
    ],
)
def test_set_perception_refuses_a_bad_id_or_level(state, power, level, message):
    assert message in one_line_error(ScenarioError, edits.set_perception, AT_WAR, state, power, level, kb=KB)


# ------------------------------------------------------------------ the window's other edits
def test_neighbours_war_a_state_s_value_and_the_alliances():
    before = copy.deepcopy(AT_WAR)
    near = edits.set_neighbours(AT_WAR, "giant", "small", True)
    assert near["neighbours"][-1] == ["giant", "small"] and load(near)
    assert edits.set_neighbours(near, "small", "giant", False)["neighbours"] == AT_WAR["neighbours"]
    assert "cannot border itself" in one_line_error(ScenarioError, edits.set_neighbours, AT_WAR, "giant", "giant", True)
    peace = edits.set_war(AT_WAR, "peace")
    assert peace["war"] == "peace" and "war_leader" not in peace and load(peace).war == "peace"
    assert edits.set_war(AT_WAR, "late_war")["war_leader"] == "raider"
    assert "'war': 'truce' is not one of peace" in one_line_error(ScenarioError, edits.set_war, AT_WAR, "truce")
    typed = edits.set_state_value(AT_WAR, "giant", "capability", 1.7)  # kept as typed; the loader names it
    assert typed["states"][0]["capability"] == 1.7
    with pytest.raises(ScenarioError, match="capability 1.7 is outside 0-1"):
        load(typed)
    assert "'id' is not a value of a state" in one_line_error(
        ScenarioError, edits.set_state_value, AT_WAR, "giant", "id", "x"
    )
    allied = edits.set_alliances(AT_PEACE, [["giant", "middle"]], {}, {})
    assert allied["alignments"] == [["giant", "middle"]] and "regions" not in allied and "overrides" not in allied
    cleared = edits.set_alliances(AT_WAR, [], {}, {})
    assert cleared["regions"] == {} and cleared["overrides"] == {} and load(cleared)
    assert AT_WAR == before


# ------------------------------------------------------------------ cases
def test_set_answer_gives_a_new_case():
    case = Case(title="t", answers={"intentions": "benign"}, sources=["s"])
    after = edits.set_answer(case, "intentions", "aggressive", kb=KB)
    assert after.answers == {"intentions": "aggressive"} and case.answers == {"intentions": "benign"}
    assert after.sources == case.sources and after.sources is not case.sources
    assert edits.set_answer(after, "intentions", "unknown", kb=KB).answers == {}
    assert "unknown factor 'mood'" in one_line_error(CaseError, edits.set_answer, case, "mood", "high", kb=KB)
    text = one_line_error(CaseError, edits.set_answer, case, "intentions", "hostile", kb=KB)
    assert "factor 'intentions': unknown level 'hostile'" in text and case.answers == {"intentions": "benign"}


# ------------------------------------------------------------------ properties
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
IDS = ("a", "b", "c", "d", "e", "f")


@st.composite
def scenarios(draw):
    """A scenario that loads: 2-6 states, and any of the keys that name them."""
    ids = draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=6, unique=True))
    states = [
        {
            "id": sid,
            "name": sid.upper(),
            "capability": draw(st.floats(0.001, 1)),
            "offensive_capability": draw(st.sampled_from(OFFENSIVE)),
        }
        for sid in ids
    ]
    data = {"title": "Drawn", "states": states}
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    ordered = [(a, b) for a in ids for b in ids if a != b]
    if draw(st.booleans()):
        data["neighbours"] = [list(p) for p in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=6))]
    if draw(st.booleans()):
        data["perceptions"] = {}
        for a, b in draw(st.lists(st.sampled_from(ordered), unique=True, max_size=8)):
            data["perceptions"].setdefault(a, {})[b] = draw(st.sampled_from(INTENTIONS))
    if draw(st.booleans()):
        data["regions"] = {"r": draw(st.lists(st.sampled_from(ids), unique=True))}
    war = draw(st.sampled_from(("peace", "early_war")))
    data["war"] = war
    if war != "peace" and draw(st.booleans()):
        data["war_leader"] = draw(st.sampled_from(ids))
    if war == "peace" and draw(st.booleans()):
        data["defeated"] = draw(st.lists(st.sampled_from(ids), unique=True, max_size=2))
    if draw(st.booleans()):
        data["alignments"] = [list(p) for p in draw(st.lists(st.sampled_from(pairs), max_size=2))]
    if draw(st.booleans()):
        shuffled = draw(st.permutations(ids))
        cut = draw(st.integers(1, len(ids)))
        data["observed"] = [list(shuffled[:cut])] + ([list(shuffled[cut:])] if cut < len(ids) else [])
    if draw(st.booleans()):
        a, b = draw(st.sampled_from(ordered))
        data["overrides"] = {a: {b: {"ally_availability": "none"}}}
    load(data)  # the strategy draws only scenarios that load
    return data


@SETTINGS
@given(scenarios())
def test_adding_a_state_then_removing_it_gives_back_the_original(data):
    before = copy.deepcopy(data)
    sid = edits.new_state_id(data)
    added = edits.add_state(data, sid, kb=KB)
    load(added)
    assert edits.remove_state(added, sid) == before and data == before


@SETTINGS
@given(scenarios(), st.data())
def test_a_removal_leaves_no_mention_and_still_loads(data, draw):
    before = copy.deepcopy(data)
    gone = draw.draw(st.sampled_from(edits.state_ids(data)))
    after = edits.remove_state(data, gone)
    assert data == before and gone not in set(strings(after))
    if len(after["states"]) >= 2:  # a scenario is two states or more
        assert gone not in load(after).ids


@SETTINGS
@given(scenarios(), st.data())
def test_renaming_there_and_back_gives_back_the_original(data, draw):
    sid = draw.draw(st.sampled_from(edits.state_ids(data)))
    there = edits.rename_state(data, sid, "renamed")
    assert sid not in set(strings(there)) and load(there)
    assert edits.rename_state(there, "renamed", sid) == data


@SETTINGS
@given(scenarios(), st.data())
def test_setting_a_perception_and_setting_it_back_gives_the_same_scenario(data, draw):
    ids = edits.state_ids(data)
    state = draw.draw(st.sampled_from(ids))
    power = draw.draw(st.sampled_from([i for i in ids if i != state]))
    level = draw.draw(st.sampled_from(INTENTIONS))
    was = edits.perception(data, state, power, kb=KB)
    changed = edits.set_perception(data, state, power, level, kb=KB)
    assert edits.perception(changed, state, power, kb=KB) == level
    assert load(changed).perceptions.get(state, {}).get(power, "ambiguous") == level
    assert as_seen(edits.set_perception(changed, state, power, was, kb=KB)) == as_seen(data)


def as_seen(data):
    """The scenario loaded, a pair listed at the default level as one not listed: the
    same to the engine."""
    scenario = load(data)
    default = edits.default_intentions(KB)
    seen = {a: {b: lv for b, lv in powers.items() if lv != default} for a, powers in scenario.perceptions.items()}
    return dataclasses.replace(scenario, perceptions={a: powers for a, powers in seen.items() if powers})
