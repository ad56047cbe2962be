"""The History window: every year of the state system, 1816-2010, built from the data.

A year slider (and a spin box) picks the year; the one live-analysis worker
(gui/live.py) runs it with the engine context's history job (app/jobs.py), so the
window never blocks and a year dragged past is never run. The year's system is the
scenario window's coalition diagram (presentation/coalitions.py's layout), showing
the blocs balance of threat predicts or the blocs observed (the pairs allied the next
year); beside it the year's scores against the rival theories and each state's
choice, its greatest threat and its partners, in the scenario window's wording
(presentation/). "Open as Scenario" opens the year as a new unsaved scenario, an
editable copy, in the scenario window; Export writes the year's result through the
one export entry (app.export.write).

The data folder is the user's (the data are not shipped): asked for once and kept in
the app's settings. A folder without the data gets the command line's guide in a
dialog; a bad file gets a dialog naming the file and the line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.app.jobs import EngineContext, default_data_dir, history_job, history_sweep_job
from alliance_advisor.gui import msgbox
from alliance_advisor.gui.live import LiveAnalysis
from alliance_advisor.gui.scenario import (
    REPORT_FILTER,
    CoalitionDiagram,
    ScenarioWindow,
    _FittingScroll,
    fill_choices,
    named,
    select_row_of,
)
from alliance_advisor.gui.screens import fit_to_screen
from alliance_advisor.gui.style import esc, theme
from alliance_advisor.gui.threats import THREATS_TAB, ThreatPanel
from alliance_advisor.gui.worldmap import WorldMap
from alliance_advisor.gui.yearplot import YearPlot
from alliance_advisor.presentation.coalitions import LEGEND
from alliance_advisor.presentation.figures import capital
from alliance_advisor.presentation.history import (
    COLUMN_HELP,
    YEAR_COLUMNS,
    observed_text,
    year_heading,
    year_rows,
    year_series,
)
from alliance_advisor.presentation.scenario import blocs_text, choice_text, name_of, why_greatest
from alliance_advisor.presentation.worldmap import recoloured, world_layout
from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.kb import KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.rules.scenario import ScenarioResult

DATA_KEY = "history/data_dir"  # the data folder, in the app's settings
YEAR_KEY = "history/year"
DEFAULT_YEAR = 1914
SETTLE_MS = 60  # a slider being dragged asks for the year it rests on
PREDICTED, OBSERVED = "predicted", "observed"
MAP, COLUMNS = "map", "columns"
BELOW_MIN = 220  # px: the selected state's pane
MAP_FROM = 30  # states: from this many the map is shown first, below it the columns
MAP_LEGEND = (
    "Each state at its capital; circle area: capability (CINC); colour: its bloc, grey unaligned. "
    "Click a state for its greatest threat (red arrow) and partners (dashed). Wheel or +/− to zoom, drag to pan."
)
# The plot's points by data folder, kept while the app runs: a window opened again
# does not run the years again.
_SERIES: dict[str, dict[int, dict[str, float]]] = {}


def sweep_order(first: int, last: int) -> list[int]:
    """The years for the plot, coarse to fine: every tenth year first, then every fifth,
    then the rest, so the plot's shape shows long before every year has been run."""
    years = range(first, last + 1)
    return sorted(years, key=lambda y: (0 if y % 10 == 0 else 1 if y % 5 == 0 else 2, y))


class HistoryWindow(QMainWindow):
    """One year of the state system at a time: its blocs, its scores, each state's choice."""

    yearShown = Signal(int)

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: QSettings | None = None,
        engine: EngineContext | None = None,
        open_scenario: Callable[[dict[str, Any]], ScenarioWindow | None] | None = None,
        data_dir: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kb = kb
        self.settings = settings if settings is not None else QSettings()
        self.engine = engine if engine is not None else EngineContext(kb)
        self._open_scenario = open_scenario  # data -> a scenario window (the main window's)
        self.data_dir: str | None = None
        self.year: int | None = None  # the year on screen (its result has arrived)
        self.plain: dict[str, Any] | None = None  # the year's plain result (rules.history's)
        self.result: ScenarioResult | None = None  # the year's ScenarioResult
        self.error: str | None = None
        self.view = PREDICTED
        self.capitals: dict[int, tuple[float, float]] = {}
        self.region: str | None = None  # the region's key; None: the world
        self.picture: str | None = None  # MAP or COLUMNS once the user has chosen
        self._reported: str | None = None  # the data folder whose read error has had its dialog
        self.setObjectName("historyWindow")
        fit_to_screen(self, 1280, 820)

        self.analysis = LiveAnalysis(self.engine, history_job, self, name="history")
        self.analysis.resultReady.connect(self._on_result)
        self.analysis.failed.connect(self._on_failed)
        self.sweep = LiveAnalysis(self.engine, history_sweep_job, self, name="history-years")
        self.sweep.eventReady.connect(self._on_swept)
        self.sweep.resultReady.connect(self._sweep_ended)
        self.sweep.failed.connect(self._sweep_ended)
        self.sweeping = False  # a sweep over the years is under way
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.request)

        first, last = self.engine.history_years()
        self.slider = named(QSlider(Qt.Orientation.Horizontal), "yearSlider")
        self.slider.setRange(first, last)
        self.slider.setPageStep(10)
        self.slider.setTickInterval(10)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.spin = named(QSpinBox(), "yearSpin")
        self.spin.setRange(first, last)
        self.slider.valueChanged.connect(self.spin.setValue)
        self.spin.valueChanged.connect(self.slider.setValue)
        self.spin.valueChanged.connect(self._year_moved)
        self.predicted_button = named(QRadioButton("Predicted blocs"), "showPredicted")
        self.observed_button = named(QRadioButton("Observed blocs"), "showObserved")
        self.predicted_button.setChecked(True)
        self.predicted_button.setToolTip("The blocs balance of threat predicts from the year's data")
        self.observed_button.setToolTip("The pairs allied (ATOP defence or offence pledge) the next year")
        views = QButtonGroup(self)
        views.addButton(self.predicted_button)
        views.addButton(self.observed_button)
        self.predicted_button.toggled.connect(lambda on: self.show_view(PREDICTED if on else OBSERVED))
        self.scenario_button = QPushButton("Open as Scenario")
        self.scenario_button.setToolTip("The year's system as a new scenario, an editable copy")
        self.scenario_button.clicked.connect(self.open_as_scenario)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.export_dialog)
        self.folder_button = QPushButton("Data Folder…")
        self.folder_button.setToolTip("The folder holding cow/ and history/ (the data are not shipped)")
        self.folder_button.clicked.connect(self.choose_data_dir)
        top = QHBoxLayout()
        top.addWidget(QLabel("Year"))
        top.addWidget(self.slider, 1)
        top.addWidget(self.spin)
        top.addSpacing(12)
        top.addWidget(self.predicted_button)
        top.addWidget(self.observed_button)
        top.addSpacing(12)
        top.addWidget(self.scenario_button)
        top.addWidget(self.export_button)
        top.addWidget(self.folder_button)
        self.plot = YearPlot(first, last)
        self.plot.yearPicked.connect(self.set_year)
        self.message = named(QLabel(wordWrap=True), "historyMessage")
        self.message.setTextFormat(Qt.TextFormat.RichText)

        self.diagram = CoalitionDiagram()
        self.diagram.placeholder = "Reading the data of the field…"
        self.diagram.statePicked.connect(self.select_state)
        self.world = WorldMap()
        self.world.statePicked.connect(self.select_state)
        self.pictures = QStackedWidget()
        self.pictures.addWidget(self.world)
        self.pictures.addWidget(_FittingScroll(self.diagram))
        self.legend = named(QLabel(MAP_LEGEND, wordWrap=True), "coalitionLegend")
        self.legend.setContentsMargins(6, 2, 6, 2)
        pictured = QWidget()
        pictured_column = QVBoxLayout(pictured)
        pictured_column.setContentsMargins(0, 0, 0, 0)
        pictured_column.setSpacing(2)
        pictured_column.addLayout(self._picture_bar())
        pictured_column.addWidget(self.pictures, 1)
        pictured_column.addWidget(self.legend)

        self.scores = named(QTableWidget(), "scores")
        self.scores.setColumnCount(len(YEAR_COLUMNS))
        # Two-line headers (the figures are narrow): "Pairs" over "F1".
        self.scores.setHorizontalHeaderLabels(
            [capital(c).replace(" ", "\n", 1 if n else 0) for n, c in enumerate(YEAR_COLUMNS)]
        )
        for c, key in enumerate(YEAR_COLUMNS):
            header = self.scores.horizontalHeaderItem(c)
            if header is not None:
                header.setToolTip(COLUMN_HELP[key])
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.scores.horizontalHeader().setStretchLastSection(True)
        self.scores.verticalHeader().hide()
        self.scores.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.choices = named(QTableWidget(), "choices")
        self.choices.setColumnCount(4)
        self.choices.setHorizontalHeaderLabels(["State", "Greatest threat", "Threat", "Choice"])
        self.choices.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.choices.verticalHeader().hide()
        self.choices.setWordWrap(True)
        self.choices.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.choices.horizontalHeader().sectionResized.connect(lambda *_: self.choices.resizeRowsToContents())
        self.choices.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.choices.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.choices.itemSelectionChanged.connect(self._choice_selected)
        self.detail = named(QLabel(wordWrap=True), "stateDetail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.threats = ThreatPanel(kb)
        self.threat_bars = self.threats.bars
        selected = QWidget()
        selected_column = QVBoxLayout(selected)
        selected_column.setContentsMargins(6, 6, 6, 6)
        selected_column.addWidget(self.detail)
        selected_column.addWidget(self.threats.sources)
        selected_column.addStretch(1)
        selected_scroll = QScrollArea()
        selected_scroll.setWidget(selected)
        selected_scroll.setWidgetResizable(True)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.scores)
        right.addWidget(self.choices)
        below = QTabWidget()
        below.addTab(selected_scroll, "The selected state")
        below.addTab(self.threats, THREATS_TAB)
        below.setMinimumHeight(BELOW_MIN)  # the heading and a few rows of the table of threats
        right.addWidget(below)
        right.setSizes([190, 330, 220])
        split = QSplitter()
        split.addWidget(pictured)
        split.addWidget(right)
        split.setSizes([560, 720])  # the tables need the room more than the map (about 2:1 wide)
        central = QWidget()
        column = QVBoxLayout(central)
        column.addLayout(top)
        column.addWidget(self.plot)
        column.addWidget(self.message)
        column.addWidget(split, 1)
        self.setCentralWidget(central)
        self._build_menu()
        self._update_title()

        year = cast(int, self.settings.value(YEAR_KEY, DEFAULT_YEAR, type=int))
        self.spin.blockSignals(True)
        self.spin.setValue(min(max(year, first), last))
        self.slider.setValue(self.spin.value())
        self.spin.blockSignals(False)
        self._set_actions_enabled(False)
        # The folder given, else the one remembered, else the environment's ($ALLIANCE_DATA,
        # as the command line and the tests read it): asked for only when none is known.
        chosen = data_dir or cast(str, self.settings.value(DATA_KEY, "")) or default_data_dir()
        if chosen:
            self.set_data_dir(chosen)
        else:
            self.message.setText("Choose the folder holding the data of the field (cow/ and history/).")

    def _picture_bar(self) -> QHBoxLayout:
        """Above the picture: the region, the zoom, and the map or the columns."""
        self.region_box = named(QComboBox(), "regionFilter")
        self.region_box.addItem("World", None)
        for region in self.engine.history_regions():
            self.region_box.addItem(capital(region.name), region.key)
        self.region_box.setToolTip("Zoom the map to a region and list only its states in the table")
        self.region_box.currentIndexChanged.connect(lambda _i: self.set_region(self.region_box.currentData()))
        self.zoom_in = QPushButton("+")
        self.zoom_out = QPushButton("−")
        self.zoom_reset = QPushButton("Fit")
        for button, tip in (
            (self.zoom_in, "Zoom in (or turn the wheel over the map)"),
            (self.zoom_out, "Zoom out"),
            (self.zoom_reset, "Show the whole region again"),
        ):
            button.setToolTip(tip)
            button.setMaximumWidth(max(36, button.fontMetrics().horizontalAdvance(button.text()) + 24))
        self.zoom_in.clicked.connect(lambda: self.world.zoom(1.4))
        self.zoom_out.clicked.connect(lambda: self.world.zoom(1 / 1.4))
        self.zoom_reset.clicked.connect(self.world.reset_zoom)
        self.map_button = named(QRadioButton("Map"), "showMap")
        self.columns_button = named(QRadioButton("Columns"), "showColumns")
        self.map_button.setToolTip("The states on a world map, at their capitals")
        self.columns_button.setToolTip("The blocs as columns of states (readable for small systems)")
        self.map_button.setChecked(True)
        pictures = QButtonGroup(self)
        pictures.addButton(self.map_button)
        pictures.addButton(self.columns_button)
        self.map_button.clicked.connect(lambda: self.show_picture(MAP, chosen=True))
        self.columns_button.clicked.connect(lambda: self.show_picture(COLUMNS, chosen=True))
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Region"))
        bar.addWidget(self.region_box)
        bar.addWidget(self.zoom_out)
        bar.addWidget(self.zoom_in)
        bar.addWidget(self.zoom_reset)
        bar.addStretch(1)
        bar.addWidget(self.map_button)
        bar.addWidget(self.columns_button)
        return bar

    # ------------------------------------------------------------- menus
    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&History")
        for text, handler in (
            ("Open as &Scenario", self.open_as_scenario),
            ("&Export Year…", self.export_dialog),
            ("&Data Folder…", self.choose_data_dir),
            ("&Close", self.close),
        ):
            menu.addAction(text, handler)

    def _update_title(self) -> None:
        year = f" — {self.year}" if self.year is not None else ""
        self.setWindowTitle(f"History of the State System{year}")

    def _set_actions_enabled(self, on: bool) -> None:
        self.scenario_button.setEnabled(on)
        self.export_button.setEnabled(on)

    # ------------------------------------------------------------- the data folder
    def choose_data_dir(self) -> bool:
        """Ask for the data folder (the dialog starts at the current one)."""
        start = self.data_dir or str(Path.home())
        path = msgbox.get_folder(self, "Choose the Data Folder (cow/ and history/)", start)
        if path:
            return self.set_data_dir(path)
        return False

    def set_data_dir(self, path: str | os.PathLike[str]) -> bool:
        """Use ``path``'s data (and remember it); a folder lacking data sets gets the
        command line's guide in a dialog, and the window waits for another folder."""
        path = os.path.abspath(os.fspath(path))
        guide = self.engine.history_guide(path)
        if guide is not None:
            self.data_dir = None
            self.error = guide
            self.message.setText(f"<span style='color:{theme.BAD}'>⚠ {esc(guide.splitlines()[0])}</span>")
            msgbox.guide(self, "The history needs the data of the field", guide)
            return False
        self.data_dir = path
        self.error = None
        self._reported = None
        self.settings.setValue(DATA_KEY, path)
        self.request()
        return True

    # ------------------------------------------------------------- the year
    def set_year(self, year: int) -> None:
        """Move to ``year`` (the slider and the spin box follow); its run is asked for
        once the year rests, a year moved past is never run."""
        self.spin.setValue(year)

    def _year_moved(self, _year: int) -> None:
        self._settle.start()

    def request(self) -> None:
        if self.data_dir is None:
            return
        year = self.spin.value()
        if self.year is None:
            self.message.setText(f"Reading the data of the field and building {year}…")
        if self.sweeping:  # the year asked for first (it stops the sweep); the sweep goes on after it
            self.sweep.request((self.data_dir, []))
        self.analysis.request((self.data_dir, year))
        self.plot.mark(year)

    def _on_result(self, value: tuple[int, dict[str, Any], ScenarioResult, dict[int, tuple[float, float]]]) -> None:
        year, plain, result, capitals = value
        self.year, self.plain, self.result, self.capitals = year, plain, result, capitals
        if self.picture is None:
            self.show_picture(MAP if plain["state_count"] > MAP_FROM else COLUMNS)
        self.error = None
        self.settings.setValue(YEAR_KEY, year)
        self._update_title()
        self._set_actions_enabled(True)
        self.show_view(self.view)
        self._show_scores(plain)
        self._show_choices(result)
        self.message.setText(
            esc(year_heading(plain)) + " " + esc(capital(blocs_text(result))) + ". Click a state to see its threats."
        )
        self.plot.mark(year)
        self._swept(year, plain)
        self._start_sweep()
        self.yearShown.emit(year)

    # ------------------------------------------------------------- the plot over the years
    def _series(self) -> dict[int, dict[str, float]]:
        return _SERIES.setdefault(self.data_dir or "", {})

    def _swept(self, year: int, plain: dict[str, Any]) -> None:
        self._series()[year] = year_series(plain)
        self.plot.add_points([(year, self._series()[year])])

    def _on_swept(self, kind: str, value: Any) -> None:
        if kind == "year":
            self._swept(*value)

    def _start_sweep(self) -> None:
        """Run the years the plot still lacks, on a worker of their own."""
        if self.data_dir is None:
            return
        known = self._series()
        self.plot.set_points(sorted(known.items()))
        missing = [y for y in sweep_order(self.plot.first, self.plot.last) if y not in known]
        if missing:
            self.sweeping = True
            self.sweep.request((self.data_dir, missing))

    def _sweep_ended(self, _value: object) -> None:
        self.sweeping = False

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.message.setText(f"<span style='color:{theme.BAD}'>⚠ {esc(message)}</span>")
        if self._reported != self.data_dir:  # one dialog per folder, not one per year
            self._reported = self.data_dir
            msgbox.error(self, "Cannot read the history data", message)

    def show_view(self, view: str) -> None:
        """The predicted blocs (balance of threat's) or the observed (the next year's alliances)."""
        self.view = view
        button = self.predicted_button if view == PREDICTED else self.observed_button
        if not button.isChecked():
            button.setChecked(True)
        if self.result is None or self.plain is None:
            return
        if view == OBSERVED:
            self.diagram.show_result(self.result, self.plain["observed_blocs"], "Observed")
        else:
            self.diagram.show_result(self.result)
        blocs = self.plain["observed_blocs"] if view == OBSERVED else self.plain["predicted_blocs"]
        layout = self.world.layout_
        if layout is not None and self.world.year == self.year:
            self.world.show_layout(recoloured(layout, blocs))
        else:
            self.world.show_layout(world_layout(self.plain["states"], self.capitals, blocs))
            self.world.year = self.year

    def show_picture(self, picture: str, chosen: bool = False) -> None:
        """The map or the column diagram; ``chosen``: the user's choice, kept for later years
        (else each year takes the map from MAP_FROM states up)."""
        if chosen:
            self.picture = picture
        on_map = picture == MAP
        self.pictures.setCurrentIndex(0 if on_map else 1)
        button = self.map_button if on_map else self.columns_button
        if not button.isChecked():
            button.setChecked(True)
        for widget in (self.zoom_in, self.zoom_out, self.zoom_reset):
            widget.setEnabled(on_map)
        self.legend.setText(MAP_LEGEND if on_map else LEGEND[0])

    def set_region(self, key: str | None) -> None:
        """Frame the map on a region and list only its states (None: the world)."""
        self.region = key
        index = self.region_box.findData(key)
        if index >= 0 and index != self.region_box.currentIndex():
            self.region_box.setCurrentIndex(index)
        self.world.set_region(key)
        self._filter_choices()

    def states_listed(self) -> list[str]:
        """The states the table of choices shows (the region's, or all)."""
        out = []
        for r in range(self.choices.rowCount()):
            item = self.choices.item(r, 0)
            if item is not None and not self.choices.isRowHidden(r):
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _filter_choices(self) -> None:
        if self.plain is None:
            return
        held = None
        if self.region is not None:
            region = next(r for r in self.engine.history_regions() if r.key == self.region)
            held = {sid for sid, st in self.plain["states"].items() if region.holds(int(st["cow_code"]))}
        for r in range(self.choices.rowCount()):
            item = self.choices.item(r, 0)
            sid = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            self.choices.setRowHidden(r, held is not None and sid not in held)

    def blocs_shown(self) -> list[list[str]]:
        """The blocs the diagram shows (lists of state ids), for views and tests."""
        layout = self.diagram.layout_
        if layout is None:
            return []
        blocs: dict[int, list[str]] = {}
        for node in layout.nodes.values():
            if node.bloc is not None:
                blocs.setdefault(node.bloc, []).append(node.id)
        return [blocs[k] for k in sorted(blocs)]

    def _show_scores(self, plain: dict[str, Any]) -> None:
        rows = year_rows(plain)
        self.scores.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.scores.setItem(r, c, item)

    def _show_choices(self, result: ScenarioResult) -> None:
        fill_choices(self.choices, self.kb, result, name_width=150)
        self._filter_choices()
        if self.diagram.selected in result.states:
            self.select_state(self.diagram.selected)
        else:
            self.diagram.selected = None
            self.world.selected = None
            self.detail.setText("")
            self.threats.clear()

    # ------------------------------------------------------------- drill down
    def select_state(self, state: str) -> None:
        if self.result is None or self.plain is None or state not in self.result.states:
            return
        self.diagram.select(state)
        self.world.select(state)
        result = self.result
        choice = result.states[state]
        select_row_of(self.choices, state)
        self.threats.show_choice(result, choice)
        why = why_greatest(self.kb, result, choice)
        self.detail.setText(
            f"<b>{esc(name_of(result, state))}</b>: {esc(choice_text(self.kb, result, choice))}"
            + (f"<br>{esc(why)}" if why else "")
            + f"<br>{esc(observed_text(self.plain, state))}"
        )

    def _choice_selected(self) -> None:
        items = self.choices.selectedItems()
        if items:
            self.select_state(items[0].data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------- scenario and export
    def open_as_scenario(self) -> ScenarioWindow | None:
        """The year on screen as a new, unsaved scenario (Save asks for its name)."""
        if self.data_dir is None or self.year is None:
            return None
        try:
            data = self.engine.history_scenario(self.data_dir, self.year)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot open the year as a scenario", str(exc))
            return None
        if self._open_scenario is not None:
            return self._open_scenario(data)
        window = ScenarioWindow(self.kb, data, engine=self.engine, parent=self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def export_dialog(self) -> bool:
        if self.result is None:
            return False
        suggested = os.path.join(str(Path.home()), f"state-system-{self.year}.html")
        path, _chosen = msgbox.get_save_path(self, "Export the Year", suggested, REPORT_FILTER)
        return self.export(path) if path else False

    def export(self, path: str, paper: str | None = None) -> bool:
        """The year's result with every explanation (run here: about a second for
        1914) through the one export entry, as the scenario window's export."""
        from alliance_advisor.app.export import format_for_path, write

        paper = paper or cast(str, self.settings.value("export/paper", "a4"))
        if self.result is None:
            return False
        try:
            write(self.engine.run_scenario(self.result.scenario), path, format_for_path(path) or "html", paper)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot export report", str(exc))
            return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self._settle.stop()
        self.analysis.shutdown()
        self.sweep.shutdown()
