"""Every output a user can cite stays exactly as recorded (tests/outputs.py): the JSON of
each library case in each world, of each shipped scenario and of three history runs. The
record was made before the house was sliced by kind (issue 27) and shows that the
restructuring changed no output; a change of knowledge on purpose records it again."""

import json

import pytest

from conftest import require_data
from outputs import HISTORY_RUNS, RECORD, WORLDS, case_digests, history_digests, scenario_digests

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def recorded():
    return json.loads(RECORD.read_text(encoding="utf-8"))


@pytest.mark.parametrize("world", WORLDS)
def test_every_library_case_gives_the_recorded_json(recorded, world):
    now = case_digests(world)
    expected = {key: digest for key, digest in recorded["cases"].items() if key.endswith(f"@{world}")}
    changed = sorted(key for key in expected if now.get(key) != expected[key])
    assert set(now) == set(expected), "the library's cases changed: record the outputs again (tests/outputs.py)"
    assert not changed, f"JSON changed for {changed}: if on purpose, run `.venv/bin/python -m tests.outputs`"


def test_every_shipped_scenario_gives_the_recorded_json(recorded):
    now = scenario_digests()
    assert now == recorded["scenarios"], "a scenario's JSON changed: if on purpose, record it again"


def test_the_history_runs_give_the_recorded_json(recorded, data_folder):
    folder = require_data(data_folder, "cow/nmc-7.0.csv", "history/atop-5.1-dyad-year.csv")
    now = history_digests(folder)
    assert set(now) == {f"{a}-{b}" for a, b in HISTORY_RUNS}
    assert now == recorded["history"], "a history run's JSON changed: if on purpose, record it again"
