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

import copy
import os
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.app.jobs import scenario_job
from alliance_advisor.gui import msgbox
from alliance_advisor.gui.document import ScenarioDocument
from alliance_advisor.gui.live import LiveAnalysis
from alliance_advisor.gui.screens import fit_to_screen
from alliance_advisor.gui.style import esc, theme
from alliance_advisor.gui.tabs import FittingTabs
from alliance_advisor.presentation.coalitions import THREAT, WRONG, coalition_layout
from alliance_advisor.presentation.figures import capital
from alliance_advisor.presentation.scenario import (
    BASELINE_COLUMNS,
    baseline_rows,
    blocs_text,
    choice_text,
    name_of,
    why_greatest,
)
from alliance_advisor.presentation.wording import rests_on_text
from alliance_advisor.rules.case import Case
from alliance_advisor.rules.errors import AdvisorError

SCENARIO_FILTER = "Scenarios (*.yaml *.yml);;All files (*)"
REPORT_FILTER = "HTML report (*.html);;PDF report (*.pdf);;Markdown report (*.md);;JSON result (*.json)"
INTENT_COLOURS = {
    "benign": "#cfe8d6",
    "ambiguous": "#eef1f5",
    "aggressive": "#f3cfb0",
    "unalterably_aggressive": "#e39a8f",
}


class CoalitionDiagram(QWidget):
    """The coalition diagram, painted from the reports' layout; a click picks a state."""

    statePicked = Signal(str)

    MIN_SCALE = 0.65  # shrunk to fit no further than this; below it, it scrolls

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = None
        self.selected = None
        self.scale = 1.0
        self.setMinimumSize(320, 200)

    placeholder = "Analysing the scenario…"  # what shows before the first result

    def show_result(self, result, blocs=None, title="Bloc"):
        """The result's predicted blocs, or ``blocs`` of the same states (the observed)."""
        self.layout_ = coalition_layout(result, blocs, title)
        self.fit(self.parentWidget().size() if self.parentWidget() else self.size())
        self.updateGeometry()
        self.update()

    def fit(self, room):
        """Shrink the diagram into ``room`` (down to MIN_SCALE), so it shows whole."""
        if self.layout_ is None:
            return
        w, h = self.layout_.width, self.layout_.height
        self.scale = max(self.MIN_SCALE, min(1.0, room.width() / w, room.height() / h))
        self.setMinimumSize(int(w * self.scale), int(h * self.scale))

    def sizeHint(self):
        if self.layout_ is None:
            return QSize(480, 320)
        return QSize(int(self.layout_.width * self.scale), int(self.layout_.height * self.scale))

    def mousePressEvent(self, event):
        if self.layout_ is not None:
            state = self.layout_.node_at(event.position().x() / self.scale, event.position().y() / self.scale)
            if state:
                self.select(state)
                self.statePicked.emit(state)

    def select(self, state):
        self.selected = state
        self.update()

    def paintEvent(self, _event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.PANEL))
        layout = self.layout_
        if layout is None:
            painter.setPen(QColor(theme.FAINT))
            painter.drawText(self.rect(), Qt.AlignCenter, self.placeholder)
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
                painter.setPen(QPen(QColor("#d08700"), 2, Qt.DashLine))
                painter.setBrush(Qt.NoBrush)
                painter.drawEllipse(QPointF(node.x, node.y), node.r + 4, node.r + 4)
            fill = QColor(node.colour)
            painter.setPen(QPen(QColor(theme.INK), 2.5) if node.id == self.selected else QPen(QColor("white"), 1.5))
            painter.setBrush(QBrush(fill))
            painter.drawEllipse(QPointF(node.x, node.y), node.r, node.r)
            painter.setPen(QColor("#d08700") if node.misassigned else QColor(theme.INK))
            painter.drawText(
                QRectF(node.x + node.r + 8, node.y - 9, 160, 18), Qt.AlignVCenter | Qt.AlignLeft, node.name
            )


class _FittingScroll(QScrollArea):
    """Scrolls the coalition diagram only when shrinking it to fit is not enough."""

    def __init__(self, diagram):
        super().__init__()
        self.setWidget(diagram)
        self.setWidgetResizable(True)

    def resizeEvent(self, event):
        self.widget().fit(self.maximumViewportSize())
        super().resizeEvent(event)


def coalition_legend_html():
    """What the diagram's marks mean (the reports say the same under their figure)."""
    return (
        "<span style='font-size:small'>"
        "Circle size: the state's capability · "
        f"<span style='color:{THREAT}'>\u2501</span> to its greatest threat · "
        f"<span style='color:{theme.RULE_LINE}'>\u2501</span> balancing partners · "
        f"<span style='color:{WRONG}'>\u25cc dashed ring, orange name</span>: "
        "a state the observed blocs place elsewhere</span>"
    )


SOURCE_COLOURS = {
    "threat_power": "#2f5d8a",
    "proximity": "#2f7d5b",
    "offensive_capability": "#8a5a2f",
    "intentions": "#b4493d",
}


def fill_choices(table, kb, result, name_width):
    """The table of choices: each state, its greatest threat, the threat's level and score,
    and its choice; a state placed against the observed blocs in orange. Each row keeps its
    state's id (Qt.UserRole); the names stay whole up to ``name_width``, the choice takes the rest."""
    table.setRowCount(len(result.states))
    for row, (sid, choice) in enumerate(result.states.items()):
        top = choice.threats[0]
        cells = (
            name_of(result, sid),
            name_of(result, choice.greatest_threat),
            f"{top.threat_level or 'open'} ({top.score})",
            choice_text(kb, result, choice),
        )
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.UserRole, sid)
            if result.agreement is not None and not result.agreement[sid]:
                item.setForeground(QColor("#a35f00"))
            table.setItem(row, col, item)
    for col in range(3):
        table.resizeColumnToContents(col)
        table.setColumnWidth(col, min(table.columnWidth(col), name_width))
    table.resizeRowsToContents()


def select_row_of(table, state):
    """Select, without signalling, the row of a table of choices that holds ``state``."""
    for row in range(table.rowCount()):
        if table.item(row, 0).data(Qt.UserRole) == state:
            table.blockSignals(True)
            table.selectRow(row)
            table.blockSignals(False)


def ranked_threats_html(result, choice, shown=6):
    """A state's greatest threats, ranked: 'Germany severe (14), France high (10), ...'."""
    return ", ".join(
        f"{esc(name_of(result, t.power))} {esc(t.threat_level or 'open')} ({t.score})" for t in choice.threats[:shown]
    )


class ThreatBars(QWidget):
    """The selected state's threats, greatest first: one bar per power, its segments
    the points each source of threat adds on the rule program's score (the means
    weighed by the intentions, and the intentions' own points)."""

    ROW = 22
    LABEL = 130

    def __init__(self, kb, parent=None):
        super().__init__(parent)
        self.kb = kb
        self.rows = []  # (name, [(source, points)], total, maximum)
        self.setMinimumHeight(60)

    def show_choice(self, result, choice):
        self.rows = [(name_of(result, t.power), t.parts, t.score, t.maximum) for t in choice.threats[:8]]
        self.setMinimumHeight(self.ROW * len(self.rows) + 34)
        self.update()

    def paintEvent(self, _event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        if not self.rows:
            return
        maximum = max(r[3] for r in self.rows) or 1
        width = max(40, self.width() - self.LABEL - 50)
        for n, (name, parts, total, _maximum) in enumerate(self.rows):
            y = 4 + n * self.ROW
            painter.setPen(QColor(theme.INK))
            painter.drawText(QRectF(0, y, self.LABEL - 8, self.ROW - 4), Qt.AlignRight | Qt.AlignVCenter, name)
            x = float(self.LABEL)
            for source, points in parts:
                if points <= 0:
                    continue
                w = width * points / maximum
                painter.fillRect(QRectF(x, y + 3, w, self.ROW - 10), QColor(SOURCE_COLOURS.get(source, "#888888")))
                x += w
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QRectF(x + 6, y, 44, self.ROW - 4), Qt.AlignLeft | Qt.AlignVCenter, str(total))
        y = 8 + len(self.rows) * self.ROW
        x = float(self.LABEL)
        for source, colour in SOURCE_COLOURS.items():
            painter.fillRect(QRectF(x, y + 3, 10, 10), QColor(colour))
            label = self.kb.fact_label(source)
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QPointF(x + 14, y + 12), label)
            x += 24 + painter.fontMetrics().horizontalAdvance(label)


class _IntentDelegate(QStyledItemDelegate):
    """A combo box of the intentions' levels for a cell of the perception matrix."""

    def __init__(self, levels, parent=None):
        super().__init__(parent)
        self.levels = levels

    def createEditor(self, parent, _option, index):
        if index.row() == index.column():
            return None
        box = QComboBox(parent)
        box.addItems(self.levels)
        return box

    def setEditorData(self, editor, index):
        editor.setCurrentText(index.data(Qt.EditRole) or "ambiguous")

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentText(), Qt.EditRole)


class ScenarioWindow(QMainWindow):
    """One scenario: its data in tables, the coalitions, each state's choice."""

    resultShown = Signal(object)

    def __init__(
        self,
        kb,
        data,
        path=None,
        read_only=False,
        open_case=None,
        parent=None,
        recovered=False,
        engine=None,
        files=None,
    ):
        super().__init__(parent)
        from alliance_advisor.app.jobs import EngineContext
        from alliance_advisor.gui.files import FileController

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
        self.result = None
        self.explained = False  # whether the result carries every state's explanation
        self.error = None
        self._open_case = open_case
        self._filling = False
        self.setObjectName("scenarioWindow")
        fit_to_screen(self, 1200, 800)

        self.analysis = LiveAnalysis(self.engine, scenario_job, self, name="scenario")
        self.analysis.resultReady.connect(self._on_finished)
        self.analysis.eventReady.connect(self._on_event)
        self.analysis.failed.connect(self._on_failed)

        self.states_table = QTableWidget(objectName="states")
        self.states_table.setColumnCount(3)
        # Two-line headers, sized to their contents; the name takes the rest.
        self.states_table.setHorizontalHeaderLabels(["State", "Capability", "Offensive\ncapability"])
        header = self.states_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        self.states_table.itemChanged.connect(self._state_edited)
        self.perceptions = QTableWidget(objectName="perceptions")
        self.perceptions.setItemDelegate(_IntentDelegate(list(kb.factor("intentions").level_ids), self))
        self.perceptions.itemChanged.connect(self._perception_edited)
        self.perceptions.setToolTip("Row sees column: how each state's leaders see the others' aims")
        self.neighbours = QTableWidget(objectName="neighbours")
        self.neighbours.itemChanged.connect(self._neighbour_edited)
        self.neighbours.setToolTip("Tick the pairs that share a border or a short sea crossing (symmetric)")
        system = QWidget()
        form = QFormLayout(system)
        self.war = QComboBox(objectName="war")
        self.war.addItems(["peace", "early_war", "late_war"])
        self.war.currentTextChanged.connect(self._war_edited)
        self.alignments = QPlainTextEdit(objectName="alignments")
        self.alignments.setPlaceholderText("One alliance in force per line: state ids separated by commas")
        self.alignments_apply = QPushButton("Apply")
        self.alignments_apply.clicked.connect(self._alignments_edited)
        self.regions = QPlainTextEdit(objectName="regions")
        self.regions.setPlaceholderText("One region per line: name: state ids separated by commas")
        self.overrides = QPlainTextEdit(objectName="overrides")
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
        self.message = QLabel(wordWrap=True, objectName="scenarioMessage")
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(self.message)
        column.addWidget(edit_tabs, 1)

        self.diagram = CoalitionDiagram()
        self.diagram.statePicked.connect(self.select_state)
        scroll = _FittingScroll(self.diagram)
        self.legend = QLabel(coalition_legend_html(), wordWrap=True, objectName="coalitionLegend")
        self.legend.setTextFormat(Qt.RichText)
        self.legend.setContentsMargins(6, 2, 6, 2)
        pictured = QWidget()
        pictured_column = QVBoxLayout(pictured)
        pictured_column.setContentsMargins(0, 0, 0, 0)
        pictured_column.setSpacing(2)
        pictured_column.addWidget(scroll, 1)
        pictured_column.addWidget(self.legend)
        self.choices = QTableWidget(objectName="choices")
        self.choices.setColumnCount(4)
        self.choices.setHorizontalHeaderLabels(["State", "Greatest threat", "Threat", "Choice"])
        self.choices.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.choices.verticalHeader().hide()  # the state's name says which row it is
        self.choices.setWordWrap(True)  # a long choice wraps in its row instead of ending in "…"
        self.choices.setTextElideMode(Qt.ElideNone)
        self.choices.horizontalHeader().sectionResized.connect(lambda *_: self.choices.resizeRowsToContents())
        self.choices.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.choices.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.choices.itemSelectionChanged.connect(self._choice_selected)
        self.choices.cellDoubleClicked.connect(lambda row, _col: self.open_selected_case())
        self.detail = QLabel(wordWrap=True, objectName="stateDetail")
        self.detail.setTextFormat(Qt.RichText)
        self.detail.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        # The single changes of perception that would move a state to another bloc;
        # double-click one to make it.
        self.moves_list = QListWidget(objectName="moves")
        self.moves_list.itemDoubleClicked.connect(self._apply_move)
        self.moves_list.setToolTip("Double-click a change to make it (Undo takes it back)")
        self.moves = []
        self.threat_bars = ThreatBars(kb)
        selected = QWidget()
        selected_column = QVBoxLayout(selected)
        selected_column.setContentsMargins(6, 6, 6, 6)
        selected_column.addWidget(self.detail)
        selected_column.addWidget(self.threat_bars)
        selected_column.addStretch(1)
        selected_scroll = QScrollArea()
        selected_scroll.setWidget(selected)
        selected_scroll.setWidgetResizable(True)
        below = QTabWidget()
        below.addTab(selected_scroll, "The selected state")
        below.addTab(self.moves_list, "What would move a bloc")
        # The rival theories on the same scenario, side by side with ours against the observed blocs.
        self.rivals = QTableWidget(objectName="rivals")
        self.rivals.setColumnCount(len(BASELINE_COLUMNS))
        self.rivals.setHorizontalHeaderLabels(list(BASELINE_COLUMNS))
        self.rivals.horizontalHeader().setSectionResizeMode(len(BASELINE_COLUMNS) - 1, QHeaderView.Stretch)
        self.rivals.verticalHeader().hide()
        self.rivals.setWordWrap(True)
        self.rivals.setEditTriggers(QAbstractItemView.NoEditTriggers)
        below.addTab(self.rivals, "Rival theories")
        right = QSplitter(Qt.Vertical)
        right.addWidget(pictured)
        right.addWidget(self.choices)
        right.addWidget(below)
        right.setSizes([380, 260, 160])
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
    def data(self):
        return self.document.data

    @property
    def path(self):
        return self.document.path

    @property
    def read_only(self):
        return self.document.read_only

    @property
    def dirty(self):
        return self.document.modified

    @property
    def undo_stack(self):
        return self.document.undo_stack

    @property
    def autosave(self):
        """The scenario's autosave file (the file controller keeps it), or None."""
        return self.files.autosave_of(self.document)

    # ------------------------------------------------------------- menus
    def _build_menu(self):
        menu = self.menuBar().addMenu("&Scenario")
        for text, shortcut, handler in (
            ("&Save", QKeySequence.Save, self.save),
            ("Save &As…", QKeySequence.SaveAs, self.save_as),
            ("Edit a &Copy", None, self.edit_copy),
            ("&Export Report…", "Ctrl+E", self.export_dialog),
            ("&Open Choice as Case", "Ctrl+Return", self.open_selected_case),
            ("&Close", QKeySequence.Close, self.close),
        ):
            action = menu.addAction(text, handler)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
        edit = self.menuBar().addMenu("&Edit")
        for make, shortcut in (
            (self.undo_stack.createUndoAction, QKeySequence.Undo),
            (self.undo_stack.createRedoAction, QKeySequence.Redo),
        ):
            action = make(self)
            action.setShortcut(QKeySequence(shortcut))
            edit.addAction(action)

    def _update_title(self):
        name = os.path.basename(self.path) if self.path else "untitled scenario"
        flags = " (read-only: Edit a Copy to change it)" if self.read_only else (" *" if self.dirty else "")
        self.setWindowTitle(f"{self.data.get('title') or name}: {name}{flags} — Alliance Advisor")
        for table in (self.states_table, self.perceptions):
            table.setEditTriggers(
                QAbstractItemView.NoEditTriggers
                if self.read_only
                else QAbstractItemView.DoubleClicked
                | QAbstractItemView.SelectedClicked
                | QAbstractItemView.EditKeyPressed
            )

    # ------------------------------------------------------------- tables
    def _ids(self):
        return [s.get("id") for s in self.data.get("states") or [] if isinstance(s, dict)]

    def _fill_tables(self):
        self._filling = True
        try:
            states = [s for s in self.data.get("states") or [] if isinstance(s, dict)]
            self.states_table.setRowCount(len(states))
            for row, state in enumerate(states):
                for col, key in enumerate(("name", "capability", "offensive_capability")):
                    item = QTableWidgetItem(str(state.get(key, "")))
                    if col == 1:
                        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    self.states_table.setItem(row, col, item)
            ids = self._ids()
            names = [s.get("name", s.get("id")) for s in states]
            seen = self.data.get("perceptions") or {}
            self.perceptions.setRowCount(len(ids))
            self.perceptions.setColumnCount(len(ids))
            self.perceptions.setVerticalHeaderLabels(names)
            self.perceptions.setHorizontalHeaderLabels([n[:10] for n in names])
            for r, a in enumerate(ids):
                for c, b in enumerate(ids):
                    item = QTableWidgetItem("" if a == b else (seen.get(a) or {}).get(b, "ambiguous"))
                    if a == b:
                        item.setFlags(Qt.NoItemFlags)
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
                        item.setFlags(Qt.NoItemFlags)
                    else:
                        item.setFlags(Qt.ItemIsEnabled | (Qt.NoItemFlags if self.read_only else Qt.ItemIsUserCheckable))
                        item.setCheckState(Qt.Checked if frozenset((a, b)) in pairs else Qt.Unchecked)
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

    def _state_edited(self, item):
        if self._filling:
            return
        data = copy.deepcopy(self.data)
        states = [st for st in data.get("states") or [] if isinstance(st, dict)]
        key = ("name", "capability", "offensive_capability")[item.column()]
        text = item.text().strip()
        value = text
        if key == "capability":
            try:
                value = float(text)
            except ValueError:
                value = text  # the loader names what is wrong; the text is kept
        states[item.row()][key] = value
        self._commit(data, f"Change {states[item.row()].get('id')}'s {key.replace('_', ' ')}")

    def _perception_edited(self, item):
        if self._filling:
            return
        ids = self._ids()
        a, b = ids[item.row()], ids[item.column()]
        self.set_perception(a, b, item.text())

    def add_state(self):
        data = copy.deepcopy(self.data)
        ids = set(self._ids())
        n = len(ids) + 1
        while f"state_{n}" in ids:
            n += 1
        data.setdefault("states", []).append(
            {"id": f"state_{n}", "name": f"State {n}", "capability": 0.01, "offensive_capability": "low"}
        )
        self._commit(data, f"Add state_{n}")

    def remove_selected_state(self):
        row = self.states_table.currentRow()
        ids = self._ids()
        if not 0 <= row < len(ids):
            return
        gone = ids[row]
        data = copy.deepcopy(self.data)
        data["states"] = [st for st in data.get("states") or [] if not (isinstance(st, dict) and st.get("id") == gone)]
        data["neighbours"] = [p for p in data.get("neighbours") or [] if gone not in p]
        data["perceptions"] = {
            a: {b: lv for b, lv in (seen or {}).items() if b != gone}
            for a, seen in (data.get("perceptions") or {}).items()
            if a != gone
        }
        for key in ("alignments", "observed"):
            if data.get(key):
                data[key] = [[m for m in group if m != gone] for group in data[key]]
                data[key] = [g for g in data[key] if len(g) >= (2 if key == "alignments" else 1)]
        if isinstance(data.get("regions"), dict):
            data["regions"] = {name: [m for m in members if m != gone] for name, members in data["regions"].items()}
        if isinstance(data.get("overrides"), dict):
            data["overrides"] = {
                a: {b: v for b, v in (powers or {}).items() if b != gone}
                for a, powers in data["overrides"].items()
                if a != gone
            }
        if data.get("war_leader") == gone:
            data.pop("war_leader")
        self._commit(data, f"Remove {gone}")

    def _neighbour_edited(self, item):
        if self._filling:
            return
        ids = self._ids()
        a, b = ids[item.row()], ids[item.column()]
        self.set_neighbours(a, b, item.checkState() == Qt.Checked)

    def set_neighbours(self, a, b, near):
        """Whether ``a`` and ``b`` are neighbours: one pair, both cells of the matrix."""
        data = copy.deepcopy(self.data)
        pairs = [p for p in data.get("neighbours") or [] if not (isinstance(p, list) and set(p) == {a, b})]
        if near:
            pairs.append([a, b])
        data["neighbours"] = pairs
        self._commit(data, f"{a} and {b} {'are' if near else 'are not'} neighbours")

    def _war_edited(self, war):
        if self._filling or war == self.data.get("war", "peace"):
            return
        data = copy.deepcopy(self.data)
        data["war"] = war
        if war == "peace":
            data.pop("war_leader", None)
        self._commit(data, f"War: {war.replace('_', ' ')}")

    def _alignments_edited(self):
        """The alliances, regions and overrides as typed (the loader says what is wrong)."""

        def parts(line):
            return [part.strip() for part in line.split(",") if part.strip()]

        data = copy.deepcopy(self.data)
        data["alignments"] = [parts(line) for line in self.alignments.toPlainText().splitlines() if line.strip()]
        regions = {}
        for line in self.regions.toPlainText().splitlines():
            name, _, members = line.partition(":")
            if name.strip():
                regions[name.strip()] = parts(members)
        if regions or "regions" in data:
            data["regions"] = regions
        overrides = {}
        for line in self.overrides.toPlainText().splitlines():
            fields = parts(line)
            if len(fields) == 4:
                state, power, factor, level = fields
                overrides.setdefault(state, {}).setdefault(power, {})[factor] = level
            elif fields:
                overrides.setdefault(fields[0], {}).setdefault("?", {})["?"] = line.strip()  # the loader names it
        if overrides or "overrides" in data:
            data["overrides"] = overrides
        self._commit(data, "Alliances, regions and overrides")

    def set_perception(self, state, power, level):
        """How ``state`` sees ``power``'s aims (the matrix's edit, and the tests')."""
        data = copy.deepcopy(self.data)
        perceptions = data.setdefault("perceptions", {}) or {}
        data["perceptions"] = perceptions
        if level == "ambiguous":
            (perceptions.get(state) or {}).pop(power, None)
        else:
            perceptions.setdefault(state, {})[power] = level
        self._commit(data, f"{state} sees {power} as {level.replace('_', ' ')}")

    def _commit(self, after, text):
        """One edit, on the document's undo stack: applying it (and undoing it)
        re-fills the tables from the data and runs the scenario again."""
        self.document.commit(after, text)

    def _changed(self):
        self._fill_tables()
        self._update_title()
        self._autosave()
        self.request()

    def _autosave(self):
        """Unsaved edits survive a crash: every edit reaches the autosave file."""
        error = self.files.autosave(self.document)
        if error is not None:
            self.message.setText(f"<span style='color:{theme.BAD}'>Autosave failed: {esc(error)}</span>")

    # ------------------------------------------------------------- analysis
    def request(self):
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

    def _mark_error(self, message):
        """Tint the row of the state an error names (``state 'x': ...``), clear the rest."""
        import re

        named = re.match(r"state '([^']+)'", message or "")
        self._filling = True
        try:
            for row, sid in enumerate(self._ids()):
                bad = bool(named) and named.group(1) == sid
                for col in range(self.states_table.columnCount()):
                    item = self.states_table.item(row, col)
                    if item is not None:
                        item.setBackground(QColor("#f8d7d3") if bad else QColor(0, 0, 0, 0))
                        item.setToolTip(message if bad else "")
        finally:
            self._filling = False
        # The text editors: a red border on the one the message is about.
        for key, editor in (("alignments", self.alignments), ("regions", self.regions), ("overrides", self.overrides)):
            bad = bool(message) and (f"'{key}" in message or message.startswith(key) or f" {key}." in message)
            editor.setStyleSheet(f"border: 2px solid {theme.BAD};" if bad else "")
            editor.setToolTip(message if bad else "")

    def _on_finished(self, result):
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

    def _on_event(self, kind, value):
        if kind == "moves":
            self._on_moves(value)

    def _on_moves(self, moves):
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

    def _apply_move(self, item):
        row = self.moves_list.row(item)
        if self.read_only or not 0 <= row < len(self.moves):
            return
        move = self.moves[row]
        self.set_perception(move.state, move.power, move.after)

    def _on_failed(self, message):
        self.message.setText(f"<span style='color:{theme.BAD}'>⚠ {esc(message)}</span>")

    def _show_rivals(self, result):
        rows = baseline_rows(result)
        self.rivals.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.rivals.setItem(r, c, QTableWidgetItem(text))
        self.rivals.resizeColumnsToContents()
        for c in range(len(BASELINE_COLUMNS) - 1):
            self.rivals.setColumnWidth(c, min(self.rivals.columnWidth(c), 220))
        self.rivals.resizeRowsToContents()

    def _show_choices(self, result):
        self._show_rivals(result)
        fill_choices(self.choices, self.kb, result, name_width=130)
        if self.diagram.selected in result.states:
            self.select_state(self.diagram.selected)

    def bloc_of(self, state):
        """The index of the predicted bloc holding ``state`` (None: unaligned)."""
        if self.result is None:
            return None
        return next((i for i, bloc in enumerate(self.result.coalitions) if state in bloc), None)

    # ------------------------------------------------------------- drill down
    def select_state(self, state):
        if self.result is None or state not in self.result.states:
            return
        self.diagram.select(state)
        result = self.result
        choice = result.states[state]
        select_row_of(self.choices, state)
        ranked = ranked_threats_html(result, choice)
        self.threat_bars.show_choice(result, choice)
        why = why_greatest(self.kb, result, choice)
        rests = rests_on_text(self.kb, choice.result) if choice.verdict and choice.result is not None else ""
        self.detail.setText(
            f"<b>{esc(name_of(result, state))}</b>: {esc(choice_text(self.kb, result, choice))} "
            f"{esc(rests)}<br>{esc(why)}<br>Threats, greatest first: {ranked}. "
            "The points of each source:"
        )

    def _choice_selected(self):
        items = self.choices.selectedItems()
        if items:
            self.select_state(items[0].data(Qt.UserRole))

    def selected_case(self):
        """The selected state's choice against its greatest threat, as a case."""
        state = self.diagram.selected
        if self.result is None or state not in self.result.states:
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

    def open_selected_case(self):
        case = self.selected_case()
        if case is not None and self._open_case is not None:
            self._open_case(case)

    # ------------------------------------------------------------- files
    def edit_copy(self):
        if self.read_only:
            self.document.make_editable_copy()
            self._fill_tables()  # the editors open up
            self._update_title()
            self._autosave()

    def save(self):
        return self.files.save(self, self.document, self.save_as)

    def save_as(self):
        suggested = self.path or os.path.join(str(Path.home()), "scenario.yaml")
        return self.files.save_as(self, self.document, "Save Scenario As", suggested, SCENARIO_FILTER)

    def write(self, path):
        """Atomic: a failed write leaves the old file and keeps the work in the window."""
        return self.files.write(self, self.document, path)  # the autosave goes with a save

    def export_dialog(self):
        if self.result is None:
            return False
        stem = os.path.splitext(os.path.basename(self.path or "scenario.yaml"))[0]
        path, _chosen = msgbox.get_save_path(
            self, "Export Scenario Report", os.path.join(str(Path.home()), stem + ".html"), REPORT_FILTER
        )
        return self.export(path) if path else False

    def export(self, path, paper="a4"):
        from alliance_advisor.app.export import format_for_path, write

        fmt = format_for_path(path) or "html"
        try:
            result = self.result if self.explained else self._explained_now()
            write(result, path, fmt, paper)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot export report", str(exc))
            return False
        return True

    def _explained_now(self):
        """The current scenario with every explanation, here and now (an export asked
        for it before the worker's full run arrived), on this thread's engine."""
        return self.engine.run_scenario(self.result.scenario)

    def closeEvent(self, event):
        if not self.files.maybe_save(self, self.document, self.save):
            event.ignore()
            return
        self.files.forget(self.document)  # saved or discarded: its autosave goes
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self):
        self.analysis.shutdown()
