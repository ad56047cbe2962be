"""The scenario window (issue 13): open a shipped scenario, edit a perception and see
a state change bloc; save and reopen; export each format; open a state's choice as a
case in the main window."""

import pytest

from conftest import ROOT
from guifixtures import *  # noqa: F401,F403 (fixtures and helpers shared with the app tests)

SCENARIOS = ROOT / "knowledge" / "scenarios"  # noqa: F405


def open_scenario(window, qtbot, path):
    scenario = window.open_scenario_path(str(path))
    assert scenario is not None
    qtbot.addWidget(scenario)
    qtbot.waitUntil(lambda: scenario.result is not None, timeout=30000)
    return scenario


@pytest.mark.slow
def test_a_shipped_scenario_opens_read_only_with_its_blocs(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    assert scenario.read_only and "read-only" in scenario.windowTitle()
    assert scenario.choices.rowCount() == 17 and scenario.diagram.layout_ is not None
    # The window says what the command line's engine finds for the same file.
    placed = sum(bool(v) for v in scenario.result.agreement.values())
    assert placed == 9 and f"{placed} of 17" in scenario.message.text()
    from alliance_advisor.presentation.scenario import blocs_text

    said = blocs_text(scenario.result)  # "3 blocs after 8 rounds (...)": the engine's, as the command line says it
    assert "(s)" not in scenario.message.text() and said.startswith("3 blocs after") and said in scenario.message.text()
    # The rival theories beside ours, as the reports show them: landscape theory places 15 of 17.
    rivals = scenario.rivals
    cells = [[rivals.item(r, c).text() for c in range(rivals.columnCount())] for r in range(rivals.rowCount())]
    assert rivals.rowCount() == 3 and cells[0][2] == "9 of 17"
    assert any(row[0].startswith("Landscape") and row[2] == "15 of 17" for row in cells)
    # Each bloc on a line of its own, its whole list of states in the cell's tooltip.
    from alliance_advisor.presentation.scenario import bloc_lines, rival_theories

    for r, rival in enumerate(rival_theories(scenario.result)):
        blocs = rivals.item(r, 3)
        assert blocs.toolTip() == "\n".join(bloc_lines(scenario.result, rival.blocs))
        assert [line.split(" ", 1)[0] for line in blocs.text().split("\n")] == [
            f"{k}." for k in range(1, len(rival.blocs) + 1)
        ]
    scenario.shutdown()


@pytest.mark.slow
def test_editing_a_perception_moves_a_state_to_the_other_bloc(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    before = scenario.bloc_of("poland")
    assert before == scenario.bloc_of("germany")
    first = scenario.result
    scenario.set_perception("poland", "soviet_union", "benign")
    scenario.set_perception("poland", "germany", "aggressive")
    qtbot.waitUntil(lambda: scenario.result is not first, timeout=30000)
    assert scenario.result.states["poland"].greatest_threat == "germany"
    assert scenario.bloc_of("poland") == scenario.bloc_of("france") != scenario.bloc_of("germany")
    assert scenario.dirty and "*" in scenario.windowTitle()
    scenario.shutdown()


@pytest.mark.slow
def test_an_invalid_edit_is_marked_and_keeps_the_last_result(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    good = scenario.result
    scenario.states_table.item(0, 1).setText("1.7")  # Britain's capability, outside 0-1
    assert scenario.error and "capability 1.7 is outside 0-1" in scenario.error
    assert "outside 0-1" in scenario.message.text() and scenario.result is good
    assert scenario.data["states"][0]["capability"] == 1.7  # what was typed is kept
    scenario.shutdown()


@pytest.mark.slow
def test_save_and_reopen_and_export_every_format(window, qtbot, tmp_path):
    from pypdf import PdfReader

    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    scenario.set_perception("denmark", "germany", "aggressive")
    qtbot.waitUntil(lambda: not scenario.message.text().startswith("Analysing"), timeout=30000)
    saved = tmp_path / "mine.yaml"
    assert scenario.write(str(saved)) and not scenario.dirty and not scenario.read_only
    assert window.recent.paths()[0] == str(saved)
    again = open_scenario(window, qtbot, saved)
    assert not again.read_only and again.data["perceptions"]["denmark"]["germany"] == "aggressive"
    for fmt in ("html", "pdf", "md", "json"):
        out = tmp_path / f"report.{fmt}"
        assert again.export(str(out)) and out.exists()
    assert "Europe, 1936" in " ".join(PdfReader(tmp_path / "report.pdf").pages[0].extract_text().split())
    assert "<svg" in (tmp_path / "report.html").read_text(encoding="utf-8")
    scenario.shutdown()
    again.shutdown()


@pytest.mark.slow
def test_a_state_opens_as_a_case_in_the_main_window(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.select_state("czechoslovakia")
    assert "Czechoslovakia" in scenario.detail.text() and scenario.threats.table.rowCount()
    scenario.open_selected_case()
    case = window.document.case
    assert case.state == "Czechoslovakia" and case.threat == "Germany"
    assert case.answers == scenario.result.states["czechoslovakia"].answers
    scenario.shutdown()


def test_open_detects_a_scenario_file_and_a_bad_one_gets_a_dialog(window, qtbot, prompts, tmp_path):
    assert window.open_path(str(SCENARIOS / "europe_1949.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "states:\n  - {id: a, capability: 2, offensive_capability: low}\n"
        "  - {id: b, capability: 0.1, offensive_capability: low}\n",
        encoding="utf-8",
    )
    assert not window.open_path(str(bad))
    assert prompts.errors and "bad.yaml:2:" in prompts.errors[-1] and "outside 0-1" in prompts.errors[-1]
    for w in getattr(window, "_scenario_windows", []):
        w.shutdown()


def test_undo_and_redo_an_edit(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    scenario.set_perception("poland", "soviet_union", "benign")
    assert scenario.data["perceptions"]["poland"].get("soviet_union") == "benign"
    assert scenario.undo_stack.canUndo()
    scenario.undo_stack.undo()
    assert scenario.data["perceptions"]["poland"]["soviet_union"] == "aggressive"
    row = scenario._ids().index("poland")
    col = scenario._ids().index("soviet_union")
    assert scenario.perceptions.item(row, col).text() == "aggressive"
    scenario.undo_stack.redo()
    assert scenario.data["perceptions"]["poland"]["soviet_union"] == "benign"
    scenario.shutdown()


@pytest.mark.slow
def test_unsaved_scenario_work_is_recovered_after_a_crash(make_window, qtbot, prompts, tmp_path):
    first = make_window(autosave_dir=tmp_path / "autosave")
    scenario = open_scenario(first, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    scenario.set_perception("denmark", "germany", "aggressive")
    assert list((tmp_path / "autosave").glob("autosave-*.json"))
    scenario.shutdown()
    scenario.autosave.release()  # the process dies: its lock goes with it
    second = make_window(autosave_dir=tmp_path / "autosave")
    prompts.recover_answer = True
    assert second.offer_recovery()
    recovered = second._scenario_windows[-1]
    qtbot.addWidget(recovered)
    assert recovered.dirty and recovered.data["perceptions"]["denmark"]["germany"] == "aggressive"
    qtbot.waitUntil(lambda: recovered.result is not None, timeout=30000)
    recovered.shutdown()


@pytest.mark.slow
def test_the_window_lists_the_single_changes_that_move_a_bloc_and_makes_one(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    qtbot.waitUntil(lambda: scenario.moves_list.count() > 0, timeout=60000)
    assert scenario.moves, "Europe 1936 has perceptions one step from moving a bloc"
    move = next(m for m in scenario.moves if m.state == "greece")
    text = scenario.moves_list.item(scenario.moves.index(move)).text()
    assert text.startswith("If Greece saw") and "would change bloc" in text
    scenario.edit_copy()
    before = scenario.result
    scenario._apply_move(scenario.moves_list.item(scenario.moves.index(move)))
    qtbot.waitUntil(lambda: scenario.result is not before, timeout=30000)
    assert scenario.data["perceptions"]["greece"].get(move.power, "ambiguous") == move.after
    moved = set(move.moved)
    assert any(
        scenario.bloc_of(s) != before_bloc
        for s, before_bloc in ((s, next((i for i, b in enumerate(before.coalitions) if s in b), None)) for s in moved)
    )
    scenario.shutdown()


def test_neighbours_the_war_and_the_alliances_are_edited_in_place(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    ids = scenario._ids()
    cell = scenario.neighbours.item(ids.index("britain"), ids.index("germany"))
    assert not (cell.flags() & Qt.ItemIsUserCheckable)  # read-only until Edit a Copy  # noqa: F405
    scenario.edit_copy()
    cell = scenario.neighbours.item(ids.index("britain"), ids.index("germany"))
    cell.setCheckState(Qt.Checked)  # noqa: F405
    assert ["britain", "germany"] in scenario.data["neighbours"]
    mirror = scenario.neighbours.item(ids.index("germany"), ids.index("britain"))
    assert mirror.checkState() == Qt.Checked  # noqa: F405
    scenario.war.setCurrentText("early_war")
    assert scenario.data["war"] == "early_war"
    scenario.alignments.setPlainText("britain, france\nnowhere, germany")
    scenario.alignments_apply.click()
    assert scenario.error and "'nowhere' is not a state of this scenario" in scenario.error
    assert "border" in scenario.alignments.styleSheet() and not scenario.overrides.styleSheet()
    assert scenario.data["alignments"] == [["britain", "france"], ["nowhere", "germany"]]  # kept as typed
    scenario.undo_stack.undo()
    assert scenario.error is None
    scenario.undo_stack.undo()
    assert scenario.data["war"] == "peace"
    scenario.shutdown()


def test_a_new_scenario_is_built_state_by_state(window, qtbot):
    scenario = window.new_scenario()
    qtbot.addWidget(scenario)
    qtbot.waitUntil(lambda: scenario.result is not None, timeout=30000)
    assert len(scenario.result.states) == 2 and not scenario.read_only
    scenario.add_state()
    assert len(scenario._ids()) == 3
    new = scenario._ids()[-1]
    scenario.set_perception("first", new, "unalterably_aggressive")
    qtbot.waitUntil(lambda: scenario.result is not None and len(scenario.result.states) == 3, timeout=30000)
    assert scenario.result.states["first"].greatest_threat == new
    scenario.states_table.setCurrentCell(2, 0)
    scenario.remove_selected_state()
    assert len(scenario._ids()) == 2 and new not in (scenario.data["perceptions"].get("first") or {})
    scenario.shutdown()


def test_removing_a_state_in_the_window_is_the_application_s_edit_and_undo_takes_it_back(window, qtbot):
    import copy

    from alliance_advisor.app import edits

    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    before = copy.deepcopy(scenario.data)
    scenario.states_table.setCurrentCell(scenario._ids().index("poland"), 0)
    scenario.remove_selected_state()
    assert scenario.data == edits.remove_state(before, "poland") and "poland" not in scenario._ids()
    assert scenario.perceptions.rowCount() == scenario.neighbours.rowCount() == 16
    assert scenario.undo_stack.undoText() == "Remove poland"
    scenario.undo_stack.undo()
    assert scenario.data == before and scenario.perceptions.rowCount() == 17
    scenario.shutdown()


def test_an_error_marks_the_row_of_the_state_it_names_and_overrides_apply(window, qtbot):
    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1936.yaml")
    scenario.edit_copy()
    row = scenario._ids().index("denmark")
    scenario.states_table.item(row, 1).setText("-3")
    assert "state 'denmark'" in scenario.error
    assert (
        scenario.states_table.item(row, 0).toolTip() == scenario.error.split(": ", 1)[1]
        or "denmark" in scenario.states_table.item(row, 0).toolTip()
    )
    scenario.undo_stack.undo()
    assert scenario.error is None and not scenario.states_table.item(row, 0).toolTip()
    first = scenario.result
    scenario.overrides.setPlainText("poland, soviet_union, ally_availability, none")
    scenario.alignments_apply.click()
    qtbot.waitUntil(lambda: scenario.result is not first, timeout=30000)
    poland = {d.factor: d for d in scenario.result.states["poland"].derivation}
    assert poland["ally_availability"].level == "none" and poland["ally_availability"].source == "override"
    scenario.shutdown()


def test_a_scenario_edit_survives_a_hard_kill(make_window, qtbot, prompts, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import textwrap

    autosave = tmp_path / "autosave"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from PySide6.QtCore import QSettings
        from alliance_advisor.gui.app import create_application
        from alliance_advisor.gui.case.window import MainWindow
        from alliance_advisor.rules import load_knowledge
        app = create_application()
        window = MainWindow(load_knowledge(), settings=QSettings({str(tmp_path / "child.ini")!r},
                            QSettings.IniFormat), autosave_dir={str(autosave)!r})
        window.show()
        scenario = window.open_scenario_path({str(SCENARIOS / "europe_1936.yaml")!r})
        scenario.edit_copy()
        scenario.set_perception("denmark", "germany", "unalterably_aggressive")
        print("edited", flush=True)
        while True:                       # still running, still editable, when killed
            app.processEvents()
            time.sleep(0.01)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "edited", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    window = make_window(autosave_dir=autosave)
    assert window.offer_recovery() is True
    assert prompts.recover_offers == ["Europe, 1936"]
    recovered = window._scenario_windows[-1]
    qtbot.addWidget(recovered)
    assert recovered.data["perceptions"]["denmark"]["germany"] == "unalterably_aggressive" and recovered.dirty
    recovered.shutdown()


def _header_problems(table):
    """Each header section at least as wide and tall as its (possibly two-line) title."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    problems = []
    for col in range(table.columnCount()):
        lines = table.horizontalHeaderItem(col).text().split("\n")
        # the header's own padding and the sort indicator's room
        needed = max(metrics.horizontalAdvance(line) for line in lines) + 12
        if header.sectionSize(col) < needed:
            problems.append(f"{lines!r}: {header.sectionSize(col)} px, needs {needed}")
        if header.height() < metrics.height() * len(lines):
            problems.append(f"{lines!r}: {header.height()} px high, needs {metrics.height() * len(lines)}")
    return problems


@pytest.mark.parametrize("size", ((800, 600), (1024, 700), (1400, 900)), ids=lambda s: f"{s[0]}x{s[1]}")  # noqa: F405
def test_the_scenario_tables_show_whole_headers_and_the_diagram_a_legend(qtbot, window, size):
    main_window = window
    window = open_scenario(main_window, qtbot, SCENARIOS / "europe_1936.yaml")
    window.resize(*size)
    for _ in range(4):
        QApplication.processEvents()  # noqa: F405
    try:
        for table in (window.states_table, window.choices):
            assert not _header_problems(table), (table.objectName(), _header_problems(table))
        legend = window.legend
        assert legend.isVisible() and legend.height() >= legend.heightForWidth(legend.width())
        for mark in ("Circle size", "greatest threat", "partners", "dashed ring", "orange name"):
            assert mark in legend.text()
        # the diagram shows whole (shrunk if need be), without scrolling
        scroll = window.diagram.parentWidget().parentWidget()
        assert window.diagram.width() <= scroll.viewport().width() + 1
        tabs = window.edit_tabs.tabBar()
        assert sum(tabs.tabRect(i).width() for i in range(tabs.count())) <= window.edit_tabs.width()
    finally:
        window.shutdown()


@pytest.mark.slow
def test_the_selected_state_shows_every_powers_threat_points_as_the_json_does(window, qtbot):
    from PySide6.QtCore import Qt

    scenario = open_scenario(window, qtbot, SCENARIOS / "europe_1949.yaml")
    try:
        for state in ("soviet_union", "france"):
            scenario.select_state(state)
            assert_every_power_with_the_jsons_score(scenario.threats, scenario.result, state)
        table = scenario.threats.table
        table.sortItems(0, Qt.SortOrder.AscendingOrder)  # by name, then back by points
        names = [r[1] for r in threat_table_rows(table)]
        assert names == sorted(names, key=str.casefold)
        table.sortItems(1, Qt.SortOrder.DescendingOrder)
        assert_every_power_with_the_jsons_score(scenario.threats, scenario.result, "france")
    finally:
        scenario.shutdown()
