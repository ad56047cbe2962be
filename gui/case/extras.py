"""Panels for the analyses beyond the verdict: what-if, the three worlds and the
historical analogues. Each renders its part of the Result when the engine
provides it (``result.whatif``, ``.worlds``, ``.analogues``) and says so when not."""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.gui.style import card, esc, fact_title, named, response_colour, set_tone, theme
from alliance_advisor.rules.case import Analogue, Result, WhatIf, WorldOutcome
from alliance_advisor.rules.kb import KnowledgeBase


class _ExtraPanel(QStackedWidget):
    """A placeholder until the Result carries ``attribute``; then ``fill`` draws it."""

    attribute = ""
    missing = ""

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.placeholder = QLabel(self.missing, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        set_tone(self.placeholder, "placeholder")
        self.addWidget(self.placeholder)
        self.content = self.build()
        self.addWidget(self.content)

    def show_result(self, result: Result) -> None:
        data = getattr(result, self.attribute)
        if data is None:
            self.setCurrentWidget(self.placeholder)
            return
        self.fill(data, result)
        self.setCurrentWidget(self.content)

    def build(self) -> QWidget:
        raise NotImplementedError

    def fill(self, data: Any, result: Result) -> None:  # data: the Result's ``attribute``
        raise NotImplementedError


def _tree(columns: Sequence[str], name: str) -> QTreeWidget:
    tree = named(QTreeWidget(), name)
    tree.setHeaderLabels(columns)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    return tree


def _hint(text: str) -> QLabel:
    hint = QLabel(text, wordWrap=True)
    set_tone(hint, "muted")
    return hint


def _group(tree: QTreeWidget, title: str) -> QTreeWidgetItem:
    group = QTreeWidgetItem([title])
    font = QFont(group.font(0))
    font.setBold(True)
    group.setFont(0, font)
    tree.addTopLevelItem(group)
    group.setFirstColumnSpanned(True)
    group.setExpanded(True)
    return group


class WhatIfView(_ExtraPanel):
    """Which single answers, changed, would change the verdict; what the unknowns could do.
    Double-click a row to try that answer (an ordinary, undoable edit)."""

    attribute = "whatif"
    missing = "What-if analysis is not available from this version of the engine."
    answerSuggested = Signal(str, str)  # factor id, level

    def build(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(12, 10, 12, 10)
        self.headline = QLabel(wordWrap=True)
        self.headline.setStyleSheet("font-weight: 600;")
        self.tree = _tree(("Question", "Now", "If it were", "The verdict would be"), "whatIfTable")
        self.tree.itemDoubleClicked.connect(self._try)
        column.addWidget(self.headline)
        column.addWidget(self.tree, 1)
        column.addWidget(_hint("Double-click a row to try that answer; Undo takes it back."))
        return box

    def fill(self, data: WhatIf, result: Result) -> None:
        if data.stable:
            self.headline.setText(
                f"<span style='color:{theme.GOOD}'>The verdict is stable:</span> no single "
                f"change of a known answer alters it."
            )
        else:
            count = len(data.flips)
            self.headline.setText(
                f"<span style='color:{theme.BAD}'>{count} single change{'s' if count != 1 else ''}"
                f"</span> of an answer would change the verdict."
            )
        self.tree.clear()
        if data.flips:
            group = _group(self.tree, "Single changes that alter the verdict")
            for flip in data.flips:
                self._row(group, flip.factor, flip.from_, flip.to, flip.verdict)
        if data.unknowns:
            group = _group(self.tree, "What the unknown answers could change")
            for factor, outcomes in data.unknowns.items():
                for level, verdict in outcomes.items():
                    self._row(group, factor, "unknown", level, verdict)
        self.tree.expandAll()

    def _row(self, group: QTreeWidgetItem, factor: str, now: str, level: str, verdict: str | None) -> None:
        kb = self.kb
        label = kb.response(verdict).label if verdict else "No verdict"
        row = QTreeWidgetItem(
            [fact_title(kb, factor), kb.level_label(factor, now), kb.level_label(factor, level), label]
        )
        row.setData(0, Qt.ItemDataRole.UserRole, (factor, level))
        row.setForeground(3, response_colour(kb, verdict))
        row.setToolTip(0, kb.factor(factor).question)
        group.addChild(row)

    def _try(self, item: QTreeWidgetItem, _column: int) -> None:
        choice = item.data(0, Qt.ItemDataRole.UserRole)
        if choice:
            self.answerSuggested.emit(*choice)


class WorldsView(_ExtraPanel):
    """The prediction in a balancing world, a bandwagoning world and Walt's, with advice."""

    attribute = "worlds"
    missing = "The three worlds are not available from this version of the engine."

    def build(self) -> QWidget:
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.box = QWidget()
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.box)
        self.row.setContentsMargins(12, 12, 12, 12)
        self.row.setSpacing(12)
        scroll.setWidget(self.box)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area = scroll  # not self.scroll: that is QWidget's method
        return scroll

    SIDE_BY_SIDE = 720  # px: narrower than this, the world cards stack

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= self.SIDE_BY_SIDE
            else QBoxLayout.Direction.TopToBottom
        )
        if self.row.direction() != wanted:
            self.row.setDirection(wanted)

    def fill(self, data: dict[str, WorldOutcome], result: Result) -> None:
        while self.row.count():
            item = self.row.takeAt(0)  # never None while the row has items
            widget = item.widget() if item is not None else None
            if widget:
                widget.deleteLater()
        for world_id, world in data.items():
            frame, layout = card(world.title)
            if world_id == result.world:
                frame.setProperty("current", True)
            colour = response_colour(self.kb, world.verdict).name()
            verdict = QLabel(wordWrap=True)
            verdict.setText(
                f"<span style='font-size:16pt; font-weight:700; color:{colour}'>"
                f"{esc(world.verdict_label)}</span>"
                f"<br><span style='color:{theme.MUTED}'>confidence {world.confidence:.2f}</span>"
            )
            layout.addWidget(verdict)
            for caption, text in (("Policy advice", world.advice), ("If the world is misjudged", world.risk)):
                if text:
                    layout.addWidget(named(QLabel(caption.upper(), wordWrap=True), "caption"))
                    layout.addWidget(QLabel(esc(text), wordWrap=True))
            layout.addStretch(1)
            self.row.addWidget(frame, 1)


class AnaloguesView(_ExtraPanel):
    """The recorded cases most like this one, and what those states did.
    Double-click one to open it from the library."""

    attribute = "analogues"
    missing = "Historical analogues are not available from this version of the engine."
    caseRequested = Signal(str)  # the analogue's file

    def build(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(12, 10, 12, 10)
        self.tree = _tree(
            ("Similarity", "Case", "Observed", "Theory predicted", "Theory was", "Differs in"), "analoguesTable"
        )
        self.tree.setRootIsDecorated(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, 200)
        self.tree.itemDoubleClicked.connect(
            lambda item, _c: self.caseRequested.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )
        column.addWidget(self.tree, 1)
        column.addWidget(_hint("Double-click a case to open it from the library, read-only."))
        return box

    def fill(self, data: tuple[Analogue, ...], result: Result) -> None:
        kb = self.kb
        self.tree.clear()
        for analogue in data:
            title = analogue.title + (f" ({analogue.year})" if analogue.year else "")
            observed = kb.response(analogue.observed).label if analogue.observed else "—"
            predicted = kb.response(analogue.predicted).label if analogue.predicted else "No verdict"
            right = "✓ right" if analogue.theory_right else "✗ wrong"
            differs = ", ".join(fact_title(kb, f) for f in analogue.differences) or "nothing"
            row = QTreeWidgetItem([f"{analogue.similarity:.0%}", title, observed, predicted, right, differs])
            row.setData(0, Qt.ItemDataRole.UserRole, analogue.file)
            row.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setToolTip(1, f"{title}\n{analogue.state} facing {analogue.threat}")
            row.setToolTip(5, differs)
            row.setForeground(2, response_colour(kb, analogue.observed))
            row.setForeground(3, response_colour(kb, analogue.predicted))
            row.setForeground(4, QColor(theme.GOOD if analogue.theory_right else theme.BAD))
            self.tree.addTopLevelItem(row)
