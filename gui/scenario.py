"""The scenario window: a system of powers, its coalitions, and each state's choice.

The window is a view of a ScenarioDocument (gui/document.py: the scenario as plain
data, its path, its undo stack); every edit makes new data, which the engine context
validates as it stands (the same checks as on the command line, no YAML text in
between) and the one live-analysis worker (gui/live.py) runs on its thread. Files go
through the file controller the case window uses (gui/files.py). The coalition diagram is the
reports' layout (presentation/coalitions.py) painted with QPainter; a state's row
opens its choice against its greatest threat as a case in the main window, with all
the existing explanations. An invalid edit is marked with the loader's message and the
last good result stays on screen; nothing typed is lost.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QCloseEvent,
    QColor,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.app import edits
from alliance_advisor.app.jobs import EngineContext, scenario_job
from alliance_advisor.gui import msgbox
from alliance_advisor.gui.document import ScenarioDocument
from alliance_advisor.gui.files import FileController
from alliance_advisor.gui.live import LiveAnalysis
from alliance_advisor.gui.rivals import RivalTable
from alliance_advisor.gui.screens import fit_to_screen
from alliance_advisor.gui.style import esc, theme
from alliance_advisor.gui.tabs import FittingTabs
from alliance_advisor.gui.threats import THREATS_TAB, ThreatPanel
from alliance_advisor.presentation.coalitions import THREAT, WRONG, coalition_layout
from alliance_advisor.presentation.figures import capital
from alliance_advisor.presentation.scenario import (
    blocs_text,
    choice_text,
    name_of,
    why_greatest,
)
from alliance_advisor.presentation.wording import rests_on_text
from alliance_advisor.rules.case import Case
from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.kb import KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.gui.autosave import Autosave
    from alliance_advisor.presentation.coalitions import CoalitionLayout
    from alliance_advisor.rules.scenario import BlocMove, ScenarioResult

SCENARIO_FILTER = "Scenarios (*.yaml *.yml);;All files (*)"
REPORT_FILTER = "HTML report (*.html);;PDF report (*.pdf);;Markdown report (*.md);;JSON result (*.json)"
INTENT_COLOURS = {
    "benign": "#cfe8d6",
    "ambiguous": "#eef1f5",
    "aggressive": "#f3cfb0",
    "unalterably_aggressive": "#e39a8f",
}
_Named = TypeVar("_Named", bound=QObject)


def named(widget: _Named, name: str) -> _Named:
    """``widget`` with its object name (how tests and style sheets find it)."""
    widget.setObjectName(name)
    return widget


class CoalitionDiagram(QWidget):
    """The coalition diagram, painted from the reports' layout; a click picks a state."""

    statePicked = Signal(str)

    MIN_SCALE = 0.65  # shrunk to fit no further than this; below it, it scrolls

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_: CoalitionLayout | None = None
        self.selected: str | None = None
        self.scale = 1.0
        self.setMinimumSize(320, 200)

    placeholder = "Analysing the scenario…"  # what shows before the first result

    def show_result(
        self, result: ScenarioResult, blocs: Sequence[Sequence[str]] | None = None, title: str = "Bloc"
    ) -> None:
        """The result's predicted blocs, or ``blocs`` of the same states (the observed)."""
        self.layout_ = coalition_layout(result, blocs, title)
        parent = self.parentWidget()
        self.fit(parent.size() if parent else self.size())
        self.updateGeometry()
        self.update()

    def fit(self, room: QSize) -> None:
        """Shrink the diagram into ``room`` (down to MIN_SCALE), so it shows whole."""
        if self.layout_ is None:
            return
        w, h = self.layout_.width, self.layout_.height
        self.scale = max(self.MIN_SCALE, min(1.0, room.width() / w, room.height() / h))
        self.setMinimumSize(int(w * self.scale), int(h * self.scale))

    def sizeHint(self) -> QSize:
        if self.layout_ is None:
            return QSize(480, 320)
        return QSize(int(self.layout_.width * self.scale), int(self.layout_.height * self.scale))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.layout_ is not None:
            state = self.layout_.node_at(event.position().x() / self.scale, event.position().y() / self.scale)
            if state:
                self.select(state)
                self.statePicked.emit(state)

    def select(self, state: str | None) -> None:
        self.selected = state
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.PANEL))
        layout = self.layout_
        if layout is None:
            painter.setPen(QColor(theme.FAINT))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        painter.scale(self.scale, self.scale)
        font = painter.font()
        for title, centre, colour in layout.columns:
            bold = painter.font()
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(QColor(colour))
            painter.drawText(QPointF(centre - 10, 30), title.upper())
            painter.setFont(font)
        painter.setPen(QPen(QColor(theme.RULE_LINE), 1))
        for a, b in layout.partners:
            na, nb = layout.nodes[a], layout.nodes[b]
            painter.drawLine(QPointF(na.x, na.y), QPointF(nb.x, nb.y))
        threat = QColor("#b4493d")
        threat.setAlpha(150)
        painter.setPen(QPen(threat, 1.2))
        for a, b in layout.threats:
            na, nb = layout.nodes[a], layout.nodes[b]
            path = QPainterPath(QPointF(na.x, na.y))
            mid = QPointF((na.x + nb.x) / 2 - (nb.y - na.y) * 0.2, (na.y + nb.y) / 2 + (nb.x - na.x) * 0.2)
            path.quadTo(mid, QPointF(nb.x, nb.y))
            painter.drawPath(path)
        for node in layout.nodes.values():
            if node.misassigned:
                painter.setPen(QPen(QColor("#d08700"), 2, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(node.x, node.y), node.r + 4, node.r + 4)
            fill = QColor(node.colour)
            painter.setPen(QPen(QColor(theme.INK), 2.5) if node.id == self.selected else QPen(QColor("white"), 1.5))
            painter.setBrush(QBrush(fill))
            painter.drawEllipse(QPointF(node.x, node.y), node.r, node.r)
            painter.setPen(QColor("#d08700") if node.misassigned else QColor(theme.INK))
            painter.drawText(
                QRectF(node.x + node.r + 8, node.y - 9, 160, 18),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                node.name,
            )


class _FittingScroll(QScrollArea):
    """Scrolls the coalition diagram only when shrinking it to fit is not enough."""

    def __init__(self, diagram: CoalitionDiagram) -> None:
        super().__init__()
        self.diagram = diagram
        self.setWidget(diagram)
        self.setWidgetResizable(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.diagram.fit(self.maximumViewportSize())
        super().resizeEvent(event)


def coalition_legend_html() -> str:
    """What the diagram's marks mean (the reports say the same under their figure)."""
    return (
        "<span style='font-size:small'>"
        "Circle size: the state's capability · "
        f"<span style='color:{THREAT}'>\u2501</span> to its greatest threat · "
        f"<span style='color:{theme.RULE_LINE}'>\u2501</span> balancing partners · "
        f"<span style='color:{WRONG}'>\u25cc dashed ring, orange name</span>: "
        "a state the observed blocs place elsewhere</span>"
    )


def fill_choices(table: QTableWidget, kb: KnowledgeBase, result: ScenarioResult, name_width: int) -> None:
    """The table of choices: each state, its greatest threat, the threat's level and score,
    and its choice; a state placed against the observed blocs in orange. Each row keeps its
    state's id (Qt.ItemDataRole.UserRole); the names stay whole up to ``name_width``, the choice takes the rest."""
    table.setRowCount(len(result.states))
    for row, (sid, choice) in enumerate(result.states.items()):
        top = choice.threats[0]
        cells = (
            name_of(result, sid),
            name_of(result, choice.greatest_threat) + (" (bloc)" if top.is_bloc else ""),
            f"{top.threat_level or 'open'} ({top.score})",
            choice_text(kb, result, choice),
        )
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, sid)
            if result.agreement is not None and not result.agreement[sid]:
                item.setForeground(QColor("#a35f00"))
            table.setItem(row, col, item)
    for col in range(3):
        table.resizeColumnToContents(col)
        table.setColumnWidth(col, min(table.columnWidth(col), name_width))
    table.resizeRowsToContents()


def select_row_of(table: QTableWidget, state: str) -> None:
    """Select, without signalling, the row of a table of choices that holds ``state``."""
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == state:
            table.blockSignals(True)
            table.selectRow(row)
            table.blockSignals(False)


class _IntentDelegate(QStyledItemDelegate):
    """A combo box of the intentions' levels for a cell of the perception matrix."""

    def __init__(self, levels: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.levels = levels

    # Qt takes no editor (None) for a cell that has none, the diagonal; the stub says
    # an editor always.
    def createEditor(  # type: ignore[override]
        self, parent: QWidget, _option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget | None:
        if index.row() == index.column():
            return None
        box = QComboBox(parent)
        box.addItems(self.levels)
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "ambiguous")

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class ScenarioWindow(QMainWindow):
    """One scenario: its data in tables, the coalitions, each state's choice."""

    resultShown = Signal(object)
    BELOW_MIN = 220  # px: the selected state's explanation and the rival theories

    def __init__(
        self,
        kb: KnowledgeBase,
        data: dict[str, Any],
        path: str | None = None,
        read_only: bool = False,
        open_case: Callable[[Case], object] | None = None,
        parent: QWidget | None = None,
        recovered: bool = False,
        engine: EngineContext | None = None,
        files: FileController | None = None,
    ) -> None:
        super().__init__(parent)
        self.kb = kb
        self.engine = engine if engine is not None else EngineContext(kb)
        if files is None:
            from PySide6.QtCore import QSettings

            from alliance_advisor.gui.recent import RecentFiles

            files = FileController(RecentFiles(QSettings()))
        self.files = files
        self.document = ScenarioDocument(
            data, path=path, read_only=read_only, recovered=recovered, parent=self, engine=self.engine
        )
        self.result: ScenarioResult | None = None
        self.explained = False  # whether the result carries every state's explanation
        self.error: str | None = None
        self._open_case = open_case
        self._filling = False
        self.setObjectName("scenarioWindow")
        fit_to_screen(self, 1200, 800)

        self.analysis = LiveAnalysis(self.engine, scenario_job, self, name="scenario")
        self.analysis.resultReady.connect(self._on_finished)
        self.analysis.eventReady.connect(self._on_event)
        self.analysis.failed.connect(self._on_failed)

        self.states_table = named(QTableWidget(), "states")
        self.states_table.setColumnCount(3)
        # Two-line headers, sized to their contents; the name takes the rest.
        self.states_table.setHorizontalHeaderLabels(["State", "Capability", "Offensive\ncapability"])
        header = self.states_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.states_table.itemChanged.connect(self._state_edited)
        self.perceptions = named(QTableWidget(), "perceptions")
        self.perceptions.setItemDelegate(_IntentDelegate(list(kb.factor("intentions").level_ids), self))
        self.perceptions.itemChanged.connect(self._perception_edited)
        self.perceptions.setToolTip("Row sees column: how each state's leaders see the others' aims")
        self.neighbours = named(QTableWidget(), "neighbours")
        self.neighbours.itemChanged.connect(self._neighbour_edited)
        self.neighbours.setToolTip("Tick the pairs that share a border or a short sea crossing (symmetric)")
        system = QWidget()
        form = QFormLayout(system)
        self.war = named(QComboBox(), "war")
        self.war.addItems(["peace", "early_war", "late_war"])
        self.war.currentTextChanged.connect(self._war_edited)
        self.alignments = named(QPlainTextEdit(), "alignments")
        self.alignments.setPlaceholderText("One alliance in force per line: state ids separated by commas")
        self.alignments_apply = QPushButton("Apply")
        self.alignments_apply.clicked.connect(self._alignments_edited)
        self.regions = named(QPlainTextEdit(), "regions")
        self.regions.setPlaceholderText("One region per line: name: state ids separated by commas")
        self.overrides = named(QPlainTextEdit(), "overrides")
        self.overrides.setPlaceholderText(
            "One override per line: state, power, factor, level (e.g. poland, germany, ally_availability, none)"
        )
        form.addRow("War", self.war)
        form.addRow("Alliances in force", self.alignments)
        form.addRow("Regions", self.regions)
        form.addRow("Overrides of derived answers", self.overrides)
        form.addRow("", self.alignments_apply)
        states_page = QWidget()
        states_column = QVBoxLayout(states_page)
        states_column.setContentsMargins(0, 0, 0, 0)
        states_column.addWidget(self.states_table, 1)
        buttons = QHBoxLayout()
        self.add_state_button = QPushButton("Add State")
        self.add_state_button.clicked.connect(self.add_state)
        self.remove_state_button = QPushButton("Remove State")
        self.remove_state_button.clicked.connect(self.remove_selected_state)
        buttons.addWidget(self.add_state_button)
        buttons.addWidget(self.remove_state_button)
        buttons.addStretch(1)
        states_column.addLayout(buttons)
        edit_tabs = self.edit_tabs = FittingTabs()
        edit_tabs.add_tab(states_page, "States")
        edit_tabs.add_tab(self.perceptions, "Perceptions")
        edit_tabs.add_tab(self.neighbours, "Neighbours")
        edit_tabs.add_tab(system, "War and alliances", "War")
        self.message = named(QLabel(wordWrap=True), "scenarioMessage")
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(self.message)
        column.addWidget(edit_tabs, 1)

        self.diagram = CoalitionDiagram()
        self.diagram.statePicked.connect(self.select_state)
        scroll = _FittingScroll(self.diagram)
        self.legend = named(QLabel(coalition_legend_html(), wordWrap=True), "coalitionLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setContentsMargins(6, 2, 6, 2)
        pictured = QWidget()
        pictured_column = QVBoxLayout(pictured)
        pictured_column.setContentsMargins(0, 0, 0, 0)
        pictured_column.setSpacing(2)
        pictured_column.addWidget(scroll, 1)
        pictured_column.addWidget(self.legend)
        self.choices = named(QTableWidget(), "choices")
        self.choices.setColumnCount(4)
        self.choices.setHorizontalHeaderLabels(["State", "Greatest threat", "Threat", "Choice"])
        self.choices.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.choices.verticalHeader().hide()  # the state's name says which row it is
        self.choices.setWordWrap(True)  # a long choice wraps in its row instead of ending in "…"
        self.choices.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.choices.horizontalHeader().sectionResized.connect(lambda *_: self.choices.resizeRowsToContents())
        self.choices.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.choices.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.choices.itemSelectionChanged.connect(self._choice_selected)
        self.choices.cellDoubleClicked.connect(lambda row, _col: self.open_selected_case())
        self.detail = named(QLabel(wordWrap=True), "stateDetail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # The single changes of perception that would move a state to another bloc;
        # double-click one to make it.
        self.moves_list = named(QListWidget(), "moves")
        self.moves_list.itemDoubleClicked.connect(self._apply_move)
        self.moves_list.setToolTip("Double-click a change to make it (Undo takes it back)")
        self.moves: list[BlocMove] = []
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
        below = QTabWidget()
        below.addTab(selected_scroll, "The selected state")
        below.addTab(self.threats, THREATS_TAB)
        below.addTab(self.moves_list, "What would move a bloc")
        # The rival theories on the same scenario, side by side with ours against the observed blocs.
        self.rivals = named(RivalTable(), "rivals")
        below.addTab(self.rivals, "Rival theories")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(pictured)
        right.addWidget(self.choices)
        right.addWidget(below)
        # The selected state's explanation and the rival theories need room to be read:
        # the lower pane gets a third of the height, never less than BELOW_MIN, nor less
        # than every rival theory's row needs.
        below.setMinimumHeight(self.BELOW_MIN)
        self.rivals.neededHeight.connect(
            lambda table: below.setMinimumHeight(max(self.BELOW_MIN, table + below.tabBar().sizeHint().height() + 4))
        )
        right.setSizes([340, 220, 300])
        for index, stretch in enumerate((3, 2, 3)):
            right.setStretchFactor(index, stretch)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([420, 780])
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.setCentralWidget(split)
        self._build_menu()
        self._fill_tables()
        self.document.contentChanged.connect(self._changed)
        self.document.stateChanged.connect(self._update_title)
        if recovered:
            self._autosave()  # recovered work is unsaved work
        self._update_title()
        self.request()

    # ------------------------------------------------------------- the document
    # What the window shows is the document's; these read it (tests and views).
    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    @property
    def path(self) -> str | None:
        return self.document.path

    @property
    def read_only(self) -> bool:
        return self.document.read_only

    @property
    def dirty(self) -> bool:
        return self.document.modified

    @property
    def undo_stack(self) -> QUndoStack:
        return self.document.undo_stack

    @property
    def autosave(self) -> Autosave | None:
        """The scenario's autosave file (the file controller keeps it), or None."""
        autosave: Autosave | None = self.files.autosave_of(self.document)
        return autosave

    # ------------------------------------------------------------- menus
    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Scenario")
        for text, shortcut, handler in (
            ("&Save", QKeySequence.StandardKey.Save, self.save),
            ("Save &As…", QKeySequence.StandardKey.SaveAs, self.save_as),
            ("Edit a &Copy", None, self.edit_copy),
            ("&Export Report…", "Ctrl+E", self.export_dialog),
            ("&Open Choice as Case", "Ctrl+Return", self.open_selected_case),
            ("&Close", QKeySequence.StandardKey.Close, self.close),
        ):
            action = menu.addAction(text, handler)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
        edit = self.menuBar().addMenu("&Edit")
        for make, shortcut in (
            (self.undo_stack.createUndoAction, QKeySequence.StandardKey.Undo),
            (self.undo_stack.createRedoAction, QKeySequence.StandardKey.Redo),
        ):
            action = make(self)
            action.setShortcut(QKeySequence(shortcut))
            edit.addAction(action)

    def _update_title(self) -> None:
        name = os.path.basename(self.path) if self.path else "untitled scenario"
        flags = " (read-only: Edit a Copy to change it)" if self.read_only else (" *" if self.dirty else "")
        self.setWindowTitle(f"{self.data.get('title') or name}: {name}{flags} — Alliance Advisor")
        for table in (self.states_table, self.perceptions):
            table.setEditTriggers(
                QAbstractItemView.EditTrigger.NoEditTriggers
                if self.read_only
                else QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.SelectedClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
            )

    # ------------------------------------------------------------- tables
    def _ids(self) -> list[Any]:
        """The id of each row of the states table (the loader vouches for them)."""
        return [s.get("id") for s in self.data.get("states") or [] if isinstance(s, dict)]

    def _fill_tables(self) -> None:
        self._filling = True
        try:
            states = [s for s in self.data.get("states") or [] if isinstance(s, dict)]
            self.states_table.setRowCount(len(states))
            for row, state in enumerate(states):
                for col, key in enumerate(("name", "capability", "offensive_capability")):
                    item = QTableWidgetItem(str(state.get(key, "")))
                    if col == 1:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.states_table.setItem(row, col, item)
            ids = self._ids()
            names = [str(s.get("name", s.get("id"))) for s in states]
            seen = self.data.get("perceptions") or {}
            self.perceptions.setRowCount(len(ids))
            self.perceptions.setColumnCount(len(ids))
            self.perceptions.setVerticalHeaderLabels(names)
            self.perceptions.setHorizontalHeaderLabels([n[:10] for n in names])
            for r, a in enumerate(ids):
                for c, b in enumerate(ids):
                    item = QTableWidgetItem("" if a == b else (seen.get(a) or {}).get(b, "ambiguous"))
                    if a == b:
                        item.setFlags(Qt.ItemFlag.NoItemFlags)
                    else:
                        item.setBackground(QColor(INTENT_COLOURS.get(item.text(), "#ffffff")))
                        item.setForeground(QColor("#1f2933"))
                    self.perceptions.setItem(r, c, item)
            self.perceptions.resizeColumnsToContents()
            pairs = {frozenset(p) for p in self.data.get("neighbours") or [] if isinstance(p, list)}
            self.neighbours.setRowCount(len(ids))
            self.neighbours.setColumnCount(len(ids))
            self.neighbours.setVerticalHeaderLabels(names)
            self.neighbours.setHorizontalHeaderLabels([n[:10] for n in names])
            for r, a in enumerate(ids):
                for c, b in enumerate(ids):
                    item = QTableWidgetItem()
                    if a == b:
                        item.setFlags(Qt.ItemFlag.NoItemFlags)
                    else:
                        item.setFlags(
                            Qt.ItemFlag.ItemIsEnabled
                            | (Qt.ItemFlag.NoItemFlags if self.read_only else Qt.ItemFlag.ItemIsUserCheckable)
                        )
                        item.setCheckState(
                            Qt.CheckState.Checked if frozenset((a, b)) in pairs else Qt.CheckState.Unchecked
                        )
                    self.neighbours.setItem(r, c, item)
            self.neighbours.resizeColumnsToContents()
            self.war.setCurrentText(str(self.data.get("war", "peace")))
            self.war.setEnabled(not self.read_only)
            self.alignments.setPlainText(
                "\n".join(
                    ", ".join(map(str, group)) for group in self.data.get("alignments") or [] if isinstance(group, list)
                )
            )
            self.alignments.setReadOnly(self.read_only)
            regions = self.data.get("regions") or {}
            self.regions.setPlainText(
                "\n".join(
                    f"{name}: {', '.join(map(str, members))}"
                    for name, members in regions.items()
                    if isinstance(members, list)
                )
                if isinstance(regions, dict)
                else ""
            )
            self.regions.setReadOnly(self.read_only)
            lines = []
            overrides = self.data.get("overrides") or {}
            for state, powers in overrides.items() if isinstance(overrides, dict) else ():
                for power, answers in powers.items() if isinstance(powers, dict) else ():
                    for factor, level in answers.items() if isinstance(answers, dict) else ():
                        lines.append(f"{state}, {power}, {factor}, {level}")
            self.overrides.setPlainText("\n".join(lines))
            self.overrides.setReadOnly(self.read_only)
            self.alignments_apply.setEnabled(not self.read_only)
            self.add_state_button.setEnabled(not self.read_only)
            self.remove_state_button.setEnabled(not self.read_only)
        finally:
            self._filling = False

    def _state_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        key = edits.STATE_VALUES[item.column()]
        text = item.text().strip()
        value: str | float = text
        if key == "capability":
            try:
                value = float(text)
            except ValueError:
                value = text  # the loader names what is wrong; the text is kept
        sid = self._ids()[item.row()]
        self._edit(edits.set_state_value(self.data, sid, key, value), f"Change {sid}'s {key.replace('_', ' ')}")

    def _perception_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        ids = self._ids()
        a, b = ids[item.row()], ids[item.column()]
        self.set_perception(a, b, item.text())

    def add_state(self) -> None:
        sid = edits.new_state_id(self.data)
        name = sid.replace("state_", "State ", 1)
        self._edit(edits.add_state(self.data, sid, kb=self.kb, name=name), f"Add {sid}")

    def remove_selected_state(self) -> None:
        row = self.states_table.currentRow()
        ids = self._ids()
        if not 0 <= row < len(ids):
            return
        gone = ids[row]
        self._edit(edits.remove_state(self.data, gone), f"Remove {gone}")

    def _neighbour_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        ids = self._ids()
        a, b = ids[item.row()], ids[item.column()]
        self.set_neighbours(a, b, item.checkState() == Qt.CheckState.Checked)

    def set_neighbours(self, a: str, b: str, near: bool) -> None:
        """Whether ``a`` and ``b`` are neighbours: one pair, both cells of the matrix."""
        self._edit(
            edits.set_neighbours(self.data, a, b, near), f"{a} and {b} {'are' if near else 'are not'} neighbours"
        )

    def _war_edited(self, war: str) -> None:
        if self._filling or war == self.data.get("war", "peace"):
            return
        self._edit(edits.set_war(self.data, war), f"War: {war.replace('_', ' ')}")

    def _alignments_edited(self) -> None:
        """The alliances, regions and overrides as typed (the loader says what is wrong)."""

        def parts(line: str) -> list[str]:
            return [part.strip() for part in line.split(",") if part.strip()]

        alignments = [parts(line) for line in self.alignments.toPlainText().splitlines() if line.strip()]
        regions: dict[str, list[str]] = {}
        for line in self.regions.toPlainText().splitlines():
            name, _, members = line.partition(":")
            if name.strip():
                regions[name.strip()] = parts(members)
        overrides: dict[str, dict[str, dict[str, str]]] = {}
        for line in self.overrides.toPlainText().splitlines():
            fields = parts(line)
            if len(fields) == 4:
                state, power, factor, level = fields
                overrides.setdefault(state, {}).setdefault(power, {})[factor] = level
            elif fields:
                overrides.setdefault(fields[0], {}).setdefault("?", {})["?"] = line.strip()  # the loader names it
        self._edit(edits.set_alliances(self.data, alignments, regions, overrides), "Alliances, regions and overrides")

    def set_perception(self, state: str, power: str, level: str) -> None:
        """How ``state`` sees ``power``'s aims (the matrix's edit, and the tests')."""
        self._edit(
            edits.set_perception(self.data, state, power, level, kb=self.kb),
            f"{state} sees {power} as {level.replace('_', ' ')}",
        )

    def _edit(self, after: dict[str, Any], text: str) -> None:
        """One edit (app/edits.py made the new data), on the document's undo stack:
        applying it (and undoing it) re-fills the tables from the data and runs the
        scenario again."""
        self.document.commit(after, text)

    def _changed(self) -> None:
        self._fill_tables()
        self._update_title()
        self._autosave()
        self.request()

    def _autosave(self) -> None:
        """Unsaved edits survive a crash: every edit reaches the autosave file."""
        error = self.files.autosave(self.document)
        if error is not None:
            self.message.setText(f"<span style='color:{theme.BAD}'>Autosave failed: {esc(error)}</span>")

    # ------------------------------------------------------------- analysis
    def request(self) -> None:
        try:
            scenario = self.document.validate()
        except AdvisorError as exc:
            self.error = str(exc)
            self.message.setText(
                f"<span style='color:{theme.BAD}'>⚠ {esc(self.error)}</span> "
                "The last valid result stays below until this is fixed."
            )
            self._mark_error(exc.message)
            return
        self.error = None
        self._mark_error(None)
        self.message.setText("Analysing…")
        self.analysis.request(scenario)

    def _mark_error(self, message: str | None) -> None:
        """Tint the row of the state an error names (``state 'x': ...``), clear the rest."""
        named = re.match(r"state '([^']+)'", message or "")
        self._filling = True
        try:
            for row, sid in enumerate(self._ids()):
                bad = named is not None and named.group(1) == sid
                for col in range(self.states_table.columnCount()):
                    item = self.states_table.item(row, col)
                    if item is not None:
                        item.setBackground(QColor("#f8d7d3") if bad else QColor(0, 0, 0, 0))
                        item.setToolTip(message if bad and message else "")
        finally:
            self._filling = False
        # The text editors: a red border on the one the message is about.
        text = message or ""
        for key, editor in (("alignments", self.alignments), ("regions", self.regions), ("overrides", self.overrides)):
            bad = bool(text) and (f"'{key}" in text or text.startswith(key) or f" {key}." in text)
            editor.setStyleSheet(f"border: 2px solid {theme.BAD};" if bad else "")
            editor.setToolTip(text if bad else "")

    def _on_finished(self, result: ScenarioResult) -> None:
        self.result = result
        self.explained = next(iter(result.states.values())).result is not None
        self.diagram.show_result(result)
        self._show_choices(result)
        agreed = ""
        if result.agreement is not None:
            n = sum(bool(v) for v in result.agreement.values())
            agreed = f" {n} of {len(result.states)} states placed as observed."
        self.message.setText(
            capital(blocs_text(result)) + f".{agreed} "
            "Click a state to see its threats; double-click a row to open its choice as a case."
        )
        self.resultShown.emit(result)

    def _on_event(self, kind: str, value: Any) -> None:
        if kind == "moves":
            self._on_moves(value)

    def _on_moves(self, moves: list[BlocMove]) -> None:
        if self.result is None:
            return
        self.moves = moves
        self.moves_list.clear()
        result = self.result
        for move in moves:
            who = ", ".join(name_of(result, m) for m in move.moved)
            self.moves_list.addItem(
                f"If {name_of(result, move.state)} saw {name_of(result, move.power)} as "
                f"{move.after.replace('_', ' ')} (not {move.before.replace('_', ' ')}): "
                f"{who} would change bloc"
            )
        if not moves:
            self.moves_list.addItem("No single change of how a state sees its two greatest threats moves a bloc.")

    def _apply_move(self, item: QListWidgetItem) -> None:
        row = self.moves_list.row(item)
        if self.read_only or not 0 <= row < len(self.moves):
            return
        move = self.moves[row]
        self.set_perception(move.state, move.power, move.after)

    def _on_failed(self, message: str) -> None:
        self.message.setText(f"<span style='color:{theme.BAD}'>⚠ {esc(message)}</span>")

    def _show_choices(self, result: ScenarioResult) -> None:
        self.rivals.show_result(result)
        fill_choices(self.choices, self.kb, result, name_width=130)
        if self.diagram.selected in result.states:
            self.select_state(self.diagram.selected)

    def bloc_of(self, state: str) -> int | None:
        """The index of the predicted bloc holding ``state`` (None: unaligned)."""
        if self.result is None:
            return None
        return next((i for i, bloc in enumerate(self.result.coalitions) if state in bloc), None)

    # ------------------------------------------------------------- drill down
    def select_state(self, state: str) -> None:
        if self.result is None or state not in self.result.states:
            return
        self.diagram.select(state)
        result = self.result
        choice = result.states[state]
        select_row_of(self.choices, state)
        self.threats.show_choice(result, choice)
        why = why_greatest(self.kb, result, choice)
        rests = rests_on_text(self.kb, choice.result) if choice.verdict and choice.result is not None else ""
        self.detail.setText(
            f"<b>{esc(name_of(result, state))}</b>: {esc(choice_text(self.kb, result, choice))} "
            f"{esc(rests)}" + (f"<br>{esc(why)}" if why else "")
        )

    def _choice_selected(self) -> None:
        items = self.choices.selectedItems()
        if items:
            self.select_state(items[0].data(Qt.ItemDataRole.UserRole))

    def selected_case(self) -> Case | None:
        """The selected state's choice against its greatest threat, as a case."""
        state = self.diagram.selected
        if self.result is None or state is None or state not in self.result.states:
            return None
        result = self.result
        choice = result.states[state]
        year = result.scenario.year
        return Case(
            title=f"{name_of(result, state)} facing {name_of(result, choice.greatest_threat)}"
            + (f", {year}" if year else ""),
            year=year,
            state=name_of(result, state),
            threat=name_of(result, choice.greatest_threat),
            answers=dict(choice.answers),
            notes=f"From the scenario {self.data.get('title') or ''}: the answers derived for this pair "
            "(knowledge/derivation.yaml).",
        )

    def open_selected_case(self) -> None:
        case = self.selected_case()
        if case is not None and self._open_case is not None:
            self._open_case(case)

    # ------------------------------------------------------------- files
    def edit_copy(self) -> None:
        if self.read_only:
            self.document.make_editable_copy()
            self._fill_tables()  # the editors open up
            self._update_title()
            self._autosave()

    def save(self) -> bool:
        return bool(self.files.save(self, self.document, self.save_as))

    def save_as(self) -> bool:
        suggested = self.path or os.path.join(str(Path.home()), "scenario.yaml")
        return bool(self.files.save_as(self, self.document, "Save Scenario As", suggested, SCENARIO_FILTER))

    def write(self, path: str) -> bool:
        """Atomic: a failed write leaves the old file and keeps the work in the window."""
        return bool(self.files.write(self, self.document, path))  # the autosave goes with a save

    def export_dialog(self) -> bool:
        if self.result is None:
            return False
        stem = os.path.splitext(os.path.basename(self.path or "scenario.yaml"))[0]
        path, _chosen = msgbox.get_save_path(
            self, "Export Scenario Report", os.path.join(str(Path.home()), stem + ".html"), REPORT_FILTER
        )
        return self.export(path) if path else False

    def export(self, path: str, paper: str = "a4") -> bool:
        from alliance_advisor.app.export import format_for_path, write

        fmt = format_for_path(path) or "html"
        try:
            result = self.result if self.explained else self._explained_now()
            write(result, path, fmt, paper)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot export report", str(exc))
            return False
        return True

    def _explained_now(self) -> ScenarioResult:
        """The current scenario with every explanation, here and now (an export asked
        for it before the worker's full run arrived), on this thread's engine."""
        assert self.result is not None  # an export needs a result on screen
        return self.engine.run_scenario(self.result.scenario)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save(self, self.document, self.save):
            event.ignore()
            return
        self.files.forget(self.document)  # saved or discarded: its autosave goes
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self.analysis.shutdown()
