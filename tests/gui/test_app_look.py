"""What the app looks like: the "Unknown" placeholder, the colour schemes, legible figures."""

import pytest
from PySide6.QtGui import QColor, QPalette

from alliance_advisor.gui import style
from alliance_advisor.gui.case import charts
from guifixtures import *  # noqa: F401,F403


def _row_image(combo, row):
    combo.showPopup()
    view = combo.view()
    image = view.viewport().grab(view.visualRect(view.model().index(row, 0))).toImage()
    combo.hidePopup()
    return image


@pytest.mark.slow
def test_only_the_unknown_choice_looks_like_a_placeholder(qtbot, window):
    question = window.form.questions["state_strength"]
    combo = question.combo
    assert combo.currentData() == "unknown" and combo.placeholder_shown()
    closed_unknown = combo.grab().toImage()
    open_while_unknown = [_row_image(combo, row) for row in (2, 3)]
    answer(window, "state_strength", "weak")  # row 1: the highlighted row changes
    assert not combo.placeholder_shown()
    assert combo.grab().toImage() != closed_unknown
    # The other choices of the open list look the same whatever the current answer is:
    # not greyed out, not italic, as they did while the box showed "Unknown".
    assert [_row_image(combo, row) for row in (2, 3)] == open_while_unknown
    assert combo.itemData(0, Qt.FontRole).italic()
    assert all(combo.itemData(row, Qt.FontRole) is None for row in range(1, combo.count()))


@pytest.mark.slow
def test_the_scheme_can_be_forced_and_switched(qtbot, window, app):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    try:
        window.apply_scheme("dark")
        assert style.theme.name == "dark"
        assert app.palette().color(QPalette.Window).lightness() < 60
        assert app.palette().color(QPalette.Text).lightness() > 180
        chart = window.overview.support.grab().toImage()
        assert chart.pixelColor(2, 2).lightness() < 60  # the chart's ground is dark too
        assert QColor(charts.ink("#1f2933")).lightness() > 180  # and its ink light
    finally:
        window.apply_scheme("light")
    assert style.theme.name == "light"
    assert window.overview.support.grab().toImage().pixelColor(2, 2) == QColor("#ffffff")


def test_the_scheme_follows_the_environment_when_forced(monkeypatch, app):
    monkeypatch.setenv("ALLIANCE_COLOR_SCHEME", "dark")
    assert style.forced_scheme() == "dark"
    monkeypatch.setenv("ALLIANCE_COLOR_SCHEME", "sepia")
    assert style.forced_scheme() is None


@pytest.mark.slow
def test_diagram_labels_are_at_least_9_points_at_100_percent(qtbot, window, app):
    window.resize(1024, 700)
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    window.overview.zoom_buttons["100"].click()
    assert window.overview.chain.scale == 1.0
    for figure in (window.overview.chain, window.overview.threat, window.overview.support):
        charts.text_log.smallest = None
        figure.grab()
        assert charts.text_log.smallest is not None
        assert charts.text_log.smallest >= 12 - 0.01, type(figure).__name__  # 9 pt at 96 dpi


@pytest.mark.slow
def test_the_chain_opens_fitted_and_double_click_goes_to_100_percent_and_back(qtbot, window, app):
    window.resize(1024, 700)
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    diagram = window.overview.chain
    viewport = window.overview.chain_scroll.viewport()
    assert diagram.zoom is None and diagram.width() <= viewport.width() + 1  # the whole chain in view
    charts.text_log.smallest = None
    diagram.grab()
    assert charts.text_log.smallest >= charts.FIT_TEXT_PX - 0.01  # shrunk, but no text below 8 px
    assert "Fitted to the window" in window.overview.chain_hint.text()
    qtbot.mouseDClick(diagram, Qt.LeftButton, pos=QPoint(5, 5))
    assert diagram.zoom == 1.0 and diagram.width() > viewport.width()  # at 100% it scrolls sideways
    qtbot.mouseDClick(diagram, Qt.LeftButton, pos=QPoint(5, 5))
    assert diagram.zoom is None and diagram.width() <= viewport.width() + 1


@pytest.mark.slow
def test_the_zoom_buttons_zoom_the_chain(qtbot, window, app):
    window.resize(1024, 700)
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    diagram, buttons = window.overview.chain, window.overview.zoom_buttons
    fitted = diagram.scale
    assert not buttons["fit"].isEnabled()
    buttons["in"].click()
    assert diagram.scale > fitted and buttons["fit"].isEnabled()
    buttons["out"].click()
    buttons["out"].click()
    assert diagram.scale < fitted
    buttons["fit"].click()
    assert diagram.scale == fitted
