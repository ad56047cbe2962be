"""Help, printing, comparing cases and the case library, as a user meets them."""

import re

import pytest
from PySide6.QtGui import QKeySequence

from alliance_advisor.gui.case.compare import compare_rows
from alliance_advisor.gui.case.library import AGREES, DIFFERS
from alliance_advisor.presentation.helpdata import glossary, proposition_entry
from guifixtures import *  # noqa: F401,F403


def test_a_proposition_entry_lists_the_rules_that_encode_it(kb):
    entry = proposition_entry(kb, "B3")
    prop = kb.proposition("B3")
    assert entry["title"] == prop.title and entry["citation"] == prop.citation
    assert {r["id"] for r in entry["rules"]} == {r.id for r in kb.rules if "B3" in r.propositions}
    assert entry["rules"], "B3 is encoded by at least one rule"
    assert [e["id"] for e in glossary(kb)] == [p.id for p in kb.propositions]


@pytest.mark.slow
def test_the_guide_glossary_and_shortcuts_are_in_the_help_menu(qtbot, window, kb):
    window.actions_["guide"].trigger()
    help_window = window.help_window()
    assert help_window.isVisible() and help_window.current_page() == "guide"
    guide = help_window.browsers["guide"].toPlainText()
    for factor in kb.factors:
        assert factor.question in guide
    for tab in range(window.tabs.count()):
        assert window.tabs.tabText(tab) in guide  # how to read each tab
    window.actions_["glossary"].trigger()
    assert help_window.current_page() == "glossary"
    glossary_text = help_window.browsers["glossary"].toPlainText()
    for prop in kb.propositions:
        assert f"{prop.id} · {prop.title}" in glossary_text
    for rule in kb.rules:
        assert rule.id in glossary_text  # every rule under its propositions
    window.actions_["shortcuts"].trigger()
    shortcuts = help_window.browsers["shortcuts"].toPlainText()
    for name in ("open", "save", "print", "guide", "library"):
        keys = window.actions_[name].shortcut().toString(QKeySequence.NativeText)
        assert keys and keys in shortcuts


@pytest.mark.slow
def test_f1_opens_the_guide_at_the_focused_question(qtbot, window):
    window.activateWindow()
    combo = window.form.questions["ally_availability"].combo
    combo.setFocus()
    qtbot.waitUntil(lambda: window.focused_factor() == "ally_availability", timeout=5000)
    assert window.actions_["guide"].shortcut() == QKeySequence(QKeySequence.HelpContents)
    window.actions_["guide"].trigger()
    browser = window.help_window().browsers["guide"]
    assert browser.verticalScrollBar().value() > 0  # scrolled to that question
    top = browser.cursorForPosition(QPoint(8, 8)).position()  # the first text in view
    in_view = browser.document().toPlainText()[top : top + 300]
    assert in_view.lstrip().startswith(window.kb.factor("ally_availability").question), in_view[:120]


@pytest.mark.slow
def test_print_paints_the_report_on_the_printer(qtbot, window, prompts, tmp_path):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    assert not window.print_report()  # cancelled in the dialog: nothing
    prompts.print_to = tmp_path / "printed.pdf"
    assert window.actions_["print"].shortcut() == QKeySequence(QKeySequence.Print)
    window.actions_["print"].trigger()
    assert prompts.errors == []
    from pypdf import PdfReader

    from alliance_advisor.reports.case import Output, report_blocks
    from alliance_advisor.reports.pdf import render_pdf

    printed = PdfReader(str(prompts.print_to))
    report = report_blocks(window.analysis.result, output=Output("pdf", "report.pdf"))
    exported = PdfReader(__import__("io").BytesIO(render_pdf(report)))
    assert len(printed.pages) == len(exported.pages) > 1
    text = " ".join(printed.pages[0].extract_text().split())
    assert "Norway joins the Atlantic alliance" in text
    assert re.search(r"page 1 of \d+", text)


@pytest.mark.slow
def test_compare_two_cases_side_by_side(qtbot, window, prompts, kb):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    other = CASES_DIR / "finland_1939.yaml"
    if not other.exists():
        other = next(p for p in sorted(CASES_DIR.glob("*.yaml")) if p != NORWAY)
    prompts.open_path = str(other)
    window.actions_["compare"].trigger()
    compare = window.compare_window
    assert compare is not None and compare.isVisible()
    right = Advisor(kb).analyze(load_case(other, kb))
    rows = compare_rows(kb, window.analysis.result, right)
    assert rows == compare.rows
    differing = [f for f in kb.factors if window.document.case.answer(f.id) != right.case.answer(f.id)]
    assert [q for q, _a, _b in rows["answers"]] == [f.question for f in differing]
    text = compare.browser.toPlainText()
    assert f"Answers that differ ({len(differing)} of {len(kb.factors)})" in text
    assert rows["verdicts"][0] in text and rows["verdicts"][1] in text
    for response in kb.responses:
        assert response.label in text  # support for every response


@pytest.mark.slow
def test_compare_with_a_broken_file_is_a_dialog(qtbot, window, prompts, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers: [1, 2\n")
    prompts.open_path = str(bad)
    window.actions_["compare"].trigger()
    assert len(prompts.errors) == 1 and prompts.errors[0].startswith(str(bad))
    assert window.compare_window is None


@pytest.mark.slow
def test_the_library_is_a_sortable_table_with_prediction_and_agreement(qtbot, window, kb):
    window.show_library()
    library = window.library
    assert library.table.model().rowCount() == len(list(CASES_DIR.glob("*.yaml")))
    headers = [library.proxy.headerData(c, Qt.Horizontal) for c in range(library.proxy.columnCount())]
    assert headers == ["Case", "Year", "Predicted", "Observed", "Agrees"]
    advisor = Advisor(kb)
    for row, path in enumerate(library.row_paths()):
        case = load_case(path, kb)
        title, year, predicted, observed, agreement = library.row_texts(row)
        verdict = advisor.analyze(case).verdict
        assert title == case.title  # whole, never cut short
        assert predicted == kb.response(verdict).label
        if case.observed:
            assert agreement == (AGREES if verdict == case.observed else DIFFERS)
    years = [int(library.row_texts(r)[1]) for r in range(library.proxy.rowCount())]
    assert years == sorted(years)  # by year, as numbers
    library.table.sortByColumn(4, Qt.AscendingOrder)
    agreements = [library.row_texts(r)[4] for r in range(library.proxy.rowCount())]
    assert agreements == sorted(agreements)
    library.filter.setText("norway")
    assert [p.rsplit("/", 1)[-1] for p in library.row_paths()] == ["norway_1949.yaml"]


@pytest.mark.slow
def test_a_library_case_opens_scrolled_to_its_banner(qtbot, window):
    window.resize(1024, 700)
    bar = window.form.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    window.library.ensure_loaded()
    row = next(r for r, path in enumerate(window.library.row_paths()) if path.endswith("norway_1949.yaml"))
    window.library.table.activated.emit(window.library.proxy.index(row, 0))
    assert window.document.read_only
    assert bar.value() == 0
    banner = window.form.read_only_banner
    assert banner.isVisible() and banner.mapTo(window.form.widget(), banner.rect().topLeft()).y() < 50


def test_the_proposition_data_needs_no_qt():
    """The command line's explanation of a proposition can use it without starting Qt."""
    import subprocess
    import sys

    from conftest import ROOT

    code = (
        "import sys; from rules import load_knowledge; from presentation.helpdata import proposition_entry; "
        "proposition_entry(load_knowledge(), 'B3'); "
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_class_folder_opens_with_the_agreement_of_evaluate_and_its_broken_files_listed(
    qtbot, window, kb, prompts, tmp_path
):
    import shutil

    from alliance_advisor.presentation.case import evaluation_summary
    from alliance_advisor.rules.case import evaluate

    for name in ("norway_1949.yaml", "finland_1948.yaml", "italy_1940.yaml"):
        shutil.copy(CASES_DIR / name, tmp_path / name)
    (tmp_path / "broken.yaml").write_text("answers: [1, 2\n")
    window.show_library()
    window.form.scroll_to_top()
    opened = window.document.path if hasattr(window.document, "path") else None
    prompts.folder = str(tmp_path)
    window.actions_["case_folder"].trigger()
    library = window.library
    assert library.proxy.rowCount() == 4 and prompts.errors == []
    texts = {library.row_texts(r)[0]: library.row_texts(r) for r in range(library.proxy.rowCount())}
    broken = next(t for t in texts if t.startswith("Not read: broken.yaml"))
    assert "\n" not in broken and str(tmp_path) not in broken
    good = tmp_path / "good"
    good.mkdir()
    for name in ("norway_1949.yaml", "finland_1948.yaml", "italy_1940.yaml"):
        shutil.copy(CASES_DIR / name, good / name)
    expected = evaluate(Advisor(kb), good)
    assert f"agreement {expected['agree']}/{expected['cases']}" in library.status.text()
    assert f"log score {expected['scores']['log_score']:.3f}" in library.status.text()
    assert f"Brier {expected['scores']['brier']:.3f}" in library.status.text()
    assert library.status.toolTip().splitlines()[0] == evaluation_summary(expected, kb)[0]
    for row in expected["rows"]:
        shown = next(t for t in texts.values() if t[0] == row["title"])
        assert shown[2] == kb.response(row["predicted"]).label and shown[3] == kb.response(row["observed"]).label
        assert shown[4] == (AGREES if row["agree"] else DIFFERS)
    if opened is not None:
        assert window.document.path == opened  # the case open stays open


@pytest.mark.slow
def test_a_folder_that_cannot_be_read_keeps_the_table_shown(qtbot, window, prompts, tmp_path):
    window.show_library()
    library = window.library
    before = library.proxy.rowCount()
    library.filter.setText("norway")
    assert not library.open_folder(tmp_path / "missing")
    assert len(prompts.errors) == 1 and "\n" not in prompts.errors[0]
    assert library.filter.text() == "norway" and library.model.rowCount() >= before
