"""The observed blocs (communities of the weighted alliance network) and the states'
names by year, on the real data (the folder of --data-dir or $ALLIANCE_DATA)."""

import os
import shutil

import pytest

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.history import (
    load_history_mapping,
    observed_blocs,
    year_scenario,
)
from alliance_advisor.rules.history._build import allied_pairs, members
from alliance_advisor.rules.kb import load_knowledge
from conftest import ROOT

UKG, FRN, GMY, AUH, USA, RUS, POL = 200, 220, 255, 300, 2, 365, 290


def _blocs(context, year):
    """The observed blocs of ``year``: the camps of the pairs allied the next year."""
    data, mapping, _engine = context
    pairs = allied_pairs(data, year + 1, mapping.alliance_kinds, members(data, year))
    return observed_blocs(data, year + 1, pairs, mapping.blocs)


def _bloc_of(blocs, code):
    return next((set(b) for b in blocs if code in b), {code})


def test_1914_entente_and_central_powers_apart(context):
    blocs = _blocs(context, 1914)
    entente, central = _bloc_of(blocs, UKG), _bloc_of(blocs, GMY)
    assert {FRN, RUS} <= entente
    assert AUH in central
    assert not entente & central


def test_1939_britain_with_france_apart_from_germany(context):
    blocs = _blocs(context, 1939)
    assert FRN in _bloc_of(blocs, UKG)
    assert GMY not in _bloc_of(blocs, UKG)


@pytest.mark.parametrize("year", [1949, 1955, 1985])
def test_cold_war_camps_apart(context, year):
    blocs = _blocs(context, year)
    west, east = _bloc_of(blocs, USA), _bloc_of(blocs, RUS)
    assert UKG in west
    assert POL in east
    assert not west & east


def test_connected_pieces_would_merge_the_camps_in_1949(context):
    # The check can fail: the 1942 and 1944 pacts with the Soviet Union still chain the
    # two camps into one connected piece of the pairs allied in 1950.
    data, mapping, _engine = context
    pairs = allied_pairs(data, 1950, mapping.alliance_kinds, members(data, 1949))
    reach, todo = {USA}, [USA]
    while todo:
        x = todo.pop()
        for a, b in pairs:
            for y in (b,) if a == x else (a,) if b == x else ():
                if y not in reach:
                    reach.add(y)
                    todo.append(y)
    assert {RUS, POL, UKG} <= reach


def test_no_allied_state_is_left_alone_in_any_year(context):
    data, mapping, _engine = context
    for year in range(1816, 2010):
        pairs = allied_pairs(data, year + 1, mapping.alliance_kinds, members(data, year))
        blocs = observed_blocs(data, year + 1, pairs, mapping.blocs)
        placed = [c for b in blocs for c in b]
        assert len(placed) == len(set(placed)), year  # a state in one bloc only
        assert set(placed) == {c for p in pairs for c in p}, year
        assert all(len(b) > 1 for b in blocs), year


def test_blocs_are_the_same_every_run(context):
    assert _blocs(context, 1985) == _blocs(context, 1985)


# ------------------------------------------------------------------ names by year
def _name(context, year, code):
    data, mapping, _engine = context
    scenario = year_scenario(data, year, mapping)
    state = next(s for s in scenario["states"] if s["cow_code"] == code)
    return state["id"], state["name"]


def test_names_of_their_year(context):
    assert _name(context, 1949, RUS) == ("russia", "Soviet Union")
    assert _name(context, 1900, RUS) == ("russia", "Russia")  # the id stays COW's slug
    assert _name(context, 1860, GMY) == ("germany", "Prussia")
    assert _name(context, 1914, 640) == ("turkey", "Ottoman Empire")
    assert _name(context, 1949, USA)[1] == "United States"


def _knowledge_copy(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{cow: 345, name: Yugoslavia, from: 1929", "{cow: 345, name: Yugoslavia, from: 1910", "two names in"),
        ("{cow: 800, name: Siam, to: 1938", "{cow: 800, name: Siam, to: 19x8", "'to' must be a year"),
        ("{cow: 2, name: United States}", "{cow: 2, nmae: United States}", "unknown key 'nmae'"),
    ],
)
def test_a_bad_names_entry_is_one_line_naming_the_file(tmp_path, old, new, message):
    folder = _knowledge_copy(tmp_path)
    path = folder / "state_names.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_history_mapping(load_knowledge(folder))
    assert err.value.path == os.fspath(path)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert err.value.line is not None


def test_validate_checks_the_names_table(tmp_path):
    import subprocess
    import sys

    folder = _knowledge_copy(tmp_path)
    path = folder / "state_names.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("cow: 780,", "cow: 7800,"), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "validate", os.fspath(folder)], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert out.stderr.startswith(f"{path}:") and "COW state code" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_bad_bloc_reading_is_refused(tmp_path):
    folder = _knowledge_copy(tmp_path)
    path = folder / "derivation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("half_life: 10", "half_life: -3"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="observed_blocs.half_life"):
        load_history_mapping(load_knowledge(folder))
