"""The documents being edited (a case, a scenario): model objects the widgets reflect,
both the one Document of app/documents.py (its plain state, text and atomic save
live there, without Qt).

Every edit goes through the undo stack as a command that changes the model
(never a widget), the new value made by app/edits.py's pure functions; widgets
listen to the model's signals and redraw. The stack's
clean state is the "saved" state, so undoing back to it clears the unsaved mark.
The Case inside is replaced, never mutated, so a case handed to the analysis
thread cannot change under it.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from alliance_advisor.app.documents import DocumentState, StateOfFile, scenario_text_data, scenario_yaml_text
from alliance_advisor.app.edits import SPREAD, answer_of, set_answer
from alliance_advisor.rules.case import Case, case_to_yaml, load_case, parse_case_text
from alliance_advisor.rules.kb import UNKNOWN, KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.app.jobs import EngineContext
    from alliance_advisor.rules.scenario import Scenario

# Case fields the details form edits, with how a command names them.
DETAIL_FIELDS = {
    "title": "title",
    "year": "year",
    "state": "state",
    "threat": "threat",
    "observed": "observed response",
    "sources": "sources",
    "notes": "notes",
}
_TYPING_ID = 1  # consecutive typing in one text field merges into one undo step
Key = tuple[str, str]  # ("answer", factor id) or ("detail", field)


class _EditCommand(QUndoCommand):
    """Set one answer (``key`` = ("answer", factor id)) or one detail ("detail", field)."""

    def __init__(self, document: CaseDocument, key: Key, value: Any, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.key = key
        self.old = document.value(key)
        self.new = value

    def redo(self) -> None:
        self.document._apply(self.key, self.new)

    def undo(self) -> None:
        self.document._apply(self.key, self.old)

    def id(self) -> int:
        return _TYPING_ID if self.key[0] == "detail" and self.key[1] != "observed" else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _EditCommand) or other.key != self.key:
            return False
        self.new = other.new
        if self.new == self.old:
            self.setObsolete(True)  # typed and deleted again: no step left
        return True


class CaseDocument(StateOfFile, QObject):
    """The open case, where it lives on disk, and whether it has unsaved changes
    (a app.documents.Document)."""

    kind = "case"

    answerChanged = Signal(str, str)  # factor id, level (``unknown`` included)
    detailChanged = Signal(str)  # field name of DETAIL_FIELDS
    caseReplaced = Signal()  # a whole new case (new, open, recover)
    contentChanged = Signal()  # any of the three above: re-analyse
    stateChanged = Signal()  # path, read-only or modified changed

    undo_stack: QUndoStack

    def __init__(self, kb: KnowledgeBase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.case = Case()
        self.state = DocumentState()  # recovered from an autosave: unsaved until saved
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self.stateChanged)

    # ------------------------------------------------------------------ reading
    @property
    def data(self) -> Case:
        return self.case

    @property
    def display_name(self) -> str:
        return self.case.title.strip() or "Untitled case"

    def value(self, key: Key) -> Any:
        kind, name = key
        if kind == "answer":
            return answer_of(self.case, name)
        return getattr(self.case, name)

    def answered_count(self) -> int:
        return len(self.case.answers)

    def to_text(self) -> str:
        """The case file's content."""
        return case_to_yaml(self.case, self.kb)

    def validate(self) -> Case:
        """The case as its file would load (AdvisorError naming what is wrong)."""
        return parse_case_text(self.to_text(), self.kb, path=self.path or "<case>")

    # ------------------------------------------------------------------ editing
    def set_answer(self, factor_id: str, level: str) -> None:
        """One answer, an undo step (CaseError on a factor or level the questionnaire
        does not have, before anything changes)."""
        if self.read_only or answer_of(self.case, factor_id) == level:
            return
        set_answer(self.case, factor_id, level, kb=self.kb)  # checked here: an undo step cannot fail
        factor = self.kb.factor(factor_id)
        label = factor.label_of(level) if level != UNKNOWN else "Unknown"
        if SPREAD in level:
            label = "not sure: " + " or ".join(factor.label_of(lv) for lv in level.split(SPREAD))
        self.undo_stack.push(
            _EditCommand(self, ("answer", factor_id), level, f"Set {self.kb.fact_label(factor_id)} to {label}")
        )

    def set_detail(self, name: str, value: Any) -> None:
        if self.read_only or getattr(self.case, name) == value:
            return
        self.undo_stack.push(_EditCommand(self, ("detail", name), value, f"Edit {DETAIL_FIELDS[name]}"))

    def _apply(self, key: Key, value: Any) -> None:
        kind, name = key
        if kind == "answer":
            self.case = set_answer(self.case, name, value, kb=self.kb)
            self.answerChanged.emit(name, value)
        else:
            self.case = dataclasses.replace(self.case, **{name: value})
            self.detailChanged.emit(name)
        self.contentChanged.emit()

    # ---------------------------------------------------------- whole documents
    def replace(self, case: Case, path: str | None = None, read_only: bool = False, recovered: bool = False) -> None:
        """Show another case: the undo history belongs to the old one and goes."""
        self.case = case
        self.state.replaced(path, read_only, unsaved=recovered)
        self.undo_stack.clear()
        self.caseReplaced.emit()
        self.contentChanged.emit()
        self.stateChanged.emit()

    def load(self, path: str, read_only: bool = False) -> None:
        """The case file at ``path``, validated (AdvisorError naming it; the case stays)."""
        path = os.path.abspath(path)
        self.replace(load_case(path, self.kb), path=path, read_only=read_only)

    def recover(self, text: str, origin: str | None, source: str) -> None:
        """An autosave's case, validated like a file: unsaved until saved."""
        case = parse_case_text(text, self.kb, path=source)
        case.path = origin
        self.replace(case, path=origin, recovered=True)

    def mark_saved(self, path: str) -> None:
        self.state.saved(path)
        self.case = dataclasses.replace(self.case, path=path)
        self.undo_stack.setClean()
        self.stateChanged.emit()

    def make_editable_copy(self) -> None:
        """A read-only library case becomes a new, unsaved case with the same content."""
        self.replace(dataclasses.replace(self.case, path=None), path=None, read_only=False)


class _Snapshot(QUndoCommand):
    """An edit of the scenario as the data before and after it."""

    def __init__(self, document: ScenarioDocument, before: dict[str, Any], after: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.document, self.before, self.after = document, before, after

    def redo(self) -> None:
        self.document._apply(self.after)

    def undo(self) -> None:
        self.document._apply(self.before)


class ScenarioDocument(StateOfFile, QObject):
    """The open scenario as plain data (what its file says), where it lives on disk and
    whether it has unsaved changes (a app.documents.Document). Every edit is a new copy
    of the data, pushed on the undo stack; the engine context (app/jobs.py) checks
    it and makes it a Scenario, which the window runs and never keeps."""

    kind = "scenario"
    contentChanged = Signal()  # an edit, its undo or redo: refill the tables, run again
    stateChanged = Signal()  # path, read-only or modified changed

    undo_stack: QUndoStack

    def __init__(
        self,
        data: dict[str, Any],
        path: str | None = None,
        read_only: bool = False,
        recovered: bool = False,
        parent: QObject | None = None,
        engine: EngineContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.data = copy.deepcopy(data)
        # recovered work, or an editable copy: unsaved until saved
        self.state = DocumentState(path, read_only, unsaved=recovered)
        self.engine = engine
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self.stateChanged)

    @property
    def display_name(self) -> str:
        return str(self.data.get("title") or "this scenario")

    def to_text(self) -> str:
        """The scenario file's content."""
        return scenario_yaml_text(self.data)

    def commit(self, after: dict[str, Any], text: str) -> None:
        """One edit, on the undo stack (applying it and undoing it replace the data)."""
        self.undo_stack.push(_Snapshot(self, copy.deepcopy(self.data), after, text))

    def _apply(self, data: dict[str, Any]) -> None:
        self.data = copy.deepcopy(data)
        self.contentChanged.emit()
        self.stateChanged.emit()

    def _engine(self) -> EngineContext:
        if self.engine is None:
            raise TypeError("a scenario document checks its data with an engine context")
        return self.engine

    def validate(self) -> Scenario:
        """The data as a Scenario (ScenarioError naming what is wrong)."""
        return self._engine().validate_scenario(self.data, self.path or "<scenario>")

    def load(self, path: str, read_only: bool = False) -> None:
        """The scenario file at ``path``, validated (AdvisorError naming it; the data stays)."""
        path = os.path.abspath(path)
        self._engine().load_scenario(path)  # the same checks as the command line
        self._replace(scenario_text_data(Path(path).read_text(encoding="utf-8")), path, read_only, unsaved=False)

    def recover(self, text: str, origin: str | None, source: str) -> None:
        """An autosave's scenario, validated like a file: unsaved until saved."""
        self._engine().parse_scenario_text(text, source)
        self._replace(scenario_text_data(text), origin, False, unsaved=True)

    def _replace(self, data: dict[str, Any], path: str | None, read_only: bool, unsaved: bool) -> None:
        self.data = copy.deepcopy(data)
        self.state.replaced(path, read_only, unsaved)
        self.undo_stack.clear()
        self.contentChanged.emit()
        self.stateChanged.emit()

    def mark_saved(self, path: str) -> None:
        self.state.saved(path)
        self.undo_stack.setClean()
        self.stateChanged.emit()

    def make_editable_copy(self) -> None:
        """A read-only (shipped) scenario becomes a new, unsaved one with the same content."""
        if self.state.editable_copy():
            self.stateChanged.emit()
