"""One file controller for every kind of document window (case, scenario; later a
year of the history): save, save as, the atomic write, the recent list, the
"unsaved changes" prompt, and the autosave of unsaved work and its recovery after a
crash, the same steps whichever document it is.

A document is a app.documents.Document (``kind``, ``path``, ``read_only``,
``modified``, ``display_name``, ``to_text()``, ``mark_saved(path)``, ...);
gui/document.py has both kinds. Each open document gets an autosave file of its own
(gui/autosave.py), all in one folder; a window says when to write it.
"""

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from alliance_advisor.app.documents import Document, save_text
from alliance_advisor.gui import msgbox
from alliance_advisor.gui.autosave import Autosave, Orphan, find_orphans
from alliance_advisor.gui.recent import RecentFiles
from alliance_advisor.rules.errors import AdvisorError


class FileController:
    """Saves documents for the windows that show them, into one recent list, and
    keeps their unsaved work in ``autosave_dir`` (None: nowhere, e.g. a screenshot's
    window, which leaves no trace)."""

    def __init__(self, recent: RecentFiles, autosave_dir: str | os.PathLike[str] | None = None) -> None:
        self.recent = recent
        self.autosave_dir = Path(autosave_dir) if autosave_dir is not None else None
        self._autosaves: dict[Document, Autosave] = {}  # document -> its Autosave, made when first asked for

    def maybe_save(self, window: QWidget, document: Document, save: Callable[[], bool]) -> bool:
        """Before the document goes away: True when it may (saved, discarded or
        unchanged). ``save`` is the window's Save (it may ask for a name)."""
        if not document.modified or document.read_only:
            return True
        choice = msgbox.ask_save_changes(window, document.display_name)
        if choice == msgbox.SAVE:
            return save()
        return choice == msgbox.DISCARD

    def save(
        self,
        window: QWidget,
        document: Document,
        save_as: Callable[[], bool],
        saved: Callable[[str], None] | None = None,
    ) -> bool:
        if document.read_only or not document.path:
            return save_as()
        return self.write(window, document, document.path, saved)

    def save_as(
        self,
        window: QWidget,
        document: Document,
        title: str,
        suggested: str,
        filters: str,
        saved: Callable[[str], None] | None = None,
    ) -> bool:
        path, _chosen = msgbox.get_save_path(window, title, suggested, filters)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".yaml"
        return self.write(window, document, path, saved)

    def write(self, window: QWidget, document: Document, path: str, saved: Callable[[str], None] | None = None) -> bool:
        """Atomic: a failed write leaves the old file and keeps the work in memory.
        ``saved(path)``: what the window does after a save (its status line, ...)."""
        path = os.path.abspath(path)
        try:
            save_text(document, path)
        except AdvisorError as exc:
            msgbox.error(window, f"Cannot save {document.kind}", str(exc))
            return False
        except OSError as exc:
            msgbox.error(window, f"Cannot save {document.kind}", f"{path}: {exc.strerror or exc}")
            return False
        self.discard_autosave(document)  # saved: nothing left to recover
        self.recent.add(path)  # File > Open Recent tells a scenario from a case when opened
        if saved is not None:
            saved(path)
        return True

    # ------------------------------------------------------------- autosave
    def autosave_of(self, document: Document) -> Autosave | None:
        """The document's own autosave file (gui.autosave.Autosave), or None when
        this controller keeps none."""
        if self.autosave_dir is None:
            return None
        if document not in self._autosaves:
            self._autosaves[document] = Autosave(self.autosave_dir)
        return self._autosaves[document]

    def autosave(self, document: Document) -> str | None:
        """Write the document's unsaved work to its autosave file (atomic); nothing
        when it is unmodified. None, or why it could not be written (the window
        shows that without a dialog: it may come every few seconds)."""
        autosave = self.autosave_of(document)
        if autosave is None or not document.modified:
            return None
        try:
            autosave.write(document.to_text(), origin=document.path, kind=document.kind)
        except (AdvisorError, OSError) as exc:
            return str(exc)
        return None

    def discard_autosave(self, document: Document) -> None:
        """The work is saved or thrown away: nothing of it left to recover."""
        autosave = self._autosaves.get(document)
        if autosave is not None:
            autosave.discard()

    def forget(self, document: Document) -> None:
        """The document is closed: its autosave goes, and so does its entry."""
        self.discard_autosave(document)
        self._autosaves.pop(document, None)

    def orphans(self) -> list[Orphan]:
        """Autosaves of sessions that ended without closing, newest first, each
        locked by this session until it is removed or released (gui/autosave.py)."""
        return find_orphans(self.autosave_dir) if self.autosave_dir is not None else []
