"""The case form, generated from the knowledge base's questionnaire.

Sections, questions, help texts and levels all come from ``knowledge/``; nothing
here names a factor. The form edits the CaseDocument (through its undo stack)
and redraws itself from the document's signals, never the other way round.
"""
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rules.cases import MAX_TITLE
from rules.knowledge import UNKNOWN

from .style import card

UNKNOWN_LABEL = "Unknown"
NOT_ANSWERED = "Not answered: the engine reasons without it."
NO_OBSERVED = "— not recorded —"


class _Question(QWidget):
    """One factor: its question, its help, a level chooser and the chosen level's meaning."""

    def __init__(self, factor, on_choice):
        super().__init__()
        self.factor = factor
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setHorizontalSpacing(12)
        layout.setVerticalSpacing(2)
        self.question = QLabel(factor.question, objectName="question", wordWrap=True)
        self.question.setToolTip(factor.help)
        self.combo = QComboBox(objectName=f"factor:{factor.id}")
        self.combo.setAccessibleName(factor.question)
        self.combo.addItem(UNKNOWN_LABEL, UNKNOWN)
        self.combo.setItemData(0, NOT_ANSWERED, Qt.ToolTipRole)
        for level in factor.levels:
            self.combo.addItem(level.label, level.id)
            self.combo.setItemData(self.combo.count() - 1, level.meaning, Qt.ToolTipRole)
        self.combo.setMinimumWidth(170)
        self.combo.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.combo.currentIndexChanged.connect(lambda _i: on_choice(factor.id, self.combo.currentData()))
        self.help = QLabel(factor.help, objectName="help", wordWrap=True)
        self.meaning = QLabel(objectName="meaning", wordWrap=True)
        layout.addWidget(self.question, 0, 0)
        layout.addWidget(self.combo, 0, 1, Qt.AlignTop)
        layout.addWidget(self.meaning, 1, 0, 1, 2)
        layout.addWidget(self.help, 2, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self.show_level(UNKNOWN)

    def show_level(self, level):
        index = self.combo.findData(level)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self.combo.setProperty("unknown", level == UNKNOWN)
        self.combo.style().unpolish(self.combo)
        self.combo.style().polish(self.combo)
        chosen = self.factor.level(level)
        self.meaning.setText(chosen.meaning if chosen else NOT_ANSWERED)


class QuestionnaireForm(QScrollArea):
    """Case details and every question of the questionnaire, section by section."""

    editCopyRequested = Signal()

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        kb = document.kb
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("formBody")
        self.setWidget(body)
        column = QVBoxLayout(body)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(10)

        self.read_only_banner = self._read_only_banner()
        column.addWidget(self.read_only_banner)
        column.addWidget(self._details_card(kb))
        self.questions = {}
        for section in kb.sections:
            factors = [f for f in kb.factors if f.section == section.id]
            if not factors:
                continue
            frame, layout = card(section.title)
            for factor in factors:
                question = _Question(factor, document.set_answer)
                self.questions[factor.id] = question
                layout.addWidget(question)
            column.addWidget(frame)
        column.addWidget(self._notes_card())
        column.addStretch(1)

        document.answerChanged.connect(self._show_answer)
        document.detailChanged.connect(self._show_detail)
        document.caseReplaced.connect(self.refresh)
        document.stateChanged.connect(self._show_read_only)
        self.refresh()

    # ----------------------------------------------------------------- building
    def _read_only_banner(self):
        banner = QWidget()
        row = QHBoxLayout(banner)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("A historical case from the library, open read-only.",
                       objectName="readOnlyBanner", wordWrap=True)
        button = QPushButton("Edit a Copy")
        button.setToolTip("Make an editable, unsaved copy of this case")
        button.clicked.connect(self.editCopyRequested)
        row.addWidget(label, 1)
        row.addWidget(button)
        return banner

    def _line(self, name, placeholder):
        edit = QLineEdit(objectName=f"detail:{name}", placeholderText=placeholder)
        edit.textEdited.connect(lambda text: self.document.set_detail(name, text.strip()))
        return edit

    def _details_card(self, kb):
        frame, layout = card("The case")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.setHorizontalSpacing(10)
        self.title = self._line("title", "e.g. Norway joins the Atlantic alliance")
        self.title.setMaxLength(MAX_TITLE)          # the loader refuses longer: never save what cannot open
        self.state = self._line("state", "the deciding state")
        self.threat = self._line("threat", "the threatening power")
        self.year = QLineEdit(objectName="detail:year", placeholderText="year")
        self.year.setValidator(QIntValidator(-5000, 3000, self.year))
        self.year.setMaximumWidth(90)
        self.year.textEdited.connect(
            lambda text: self.document.set_detail("year", int(text) if text.lstrip("-").isdigit() else None))
        self.observed = QComboBox(objectName="detail:observed")
        self.observed.addItem(NO_OBSERVED, None)
        for response in kb.responses:
            self.observed.addItem(response.label, response.id)
            self.observed.setItemData(self.observed.count() - 1, response.meaning, Qt.ToolTipRole)
        self.observed.setToolTip("For historical cases: what the state actually did")
        self.observed.currentIndexChanged.connect(
            lambda _i: self.document.set_detail("observed", self.observed.currentData()))
        sides = QHBoxLayout()
        sides.setSpacing(8)
        sides.addWidget(self.state, 1)
        sides.addWidget(QLabel("facing"))
        sides.addWidget(self.threat, 1)
        when = QHBoxLayout()
        when.addWidget(self.year)
        when.addSpacing(12)
        when.addWidget(QLabel("Observed response"))
        when.addWidget(self.observed, 1)
        form.addRow("Title", self.title)
        form.addRow("State", sides)
        form.addRow("Year", when)
        layout.addLayout(form)
        return frame

    def _notes_card(self):
        frame, layout = card("Notes and sources")
        self.notes = QPlainTextEdit(objectName="detail:notes",
                                    placeholderText="What the analyst knows, doubts and assumes")
        self.sources = QPlainTextEdit(objectName="detail:sources",
                                      placeholderText="One source per line, e.g. Walt 1987, p. 19")
        for edit, height in ((self.notes, 110), (self.sources, 70)):
            edit.setMinimumHeight(height)
            edit.setTabChangesFocus(True)
        self.notes.textChanged.connect(self._notes_edited)
        self.sources.textChanged.connect(self._sources_edited)
        layout.addWidget(self.notes)
        layout.addWidget(QLabel("Sources", objectName="caption"))
        layout.addWidget(self.sources)
        return frame

    def _notes_edited(self):
        if not self._syncing:
            self.document.set_detail("notes", self.notes.toPlainText())

    def _sources_edited(self):
        if not self._syncing:
            lines = [line.strip() for line in self.sources.toPlainText().splitlines()]
            self.document.set_detail("sources", [line for line in lines if line])

    # ---------------------------------------------------------------- reflecting
    _syncing = False

    def _show_answer(self, factor_id, level):
        self.questions[factor_id].show_level(level)

    def _show_detail(self, name):
        case = self.document.case
        self._syncing = True
        try:
            if name in ("title", "state", "threat"):
                edit = getattr(self, name)
                if edit.text().strip() != getattr(case, name):
                    edit.setText(getattr(case, name))
            elif name == "year":
                text = "" if case.year is None else str(case.year)
                if self.year.text() != text:
                    self.year.setText(text)
            elif name == "observed":
                self.observed.blockSignals(True)
                self.observed.setCurrentIndex(max(self.observed.findData(case.observed), 0))
                self.observed.blockSignals(False)
            elif name == "notes":
                if self.notes.toPlainText() != case.notes:
                    self.notes.setPlainText(case.notes)
            elif name == "sources":
                current = [s.strip() for s in self.sources.toPlainText().splitlines() if s.strip()]
                if current != case.sources:
                    self.sources.setPlainText("\n".join(case.sources))
        finally:
            self._syncing = False

    def refresh(self):
        for factor_id, question in self.questions.items():
            question.show_level(self.document.case.answer(factor_id))
        for name in ("title", "state", "threat", "year", "observed", "notes", "sources"):
            self._show_detail(name)
        self._show_read_only()

    def _show_read_only(self):
        read_only = self.document.read_only
        self.read_only_banner.setVisible(read_only)
        for question in self.questions.values():
            question.combo.setEnabled(not read_only)
        for edit in (self.title, self.state, self.threat, self.year):
            edit.setReadOnly(read_only)
        for edit in (self.notes, self.sources):
            edit.setReadOnly(read_only)
        self.observed.setEnabled(not read_only)

    def set_help_visible(self, visible):
        for question in self.questions.values():
            question.help.setVisible(visible)
