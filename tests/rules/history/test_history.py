"""main.py history: every year of the state system from the data of the field.

The data are not shipped: tests that need them read the folder named by --data-dir or
$ALLIANCE_DATA (tests/conftest.py), skip without it locally and fail under CI.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.history import (
    DATASETS,
    Dispute,
    Rivalry,
    RunStats,
    history_scenario,
    history_year,
    read_history_data,
    run_history,
    year_scenario,
)
from conftest import ROOT


def _bloc_of(result, sid):
    return next((set(b) for b in result["predicted_blocs"] if sid in b), {sid})


# ------------------------------------------------------------------ known years
@pytest.mark.slow
def test_1914_entente_and_central_powers(history_dir, context):
    year, _ = history_year(os.fspath(history_dir), 1914)
    entente = _bloc_of(year, "united_kingdom")
    central = _bloc_of(year, "germany")
    assert {"france", "russia"} <= entente
    assert "austria_hungary" in central
    assert not entente & {"germany", "austria_hungary"}


@pytest.mark.slow
def test_1949_nato_and_soviet_bloc(history_dir, context):
    year, _ = history_year(os.fspath(history_dir), 1949)
    west = _bloc_of(year, "united_states_of_america")
    founders = {"canada", "united_kingdom", "france", "netherlands", "norway", "denmark"}
    assert founders <= west, founders - west
    east = _bloc_of(year, "russia")
    assert "poland" in east
    assert "united_states_of_america" not in east


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="a miss kept in view (issue 29): with a dispute's hostility read only from its last year "
    "(the MID file codes the whole dispute's peak in every year), Belgium and Luxembourg no longer "
    "rank the Soviet Union first: the 1949 run does not settle (a cycle), and in its last round both "
    "weigh as their greatest threat a bloc of the round before that holds China with the United "
    "States (7 points against the Soviet Union's 6), so they balance against it. Denmark, which the "
    "leak had kept out, is with the United States again. Strict: the day it passes, fold it back "
    "into the test above.",
)
def test_1949_belgium_and_luxembourg_with_the_united_states(history_dir, context):
    year, _ = history_year(os.fspath(history_dir), 1949)
    assert {"belgium", "luxembourg"} <= _bloc_of(year, "united_states_of_america")


# ------------------------------------------------------------------ leakage
@pytest.mark.slow
@pytest.mark.parametrize("year", [1914, 1949])
def test_no_year_reads_later_data(context, year):
    data, mapping, _engine = context
    built = year_scenario(data, year, mapping)
    # The data as they stood at the year give the same scenario ...
    assert year_scenario(data.until(year), year, mapping) == built
    # ... and a future full of new enemies and alliances changes nothing.
    a, b = sorted(s["cow_code"] for s in built["states"])[:2]
    later = year + 1
    poisoned = replace(
        data,
        atop={**data.atop, later: {**data.atop.get(later, {}), (a, b): (1, 1, 1, 1, 1)}},
        rivalries=(*data.rivalries, Rivalry(a=a, b=b, start=later, end=later + 5, name="future")),
        mids={
            **data.mids,
            later: (
                *data.mids.get(later, ()),
                Dispute(dispnum=9999, a=a, b=b, year=later, b_initiator=True, b_hostility=5),
            ),
        },
    )
    assert year_scenario(poisoned, year, mapping) == built
    # The check can fail: the same poison in the year itself does change it.
    present = replace(data, rivalries=(*data.rivalries, Rivalry(a=a, b=b, start=year, end=year + 5, name="now")))
    assert year_scenario(present, year, mapping) != built


@pytest.mark.slow
def test_scenario_of_a_year_is_a_valid_scenario(history_dir, context, kb):
    from alliance_advisor.rules.scenario import scenario_from_data
    from alliance_advisor.rules.yamlio import as_node

    data = history_scenario(os.fspath(history_dir), 1914)
    sc = scenario_from_data(as_node(data), kb)
    assert len(sc.states) == len(data["states"]) > 20
    assert sc.war == "early_war"


# ------------------------------------------------------------------ identical JSON
@pytest.mark.slow
def test_identical_json_for_same_data_and_seed(history_dir, context):
    one = run_history(history_dir, 1913, 1914, seed=7, sensitivity_every=2)
    two = run_history(history_dir, 1913, 1914, seed=7, sensitivity_every=2)
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    for name in ("threat", "power", "landscape", "inertia", "random"):
        entry = one["summary"]["theories"][name]
        for key in ("pairs_precision", "pairs_recall", "pairs_f1", "onsets_precision", "onsets_recall", "onsets_f1"):
            assert 0.0 <= entry[key] <= 1.0
        assert entry["state_years"] > 0
    assert one["summary"]["sensitivity"]["rows"][0]["variant"] == "as declared"
    assert len(one["summary"]["sensitivity"]["rows"]) == 1 + 2 * len(context[1].variants)
    other = run_history(history_dir, 1913, 1914, seed=8, sensitivity_every=0)
    assert other["years"]["1914"]["predicted_pairs"]["random"] != one["years"]["1914"]["predicted_pairs"]["random"]


# ------------------------------------------------------------------ resume after a kill
@pytest.mark.slow
def test_resume_after_kill(history_dir, context, tmp_path):
    db = tmp_path / "history.sqlite"
    cmd = [sys.executable, str(ROOT / "main.py"), "history", "--data", os.fspath(history_dir), "--from", "1816",
           "--to", "1860", "--db", os.fspath(db), "--sensitivity-every", "0", "--format", "json",
           "-o", os.fspath(tmp_path / "out.json")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    finished = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(db) as con:
                        finished = con.execute("SELECT COUNT(*) FROM years").fetchone()[0]
                except sqlite3.OperationalError:
                    continue
                if finished >= 3:
                    break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert 3 <= finished < 45, "the run was not killed halfway"
    with sqlite3.connect(db) as con:
        before = {y for (y,) in con.execute("SELECT year FROM years")}
        hashes = {h for (h,) in con.execute("SELECT DISTINCT mapping_hash FROM state_years")}
    assert hashes == {context[1].hash}
    stats = RunStats()
    resumed = run_history(history_dir, 1816, 1860, db=db, sensitivity_every=0, stats=stats)
    computed = [y for _v, y in stats.computed]
    assert stats.resumed == len(before)
    assert not set(computed) & before  # nothing finished is computed twice
    assert set(computed) | before == set(range(1816, 1861))
    fresh = run_history(history_dir, 1816, 1860, sensitivity_every=0)
    assert json.dumps(resumed, sort_keys=True) == json.dumps(fresh, sort_keys=True)


# ------------------------------------------------------------------ hostile files
@pytest.fixture
def small_data(history_dir, tmp_path):
    """The data's first lines only: quick to read, and ours to damage."""
    for d in DATASETS:
        target = tmp_path / d.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(history_dir / d.path, encoding="utf-8") as handle:
            target.write_text("".join(line for _i, line in zip(range(60), handle)), encoding="utf-8")
    return tmp_path


def test_small_data_reads(small_data):
    assert read_history_data(small_data).names


def test_truncated_csv_refused_with_file_and_line(small_data):
    path = small_data / "history/gml-mid-2.2.1-directed-dispute-year.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 25], encoding="utf-8")  # cut inside the last row
    with pytest.raises(AdvisorError) as err:
        read_history_data(small_data)
    assert err.value.path == os.fspath(path)
    assert err.value.line == 60
    assert "cut short" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("name", "line", "damage"),
    [
        ("history/atop-5.1-dyad-year.csv", 5, lambda cells: [cells[0], cells[1], "19x4", *cells[3:]]),
        ("cow/nmc-7.0.csv", 5, lambda cells: [*cells[:-1], "1e999"]),
        ("history/td-rivalries-2012.csv", 5, lambda cells: [*cells[:4], "99999", *cells[5:]]),
    ],
)
def test_hostile_cell_refused_with_file_and_line(small_data, name, line, damage):
    path = small_data / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = ",".join(damage(lines[line - 1].split(",")))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AdvisorError) as err:
        read_history_data(small_data)
    assert (err.value.path, err.value.line) == (os.fspath(path), line)


def test_binary_file_refused(small_data):
    path = small_data / "cow/states-2016.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00\n")
    with pytest.raises(AdvisorError) as err:
        read_history_data(small_data)
    assert err.value.path == os.fspath(path)


def test_cli_without_data_names_sources_and_layout(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "history", "--data", os.fspath(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    for d in DATASETS:
        assert d.path in out.stderr
    assert "correlatesofwar.org" in out.stderr and "atopdata.org" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_hostile_csv_one_line(small_data):
    # the CLI shows the reader's one line, exit 2
    path = small_data / "history/cow-interstate-war-4.0-dyad-year.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "x" + lines[3][lines[3].index(",") :]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "history",
            "--data",
            os.fspath(small_data),
            "--from",
            "1816",
            "--to",
            "1816",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [f"{path}:4: warnum 'x' is not a whole number"]


# ------------------------------------------------------------------ Dask
@pytest.mark.slow
def test_years_on_a_dask_cluster(history_dir, context):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = run_history(history_dir, 1816, 1817, sensitivity_every=0, scheduler=cluster.scheduler_address)
    local = run_history(history_dir, 1816, 1817, sensitivity_every=0)
    assert json.dumps(on_dask, sort_keys=True) == json.dumps(local, sort_keys=True)


# ------------------------------------------------------------------ reports
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_history_report_through_the_export_entry(history_dir, context, tmp_path, fmt):
    from alliance_advisor.app.export import write

    run = run_history(history_dir, 1946, 1947, sensitivity_every=0)
    path = tmp_path / f"history.{fmt}"
    write(run, path, fmt)
    data = path.read_bytes()
    if fmt == "pdf":  # laid out by the project's own PDF writer, its text extractable
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
        text = " ".join(text.split())
    else:
        text = data.decode("utf-8")
        figure = tmp_path / "history-eras.svg" if fmt == "md" else path
        assert "<svg" in figure.read_text(encoding="utf-8")  # the agreement-by-era plot
        if fmt == "html":  # the citations' starred titles in italics, no stars left
            assert "<em>Peace, War, and Numbers</em>" in text and "*Peace" not in text
    assert "Held out" in text and "Singer, J. David" in text and "Thompson, William R." in text
    assert "Agreement by era" in text
    # Each table's columns explained in the words of the app's tooltips.
    from alliance_advisor.presentation.history import COLUMN_HELP

    assert "pairs P: " + COLUMN_HELP["pairs P"] in text and "state-years: " + COLUMN_HELP["state-years"] in text


# ------------------------------------------------------------------ the database
def test_a_database_of_another_version_is_refused_in_one_line(tmp_path):
    from alliance_advisor.rules.history import Store

    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as con:  # the years table as an earlier version wrote it
        con.execute("CREATE TABLE years (mapping_hash TEXT, seed INTEGER, variant TEXT, year INTEGER, states INTEGER)")
    with pytest.raises(AdvisorError, match=r"old\.sqlite: a results database of another version"):
        Store(old, "k1")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(AdvisorError, match=r"junk\.sqlite: not a results database"):
        Store(junk, "k1")


def test_years_of_another_knowledge_base_are_not_resumed(tmp_path):
    from alliance_advisor.rules.history import Store

    db = tmp_path / "h.sqlite"
    store = Store(db, "k1")
    store.write("m", 0, "", {"year": 1900, "state_count": 2, "states": {}})
    assert set(store.done("m", 0, "")) == {1900}
    store.close()
    assert Store(db, "k1").done("m", 0, "") != {}
    assert Store(db, "k2").done("m", 0, "") == {}  # the rules changed: computed again
