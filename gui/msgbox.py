"""Every modal question the app asks the user, in one place.

Errors, the unsaved-changes prompt, the recovery offer and the file choosers all
go through these functions, so tests can replace them (monkeypatch) and no test
ever blocks on a modal dialog.
"""

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def error(parent: QWidget | None, title: str, text: str) -> None:
    """Show one problem. ``text`` is the one-line message (``path:line: problem``)."""
    QMessageBox.warning(parent, title, text)


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """Unsaved changes: returns SAVE, DISCARD or CANCEL."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Unsaved changes",
        f"Save the changes to “{name}” before closing it?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText("If you don't save, your changes will be lost.")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = QMessageBox.StandardButton(box.exec())  # exec() gives the button as a plain int
    return {QMessageBox.StandardButton.Save: SAVE, QMessageBox.StandardButton.Discard: DISCARD}.get(answer, CANCEL)


def ask_recover(parent: QWidget | None, name: str, when: str) -> bool:
    """A case left unsaved by a session that did not close: offer it back."""
    answer = QMessageBox.question(
        parent,
        "Recover unsaved case",
        f"Alliance Advisor did not close properly last time.\n\nRecover the unsaved case “{name}” (autosaved {when})?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def get_open_path(parent: QWidget | None, title: str, directory: str, filters: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, directory, filters)
    return path or None


def get_save_path(
    parent: QWidget | None, title: str, suggested: str, filters: str
) -> tuple[str, str] | tuple[None, None]:
    """Returns (path, chosen filter) or (None, None) when cancelled."""
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return (path, chosen) if path else (None, None)


def get_folder(parent: QWidget | None, title: str, directory: str) -> str | None:
    """A folder chosen by the user, or None when cancelled."""
    path = QFileDialog.getExistingDirectory(parent, title, directory)
    return path or None


def guide(parent: QWidget | None, title: str, text: str) -> None:
    """Several lines of guidance (what to get, where to put it), kept in their columns."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        title,
        text.splitlines()[0] if text else title,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    rest = "\n".join(text.splitlines()[1:])
    if rest:
        from html import escape

        box.setInformativeText(f"<pre style='font-size:small'>{escape(rest)}</pre>")
    box.exec()


def print_dialog(parent: QWidget | None, printer: "QPrinter") -> bool:
    """Let the user choose the printer and pages; True to print."""
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print Report")
    return dialog.exec() == QPrintDialog.DialogCode.Accepted


def about(parent: QWidget | None, title: str, html: str) -> None:
    QMessageBox.about(parent, title, html)
