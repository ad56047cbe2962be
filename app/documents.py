"""What every open document is, whatever its kind (a case, a scenario; later a year of
the history), and the part of it that needs no Qt.

:class:`Document` is the one interface the app's file controller, autosave and
windows use, so none of them asks which kind it has. gui/document.py implements it
twice over an undo stack (Qt's); the plain state (:class:`DocumentState`: where the
document lives, whether it may be edited, whether it holds work that was never
saved, and :class:`StateOfFile`, what a document reads from it and its undo
history), the file's text and the atomic save live here, where they are tested
without Qt. The edits themselves are app/edits.py's.
"""

from __future__ import annotations

import os
from typing import Any, Protocol, runtime_checkable

import yaml

from alliance_advisor.rules.fileio import atomic_write_text


@runtime_checkable
class Document(Protocol):
    """An open document. ``kind`` names it ("case", "scenario") in messages and in
    its autosave; ``data`` is what its file says (a Case, a scenario's plain data)."""

    kind: str

    @property
    def data(self) -> Any: ...

    @property
    def path(self) -> str | None: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def modified(self) -> bool:
        """Whether it holds work not in its file (edits, or recovered work)."""
        ...

    @property
    def display_name(self) -> str: ...

    def load(self, path: str, read_only: bool = False) -> None:
        """Read and validate the file at ``path`` (AdvisorError naming it, and the
        document unchanged) and make it the content; the undo history goes."""
        ...

    def validate(self) -> object:
        """The content checked as its file would be (AdvisorError when it is not)."""
        ...

    def to_text(self) -> str:
        """The file's content."""
        ...

    def mark_saved(self, path: str) -> None: ...

    def recover(self, text: str, origin: str | None, source: str) -> None:
        """Make ``text`` (an autosave's, validated as a file named ``source`` would be)
        the content: unsaved until saved, ``origin`` the file it was edited from."""
        ...


class UndoHistory(Protocol):
    """What a document's state asks of its undo history (Qt's QUndoStack is one)."""

    def isClean(self) -> bool: ...


class DocumentState:
    """The plain state of an open document: its file, whether it may be edited, and
    whether it holds work that no save has reached (recovered from an autosave, or an
    editable copy of a read-only file): the part of "modified" no undo stack knows."""

    def __init__(self, path: str | None = None, read_only: bool = False, unsaved: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.unsaved = unsaved

    def modified(self, edits_saved: bool) -> bool:
        """Modified: unsaved work, or edits since the last save (``edits_saved``
        False: the undo stack is not at its clean state)."""
        return self.unsaved or not edits_saved

    def replaced(self, path: str | None, read_only: bool = False, unsaved: bool = False) -> None:
        """Another content: a file opened, a new document, recovered work."""
        self.path, self.read_only, self.unsaved = path, read_only, unsaved

    def saved(self, path: str) -> None:
        self.path, self.read_only, self.unsaved = path, False, False

    def editable_copy(self) -> bool:
        """A read-only document becomes a new, unsaved one with the same content;
        False when it was editable already (nothing changes)."""
        if not self.read_only:
            return False
        self.path, self.read_only, self.unsaved = None, False, True
        return True


class StateOfFile:
    """What every kind of document reads from its plain state and its undo history:
    the file, whether it is read-only, whether work is unsaved. A document sets
    ``state`` and ``undo_stack``."""

    state: DocumentState
    undo_stack: UndoHistory

    @property
    def path(self) -> str | None:
        return self.state.path

    @property
    def read_only(self) -> bool:
        return self.state.read_only

    @property
    def modified(self) -> bool:
        return self.state.modified(self.undo_stack.isClean())


def save_text(document: Document, path: str | os.PathLike[str]) -> str:
    """Write the document's file atomically and mark it saved; its absolute path.
    A failed write (ExportError or OSError) leaves the old file and the document
    as it was, its work still in memory."""
    path = os.path.abspath(path)
    atomic_write_text(path, document.to_text())
    document.mark_saved(path)
    return path


def scenario_yaml_text(data: object) -> str:
    """A scenario's plain data as its file's text."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def scenario_text_data(text: str) -> dict[str, Any]:
    """A scenario file's text as its plain data (the text validated already: a mapping)."""
    data: dict[str, Any] = yaml.safe_load(text)
    return data
