"""The selected state's threats, in the scenario and History windows: every other power's
threat points in a sortable table (the numbers of the JSON's ``states[id].threats``), and
the points of each source as bars for the greatest few."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.gui.style import theme
from alliance_advisor.presentation.scenario import name_of, ranked_threat_rows, ranked_threats_heading
from alliance_advisor.rules.kb import KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.rules.scenario import ScenarioResult, StateChoice

SOURCE_COLOURS = {
    "threat_power": "#2f5d8a",
    "proximity": "#2f7d5b",
    "offensive_capability": "#8a5a2f",
    "intentions": "#b4493d",
}


class ThreatBars(QWidget):
    """The selected state's threats, greatest first: one bar per power, its segments
    the points each source of threat adds on the rule program's score (the means
    weighed by the intentions, and the intentions' own points)."""

    ROW = 22
    LABEL = 130

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        # (name, [(source, points)], total, maximum)
        self.rows: list[tuple[str, tuple[tuple[str, int], ...], int, int]] = []
        self.setMinimumHeight(60)

    def show_choice(self, result: ScenarioResult, choice: StateChoice) -> None:
        self.rows = [
            (name_of(result, t.power) + (" (bloc)" if t.is_bloc else ""), t.parts, t.score, t.maximum)
            for t in choice.threats[:8]
        ]
        self.setMinimumHeight(self.ROW * len(self.rows) + 34)
        self.update()

    def label_width(self) -> int:
        """Room for the longest name ('United States (bloc)') whole, at least LABEL,
        at most half the widget."""
        widest = max((self.fontMetrics().horizontalAdvance(r[0]) for r in self.rows), default=0) + 12
        return max(self.LABEL, min(widest, self.width() // 2))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.rows:
            return
        maximum = max(r[3] for r in self.rows) or 1
        width = max(40, self.width() - self.label_width() - 50)
        for n, (name, parts, total, _maximum) in enumerate(self.rows):
            y = 4 + n * self.ROW
            painter.setPen(QColor(theme.INK))
            painter.drawText(
                QRectF(0, y, self.label_width() - 8, self.ROW - 4),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x = float(self.label_width())
            for source, points in parts:
                if points <= 0:
                    continue
                w = width * points / maximum
                painter.fillRect(QRectF(x, y + 3, w, self.ROW - 10), QColor(SOURCE_COLOURS.get(source, "#888888")))
                x += w
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(
                QRectF(x + 6, y, 44, self.ROW - 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                str(total),
            )
        y = 8 + len(self.rows) * self.ROW
        x = float(self.label_width())
        for source, colour in SOURCE_COLOURS.items():
            painter.fillRect(QRectF(x, y + 3, 10, 10), QColor(colour))
            label = self.kb.fact_label(source)
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QPointF(x + 14, y + 12), label)
            x += 24 + painter.fontMetrics().horizontalAdvance(label)


class _SortedItem(QTableWidgetItem):
    """A cell that sorts by its key, not by its text: the name, or the points (ties in the
    engine's order)."""

    def __init__(self, text: str, key: tuple[str, int, int]) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _SortedItem):
            return self.key < other.key
        return super().__lt__(other)


class ThreatTable(QTableWidget):
    """Every power a state weighs, one row each (a bloc weighed as one has its own row):
    its name, its threat points out of the rule program's maximum, and the level they
    make; greatest first, sortable by a click on a heading; it scrolls within its pane."""

    COLUMNS = ("Power", "Threat points", "Level")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.setObjectName("threatTable")
        self.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        tips = ("", "The points of the rule program's threat score, 0 to its maximum", "The band the points fall in")
        for column, tip in enumerate(tips):
            item = self.horizontalHeaderItem(column)
            if item is not None and tip:
                item.setToolTip(tip)

    def show_choice(self, result: ScenarioResult, choice: StateChoice) -> None:
        rows = ranked_threat_rows(result, choice)
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (
                _SortedItem(row.label, (row.label.casefold(), 0, 0)),
                _SortedItem(f"{row.score} of {row.maximum}", ("", row.score, -r)),
                _SortedItem(row.level, ("", row.score, -r)),
            )
            for c, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole, row.power)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{row.label}: a bloc weighed as one threat" if row.is_bloc else row.label)
                self.setItem(r, c, item)
        self.setSortingEnabled(True)
        self.sortItems(1, Qt.SortOrder.DescendingOrder)


THREATS_TAB = "Every power's threat"  # the tab holding the ThreatPanel, named in its caption


class ThreatPanel(QWidget):
    """The selected state's threats, a page of its own: a sentence saying what the numbers
    are, over the table of every power. ``sources`` (a caption over the bars of each
    source's points for the greatest few) goes beside the state's explanation."""

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Click a state to see how much each power threatens it.", wordWrap=True)
        self.heading.setObjectName("threatHeading")
        self.table = ThreatTable()
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        self.caption = QLabel(wordWrap=True)
        self.bars = ThreatBars(kb)
        self.sources = QWidget()
        sources_column = QVBoxLayout(self.sources)
        sources_column.setContentsMargins(0, 0, 0, 0)
        sources_column.addWidget(self.caption)
        sources_column.addWidget(self.bars)
        self.clear()

    def show_choice(self, result: ScenarioResult, choice: StateChoice) -> None:
        self.heading.setText(ranked_threats_heading(result, choice))
        self.table.show_choice(result, choice)
        self.bars.show_choice(result, choice)
        shown = len(self.bars.rows)
        self.caption.setText(
            f"The points each source of threat adds, for the {shown} greatest "
            f"(every power is in the tab \u201c{THREATS_TAB}\u201d):"
            if shown < len(choice.threats)
            else "The points each source of threat adds:"
        )
        self.sources.setVisible(True)

    def clear(self) -> None:
        self.heading.setText("Click a state to see how much each power threatens it.")
        self.table.setRowCount(0)
        self.bars.rows = []
        self.bars.update()
        self.sources.setVisible(False)
