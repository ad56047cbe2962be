"""The case form, generated from the knowledge base's questionnaire.

Sections, questions, help texts and levels all come from ``knowledge/``; nothing
here names a factor. The form edits the CaseDocument (through its undo stack)
and redraws itself from the document's signals, never the other way round.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIntValidator, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.app.edits import SPREAD, answer_of
from alliance_advisor.gui.style import card, named, theme
from alliance_advisor.rules.case import MAX_TITLE
from alliance_advisor.rules.kb import UNKNOWN, Factor, KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.gui.document import CaseDocument

UNKNOWN_LABEL = "Unknown"
SIDE_BY_SIDE_QUESTION = 190  # px: below this the question goes above its answer box
NOT_ANSWERED = "Not answered: the engine reasons without it."
NOT_SURE = (
    "Not sure between two levels: the verdict is reached at the first, and the confidence "
    "reads the answer as either, equally likely."
)
NO_OBSERVED = "— not recorded —"


class AnswerBox(QComboBox):
    """A level chooser whose "Unknown" looks like a placeholder (grey italic) when it is
    the answer. Only the closed box is drawn so: QComboBox hands its own font to the
    list, so a stylesheet or setFont would make every choice in the open list look
    disabled. In the list only the "Unknown" entry carries the placeholder look."""

    def placeholder_shown(self) -> bool:
        return bool(self.currentData() == UNKNOWN)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        if self.placeholder_shown() and self.isEnabled():
            font = QFont(self.font())
            font.setItalic(True)
            painter.setFont(font)
            option.palette.setColor(QPalette.ColorRole.ButtonText, QColor(theme.FAINT))
            option.palette.setColor(QPalette.ColorRole.Text, QColor(theme.FAINT))
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class _Question(QWidget):
    """One factor: its question, its help, a level chooser and the chosen level's meaning."""

    def __init__(self, factor: Factor, on_choice: Callable[[str, str], object]) -> None:
        super().__init__()
        self.factor = factor
        layout = QGridLayout(self)
        layout.setSizeConstraint(QGridLayout.SizeConstraint.SetNoConstraint)  # it reflows (_arrange) instead
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setHorizontalSpacing(12)
        layout.setVerticalSpacing(2)
        self.question = named(QLabel(factor.question, wordWrap=True), "question")
        self.question.setToolTip(factor.help)
        self.combo = named(AnswerBox(), f"factor:{factor.id}")
        self.combo.setAccessibleName(factor.question)
        self.combo.addItem(UNKNOWN_LABEL, UNKNOWN)
        self.combo.setItemData(0, NOT_ANSWERED, Qt.ItemDataRole.ToolTipRole)
        for level in factor.levels:
            self.combo.addItem(level.label, level.id)
            self.combo.setItemData(self.combo.count() - 1, level.meaning, Qt.ItemDataRole.ToolTipRole)
        # The "Unknown" choice looks like a placeholder in the list too; the others stay plain.
        self.mark_placeholder()
        # Never narrower than its longest choice, so no answer is ever cut short.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumWidth(max(150, self.combo.sizeHint().width()))
        # Not sure between two neighbouring levels (issue 28): a small button beside the
        # box offers each pair; the box shows the first (the verdict is reached at it) and
        # the confidence reads both as equally likely.
        self.unsure = named(QToolButton(), f"unsure:{factor.id}")
        self.unsure.setText("±")
        self.unsure.setToolTip("Not sure? Choose two neighbouring levels, equally likely.")
        self.unsure.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.unsure.setMenu(QMenu(self.unsure))
        for low, high in zip(factor.levels, factor.levels[1:]):
            value = f"{low.id}{SPREAD}{high.id}"
            action = self.unsure.menu().addAction(f"Not sure: {low.label.lower()} or {high.label.lower()}")
            action.triggered.connect(lambda _checked=False, v=value: on_choice(factor.id, v))
        self.unsure.setVisible(factor.ordered)
        self.answer_box = QWidget()
        box = QHBoxLayout(self.answer_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.combo)
        box.addWidget(self.unsure)
        self.combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.combo.currentIndexChanged.connect(lambda _i: on_choice(factor.id, self.combo.currentData()))
        self.help = named(QLabel(factor.help, wordWrap=True), "help")
        self.meaning = named(QLabel(wordWrap=True), "meaning")
        self._grid = layout
        self.stacked: bool | None = None
        self._arrange(stacked=False)
        layout.addWidget(self.meaning, 2, 0, 1, 2)
        layout.addWidget(self.help, 3, 0, 1, 2)
        self.show_level(UNKNOWN)

    def _arrange(self, stacked: bool) -> None:
        """Question beside its answer box where there is room, above it where not."""
        if stacked == self.stacked:
            return
        self.stacked = stacked
        grid = self._grid
        grid.removeWidget(self.question)
        grid.removeWidget(self.answer_box)
        if stacked:
            grid.addWidget(self.question, 0, 0, 1, 2)
            grid.addWidget(self.answer_box, 1, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
            grid.setColumnStretch(0, 0)
        else:
            grid.addWidget(self.question, 0, 0)
            grid.addWidget(self.answer_box, 0, 1, Qt.AlignmentFlag.AlignTop)
            grid.setColumnStretch(0, 1)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.combo.minimumWidth(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Side by side needs the answer box and a question column of readable width.
        self._arrange(stacked=event.size().width() < self.answer_box.minimumSizeHint().width() + SIDE_BY_SIDE_QUESTION)
        super().resizeEvent(event)

    def mark_placeholder(self) -> None:
        """The "Unknown" entry of the list in the scheme's placeholder colour, italic."""
        self.combo.setItemData(0, QColor(theme.FAINT), Qt.ItemDataRole.ForegroundRole)
        placeholder_font = QFont(self.combo.font())
        placeholder_font.setItalic(True)
        self.combo.setItemData(0, placeholder_font, Qt.ItemDataRole.FontRole)

    def show_level(self, level: str) -> None:
        index = self.combo.findData(level.split(SPREAD)[0])
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self.combo.setProperty("unknown", level == UNKNOWN)
        self.combo.update()
        chosen = self.factor.level(level)
        if SPREAD in level:
            low, high = (self.factor.label_of(lv).lower() for lv in level.split(SPREAD))
            self.meaning.setText(f"Not sure: {low} or {high}. {NOT_SURE}")
        else:
            self.meaning.setText(chosen.meaning if chosen else NOT_ANSWERED)


class QuestionnaireForm(QScrollArea):
    """Case details and every question of the questionnaire, section by section."""

    editCopyRequested = Signal()

    def __init__(self, document: "CaseDocument", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        kb = document.kb
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("formBody")
        self.setWidget(body)
        column = QVBoxLayout(body)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(10)

        self.read_only_banner = self._read_only_banner()
        column.addWidget(self.read_only_banner)
        column.addWidget(self._details_card(kb))
        self.questions: dict[str, _Question] = {}
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
        # The panel is never narrower than its content: nothing is pushed past its edge.
        self.setMinimumWidth(body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width())

        document.answerChanged.connect(self._show_answer)
        document.detailChanged.connect(self._show_detail)
        document.caseReplaced.connect(self.refresh)
        document.stateChanged.connect(self._show_read_only)
        self.refresh()

    # ----------------------------------------------------------------- building
    def _read_only_banner(self) -> QWidget:
        banner = QWidget()
        row = QHBoxLayout(banner)
        row.setContentsMargins(0, 0, 0, 0)
        label = named(QLabel("A historical case from the library, open read-only.", wordWrap=True), "readOnlyBanner")
        button = QPushButton("Edit a Copy")
        button.setToolTip("Make an editable, unsaved copy of this case")
        button.clicked.connect(self.editCopyRequested)
        row.addWidget(label, 1)
        row.addWidget(button)
        return banner

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = named(QLineEdit(placeholderText=placeholder), f"detail:{name}")
        edit.textEdited.connect(lambda text: self.document.set_detail(name, text.strip()))
        return edit

    def _details_card(self, kb: KnowledgeBase) -> QWidget:
        frame, layout = card("The case")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.details_form = form
        self.title = self._line("title", "e.g. Norway joins the Atlantic alliance")
        self.title.setMaxLength(MAX_TITLE)  # the loader refuses longer: never save what cannot open
        self.state = self._line("state", "the deciding state")
        self.threat = self._line("threat", "the threatening power")
        self.year = named(QLineEdit(placeholderText="year"), "detail:year")
        self.year.setValidator(QIntValidator(-5000, 3000, self.year))
        self.year.setMinimumWidth(self.year.fontMetrics().horizontalAdvance("-50000") + 24)
        self.year.setMaximumWidth(self.year.minimumWidth() + 30)
        self.year.textEdited.connect(
            lambda text: self.document.set_detail("year", int(text) if text.lstrip("-").isdigit() else None)
        )
        self.observed = named(QComboBox(), "detail:observed")
        self.observed.addItem(NO_OBSERVED, None)
        for response in kb.responses:
            self.observed.addItem(response.label, response.id)
            self.observed.setItemData(self.observed.count() - 1, response.meaning, Qt.ItemDataRole.ToolTipRole)
        self.observed.setToolTip("For historical cases: what the state actually did")
        self.observed.currentIndexChanged.connect(
            lambda _i: self.document.set_detail("observed", self.observed.currentData())
        )
        self.observed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.observed.setMinimumWidth(self.observed.sizeHint().width())
        # One field a row: each gets the panel's whole width, down to the narrowest panel.
        form.addRow("Title", self.title)
        form.addRow("State", self.state)
        form.addRow("Threat", self.threat)
        form.addRow("Year", self.year)
        form.addRow("Observed", self.observed)
        layout.addLayout(form)
        return frame

    def _notes_card(self) -> QWidget:
        frame, layout = card("Notes and sources")
        self.notes = named(QPlainTextEdit(placeholderText="What the analyst knows, doubts and assumes"), "detail:notes")
        self.sources = named(
            QPlainTextEdit(placeholderText="One source per line, e.g. Walt 1987, p. 19"), "detail:sources"
        )
        for edit, height in ((self.notes, 110), (self.sources, 70)):
            edit.setMinimumHeight(height)
            edit.setTabChangesFocus(True)
        self.notes.textChanged.connect(self._notes_edited)
        self.sources.textChanged.connect(self._sources_edited)
        layout.addWidget(self.notes)
        layout.addWidget(named(QLabel("Sources"), "caption"))
        layout.addWidget(self.sources)
        return frame

    def _notes_edited(self) -> None:
        if not self._syncing:
            self.document.set_detail("notes", self.notes.toPlainText())

    def _sources_edited(self) -> None:
        if not self._syncing:
            lines = [line.strip() for line in self.sources.toPlainText().splitlines()]
            self.document.set_detail("sources", [line for line in lines if line])

    # ---------------------------------------------------------------- reflecting
    _syncing = False

    def _show_answer(self, factor_id: str, level: str) -> None:
        self.questions[factor_id].show_level(level)

    def _show_detail(self, name: str) -> None:
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

    LABELS_ABOVE = 380  # px: a narrower panel puts the case's field names above the fields

    def resizeEvent(self, event: QResizeEvent) -> None:
        wanted = (
            QFormLayout.RowWrapPolicy.WrapAllRows
            if event.size().width() < self.LABELS_ABOVE
            else QFormLayout.RowWrapPolicy.WrapLongRows
        )
        if self.details_form.rowWrapPolicy() != wanted:
            self.details_form.setRowWrapPolicy(wanted)
        super().resizeEvent(event)

    def scroll_to_top(self) -> None:
        self.verticalScrollBar().setValue(0)

    def refresh(self) -> None:
        for factor_id, question in self.questions.items():
            question.show_level(answer_of(self.document.case, factor_id))
        for name in ("title", "state", "threat", "year", "observed", "notes", "sources"):
            self._show_detail(name)
        self._show_read_only()

    def _show_read_only(self) -> None:
        read_only = self.document.read_only
        self.read_only_banner.setVisible(read_only)
        for question in self.questions.values():
            question.combo.setEnabled(not read_only)
        for edit in (self.title, self.state, self.threat, self.year):
            edit.setReadOnly(read_only)
        for text_box in (self.notes, self.sources):
            text_box.setReadOnly(read_only)
        self.observed.setEnabled(not read_only)

    def set_help_visible(self, visible: bool) -> None:
        for question in self.questions.values():
            question.help.setVisible(visible)
