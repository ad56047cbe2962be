"""Every modal question the app asks the user, in one place.

Errors, the unsaved-changes prompt, the recovery offer and the file choosers all
go through these functions, so tests can replace them (monkeypatch) and no test
ever blocks on a modal dialog.
"""

from PySide6.QtWidgets import QFileDialog, QMessageBox

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def error(parent, title, text):
    """Show one problem. ``text`` is the one-line message (``path:line: problem``)."""
    QMessageBox.warning(parent, title, text)


def ask_save_changes(parent, name):
    """Unsaved changes: returns SAVE, DISCARD or CANCEL."""
    box = QMessageBox(
        QMessageBox.Warning,
        "Unsaved changes",
        f"Save the changes to “{name}” before closing it?",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
        parent,
    )
    box.setInformativeText("If you don't save, your changes will be lost.")
    box.setDefaultButton(QMessageBox.Save)
    answer = box.exec()
    return {QMessageBox.Save: SAVE, QMessageBox.Discard: DISCARD}.get(answer, CANCEL)


def ask_recover(parent, name, when):
    """A case left unsaved by a session that did not close: offer it back."""
    answer = QMessageBox.question(
        parent,
        "Recover unsaved case",
        f"Alliance Advisor did not close properly last time.\n\nRecover the unsaved case “{name}” (autosaved {when})?",
        QMessageBox.Yes | QMessageBox.No,
        QMessageBox.Yes,
    )
    return answer == QMessageBox.Yes


def get_open_path(parent, title, directory, filters):
    path, _ = QFileDialog.getOpenFileName(parent, title, directory, filters)
    return path or None


def get_save_path(parent, title, suggested, filters):
    """Returns (path, chosen filter) or (None, None) when cancelled."""
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return (path, chosen) if path else (None, None)


def get_folder(parent, title, directory):
    """A folder chosen by the user, or None when cancelled."""
    path = QFileDialog.getExistingDirectory(parent, title, directory)
    return path or None


def guide(parent, title, text):
    """Several lines of guidance (what to get, where to put it), kept in their columns."""
    box = QMessageBox(QMessageBox.Information, title, text.splitlines()[0] if text else title, QMessageBox.Ok, parent)
    rest = "\n".join(text.splitlines()[1:])
    if rest:
        from html import escape

        box.setInformativeText(f"<pre style='font-size:small'>{escape(rest)}</pre>")
    box.exec()


def print_dialog(parent, printer):
    """Let the user choose the printer and pages; True to print."""
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print Report")
    return dialog.exec() == QPrintDialog.Accepted


def about(parent, title, html):
    QMessageBox.about(parent, title, html)
