"""One file controller for every kind of document window (case, scenario; later a
year of the history): save, save as, the atomic write, the recent list and the
"unsaved changes" prompt, the same steps whichever document it is.

A document gives its ``path``, ``read_only``, ``modified``, ``display_name``,
``to_text()`` (the file's content) and ``mark_saved(path)``; gui/document.py has
both kinds.
"""

import os
from pathlib import Path

from rules.errors import AdvisorError
from rules.fileio import atomic_write_text

from . import msgbox


class FileController:
    """Saves documents for the windows that show them, into one recent list."""

    def __init__(self, recent):
        self.recent = recent  # gui.recent.RecentFiles

    def maybe_save(self, window, document, save):
        """Before the document goes away: True when it may (saved, discarded or
        unchanged). ``save`` is the window's Save (it may ask for a name)."""
        if not document.modified or document.read_only:
            return True
        choice = msgbox.ask_save_changes(window, document.display_name)
        if choice == msgbox.SAVE:
            return save()
        return choice == msgbox.DISCARD

    def save(self, window, document, save_as, saved=None):
        if document.read_only or not document.path:
            return save_as()
        return self.write(window, document, document.path, saved)

    def save_as(self, window, document, title, suggested, filters, saved=None):
        path, _chosen = msgbox.get_save_path(window, title, suggested, filters)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".yaml"
        return self.write(window, document, path, saved)

    def write(self, window, document, path, saved=None):
        """Atomic: a failed write leaves the old file and keeps the work in memory.
        ``saved(path)``: what the window does after a save (its status line, ...)."""
        path = os.path.abspath(path)
        try:
            atomic_write_text(path, document.to_text())
        except AdvisorError as exc:
            msgbox.error(window, f"Cannot save {document.kind}", str(exc))
            return False
        except OSError as exc:
            msgbox.error(window, f"Cannot save {document.kind}", f"{path}: {exc.strerror or exc}")
            return False
        document.mark_saved(path)
        self.recent.add(path)  # File > Open Recent tells a scenario from a case when opened
        if saved is not None:
            saved(path)
        return True
