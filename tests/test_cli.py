"""The command line end to end: json contract, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest

from conftest import CASES_DIR, ROOT

NORWAY = str(CASES_DIR / "norway_1949.yaml")
PERSIA = str(CASES_DIR / "persia_1881.yaml")


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.mark.slow
def test_analyze_json_contract():
    proc = run("analyze", NORWAY, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("verdict", "confidence", "threat_level", "support", "unknown", "fired"):
        assert key in data
    assert data["verdict"] == "balance"
    assert set(data["support"]) == {
        "balance",
        "internal_balance",
        "bandwagon",
        "free_ride",
        "buck_pass",
        "defect",
        "dissolve",
        "no_alignment",
    }
    assert all(isinstance(v, (int, float)) for v in data["support"].values())
    for item in data["fired"]:
        assert {"rule", "propositions", "facts"} <= set(item)
    assert data["case"]["title"].startswith("Norway")


@pytest.mark.slow
def test_analyze_several_cases_in_one_call_keeps_order():
    proc = run("analyze", PERSIA, NORWAY, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["case"]["state"] for d in data] == ["Persia", "Norway"]
    assert [d["verdict"] for d in data] == ["bandwagon", "balance"]


def test_analyze_text_is_readable():
    proc = run("analyze", NORWAY)
    assert proc.returncode == 0
    assert "Verdict:      Balance" in proc.stdout
    assert "Walt 1987" in proc.stdout


@pytest.mark.slow
def test_same_case_twice_gives_identical_json_across_processes():
    assert run("analyze", NORWAY, "--format", "json").stdout == run("analyze", NORWAY, "--format", "json").stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "content, expected",
    [
        ("answers:\n  state_strength: mighty\n", "unknown level 'mighty'"),
        ("answers:\n  strength: weak\n", "unknown factor 'strength'"),
        ("answers: [1, 2\n", "not valid YAML"),
        ("", "file is empty"),
        ("title: x\ntitle: y\n", "duplicate key 'title'"),
        ("answers:\n  pivotal: !!python/object/apply:os.system ['echo hacked']\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_bad_case_file_gives_one_line_and_exit_2(tmp_path, content, expected):
    path = tmp_path / "broken.yaml"
    path.write_text(content)
    proc = run("analyze", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.slow
def test_a_file_of_the_other_kind_is_named_with_the_command_that_reads_it():
    europe = str(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml")
    proc = run("scenario", NORWAY)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"{NORWAY}: this is a case file, not a scenario: use `main.py analyze`\n"
    proc = run("analyze", europe, "--format", "json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"{europe}: this is a scenario file, not a case: use `main.py scenario`\n"
    proc = run("analyze", NORWAY, europe)  # any of several: no case is analysed
    assert proc.returncode == 2 and proc.stdout == "" and europe in proc.stderr


def test_a_mixed_file_still_names_the_first_key_its_command_does_not_know(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text("answers: {}\nstates: []\n")
    proc = run("analyze", str(path))
    assert proc.returncode == 2 and "unknown key 'states'" in proc.stderr and str(path) in proc.stderr


@pytest.mark.slow
def test_missing_file_and_bad_arguments_exit_2(tmp_path):
    proc = run("analyze", str(tmp_path / "absent.yaml"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    proc = run("analyze", NORWAY, "--format", "docx")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    proc = run("analyze", str(tmp_path))
    assert proc.returncode == 2 and "directory" in proc.stderr


@pytest.mark.slow
def test_unwritable_output_exits_2_and_leaves_nothing(tmp_path):
    target = tmp_path / "no-such-folder" / "out.json"
    proc = run("analyze", NORWAY, "--format", "json", "-o", str(target))
    assert proc.returncode == 2 and str(target) in proc.stderr
    assert not target.parent.exists()


@pytest.mark.slow
def test_evaluate_prints_agreement():
    proc = run("evaluate")
    assert proc.returncode == 0, proc.stderr
    assert "Agreement:" in proc.stdout and "Confusion" in proc.stdout
    data = json.loads(run("evaluate", "--format", "json").stdout)
    assert data["cases"] >= 25 and 0 <= data["agreement"] <= 1
    assert sum(sum(row.values()) for row in data["confusion"].values()) == data["cases"]


def test_validate_reports_counts_and_fails_on_bad_knowledge(tmp_path):
    proc = run("validate")
    assert proc.returncode == 0 and "rules" in proc.stdout and "cases" in proc.stdout
    proc = run("validate", str(tmp_path))
    assert proc.returncode == 2 and "questionnaire.yaml" in proc.stderr


def test_command_line_analyze_does_not_import_qt():
    code = (
        "import sys, io, contextlib; sys.argv=['main.py']; import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main.main(['analyze', {NORWAY!r}, '--format', 'json'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.slow
def test_evaluate_text_uses_labels_and_whole_aligned_headers(kb):
    import re

    proc = run("evaluate")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    ids = [rid for rid in kb.response_ids if "_" in rid]
    assert ids and not any(re.search(rf"\b{rid}\b", line) for rid in ids for line in lines)
    start = lines.index("Confusion (rows: observed, columns: predicted)") + 1
    header = []
    while not re.search(r"\d", lines[start]):
        header.append(lines[start])
        start += 1
    rows = [line for line in lines[start:] if line.strip()]
    # Every count row ends its columns at the same places: aligned.
    ends = [[m.end() for m in re.finditer(r"\d+", row)] for row in rows]
    assert len(set(map(tuple, ends))) == 1
    columns = ends[0]
    titles = []
    for end in columns:
        words = []
        for line in header:
            chunk = line[:end].rsplit("  ", 1)[-1].strip() if len(line) >= end and line[end - 1] != " " else ""
            if chunk:
                words.append(chunk)
        titles.append(" ".join(words))
    expected = [kb.response(rid).label for rid in kb.response_ids] + ["no verdict"]
    assert titles == expected
    assert {row[: columns[0]].rsplit("  ", 1)[0].strip() for row in rows} <= set(expected)


def test_analyze_json_loads_no_text_report_or_figure_code(tmp_path):
    """The json of a case needs the engine only (issue 21: the start of a command)."""
    probe = (
        "import sys; from alliance_advisor import main; "
        "main.main(['analyze', sys.argv[1], '--format', 'json', '-o', sys.argv[2]]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6' or m.removeprefix('alliance_advisor.') in "
        "('presentation.case', 'presentation.figures', 'reports.case', 'reports.html', 'reports.markdown')))"
    )
    out = tmp_path / "norway.json"
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(CASES_DIR / "norway_1949.yaml"), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    assert json.loads(out.read_text(encoding="utf-8"))["verdict"]


@pytest.mark.slow
def test_analyze_finds_a_library_case_by_its_path_in_the_shipped_knowledge(tmp_path):
    # From a folder with no knowledge/ in it (as the standalone app is run): the shipped one.
    proc = run("analyze", "knowledge/cases/norway_1949.yaml", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["case"]["state"] == "Norway"
    # A file on disk under the same path wins over the shipped one.
    (tmp_path / "knowledge" / "cases").mkdir(parents=True)
    (tmp_path / "knowledge" / "cases" / "norway_1949.yaml").write_text(open(PERSIA, encoding="utf-8").read())
    proc = run("analyze", "knowledge/cases/norway_1949.yaml", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["case"]["state"] == "Persia"


def test_analyze_names_a_missing_case_as_typed(tmp_path):
    proc = run("analyze", "knowledge/cases/no_such_case.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "knowledge/cases/no_such_case.yaml: no such file"
