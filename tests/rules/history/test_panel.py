"""The history panel: exports by COW code, their codebook, inputs as known then, the
resume key, and the years the tests use.

Data-bound tests read the folder named by $ALLIANCE_DATA (tests/conftest.py).
"""

import ast
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from itertools import combinations

import pytest

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.history import (
    DATASETS,
    DYAD_COLUMNS,
    STATE_COLUMNS,
    Exports,
    RunStats,
    dispute_hostility,
    held_out,
    history_context,
    metadata_path,
    run_history,
    year_scenario,
)
from alliance_advisor.rules.history import tested_years as declared_years
from conftest import ROOT


def _export(history_dir, tmp_path, first, last, suffix=".csv", **kw):
    dyads, states = tmp_path / f"dyads{suffix}", tmp_path / f"states{suffix}"
    run = run_history(
        history_dir,
        first,
        last,
        sensitivity_every=0,
        evaluate=False,
        exports=Exports(dyad_years=dyads, state_years=states),
        **kw,
    )
    return run, dyads, states


def _csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


# ------------------------------------------------------------------ the codebook
def _codebook_columns(section):
    text = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return tuple(re.findall(r"^\| `([a-z0-9_]+)` \|", part, flags=re.M))


def test_codebook_lists_exactly_the_exported_columns():
    assert _codebook_columns("Dyad-years") == DYAD_COLUMNS
    assert _codebook_columns("State-years") == STATE_COLUMNS


# ------------------------------------------------------------------ the exports
@pytest.mark.slow
def test_exports_keys_and_columns(history_dir, context, tmp_path):
    from alliance_advisor.rules.history._build import members

    data, mapping, _engine = context
    run, dyads, states = _export(history_dir, tmp_path, 1913, 1914)
    header, rows = _csv(dyads)
    assert tuple(header) == DYAD_COLUMNS
    at = {c: k for k, c in enumerate(header)}
    keys = [(int(r[at["year"]]), int(r[at["ccode1"]]), int(r[at["ccode2"]])) for r in rows]
    assert len(keys) == len(set(keys))  # no pair-year twice
    assert all(a < b for _y, a, b in keys)
    for year in (1913, 1914):
        expected = {(year, a, b) for a, b in combinations(members(data, year), 2)}
        assert {k for k in keys if k[0] == year} == expected  # every member pair, no other
    assert {r[at["mapping_hash"]] for r in rows} == {mapping.hash}
    for r in rows:  # numbers where numbers are due
        for c in ("threat_12", "threat_21", "peace_years", "treaty"):
            int(r[at[c]])
        assert r[at["allied"]] in ("0", "1") and r[at["onset"]] in ("0", "1")
        assert not (r[at["allied"]] == "1" and r[at["onset"]] == "1")  # onsets only among pairs not allied
    in_force = {p for p, f in data.atop.get(1914, {}).items() if any(f[k] for k in mapping.alliance_kinds)}
    pairs_1914 = set(combinations(members(data, 1914), 2))
    allied = {
        (int(r[at["ccode1"]]), int(r[at["ccode2"]])) for r in rows if r[at["year"]] == "1914" and r[at["allied"]] == "1"
    }
    assert allied == in_force & pairs_1914 and allied  # the panel says what ATOP 5.1 says
    sheader, srows = _csv(states)
    assert tuple(sheader) == STATE_COLUMNS
    skeys = [(r[0], r[1]) for r in srows]
    assert len(skeys) == len(set(skeys)) == len(members(data, 1913)) + len(members(data, 1914))
    meta = json.loads(metadata_path(dyads).read_text(encoding="utf-8"))
    assert meta["columns"] == list(DYAD_COLUMNS) and meta["rows"] == len(rows) and meta["years"] == [1913, 1914]
    assert meta["mapping"]["hash"] == mapping.hash
    assert {d["path"] for d in meta["data"]} == {d.path for d in DATASETS}
    assert all(d["sha256"] and d["citation"] for d in meta["data"])
    assert meta["knowledge_version"] and meta["program"]["version"] and meta["cite"]
    assert "4.01" in run["data"]["note"] and "5.1" in run["data"]["note"]


@pytest.mark.slow
def test_csv_and_parquet_hold_the_same_rows(history_dir, context, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    _run, dyads_csv, states_csv = _export(history_dir, tmp_path, 1914, 1914)
    _run, dyads_pq, states_pq = _export(history_dir, tmp_path, 1914, 1914, suffix=".parquet")
    for text, parquet, columns in ((dyads_csv, dyads_pq, DYAD_COLUMNS), (states_csv, states_pq, STATE_COLUMNS)):
        header, rows = _csv(text)
        table = pq.read_table(parquet)
        assert tuple(table.column_names) == columns == tuple(header)
        assert table.num_rows == len(rows)
        first = table.slice(0, 1).to_pylist()[0]
        for c, cell in zip(header, rows[0]):
            value = first[c]
            if isinstance(value, float):
                assert cell == "" if value is None else abs(float(cell) - value) < 0.06
            else:
                assert cell == ("" if value is None else str(value))


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_identical_exports_for_same_data_and_seed(history_dir, context, tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    _export(history_dir, one, 1913, 1914, suffix=suffix, seed=3)
    _export(history_dir, two, 1913, 1914, suffix=suffix, seed=3)
    for name in (f"dyads{suffix}", f"states{suffix}", f"dyads{suffix}.json", f"states{suffix}.json"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_parquet_without_pyarrow_is_one_line(monkeypatch, tmp_path):
    from alliance_advisor.rules.history._export import need_pyarrow

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(AdvisorError) as err:
        need_pyarrow([tmp_path / "d.parquet"])
    assert "research" in str(err.value) and "\n" not in str(err.value)
    need_pyarrow([tmp_path / "d.csv", None])  # CSV needs nothing


# ------------------------------------------------------------------ inputs as known then
@pytest.mark.slow
def test_an_escalating_dispute_is_not_force_in_its_first_year(context):
    """MID 135: France against Mexico, 1861-1867, coded at war level (5) for every year;
    France on the side that acted first. In 1861 the war was still to come."""
    data, mapping, _engine = context
    span = range(1861, 1867 + 1)
    rows = [d for y in span for d in data.mids.get(y, ()) if d.dispnum == 135 and (d.a, d.b) == (70, 220)]
    assert sorted({d.year for d in rows}) == list(span)  # a real multi-year dispute ...
    assert {d.b_hostility for d in rows} == {5} and all(d.b_initiator for d in rows)  # ... coded at its peak
    first = next(d for d in rows if d.year == 1861)
    assert dispute_hostility(first, 1861) == 0  # not read at its peak in its first year
    assert dispute_hostility(first, 1867) == 5  # read from its last year on

    def seen(year):
        sc = year_scenario(data, year, mapping)
        ids = {s["cow_code"]: s["id"] for s in sc["states"]}
        return sc["perceptions"].get(ids[70], {}).get(ids[220])

    assert seen(1861) != mapping.intentions["initiated_force"]  # no rivalry, no war: nothing aggressive
    # The check can fail: once the dispute has ended, its force is read (in the window).
    assert seen(1867) in (mapping.intentions["initiated_force"], mapping.intentions["at_war"])
    # The same as the data stood in 1861.
    assert year_scenario(data.until(1861), 1861, mapping) == year_scenario(data, 1861, mapping)


# ------------------------------------------------------------------ resume after changed data
@pytest.mark.slow
def test_resume_after_changed_data_computes_again(history_dir, context, tmp_path):
    copy = tmp_path / "data"
    for d in DATASETS:
        (copy / d.path).parent.mkdir(parents=True, exist_ok=True)
        (copy / d.path).write_bytes((history_dir / d.path).read_bytes())
    db = tmp_path / "h.sqlite"
    first = run_history(copy, 1900, 1902, db=db, sensitivity_every=0, evaluate=False)
    again = RunStats()
    run_history(copy, 1900, 1902, db=db, sensitivity_every=0, evaluate=False, stats=again)
    assert again.resumed == 3 and again.computed == []  # unchanged: all resumed
    atop = copy / "history/atop-5.1-dyad-year.csv"
    lines = atop.read_text(encoding="utf-8").splitlines(keepends=True)
    year_at = lines[0].rstrip("\n").split(",").index("year")
    atop.write_text(
        "".join(line for k, line in enumerate(lines) if k == 0 or line.split(",")[year_at] != "1902"), encoding="utf-8"
    )
    stats = RunStats()
    changed = run_history(copy, 1900, 1902, db=db, sensitivity_every=0, evaluate=False, stats=stats)
    assert stats.resumed == 0 and sorted(y for _v, y in stats.computed) == [1900, 1901, 1902]
    new_hash = next(f["sha256"] for f in changed["data"]["files"] if f["path"] == "history/atop-5.1-dyad-year.csv")
    old_hash = next(f["sha256"] for f in first["data"]["files"] if f["path"] == "history/atop-5.1-dyad-year.csv")
    assert new_hash != old_hash
    assert changed["years"]["1901"]["observed_pairs"] == []  # 1901's next year is gone from ATOP
    from alliance_advisor.rules.history._store import data_hash

    data, _mapping, _engine = history_context(os.fspath(copy), None)
    with sqlite3.connect(db) as con:
        stamps = {h for (h,) in con.execute("SELECT DISTINCT data_hash FROM years")}
        panels = con.execute("SELECT COUNT(*) FROM years WHERE panel IS NOT NULL").fetchone()[0]
    assert stamps == {data_hash(data.digests)} and data.digests["atop"] == new_hash
    assert panels == 3
    # A resumed run exports from the stored panels, the same bytes as a fresh one.
    resumed_files = tmp_path / "resumed"
    resumed_files.mkdir()
    fresh_files = tmp_path / "fresh"
    fresh_files.mkdir()
    stats = RunStats()
    _export(copy, resumed_files, 1900, 1902, db=db, stats=stats)
    assert stats.computed == []
    _export(copy, fresh_files, 1900, 1902)
    assert (resumed_files / "dyads.csv").read_bytes() == (fresh_files / "dyads.csv").read_bytes()


# ------------------------------------------------------------------ what is held out
HISTORY_CALLS = ("history_year", "history_scenario", "run_history", "year_scenario", "year_task", "year_run",
                 "show_history", "HISTORY_RUNS", '"history"')  # fmt: skip
NOT_A_YEAR = "# not a history year"


def _years_of(node):
    """The history years one node of a test file names."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
        "run_history",
        "_export",
    ):
        ints = [a.value for a in node.args if isinstance(a, ast.Constant) and type(a.value) is int]
        return set(range(ints[0], ints[1] + 1)) if len(ints) >= 2 else set()
    if isinstance(node, ast.List):
        cells = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
        if "--from" in cells and "--to" in cells:
            a, b = cells[cells.index("--from") + 1], cells[cells.index("--to") + 1]
            if isinstance(a, str) and isinstance(b, str):  # else built: its numbers are found apart
                return set(range(int(a), int(b) + 1))
        return set()
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, str) and value.isdigit() and len(value) == 4:
        value = int(value)
    return {value} if type(value) is int and 1816 <= value <= 2010 else set()  # not a history year


def _history_years_in_tests():
    """Every year of 1816-2010 written in a test file that runs history (numbers, digit
    strings, and the ranges of run_history and of --from/--to); a line marked
    NOT_A_YEAR is skipped (a figure that is not a year the test runs)."""
    found = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "golden" in path.parts or not any(c in text for c in HISTORY_CALLS):
            continue
        skipped = {k + 1 for k, line in enumerate(text.splitlines()) if NOT_A_YEAR in line}
        years = found.setdefault(str(path.relative_to(ROOT)), set())
        for node in ast.walk(ast.parse(text)):
            if getattr(node, "lineno", None) not in skipped:
                years |= _years_of(node)
    return found


def test_every_history_year_a_test_uses_is_declared(kb):
    from alliance_advisor.rules.history import load_history_mapping

    declared = declared_years(load_history_mapping(kb).raw)
    undeclared = {
        name: sorted(years - declared) for name, years in _history_years_in_tests().items() if years - declared
    }
    assert not undeclared, f"declare these in knowledge/derivation.yaml history.tested_years: {undeclared}"


def test_held_out_lists_cases_scenarios_and_tested_years(kb):
    from alliance_advisor.rules.history import load_history_mapping

    mapping = load_history_mapping(kb)
    out = held_out(kb.directory, mapping.raw, range(1946, 2011))  # not a history year
    named = {(n["kind"], n["name"], n["year"]) for n in out["named"]}
    assert ("case", "norway_1949", 1949) in named  # not a history year
    assert ("scenario", "europe_1949", 1949) in named  # not a history year
    assert ("test", "tests (history.tested_years)", 1946) in named  # not a history year
    assert all(n["year"] >= 1946 for n in out["named"])  # not a history year
    assert 1949 not in out["clean_years"] and 1957 not in out["clean_years"]  # not a history year
    assert set(out["clean_years"]) == set(range(1946, 2011)) - {n["year"] for n in out["named"]}  # not a history year
    assert 1985 not in out["clean_years"]  # not a history year: the observed blocs' tests use 1985
    assert 1975 in out["clean_years"]  # not a history year: no case, scenario or test names 1975


@pytest.mark.slow
def test_cli_exports_and_skips_the_evaluation(history_dir, tmp_path):
    dyads = tmp_path / "d.csv"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "history",
            "--data",
            os.fspath(history_dir),
            "--from",
            "1913",
            "--to",
            "1913",
            "--sensitivity-every",
            "0",
            "--format",
            "json",
            "-o",
            os.fspath(tmp_path / "r.json"),
            "--dyad-years",
            os.fspath(dyads),
            "--no-evaluation",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert _csv(dyads)[0] == list(DYAD_COLUMNS)
    run = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert "evaluation" not in run["summary"]
