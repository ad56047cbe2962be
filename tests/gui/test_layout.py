"""Nothing the user must read is cut off, from 800x600 up.

At each window size, every tab of the results and both panels on the left, each
visible label, answer box and text field must show its whole text: a plain label
its full advance, a word-wrapped one the height its wrapped text needs (and no word
wider than the label), an answer box its current and its widest choice, a text field
its text. A widget pushed past the edge of something that does not scroll sideways
counts as cut off too."""

import pytest
from PySide6.QtGui import Qt as QtGui_Qt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QDockWidget,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QWidget,
)

from conftest import ROOT
from guifixtures import *  # noqa: F401,F403

SIZES = ((800, 600), (1024, 700), (1400, 900))
SLACK = 1  # px: rounding between the metrics and the layout


def _needed(label, width=None):
    """(width, height) the label's text needs, laid out as QLabel lays it out."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(label.font())
    rich = label.textFormat() == Qt.RichText
    if rich or (label.textFormat() == Qt.AutoText and QtGui_Qt.mightBeRichText(label.text())):
        doc.setHtml(label.text())
    else:
        doc.setPlainText(label.text())
    if width is not None:
        doc.setTextWidth(width)
    return doc.idealWidth(), doc.size().height()


def _clipped_sideways(widget, window):
    """True when an ancestor cuts the widget off sideways. Inside something that
    scrolls sideways the widget can be scrolled to: from there the scroll area
    itself must fit."""
    parent = widget.parentWidget()
    while parent is not None and widget is not window:
        area = parent.parentWidget()
        if (
            isinstance(area, QAbstractScrollArea)
            and area.viewport() is parent
            and area.horizontalScrollBarPolicy() != Qt.ScrollBarAlwaysOff
        ):
            widget, parent = area, area.parentWidget()
            continue
        left = widget.mapTo(parent, widget.rect().topLeft()).x()
        if left < -SLACK or left + widget.width() > parent.width() + SLACK:
            return True
        parent = parent.parentWidget()
    return False


def _shown(widget, window):
    """Visible to the user: not in a dock that sits behind another dock's tab."""
    if not widget.isVisible() or widget.window() is not window:
        return False
    dock = widget.parentWidget()
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    return dock is None or not dock.visibleRegion().isEmpty()


def _rich(label):
    return label.textFormat() == Qt.RichText or (
        label.textFormat() == Qt.AutoText and QtGui_Qt.mightBeRichText(label.text())
    )


def _label_problem(label):
    text = label.text()
    if not text.strip() or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    rect = label.contentsRect()
    width = rect.width() - 2 * max(label.margin(), 0)
    metrics = label.fontMetrics()
    if label.wordWrap():
        ideal, height = _needed(label, width)
        if not _rich(label):  # the font's own metrics, letter spacing included
            ideal = max([ideal] + [metrics.horizontalAdvance(word) for word in text.split()])
        height = max(height, label.heightForWidth(label.width()))
        if ideal > width + SLACK:
            return f"a word is wider than the label ({ideal:.0f} > {width})"
        if height > label.height() + SLACK:
            return f"wrapped text needs {height:.0f} px, has {label.height()}"
        return None
    ideal, height = _needed(label)
    if not _rich(label):
        ideal = max(ideal, metrics.horizontalAdvance(text))
    if ideal > width + SLACK:
        return f"needs {ideal:.0f} px, has {width}"
    if metrics.height() > rect.height() + SLACK:
        return f"needs {metrics.height()} px high, has {rect.height()}"
    return None


def _combo_problem(combo):
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxEditField, combo)
    metrics = combo.fontMetrics()
    widest = max((combo.itemText(i) for i in range(combo.count())), key=metrics.horizontalAdvance, default="")
    for what, text in (("current", combo.currentText()), ("widest", widest)):
        if metrics.horizontalAdvance(text) > field.width() + SLACK:
            return f"{what} choice {text!r} needs {metrics.horizontalAdvance(text)} px, has {field.width()}"
    return None


def _edit_problem(edit):
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    room = edit.style().subElementRect(QStyle.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    width = room.width() - margins.left() - margins.right() - 4  # QLineEdit keeps 2 px each side
    needed = edit.fontMetrics().horizontalAdvance(edit.text())
    return f"needs {needed} px, has {width}" if needed > width + SLACK else None


def cut_off(window):
    problems = []
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo_problem(widget)
        elif isinstance(widget, QLineEdit) and not isinstance(widget.parentWidget(), QComboBox):
            problem = _edit_problem(widget)
        else:
            continue
        if problem is None and _clipped_sideways(widget, window):
            problem = "cut off at the edge of its panel"
        if problem:
            name = widget.objectName() or type(widget).__name__
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            problems.append(f"{name} {text[:40]!r}: {problem}")
    return problems


def settle(app):
    for _ in range(4):
        app.processEvents()


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_text_is_cut_off(qtbot, app, window, size):
    window.hide()  # sized before it is shown, as the app and its screenshots are
    window.resize(*size)
    window.show()
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    settle(app)
    shrunk = window.width() <= size[0] and window.height() <= size[1]
    found = {}
    for dock in (window.form_dock, window.library_dock):
        dock.show()
        dock.raise_()
        if dock is window.library_dock:
            window.library.ensure_loaded()
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            settle(app)
            for problem in cut_off(window):
                found.setdefault(problem, (dock.windowTitle(), window.tabs.tabText(index)))
    assert shrunk, f"the window cannot shrink to {size}: it stays {window.width()}x{window.height()}"
    assert not found, "\n".join(f"[{where[0]} / {where[1]}] {p}" for p, where in found.items())


@pytest.mark.slow
def test_the_form_panel_comes_back_to_a_usable_width(qtbot, app, window):
    window.resize(1400, 900)
    settle(app)
    wide = window.form_dock.width()
    window.resize(800, 600)
    settle(app)
    window.resize(1400, 900)
    settle(app)
    assert window.form_dock.width() >= min(wide, 400)


@pytest.mark.slow
def test_a_degenerate_saved_layout_is_not_restored(qtbot, make_window, app):
    first = make_window()
    first.resize(1400, 900)
    settle(app)
    first.resizeDocks([first.form_dock], [40], Qt.Horizontal)  # whatever Qt allows as the narrowest
    settle(app)
    first.close()
    second = make_window()
    second.resize(1400, 900)
    settle(app)
    assert second.form_dock.width() >= 300


def _visible_in(widget, rect, area):
    """``rect`` (in ``widget``'s coordinates) lies wholly inside the scroll area's viewport."""
    from PySide6.QtCore import QRect

    top_left = widget.mapTo(area.viewport(), rect.topLeft())
    return area.viewport().rect().contains(QRect(top_left, rect.size()))


@pytest.mark.slow
@pytest.mark.parametrize("size", ((1024, 700), (1400, 900)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_verdict_box_of_the_chain_is_in_view_without_scrolling(qtbot, app, window, size):
    from PySide6.QtCore import QRect

    window.hide()
    window.resize(*size)
    window.show()
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    settle(app)
    overview, chain = window.overview, window.overview.chain
    verdict = next(n for n in chain.layout_.nodes if n.emphasis)
    box = QRect(
        round(chain._offset() + verdict.x * chain.scale),
        round(verdict.y * chain.scale),
        round(verdict.w * chain.scale),
        round(verdict.h * chain.scale),
    )
    assert overview.verticalScrollBar().value() == 0 and overview.chain_scroll.horizontalScrollBar().value() == 0
    assert _visible_in(chain, box, overview.chain_scroll), "the verdict is off to the side of the chain"
    assert _visible_in(chain, box, overview), "the verdict is below the fold of the overview"


def _tab_titles_problems(tabs):
    """Every tab's title whole and in view: no scroll arrows hiding tabs, no title elided."""
    bar = tabs.tabBar()
    problems = []
    for index in range(bar.count()):
        rect = bar.tabRect(index)
        text = bar.tabText(index)
        if rect.left() < 0 or rect.right() > bar.width() or bar.mapTo(tabs, rect.topRight()).x() > tabs.width():
            problems.append(f"tab {text!r} is out of view")
        elif bar.fontMetrics().horizontalAdvance(text) > rect.width():
            problems.append(f"tab {text!r} is cut")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_result_tab_title_is_in_view(qtbot, app, window, size):
    window.hide()
    window.resize(*size)
    window.show()
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    settle(app)
    assert not _tab_titles_problems(window.tabs)


def _fits_the_screen(window):
    room = window.screen().availableGeometry()
    return window.width() <= room.width() and window.height() <= room.height()


@pytest.mark.slow
def test_the_windows_open_no_larger_than_the_available_screen(qtbot, app, window):
    # The offscreen screen is 800x800: smaller than the 1400x900 the main window would like.
    assert window.screen().availableGeometry().height() < 900
    assert _fits_the_screen(window), f"{window.width()}x{window.height()}"
    scenario = window.open_scenario_path(str(ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"))
    try:
        assert _fits_the_screen(scenario), f"{scenario.width()}x{scenario.height()}"
    finally:
        scenario.shutdown()


@pytest.mark.slow
@pytest.mark.parametrize("size", ((1024, 700), (1400, 900)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_library_columns_show_their_whole_text_without_scrolling_sideways(qtbot, app, window, size):
    window.hide()
    window.resize(*size)
    window.show()
    window.show_library()
    settle(app)
    library = window.library
    header, metrics = library.table.horizontalHeader(), library.table.fontMetrics()
    for column in range(1, library.model.columnCount()):
        heading = header.fontMetrics().horizontalAdvance(library.model.headerData(column, Qt.Horizontal))
        words = [w for r in range(library.model.rowCount()) for w in str(library.model.index(r, column).data()).split()]
        widest = max(metrics.horizontalAdvance(w) for w in words)
        assert header.sectionSize(column) >= max(heading, widest) + 8, (column, header.sectionSize(column))
    used = sum(header.sectionSize(c) for c in range(library.model.columnCount()))
    assert used <= library.table.viewport().width() + SLACK, "the table scrolls sideways"
    assert header.sectionSize(0) >= library.TITLE_MIN


@pytest.mark.slow
@pytest.mark.parametrize("size", ((1024, 700), (1400, 900)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_scenario_windows_explanation_and_rival_theories_have_room(qtbot, app, window, size):
    scenario = window.open_scenario_path(str(ROOT / "knowledge" / "scenarios" / "europe_1949.yaml"))
    try:
        scenario.resize(*size)
        qtbot.waitUntil(lambda: scenario.result is not None, timeout=60_000)
        scenario.select_state("soviet_union")
        settle(app)
        pane = scenario.detail.parentWidget().parentWidget().parentWidget()  # the selected state's scroll area
        assert pane.height() >= 180, pane.height()
        rivals = scenario.rivals
        rows = sum(rivals.rowHeight(r) for r in range(rivals.rowCount()))
        assert rivals.rowCount() == 3 and rivals.minimumHeight() >= rows + rivals.horizontalHeader().height()
        bars = scenario.threat_bars
        metrics = bars.fontMetrics()
        assert all(metrics.horizontalAdvance(r[0]) + 8 <= bars.label_width() for r in bars.rows)
    finally:
        scenario.shutdown()


def _rows_out_of_view(table):
    """The rows of ``table`` not wholly in view: outside its viewport, or in a part of
    the viewport that its window cuts off (a table taller than the pane holding it)."""
    from PySide6.QtGui import QRegion

    viewport = table.viewport()
    seen = viewport.visibleRegion()
    hidden = []
    for row in range(table.rowCount()):
        rect = table.visualRect(table.model().index(row, 0))
        for column in range(1, table.columnCount()):
            rect = rect.united(table.visualRect(table.model().index(row, column)))
        if not viewport.rect().contains(rect) or seen.intersected(QRegion(rect)) != QRegion(rect):
            hidden.append((row, rect.top(), rect.height(), seen.boundingRect().height()))
    return hidden


@pytest.mark.slow
@pytest.mark.parametrize("size", ((1024, 700), (1400, 900)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_rival_theory_is_in_view_in_the_scenario_window(qtbot, app, window, size):
    scenario = window.open_scenario_path(str(ROOT / "knowledge" / "scenarios" / "europe_1949.yaml"))
    try:
        scenario.resize(*size)
        scenario.show()
        qtbot.waitUntil(lambda: scenario.result is not None, timeout=60_000)
        scenario.select_state("soviet_union")
        rivals = scenario.rivals
        rivals.parentWidget().parentWidget().setCurrentWidget(rivals)  # the "Rival theories" tab
        settle(app)
        assert rivals.rowCount() == 3
        assert rivals.horizontalScrollBar().maximum() == 0, "the rival theories scroll sideways"
        assert not _rows_out_of_view(rivals), _rows_out_of_view(rivals)
    finally:
        scenario.shutdown()


@pytest.mark.slow
def test_the_threat_bands_names_never_overlap_at_any_width(qtbot, app, window):
    from alliance_advisor.gui.case.charts import ThreatProfileChart

    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    chart = ThreatProfileChart()
    qtbot.addWidget(chart)
    chart.show_result(window.overview.threat.result)
    names = {"Low", "Moderate", "High", "Severe"}
    for width in (180, 260, 340, 420, 560, 700, 1000):
        chart.resize(width, chart.minimumHeight())
        chart.grab()  # paints: the chart lays its labels out as it draws them
        rects = chart.band_label_rects
        assert rects, width
        for i, rect in enumerate(rects):
            assert chart.rect().toRectF().contains(rect), (width, rect)
            for other in rects[i + 1 :]:
                assert not rect.intersects(other), (width, rect, other)
        if width >= 700:  # room for every band's whole name
            assert {label.text for label in chart.band_labels} == names, width
    # Narrow, some names are shortened or left out: the tooltip has them all.
    chart.resize(260, chart.minimumHeight())
    chart.grab()
    assert any(label.text != label.name for label in chart.band_labels)
    assert all(name.lower() in chart.toolTip().lower() for name in names)
