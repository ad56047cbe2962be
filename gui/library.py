"""The historical case library (``knowledge/cases``) as a filterable panel.

Loaded when first shown, so startup does not pay for reading forty files. A case
opens read-only, with its observed response beside the prediction.
"""
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from rules.cases import default_library_dir, load_library
from rules.errors import AdvisorError

from .style import response_colour, set_tone, theme


class LibraryPanel(QWidget):
    caseRequested = Signal(str)          # path of the case file to open read-only

    def __init__(self, kb, parent=None):
        super().__init__(parent)
        self.kb = kb
        self.directory = default_library_dir(kb)
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        self.filter = QLineEdit(placeholderText="Filter by title, state, threat or year",
                                clearButtonEnabled=True, objectName="libraryFilter")
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._open_first_visible)
        self.tree = QTreeWidget(objectName="libraryTree")
        self.tree.setHeaderLabels(("Case", "Year", "Observed"))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(1, Qt.AscendingOrder)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(lambda item, _c: self.caseRequested.emit(item.data(0, Qt.UserRole)))
        self.status = QLabel(wordWrap=True)
        set_tone(self.status, "muted")
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)

    def ensure_loaded(self):
        if self.loaded:
            return
        self.loaded = True
        try:
            cases = load_library(self.directory, self.kb)
        except AdvisorError as exc:         # one bad file: say which, show nothing half-read
            self.status.setText(f"<span style='color:{theme.BAD}'>{exc}</span>")
            return
        self.tree.setSortingEnabled(False)
        for case in cases:
            observed = self.kb.response(case.observed).label if case.observed else "—"
            item = QTreeWidgetItem([case.title or case.path, "" if case.year is None else str(case.year), observed])
            item.setData(0, Qt.UserRole, case.path)
            item.setData(1, Qt.DisplayRole, case.year)
            item.setToolTip(0, f"{case.title}\n{case.state} facing {case.threat}")
            item.setData(0, Qt.UserRole + 1, " ".join(
                str(x) for x in (case.title, case.state, case.threat, case.year or "")).lower())
            item.setForeground(2, response_colour(self.kb, case.observed))
            self.tree.addTopLevelItem(item)
        self.tree.setSortingEnabled(True)
        self.status.setText(f"{len(cases)} historical cases · double-click to open read-only")

    def _apply_filter(self, text):
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            haystack = item.data(0, Qt.UserRole + 1)
            item.setHidden(not all(word in haystack for word in words))

    def _open_first_visible(self):
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if not item.isHidden():
                self.caseRequested.emit(item.data(0, Qt.UserRole))
                return

    def focus_filter(self):
        self.ensure_loaded()
        self.filter.setFocus()
        self.filter.selectAll()
