"""Shared fixtures for the app tests: headless, every modal prompt replaced
(gui.msgbox) so no test blocks on a dialog."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from conftest import CASES_DIR, ROOT  # noqa: E402
from alliance_advisor.gui import msgbox  # noqa: E402
from alliance_advisor.gui.app import create_application  # noqa: E402
from alliance_advisor.gui.case.charts import OverviewView  # noqa: E402
from alliance_advisor.gui.case.window import MainWindow  # noqa: E402
from alliance_advisor.rules import Advisor, load_case  # noqa: E402

NORWAY = CASES_DIR / "norway_1949.yaml"


class Prompts:
    """Stands in for gui.msgbox: records what the app asked and answers as told."""

    def __init__(self):
        self.errors = []
        self.asked_save = []
        self.save_answer = msgbox.DISCARD
        self.recover_answer = True
        self.open_path = None
        self.save_path = None
        self.save_filter = None  # the file-type filter the user left selected
        self.recover_offers = []
        self.folder = None  # the folder a folder dialog returns (None: cancelled)
        self.folders_asked = []
        self.guides = []  # (title, text) of each guide shown

    def error(self, parent, title, text):
        self.errors.append(text)

    def ask_save_changes(self, parent, name):
        self.asked_save.append(name)
        return self.save_answer

    def ask_recover(self, parent, name, when):
        self.recover_offers.append(name)
        return self.recover_answer

    def get_open_path(self, parent, title, directory, filters):
        return self.open_path

    def get_save_path(self, parent, title, suggested, filters):
        return (self.save_path, self.save_filter) if self.save_path else (None, None)

    def get_folder(self, parent, title, directory):
        self.folders_asked.append(title)
        return self.folder

    def guide(self, parent, title, text):
        self.guides.append((title, text))

    def about(self, parent, title, html):
        self.errors.append(("about", html))

    print_to = None  # a PDF file: the "printer" a test chooses

    def print_dialog(self, parent, printer):
        if self.print_to is None:
            return False  # cancelled
        from PySide6.QtPrintSupport import QPrinter

        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(self.print_to))
        return True


@pytest.fixture
def prompts(monkeypatch):
    fake = Prompts()
    for name in (
        "error",
        "ask_save_changes",
        "ask_recover",
        "get_open_path",
        "get_save_path",
        "get_folder",
        "guide",
        "about",
        "print_dialog",
    ):
        monkeypatch.setattr(msgbox, name, getattr(fake, name))
    return fake


@pytest.fixture
def settings_path(tmp_path):
    return str(tmp_path / "settings.ini")


@pytest.fixture(scope="session")
def app(qapp):
    return create_application()


@pytest.fixture
def make_window(app, qtbot, kb, tmp_path, settings_path, prompts):
    windows = []

    def make(autosave_dir=None):
        window = MainWindow(
            kb,
            settings=QSettings(settings_path, QSettings.IniFormat),
            autosave_dir=autosave_dir or tmp_path / "autosave",
        )
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    prompts.save_answer = msgbox.DISCARD  # teardown closes windows: never block
    for window in windows:
        window.analysis.shutdown()


@pytest.fixture
def window(make_window):
    return make_window()


def wait_for_result(qtbot, window):
    qtbot.waitUntil(lambda: not window.analysis.pending and window.analysis.result is not None, timeout=20000)


def answer(window, factor_id, level):
    """Choose a level in the questionnaire, as a user picking from the list."""
    combo = window.form.questions[factor_id].combo
    index = combo.findData(level)
    assert index >= 0, (factor_id, level)
    combo.setCurrentIndex(index)


def shown_verdict(window):
    return window.banner.verdict.text()


def threat_table_rows(table):
    """The rows of a table of threats as shown: (power id, label, points text, level)."""

    return [
        (table.item(r, 0).data(Qt.ItemDataRole.UserRole), *(table.item(r, c).text() for c in range(3)))
        for r in range(table.rowCount())
    ]


def assert_every_power_with_the_jsons_score(panel, result, state):
    """The selected state's table of threats lists every other power, each bloc apart,
    greatest first, with the JSON's ``threats[].score`` out of its ``maximum``."""
    from alliance_advisor.rules.scenario import scenario_result_to_dict

    threats = scenario_result_to_dict(result, explanations=False)["states"][state]["threats"]
    rows = threat_table_rows(panel.table)
    assert len(rows) == len(threats)
    assert [(r[0], r[2]) for r in rows] == [(t["power"], f"{t['score']} of {t['maximum']}") for t in threats]
    assert [r[3] for r in rows] == [t["threat_level"] or "open" for t in threats]
    singles = {r[0] for r, t in zip(rows, threats, strict=True) if "members" not in t}
    assert singles == set(result.states) - {state}, "a row for every other power"
    blocs = [r[1] for r, t in zip(rows, threats, strict=True) if "members" in t]
    assert all(label.startswith("the bloc led by ") for label in blocs)
    top = max(t["maximum"] for t in threats)
    assert f"threatens {result.scenario.state(state).name}" in panel.heading.text()
    assert f"0 to {top}" in panel.heading.text()
