"""The History window (issue 20): a year of the state system from the data of the field,
its predicted and observed blocs, a state's drill-down, "Open as Scenario", and the
dialogs for a folder without the data or with a bad file.

The data are not shipped: the folder comes from --data-dir or $ALLIANCE_DATA
(tests/conftest.py); without it these tests skip locally and fail under CI.
"""

import os
import shutil

import pytest
from PySide6.QtCore import QPoint, Qt

from alliance_advisor.gui.history import DATA_KEY
from alliance_advisor.presentation.history import observed_text
from alliance_advisor.presentation.scenario import choice_text
from alliance_advisor.rules.history import data_guide, missing_data
from guifixtures import *  # noqa: F401,F403 (fixtures and helpers shared with the app tests)


@pytest.mark.slow
def test_the_environments_folder_is_taken_without_asking(window, qtbot, prompts, history_dir, monkeypatch):
    """One way to point to the data everywhere: with $ALLIANCE_DATA set and no folder
    remembered, the window opens on it, as the command line and the tests do."""
    monkeypatch.setenv("ALLIANCE_DATA", str(history_dir))
    history = window.show_history()
    qtbot.addWidget(history)
    assert prompts.folders_asked == [] and history.data_dir == os.path.abspath(history_dir)
    shown(history, qtbot, 1914)
    history.shutdown()


def shown(window, qtbot, year, timeout=30000):
    qtbot.waitUntil(lambda: window.year == year and not window.analysis.pending, timeout=timeout)
    return window


def bloc_with(history, state):
    return next((set(b) for b in history.blocs_shown() if state in b), {state})


@pytest.mark.slow
def test_the_folder_is_asked_once_and_1914_shows_its_blocs(window, qtbot, prompts, history_dir, monkeypatch):
    monkeypatch.delenv("ALLIANCE_DATA", raising=False)  # no folder known: the window asks
    prompts.folder = str(history_dir)
    history = window.show_history()
    qtbot.addWidget(history)
    assert len(prompts.folders_asked) == 1 and window.settings.value(DATA_KEY) == os.path.abspath(history_dir)
    shown(history, qtbot, 1914)
    assert "1914" in history.windowTitle() and "45 states" in history.message.text()
    entente, central = bloc_with(history, "united_kingdom"), bloc_with(history, "germany")
    assert {"france", "russia"} <= entente and "austria_hungary" in central
    assert not entente & {"germany", "austria_hungary"}
    assert history.choices.rowCount() == 45 == len(history.result.states)
    assert [history.scores.item(r, 0).text() for r in range(history.scores.rowCount())] == [
        "Balance of threat",
        "Balance of power",
        "Landscape theory",
        "Inertia",
        "Random pairs",
    ]
    # The observed blocs: the camps of the pairs allied in 1915, not the prediction.
    # Italy is with the Entente by the Treaty of London (April 1915): the Triple
    # Alliance, still in force that year, is an old tie and weighs less
    # (derivation.yaml, history.observed_blocs).
    history.observed_button.setChecked(True)
    observed = [set(b) for b in history.plain["observed_blocs"]]
    assert [set(b) for b in history.blocs_shown()] == observed
    assert any({"germany", "austria_hungary"} <= b for b in observed)
    assert any({"united_kingdom", "france", "russia", "italy"} <= b for b in observed)
    assert not any({"germany", "france"} <= b for b in observed)
    history.predicted_button.setChecked(True)
    assert bloc_with(history, "germany") == central
    # Asked once: the next window takes the folder from the settings.
    history.close()
    again = window.show_history()
    qtbot.addWidget(again)
    assert len(prompts.folders_asked) == 1 and again.data_dir == os.path.abspath(history_dir)
    again.shutdown()


@pytest.mark.slow
def test_moving_the_year_fast_runs_only_the_year_it_stops_on(window, qtbot, history_dir):
    history = shown(window.show_history(str(history_dir)), qtbot, 1914)
    qtbot.addWidget(history)
    years = []
    history.yearShown.connect(years.append)
    for year in (1900, 1905, 1910, 1930):
        history.set_year(year)
    history.slider.setValue(1949)  # the slider moves the spin box, and the year
    shown(history, qtbot, 1949)
    qtbot.wait(200)  # nothing stale arrives after it
    assert years == [1949] and history.spin.value() == 1949 and "1949" in history.windowTitle()
    assert history.choices.rowCount() == history.plain["state_count"] != 45
    assert "united_states_of_america" not in bloc_with(history, "russia") and "poland" in bloc_with(history, "russia")
    history.shutdown()


@pytest.mark.slow
def test_a_state_drills_down_in_the_scenario_windows_wording(window, qtbot, kb, history_dir):
    history = shown(window.show_history(str(history_dir)), qtbot, 1914)
    qtbot.addWidget(history)
    history.select_state("germany")
    text = history.detail.text()
    choice = history.result.states["germany"]
    assert choice.greatest_threat == "russia" and "austria_hungary" in choice.partners
    assert choice_text(kb, history.result, choice) in text
    assert history.threats.table.item(0, 0).text().startswith(("Russia", "the bloc led by Russia"))
    assert observed_text(history.plain, "germany") in text and "Allied in 1915" in text
    assert history.diagram.selected == "germany" and history.threat_bars.rows
    selected = [history.choices.item(i.row(), 0).text() for i in history.choices.selectedIndexes()]
    assert selected and set(selected) == {"Germany"}
    history.shutdown()


@pytest.mark.slow
def test_open_as_scenario_is_an_unsaved_editable_copy_of_the_year(window, qtbot, prompts, tmp_path, history_dir):
    history = shown(window.show_history(str(history_dir)), qtbot, 1914)
    qtbot.addWidget(history)
    scenario = history.open_as_scenario()
    qtbot.addWidget(scenario)
    qtbot.waitUntil(lambda: scenario.result is not None, timeout=30000)
    assert scenario.path is None and not scenario.read_only
    assert {s["id"] for s in scenario.data["states"]} == set(history.result.states)
    assert scenario.data["year"] == 1914 and scenario.choices.rowCount() == 45
    prompts.save_path = str(tmp_path / "europe-1914")
    assert scenario.save() and (tmp_path / "europe-1914.yaml").is_file()  # Save asked for a name
    assert window.recent.paths()[0] == str(tmp_path / "europe-1914.yaml")
    out = tmp_path / "year.json"
    assert history.export(str(out)) and '"states"' in out.read_text(encoding="utf-8")
    scenario.shutdown()
    history.shutdown()


@pytest.mark.slow
def test_a_folder_without_the_data_gets_the_guide(window, qtbot, prompts, tmp_path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    history = window.show_history(str(empty))
    qtbot.addWidget(history)
    assert prompts.guides == [("The history needs the data of the field", data_guide(empty, missing_data(empty)))]
    assert "cow/nmc-7.0.csv" in prompts.guides[0][1] and not prompts.errors
    assert history.data_dir is None and not history.scenario_button.isEnabled()
    assert window.settings.value(DATA_KEY) in (None, "")  # a folder without data is not kept
    qtbot.wait(100)
    assert history.year is None and not history.analysis.pending
    history.shutdown()


@pytest.mark.slow
def test_a_bad_csv_gets_one_dialog_naming_the_file_and_line(window, qtbot, prompts, tmp_path, history_dir):
    bad = tmp_path / "data"
    shutil.copytree(history_dir, bad)
    nmc = bad / "cow" / "nmc-7.0.csv"
    lines = nmc.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[3] = "eighteen"  # the year of the file's fourth line
    lines[3] = ",".join(fields)
    nmc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    history = window.show_history(str(bad))
    qtbot.addWidget(history)
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=30000)
    assert len(prompts.errors) == 1 and "nmc-7.0.csv:4" in prompts.errors[0], prompts.errors
    assert "Traceback" not in prompts.errors[0] and "internal error" not in prompts.errors[0]
    history.set_year(1920)  # another year: the message again, but no second dialog
    qtbot.waitUntil(lambda: not history.analysis.pending, timeout=30000)
    assert len(prompts.errors) == 1 and history.year is None
    history.shutdown()


# ----------------------------------------------------------------------- the map, the plot, the tooltips (issue 30)
@pytest.mark.slow
def test_the_map_draws_every_state_with_a_capital_and_the_region_narrows_them(window, qtbot, history_dir):
    history = shown(window.show_history(str(history_dir)), qtbot, 1914)
    qtbot.addWidget(history)
    history.set_year(1949)
    shown(history, qtbot, 1949)
    assert history.pictures.currentWidget() is history.world  # 75 states: the map first
    layout = history.world.layout_
    with_capital = set(history.capitals)
    drawn = {m.ccode for m in layout.states.values()}
    assert drawn == with_capital and len(drawn) >= 70
    assert not layout.missing or all(isinstance(n, str) for n in layout.missing)
    every = set(history.states_listed())
    history.region_box.setCurrentIndex(history.region_box.findData("europe"))
    europe = set(history.states_listed())
    assert history.region == "europe" and "france" in europe and "united_states_of_america" not in europe
    assert europe < every and len(europe) >= 20
    seen = set(history.world.visible_states())
    assert {"france", "poland", "italy"} <= seen and "china" not in seen  # the map framed on Europe
    # A click on a state's circle selects it, as a click on its row does.
    qtbot.mouseClick(history.world, Qt.MouseButton.LeftButton, pos=history.world.point_of("russia").toPoint())
    assert history.world.selected == history.diagram.selected == "russia"
    assert history.choices.item(history.choices.currentRow(), 0).data(Qt.ItemDataRole.UserRole) == "russia"
    history.set_region(None)
    assert set(history.states_listed()) == every and history.region_box.currentText() == "World"
    history.shutdown()


@pytest.mark.slow
def test_a_click_on_the_plot_changes_the_year(window, qtbot, history_dir):
    history = shown(window.show_history(str(history_dir)), qtbot, 1914)
    qtbot.addWidget(history)
    plot = history.plot
    assert 1914 in plot.points and set(plot.points[1914]) >= {"Balance of threat", "Blocs predicted"}
    x = plot.x_of(1949)
    qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=QPoint(round(x), plot.height() // 3))
    assert history.spin.value() == 1949
    shown(history, qtbot, 1949)
    assert plot.year == 1949 and 1949 in plot.points
    history.shutdown()


def test_every_score_column_explains_itself(window, qtbot):
    from alliance_advisor.gui.history import HistoryWindow
    from alliance_advisor.presentation.history import COLUMN_HELP, COLUMNS, YEAR_COLUMNS

    history = HistoryWindow(window.kb, settings=window.settings, engine=window.engine)
    qtbot.addWidget(history)
    tips = [history.scores.horizontalHeaderItem(c).toolTip() for c in range(history.scores.columnCount())]
    assert tips == [COLUMN_HELP[c] for c in YEAR_COLUMNS] and all(len(t.split()) >= 8 for t in tips)
    assert all(label in COLUMN_HELP for _, label in COLUMNS)  # the report's columns too
    history.shutdown()


@pytest.mark.slow
@pytest.mark.parametrize("size", ((1024, 700), (1400, 900)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_history_window_cuts_no_text_and_its_map_labels_never_overlap(window, qtbot, app, history_dir, size):
    from test_layout import cut_off, settle

    from alliance_advisor.gui.history import HistoryWindow

    # A window of its own (no parent): the layout check walks up to the top of the window.
    history = HistoryWindow(window.kb, settings=window.settings, engine=window.engine, data_dir=str(history_dir))
    qtbot.addWidget(history)
    history.hide()  # sized before it is shown, as the app and its screenshots are
    history.resize(*size)
    history.show()
    history.set_year(1949)
    shown(history, qtbot, 1949)
    history.select_state("united_kingdom")
    history.world.grab()  # paints, and so places the labels
    settle(app)
    assert not cut_off(history), cut_off(history)
    labels = history.world.labels
    assert any(label.id == "united_kingdom" for label in labels)
    for n, a in enumerate(labels):
        assert 0 <= a.left and a.left + a.width <= history.world.width()
        for b in labels[n + 1 :]:
            assert not a.overlaps((b.left, b.top, b.left + b.width, b.top + b.height)), (a, b)
    history.shutdown()


@pytest.mark.slow
def test_a_state_of_1914_shows_every_powers_threat_points_as_the_json_does(window, qtbot, history_dir):
    history = shown(window.show_history(str(history_dir)), qtbot, 1914)
    qtbot.addWidget(history)
    try:
        for state in ("germany", "belgium"):
            history.select_state(state)
            assert_every_power_with_the_jsons_score(history.threats, history.result, state)
    finally:
        history.shutdown()
