"""A folder of cases as a sortable, filterable table: the historical library
(``knowledge/cases``) first, or any folder of case files (a class's) opened with
"Open Folder…". Each case's title (whole, wrapped), year, the theory's prediction, what
the state actually did and whether the two agree, and under the table the agreement,
log score and Brier score that ``main.py evaluate DIR`` prints for the same folder.
A file that is not a valid case is listed with its one-line error.

Loaded (and analysed) when first shown, so startup does not pay for reading and
analysing forty files. A case of the historical library opens read-only.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QRegularExpression, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.app.jobs import CaseFolder, EngineContext, FolderCase
from alliance_advisor.gui import msgbox
from alliance_advisor.gui.style import esc, named, response_colour, set_tone, theme
from alliance_advisor.presentation.case import evaluation_summary
from alliance_advisor.rules.case import default_library_dir
from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.kb import KnowledgeBase

COLUMNS = ("Case", "Year", "Predicted", "Observed", "Agrees")
PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # on the title: the case file
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # what a column sorts by (years as numbers)
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3  # on the title: the words the filter looks in
AGREES, DIFFERS, UNRECORDED = "\u2713 yes", "\u2717 no", "\u2014"
# (title, year, predicted label, observed label, agreement, case or None, predicted response)
LibraryRow = tuple[str, int | None, str, str, str, FolderCase | None, str | None]


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


def library_rows(kb: KnowledgeBase, folder: CaseFolder) -> list[LibraryRow]:
    """(title, year, predicted label, observed label, agreement, case, predicted response)
    per case of the folder, then per file not read (its name and error as the title)."""
    rows: list[LibraryRow] = []
    for entry in folder.cases:
        case, verdict = entry.case, entry.predicted
        predicted = kb.response(verdict).label if verdict else "No verdict"
        observed = kb.response(case.observed).label if case.observed else UNRECORDED
        agreement = UNRECORDED if entry.agrees is None else (AGREES if entry.agrees else DIFFERS)
        rows.append((case.title or entry.path, case.year, predicted, observed, agreement, entry, verdict))
    for name, error in folder.failures:
        # The message names the file by its whole path; the row already says which.
        message = error.replace(str(Path(folder.directory) / name), name)
        rows.append((f"Not read: {message}", None, UNRECORDED, UNRECORDED, UNRECORDED, None, None))
    return rows


def totals_text(folder: CaseFolder) -> str:
    """The agreement, log score and Brier score of the folder, as evaluate prints them, in one line."""
    table, parts = folder.table, [f"{len(folder.cases)} cases"]
    if table["cases"]:
        parts.append(f"agreement {table['agree']}/{table['cases']} = {table['agreement']:.1%}")
    scores = table.get("scores") or {}
    if "log_score" in scores:
        parts.append(f"log score {scores['log_score']:.3f} (base rates {scores['log_score_base_rates']:.3f})")
        parts.append(f"Brier {scores['brier']:.3f} (base rates {scores['brier_base_rates']:.3f})")
    if folder.failures:
        parts.append(f"{len(folder.failures)} file{'s' if len(folder.failures) > 1 else ''} not read")
    return " \u00b7 ".join(parts)


class LibraryPanel(QWidget):
    caseRequested = Signal(str)  # path of the case file to open (read-only in the historical library)
    filled = Signal()  # a folder is shown: the window may give the panel the width it wants

    def __init__(self, kb: KnowledgeBase, engine: EngineContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.engine = engine  # the application's engine context (app/jobs.py)
        self.directory = default_library_dir(kb)
        self.folder: CaseFolder | None = None
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        self.open_button = named(QPushButton("Open Folder\u2026"), "libraryOpenFolder")
        self.open_button.setToolTip("Show another folder of case files (a class's cases) with the same table")
        self.open_button.clicked.connect(self.choose_folder)
        self.folder_label = named(QLabel(wordWrap=True), "libraryFolder")
        set_tone(self.folder_label, "muted")
        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(self.open_button)
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
        self.table.setWordWrap(True)  # whole titles and labels: wrapped, never cut short
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized by _fit_columns
        header.setStretchLastSection(False)
        header.sortIndicatorChanged.connect(lambda *_: self._fit_columns())
        self.table.activated.connect(self._open_index)
        self.filter.textChanged.connect(self.proxy.set_words)
        self.filter.returnPressed.connect(self._open_first_visible)
        self.status = named(QLabel(wordWrap=True), "libraryStatus")
        set_tone(self.status, "muted")
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def ensure_loaded(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        self.open_folder(self.directory)

    def choose_folder(self) -> bool:
        """Ask for a folder and show it; whether one was shown."""
        path = msgbox.get_folder(self, "Open a Folder of Cases", str(self.directory))
        return path is not None and self.open_folder(path)

    def open_folder(self, directory: str | Path) -> bool:
        """Show the cases of ``directory``; a folder that cannot be read is one line in a
        dialog, and the table shown before stays (nothing typed is lost)."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            folder = self.engine.read_case_folder(str(directory))
        except AdvisorError as exc:
            msgbox.error(self, "Cannot Open the Folder", str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.loaded = True
        self.directory = Path(directory)
        self.folder = folder
        self._fill(library_rows(self.kb, folder))
        self.filled.emit()
        self.folder_label.setText(f"Cases in <b>{esc(self.directory.name or str(self.directory))}</b>")
        self.folder_label.setToolTip(str(self.directory))
        self.status.setText(f"{esc(totals_text(folder))} \u00b7 double-click a case to open it")
        self.status.setToolTip("\n".join(evaluation_summary(folder.table, self.kb)))
        return True

    def _fill(self, rows: list[LibraryRow]) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.table.setSortingEnabled(False)
        for row in rows:
            self.model.appendRow(self._items(row))
        self.table.setSortingEnabled(True)
        self._fit_columns()

    def _items(self, row: LibraryRow) -> list[QStandardItem]:
        title, year, predicted, observed, agreement, entry, verdict = row
        items = [QStandardItem(text) for text in (title, "" if year is None else str(year), predicted, observed)]
        items.append(QStandardItem(agreement))
        sort_keys = (title.lower(), year if year is not None else -(10**6), predicted, observed, agreement)
        for item, key in zip(items, sort_keys):
            item.setData(key, SORT_ROLE)
            item.setEditable(False)
        if entry is None:  # a file not read: its error, in the colour of errors
            items[0].setForeground(QColor(theme.BAD))
            items[0].setData(title.lower(), SEARCH_ROLE)
            items[0].setToolTip(title)
            return items
        case = entry.case
        items[0].setData(entry.path, PATH_ROLE)
        items[0].setData(
            " ".join(str(x) for x in (case.title, case.state, case.threat, year or "")).lower(), SEARCH_ROLE
        )
        items[0].setToolTip(f"{title}\n{case.state} facing {case.threat}\n{entry.path}")
        items[2].setForeground(response_colour(self.kb, verdict))
        items[3].setForeground(response_colour(self.kb, case.observed))
        if entry.agrees is not None:
            items[4].setForeground(QColor(theme.GOOD if entry.agrees else theme.BAD))
        items[4].setToolTip(
            "No observed response recorded"
            if entry.agrees is None
            else "The prediction matches what the state did"
            if entry.agrees
            else "The prediction differs from what the state did"
        )
        return items

    TITLE_MIN = 110  # px: titles wrap at no less; a narrower panel scrolls sideways
    PAD = 12  # px: a cell's margins either side of its text
    HEADING_PAD = 20  # px: a heading's margins either side of its text
    SORT_MARK = 16  # px: the sort arrow, in the sorted column's heading

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def column_needs(self, column: int) -> tuple[int, int]:
        """(whole, wrapped) width a column needs: its longest text on one line, and its
        longest word; never less than its heading (with the sort arrow when sorted by it)."""
        header = self.table.horizontalHeader()
        metrics = QFontMetrics(self.table.font())
        texts = [str(self.model.index(r, column).data() or "") for r in range(self.model.rowCount())]
        heading = header.fontMetrics().horizontalAdvance(COLUMNS[column]) + self.HEADING_PAD
        heading += self.SORT_MARK if header.sortIndicatorSection() == column else 0
        whole = max([metrics.horizontalAdvance(t) + self.PAD for t in texts] + [heading])
        word = max([metrics.horizontalAdvance(w) + self.PAD for t in texts for w in t.split()] + [heading])
        return whole, word

    def wanted_width(self) -> int:
        """The panel's width at which every column but the title fits its words and the
        title has TITLE_MIN: what the window gives the library when it can."""
        words = sum(self.column_needs(c)[1] for c in range(1, self.model.columnCount()))
        frame = self.width() - self.table.viewport().width()
        return words + self.TITLE_MIN + max(frame, 0)

    def _fit_columns(self) -> None:
        """Year, Predicted, Observed and Agrees as wide as their text, each label on one
        line when there is room, else wrapped between words (never cut); the title
        takes the rest, but never less than TITLE_MIN."""
        header = self.table.horizontalHeader()
        needs = [self.column_needs(c) for c in range(1, self.model.columnCount())]
        room = self.table.viewport().width()
        widths = [whole for whole, _word in needs]
        if sum(widths) + 2 * self.TITLE_MIN > room:  # the labels wrap before the titles shrink further
            widths = [word for _whole, word in needs]
        for column, width in enumerate(widths, 1):
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
        title = max(self.TITLE_MIN, room - sum(widths))
        if header.sectionSize(0) != title:
            header.resizeSection(0, title)

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
