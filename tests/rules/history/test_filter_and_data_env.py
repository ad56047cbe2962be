"""main.py history --region / --states (a filter over the run's JSON) and the data
folder from $ALLIANCE_DATA on the command line."""

import json
import os
import subprocess
import sys

import pytest

from alliance_advisor import main
from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.history import (
    DATA_ENV,
    StateFilter,
    filter_run,
    region_filter,
    run_history,
    states_filter,
    summarise,
)
from alliance_advisor.rules.history._build import _counts
from conftest import ROOT


@pytest.fixture(scope="session")
def run(history_dir, context):
    return run_history(history_dir, 1949, 1950, sensitivity_every=0)


def _pairs(rows):
    return {tuple(p) for p in rows}


def test_a_filter_of_every_state_changes_no_count(run, context):
    data, mapping, _engine = context
    everyone = {s["cow_code"] for y in run["years"].values() for s in y["states"].values()}
    whole = filter_run(run, StateFilter(label="the world", codes=frozenset(everyone)), data, mapping)
    for key, year in run["years"].items():
        again = whole["years"][key]
        assert again["theories"] == year["theories"], key
        assert again["treaties"] == year["treaties"] and again["state_count"] == year["state_count"]
    assert whole["summary"]["theories"] == run["summary"]["theories"]


def test_europe_reports_european_states_and_their_pairs_only(run, context):
    data, mapping, _engine = context
    year = dict(run["years"]["1949"], later_field={"kept": True})  # a field added one day
    europe = filter_run({**run, "years": {"1949": year}}, region_filter("Europe"), data, mapping)
    assert europe["filter"] == {"region": "europe", "label": "Europe"}
    got = europe["years"]["1949"]
    assert got["later_field"] == {"kept": True}
    codes = {s["cow_code"] for s in got["states"].values()}
    assert codes and all(200 <= c <= 399 for c in codes)
    assert got["state_count"] == len(codes) < year["state_count"]
    for key in ("predicted_blocs", "observed_blocs", "power_blocs", "landscape_blocs"):
        assert all(b and set(b) <= set(got["states"]) for b in got[key]), key
    assert any({"united_kingdom", "france"} <= set(b) for b in got["observed_blocs"])
    for key in ("observed_pairs", "onset_pairs", "allied_pairs"):
        assert all(a in codes and b in codes for a, b in got[key]), key
    # the counts are those of the pairs inside, not the world's
    threat = _pairs(got["predicted_pairs"]["threat"])
    assert got["theories"]["threat"]["pairs"] == _counts(threat, _pairs(got["observed_pairs"])).to_list()
    assert got["theories"]["threat"]["pairs"] != year["theories"]["threat"]["pairs"]
    assert europe["summary"]["theories"] == summarise([got])
    assert europe["summary"]["sensitivity"]["rows"] == []


def test_states_by_name_abbreviation_code_or_period_name(context):
    data, mapping, _engine = context
    chosen = states_filter("Soviet Union, ukg,220 ,poland", data, mapping)
    assert chosen.codes == {365, 200, 220, 290}
    with pytest.raises(AdvisorError, match=r"'UK' is not a state of the COW list; the nearest is United Kingdom \(UKG"):
        states_filter("France,UK", data, mapping)
    with pytest.raises(AdvisorError, match="unknown region 'mars'"):
        region_filter("mars")


def _main(*args, env=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=300, env=env
    )


def test_cli_region_from_the_environment_folder(history_dir, context, tmp_path):
    env = dict(os.environ, **{DATA_ENV: os.fspath(history_dir)})
    out = _main("history", "--from", "1949", "--to", "1949", "--region", "europe", "--sensitivity-every", "0", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("History of the state system, 1949-1949: Europe (mapping ")
    target = tmp_path / "run.json"
    out = _main("history", "--from", "1949", "--to", "1949", "--states", "USA,Soviet Union", "--sensitivity-every",
                "0", "-o", os.fspath(target), "--format", "json", env=env)  # fmt: skip
    assert out.returncode == 0, out.stderr
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["filter"]["states"] == [2, 365]
    assert set(saved["years"]["1949"]["states"]) == {"united_states_of_america", "russia"}
    assert saved["years"]["1949"]["states"]["russia"]["name"] == "Soviet Union"


def test_cli_unknown_state_is_one_line_with_the_nearest(history_dir):
    out = _main("history", "--data", os.fspath(history_dir), "--from", "1949", "--to", "1949", "--states", "UK")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "main.py history: --states: 'UK' is not a state of the COW list; the nearest is United Kingdom (UKG, 200)"
    ]


@pytest.mark.parametrize("command", [["history"], ["scenario-from-cow", "--year", "1949", "--states", "UKG,FRN"]])
def test_without_data_or_environment_the_error_names_both(monkeypatch, capsys, command):
    monkeypatch.delenv(DATA_ENV, raising=False)
    assert main.main(command) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--data DIR" in err and DATA_ENV in err


def test_scenario_from_cow_reads_the_environment_folder(history_dir, monkeypatch, capsys):
    monkeypatch.setenv(DATA_ENV, os.fspath(history_dir))
    assert main.main(["scenario-from-cow", "--year", "1949", "--states", "UKG,FRN"]) == 0
    assert "id: united_kingdom" in capsys.readouterr().out
