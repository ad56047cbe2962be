"""The rival theories beside balance of threat (rules/scenario/_baselines.py): landscape theory
(Axelrod and Bennett 1993) and balance of power."""

import json
import shutil
from types import SimpleNamespace

import numpy as np
import pytest

from alliance_advisor.presentation.scenario import render_scenario_text
from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.kb import load_knowledge
from alliance_advisor.rules.scenario import (
    LandscapeMapping,
    ScenarioEngine,
    balance_of_power,
    energy,
    landscape,
    landscape_split,
    load_derivation,
    load_scenario,
    scenario_result_to_dict,
)
from conftest import ROOT

SCENARIOS = sorted((ROOT / "knowledge" / "scenarios").glob("*.yaml"))
MAPPING = LandscapeMapping(
    intentions={"benign": 1, "ambiguous": 0, "aggressive": -1, "unalterably_aggressive": -2},
    alliance=1,
    exact_up_to=20,
    restarts=64,
    seed=7,
    source="Axelrod and Bennett 1993",
)


def tiny(**extra):
    """Four states of equal size: a and b see each other as benign, c and d are allied,
    and every pair across the two sees the other as aggressive. By hand: {a, b} against
    {c, d}, frustration 4 pairs x 0.25^2 x (-1) = -0.25, and no other split is lower."""
    states = [SimpleNamespace(id=s, capability=0.25) for s in "abcd"]
    perceptions = {
        "a": {"b": "benign", "c": "aggressive", "d": "aggressive"},
        "b": {"a": "benign", "c": "aggressive", "d": "aggressive"},
        "c": {"a": "aggressive", "b": "aggressive"},
        "d": {"a": "aggressive", "b": "aggressive"},
    }
    data = {"states": states, "perceptions": perceptions, "alignments": (("c", "d"),), "observed": None}
    data.update(extra)
    return SimpleNamespace(**data)


@pytest.fixture(scope="module")
def engine(advisor):
    return ScenarioEngine(advisor)


def test_landscape_tiny_system_minimum_by_hand():
    r = landscape(tiny(), MAPPING, "ambiguous")
    assert r.method == "exact"
    assert r.coalitions == (("a", "b"), ("c", "d"))
    assert r.energy == pytest.approx(-0.25)
    # every split by hand: the one above is the only one at -0.25
    sizes, p = np.full(4, 0.25), np.array([[0, 1, -1, -1], [1, 0, -1, -1], [-1, -1, 0, 1], [-1, -1, 1, 0]], float)
    energies = sorted(energy(sizes, p, [0, (m >> 0) & 1, (m >> 1) & 1, (m >> 2) & 1]) for m in range(8))
    assert energies[0] == pytest.approx(-0.25) and energies[1] > -0.25 + 1e-9


def test_landscape_scored_against_observed():
    r = landscape(tiny(observed=(("a", "b", "c"), ("d",))), MAPPING, "ambiguous")
    assert r.misassigned == ("c",) and r.agreed == 3


def test_balance_of_power_rule():
    sc = tiny(observed=(("a", "b"), ("c", "d")))
    sc.states[2].capability = 0.4  # c the strongest: alone, everyone else against it
    r = balance_of_power(sc)
    assert r.coalitions == (("a", "b", "d"), ("c",))
    assert r.misassigned == ("d",) and r.agreed == 3


def random_system(n, seed):
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.ones(n))
    p = rng.uniform(-2, 2, size=(n, n))
    p = (p + p.T) / 2
    np.fill_diagonal(p, 0)
    return sizes, p


def test_exact_and_local_search_agree_on_twelve_states():
    for seed in range(3):
        sizes, p = random_system(12, seed)
        exact_side, exact_e, method = landscape_split(sizes, p, 20, 64, 1)
        local_side, local_e, local_method = landscape_split(sizes, p, 0, 64, 1)
        assert method == "exact" and local_method == "local search, seed 1, 64 restarts"
        assert local_e == pytest.approx(exact_e)
        assert list(local_side) == list(exact_side)
        assert energy(sizes, p, exact_side) == pytest.approx(exact_e)


def test_local_search_is_deterministic():
    sizes, p = random_system(30, 5)
    first = landscape_split(sizes, p, 20, 16, 42)
    again = landscape_split(sizes, p, 20, 16, 42)
    assert list(first[0]) == list(again[0]) and first[1:] == again[1:]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_json_carries_the_baselines(engine, kb, path):
    sc = load_scenario(path, kb)
    data = json.loads(json.dumps(scenario_result_to_dict(engine.run(sc, explanations=False), explanations=False)))
    b = data["baselines"]
    assert set(b) == {"landscape", "power"}
    assert set(b["landscape"]) >= {"coalitions", "misassigned", "method", "energy"}
    assert set(b["power"]) >= {"coalitions", "misassigned"}
    for theory in b.values():
        placed = [s for bloc in theory["coalitions"] for s in bloc]
        assert sorted(placed) == sorted(sc.ids)
        assert isinstance(theory["misassigned"], list)
    n = len(sc.states)
    assert b["landscape"]["method"] == ("exact" if n <= 20 else "local search, seed 1993, 64 restarts")
    again = scenario_result_to_dict(engine.run(sc, explanations=False), explanations=False)["baselines"]
    assert again == data["baselines"]


def test_europe_1936_landscape_as_measured(engine, kb):
    r = engine.run(load_scenario(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml", kb), explanations=False)
    assert r.baselines.landscape.agreed == 15
    assert r.baselines.landscape.misassigned == ("lithuania", "poland")
    assert r.baselines.power.coalitions[-1] == ("soviet_union",)


def test_text_output_names_both_theories(engine, kb):
    r = engine.run(load_scenario(SCENARIOS[0], kb), explanations=False)
    text = render_scenario_text(kb, r)
    assert "Rival theories" in text
    assert "Landscape theory (Axelrod and Bennett 1993)" in text and "Balance of power" in text


def test_bad_landscape_mapping_is_one_line_naming_file_and_key(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    path = folder / "derivation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    benign: 1\n", "    benign: lots\n"), "utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_derivation(load_knowledge(folder))
    message = str(err.value)
    assert "\n" not in message and "derivation.yaml" in message and "landscape.intentions.benign" in message
