"""The format of a report follows the name of its file, on the command line and in
the app; a --format that contradicts the name is refused before anything is written."""

import json
import subprocess
import sys

import pytest

from conftest import CASES_DIR, ROOT
from guifixtures import *  # noqa: F401,F403 (the window and the prompts that never block)
from guifixtures import wait_for_result

NORWAY = str(CASES_DIR / "norway_1949.yaml")


def run(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT, timeout=180
    )


def _kind(path):
    """What a file really is, from its first bytes, whatever its name says."""
    head = path.read_bytes()[:64]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.lstrip().lower().startswith(b"<!doctype html"):
        return "html"
    if head.lstrip().startswith(b"{"):
        return "json"
    if head.startswith(b"# "):
        return "md"
    return "text"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, kind",
    [("r.pdf", "pdf"), ("r.html", "html"), ("r.HTM", "html"), ("r.md", "md"), ("r.json", "json"), ("r.txt", "text")],
)
def test_cli_output_name_decides_the_format(tmp_path, name, kind):
    out = tmp_path / name
    proc = run("analyze", NORWAY, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert _kind(out) == kind


@pytest.mark.slow
def test_cli_agreeing_format_is_accepted(tmp_path):
    out = tmp_path / "r.pdf"
    proc = run("analyze", NORWAY, "--format", "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert _kind(out) == "pdf"


@pytest.mark.parametrize("fmt, name", [("html", "x.pdf"), ("pdf", "x.html"), ("json", "x.md"), ("text", "x.json")])
def test_cli_format_contradicting_the_name_is_refused(tmp_path, fmt, name):
    out = tmp_path / name
    proc = run("analyze", NORWAY, "--format", fmt, "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert str(out) in lines[0] and "contradicts" in lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cli_name_with_no_known_extension_needs_format(tmp_path):
    out = tmp_path / "report.docx"
    proc = run("analyze", NORWAY, "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(out) in lines[0] and "--format" in lines[0]
    assert list(tmp_path.iterdir()) == []
    # Saying which format is enough: the name is then the user's choice.
    proc = run("analyze", NORWAY, "--format", "html", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert _kind(out) == "html"


@pytest.mark.slow
def test_cli_without_output_json_and_text_go_to_stdout(tmp_path):
    proc = run("analyze", NORWAY, "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["verdict"] == "balance"
    proc = run("analyze", NORWAY)
    assert proc.returncode == 0 and "Verdict:" in proc.stdout
    proc = run("analyze", NORWAY, "--format", "pdf")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_cli_help_says_how_the_format_is_chosen():
    text = " ".join(run("analyze", "--help").stdout.split())
    assert "extension" in text and "refused" in text


# ------------------------------------------------------------------------ app


@pytest.fixture
def loaded(qtbot, window):
    window.open_path(NORWAY)
    wait_for_result(qtbot, window)
    return window


def _filter(fmt):
    """The Export dialog's filter for the full report of ``fmt`` (the dialog offers Full and Brief)."""
    from alliance_advisor.app.export import DIALOG_FILTERS

    return next(text for text, choice in DIALOG_FILTERS.items() if choice == (fmt, "full"))


@pytest.mark.slow
def test_app_typed_extension_wins_over_the_selected_filter(loaded, prompts, tmp_path):
    prompts.save_path = str(tmp_path / "report.pdf")
    prompts.save_filter = _filter("html")
    loaded.actions_["export"].trigger()
    assert prompts.errors == []
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".html")] == ["report.pdf"]
    assert _kind(tmp_path / "report.pdf") == "pdf"
    message = loaded.statusBar().currentMessage()
    assert "PDF" in message and "HTML" not in message and "report.pdf" in message


@pytest.mark.slow
def test_app_filter_supplies_the_extension_of_a_bare_name(loaded, prompts, tmp_path):
    prompts.save_path = str(tmp_path / "report")
    prompts.save_filter = _filter("md")
    loaded.actions_["export"].trigger()
    assert prompts.errors == []
    assert _kind(tmp_path / "report.md") == "md"
    assert "Markdown" in loaded.statusBar().currentMessage()


@pytest.mark.slow
def test_app_unknown_extension_without_a_filter_is_one_line_and_writes_nothing(loaded, prompts, tmp_path):
    prompts.save_path = str(tmp_path / "report.docx")
    prompts.save_filter = None
    loaded.actions_["export"].trigger()
    assert len(prompts.errors) == 1 and "\n" not in prompts.errors[0] and "report.docx" in prompts.errors[0]
    assert not any(tmp_path.glob("report*"))
