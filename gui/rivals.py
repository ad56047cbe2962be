"""The scenario window's table of the rival theories (ours, landscape theory, balance of
power) against the observed blocs: every theory's row in view, each bloc on a line of its
own, named as fully as the column's width allows, the whole list in the cell's tooltip."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from alliance_advisor.presentation.scenario import (
    BASELINE_COLUMNS,
    RivalTheory,
    baseline_rows,
    bloc_lines,
    misplaced_text,
    rival_theories,
)

if TYPE_CHECKING:
    from alliance_advisor.rules.scenario import ScenarioResult

THEORY, HOW, PLACED, BLOCS, MISPLACED = range(len(BASELINE_COLUMNS))
# The widest a column other than the blocs may take, as a share of the table's width
# (never less than CAP_FLOOR px): the blocs take the rest.
CAPS = {THEORY: 0.18, HOW: 0.16, MISPLACED: 0.18}
CAP_FLOOR = 100
BLOCS_MIN = 160  # px: the blocs' column at its narrowest
PAD = 12  # px: a cell's margins, both sides together


class RivalTable(QTableWidget):
    """The rival theories, one row each; ``neededHeight`` says how tall the table must be
    to show every row (the window gives its pane that room)."""

    neededHeight = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(BASELINE_COLUMNS))
        # Two-line headings where a heading is long ("Placed as / observed"): the column stays narrow.
        self.setHorizontalHeaderLabels(["\n".join(textwrap.wrap(h, 10)) for h in BASELINE_COLUMNS])
        # Widths set here, all at once (a stretching section would settle only after the
        # rows were sized to its old width): the blocs take what the others leave.
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.result: ScenarioResult | None = None
        self.theories: list[RivalTheory] = []

    def show_result(self, result: ScenarioResult) -> None:
        self.result = result
        self.theories = rival_theories(result)
        rows = baseline_rows(result)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.setItem(r, c, item)
            # The whole of each bloc, a line each, where the cell may show fewer names.
            blocs = self.item(r, BLOCS)
            if blocs is not None and self.theories[r].blocs:
                blocs.setToolTip("\n".join(bloc_lines(result, self.theories[r].blocs)))
        self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()  # the names shown and the rows' heights follow the width

    def fit(self) -> None:
        """Cap the narrow columns, name the states as fully as the columns allow, and
        size the rows to what they then hold."""
        if self.result is None or not self.rowCount():
            return
        width = self.viewport().width()
        for column in range(len(BASELINE_COLUMNS)):
            if column == BLOCS:
                continue
            wanted = max(self.sizeHintForColumn(column), self.horizontalHeader().sectionSizeHint(column))
            cap = max(CAP_FLOOR, round(CAPS[column] * width)) if column in CAPS else wanted
            self.setColumnWidth(column, min(wanted, cap))
        others = sum(self.columnWidth(c) for c in range(len(BASELINE_COLUMNS)) if c != BLOCS)
        self.setColumnWidth(BLOCS, max(BLOCS_MIN, width - others))
        for r, rival in enumerate(self.theories):
            self._name_states(r, rival)
        self.resizeRowsToContents()
        self.setMinimumHeight(self.needed_height())
        self.neededHeight.emit(self.needed_height())

    def _name_states(self, row: int, rival: RivalTheory) -> None:
        """Each bloc on its own line and the misplaced states on one, with as many names
        as fit the column ("Britain, France and 5 others"): a row stays a few lines tall."""
        result = self.result
        assert result is not None
        metrics = self.fontMetrics()

        def blocs(shown: int | None) -> list[str]:
            return bloc_lines(result, rival.blocs, shown) or ["none"]

        def misplaced(shown: int | None) -> list[str]:
            return [misplaced_text(result, rival, shown)]

        columns: tuple[tuple[int, Callable[[int | None], list[str]]], ...] = ((BLOCS, blocs), (MISPLACED, misplaced))
        for column, lines_for in columns:
            item = self.item(row, column)
            if item is None:
                continue
            room = self.columnWidth(column) - PAD
            most = max([len(b) for b in rival.blocs] + [len(rival.misplaced or ())], default=1)
            shown: int | None = None  # every name first, then fewer until each line fits
            lines = lines_for(shown)
            for fewer in range(most - 1, 0, -1):
                if all(metrics.horizontalAdvance(line) <= room for line in lines):
                    break
                shown = fewer
                lines = lines_for(shown)
            item.setText("\n".join(lines))

    def needed_height(self) -> int:
        """The height that shows the heading and every row without scrolling."""
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        header = max(self.horizontalHeader().height(), self.horizontalHeader().sizeHint().height())
        return rows + header + 2 * self.frameWidth()
