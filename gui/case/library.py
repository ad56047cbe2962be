"""The historical case library (``knowledge/cases``) as a sortable, filterable table:
each case's title (whole, wrapped), year, the theory's prediction, what the state
actually did and whether the two agree.

Loaded (and analysed) when first shown, so startup does not pay for reading and
analysing forty files. A case opens read-only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QRegularExpression, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from alliance_advisor.app.jobs import EngineContext
from alliance_advisor.gui.style import named, response_colour, set_tone, theme
from alliance_advisor.rules.case import Case, default_library_dir, load_library
from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.kb import KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.rules.case import Advisor

COLUMNS = ("Case", "Year", "Predicted", "Observed", "Agreement")
PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # on the title: the case file
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # what a column sorts by (years as numbers)
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3  # on the title: the words the filter looks in
AGREES, DIFFERS, UNRECORDED = "✓ agrees", "✗ differs", "—"
# (title, year, predicted label, observed label, agreement, case, predicted response)
LibraryRow = tuple[str, int | None, str, str, str, Case, str | None]


class _Filter(QSortFilterProxyModel):
    """Every word typed must occur in the case's title, state, threat or year."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(0)

    def set_words(self, text: str) -> None:
        # One lookahead per word: all of them, in any order.
        pattern = "".join(f"(?=.*{re.escape(word)})" for word in text.lower().split())
        self.setFilterRegularExpression(
            QRegularExpression(f"^{pattern}", QRegularExpression.PatternOption.DotMatchesEverythingOption)
        )


def library_rows(kb: KnowledgeBase, cases: Iterable[Case], advisor: Advisor) -> list[LibraryRow]:
    """(title, year, predicted label, observed label, agreement, case, predicted response) per case."""
    rows: list[LibraryRow] = []
    for case in cases:
        verdict = advisor.analyze(case).verdict
        predicted = kb.response(verdict).label if verdict else "No verdict"
        observed = kb.response(case.observed).label if case.observed else UNRECORDED
        agreement = UNRECORDED if not case.observed else (AGREES if verdict == case.observed else DIFFERS)
        rows.append((case.title or case.path or "", case.year, predicted, observed, agreement, case, verdict))
    return rows


class LibraryPanel(QWidget):
    caseRequested = Signal(str)  # path of the case file to open read-only

    def __init__(self, kb: KnowledgeBase, engine: EngineContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.engine = engine  # the application's engine context (app/jobs.py)
        self.directory = default_library_dir(kb)
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        self.filter = named(
            QLineEdit(placeholderText="Filter by title, state, threat or year", clearButtonEnabled=True),
            "libraryFilter",
        )
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(COLUMNS)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = named(QTableView(), "libraryTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)  # whole titles: wrapped, never cut short
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # sized by _fit_title
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._other_column_resized)
        self.table.activated.connect(self._open_index)
        self.filter.textChanged.connect(self.proxy.set_words)
        self.filter.returnPressed.connect(self._open_first_visible)
        self.status = QLabel(wordWrap=True)
        set_tone(self.status, "muted")
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def ensure_loaded(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        try:
            cases = load_library(self.directory, self.kb)
        except AdvisorError as exc:  # one bad file: say which, show nothing half-read
            self.status.setText(f"<span style='color:{theme.BAD}'>{exc}</span>")
            return
        rows = library_rows(self.kb, cases, self.engine.advisor())
        self.table.setSortingEnabled(False)
        for title, year, predicted, observed, agreement, case, verdict in rows:
            items = [
                QStandardItem(title),
                QStandardItem("" if year is None else str(year)),
                QStandardItem(predicted),
                QStandardItem(observed),
                QStandardItem(agreement),
            ]
            items[0].setData(case.path, PATH_ROLE)
            items[0].setData(
                " ".join(str(x) for x in (case.title, case.state, case.threat, year or "")).lower(), SEARCH_ROLE
            )
            items[0].setToolTip(f"{title}\n{case.state} facing {case.threat}")
            sort_keys = (title.lower(), year if year is not None else -(10**6), predicted, observed, agreement)
            for item, key in zip(items, sort_keys):
                item.setData(key, SORT_ROLE)
                item.setEditable(False)
            items[2].setForeground(response_colour(self.kb, verdict))
            items[3].setForeground(response_colour(self.kb, case.observed))
            if case.observed:
                items[4].setForeground(QColor(theme.GOOD if agreement == AGREES else theme.BAD))
            items[4].setToolTip(
                "The prediction matches what the state did"
                if agreement == AGREES
                else "The prediction differs from what the state did"
                if agreement == DIFFERS
                else "No observed response recorded"
            )
            self.model.appendRow(items)
        self.table.setSortingEnabled(True)
        self._fit_title()
        agree = sum(1 for row in rows if row[4] == AGREES)
        recorded = sum(1 for row in rows if row[4] != UNRECORDED)
        self.status.setText(
            f"{len(rows)} historical cases · the theory agrees with {agree} of {recorded} · "
            f"click a heading to sort, double-click a case to open it read-only"
        )

    TITLE_MIN = 200  # px: titles wrap at no less; a narrower panel scrolls sideways

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def _other_column_resized(self, column: int, _old: int, _new: int) -> None:
        if column:
            self._fit_title()

    def _fit_title(self) -> None:
        """The title takes the room the other columns leave, but never less than TITLE_MIN."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(1, self.model.columnCount()))
        width = max(self.TITLE_MIN, self.table.viewport().width() - others)
        if header.sectionSize(0) != width:
            header.resizeSection(0, width)

    def row_paths(self) -> list[str]:
        """The case files in the order shown (sorted and filtered)."""
        return [self.proxy.index(r, 0).data(PATH_ROLE) for r in range(self.proxy.rowCount())]

    def row_texts(self, row: int) -> list[str]:
        return [self.proxy.index(row, c).data() for c in range(self.proxy.columnCount())]

    def _open_index(self, index: QModelIndex) -> None:
        path = self.proxy.index(index.row(), 0).data(PATH_ROLE)
        if path:
            self.caseRequested.emit(path)

    def _open_first_visible(self) -> None:
        if self.proxy.rowCount():
            self._open_index(self.proxy.index(0, 0))

    def focus_filter(self) -> None:
        self.ensure_loaded()
        self.filter.setFocus()
        self.filter.selectAll()
