"""Start the desktop app, or render its window to a PNG (``--screenshot``).

Qt is imported only after the display check, so a machine without a screen gets
one clear line instead of a crash inside Qt's platform plugin.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType
    from PySide6.QtWidgets import QApplication, QWidget

    from alliance_advisor.gui.case.window import MainWindow
    from alliance_advisor.rules.kb import KnowledgeBase

ORGANIZATION = "Alliance Advisor"
APPLICATION = "Alliance Advisor"
SCREENSHOT_SIZE = (1400, 900)
EXIT_BAD_INPUT = 2


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform (offscreen, xcb, ...)
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def create_application(argv: list[str] | None = None) -> "QApplication":
    """The QApplication with names, settings format and style set once."""
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from alliance_advisor.gui.style import apply_style

    # The app only ever makes a QApplication (instance() is typed as its base).
    app = cast(QApplication, QApplication.instance() or QApplication(argv or [sys.argv[0]]))
    if app.property("allianceAdvisor"):
        return app  # styling again would re-polish every widget
    app.setProperty("allianceAdvisor", True)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # one readable file on every platform
    apply_style(app)
    return app


def run_app(args: argparse.Namespace) -> int:
    """``python main.py [gui] [--screenshot OUT.png] [--case CASE.yaml]``; returns an exit code."""
    screenshot = getattr(args, "screenshot", None)
    if not _has_display():
        if not screenshot:
            return _fail(
                "main.py: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run the app "
                "on a desktop, use 'python main.py analyze CASE.yaml' in a terminal, or set "
                "QT_QPA_PLATFORM=offscreen for 'gui --screenshot'."
            )
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    from alliance_advisor.gui import preflight

    if preflight.wants_xcb():  # Qt would abort (exit 134) on a missing X library: say which
        code = preflight.check()
        if code:
            return code
    size = _parse_size(getattr(args, "size", None))
    if getattr(args, "dark", False):
        os.environ["ALLIANCE_COLOR_SCHEME"] = "dark"
    from alliance_advisor.rules.case import load_case
    from alliance_advisor.rules.kb import load_knowledge

    kb = load_knowledge(getattr(args, "knowledge", None))
    case_path = getattr(args, "case", None)
    case = load_case(case_path, kb) if case_path else None  # a bad case: one line, exit 2 (main.py)

    app = create_application()
    if screenshot:
        return _screenshot(app, kb, case_path, screenshot, size or SCREENSHOT_SIZE, getattr(args, "scenario", None))
    if getattr(args, "smoke", False):
        return _smoke(app, kb, case_path, size or SCREENSHOT_SIZE)
    from alliance_advisor.app.jobs import EngineContext
    from alliance_advisor.gui.case.window import MainWindow

    window = MainWindow(kb, engine=EngineContext(kb))  # the application's one engine context
    if size:
        window.resize(*size)
    window.show()
    if case is not None and case_path:  # a case was given (and is valid)
        window.open_path(case_path)
    else:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.offer_recovery)
    code = app.exec()
    window.analysis.shutdown()  # quit without a close event (a signal, a session end)
    return code


def _parse_size(text: str | None) -> tuple[int, int] | None:
    """``--size 1024x700`` -> (1024, 700); bad input is one line and exit 2 (main.py)."""
    if not text:
        return None
    from alliance_advisor.rules.errors import AdvisorError

    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise AdvisorError(f"--size {text}: give the window size as WIDTHxHEIGHT, e.g. 1024x700") from None
    if not (320 <= width <= 10000 and 240 <= height <= 10000):
        raise AdvisorError(f"--size {text}: the window must be between 320x240 and 10000x10000")
    return width, height


def _scratch_window(kb: "KnowledgeBase") -> "MainWindow":
    """A window with throw-away settings: it never reads or changes the user's layout."""
    from PySide6.QtCore import QSettings

    from alliance_advisor.gui.case.window import MainWindow

    scratch = tempfile.TemporaryDirectory()
    settings = QSettings(os.path.join(scratch.name, "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(kb, settings=settings, persist=False)
    window._scratch = scratch  # lives as long as the window
    return window


def _smoke(app: "QApplication", kb: "KnowledgeBase", case_path: str | None, size: tuple[int, int]) -> int:
    """``gui --smoke``: the real window on the real platform: show it, open a case,
    wait for its analysis, quit through the close event. For CI under Xvfb."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    window = _scratch_window(kb)
    window.resize(*size)
    window.show()
    report: dict[str, object] = {}

    def step() -> None:
        if case_path and not window.open_path(case_path):
            report["error"] = f"{case_path}: could not be opened"
        elif not window.wait_for_result():
            report["error"] = "the analysis did not finish in time"
        else:
            report["verdict"] = window.banner.verdict.text()
        report["exposed"] = (
            window.isVisible() and window.windowHandle() is not None and window.windowHandle().isExposed()
        )
        window.close()  # the real close path: maybe_save, settings, threads
        app.quit()

    QTimer.singleShot(0, step)
    code = app.exec()
    window.analysis.shutdown()
    if "error" in report:
        return _fail(f"smoke: {report['error']}")
    platform = QGuiApplication.platformName()
    print(
        f"smoke: {platform} window {window.width()}x{window.height()} shown"
        f"{'' if report['exposed'] else ' (not exposed)'}, case {'opened' if case_path else 'none'}, "
        f"verdict {report.get('verdict')}, quit with {code}"
    )
    return code


def _quiet_offscreen_warnings(mode: "QtMsgType", context: "QMessageLogContext", message: str) -> None:
    # The offscreen platform warns that it cannot pass size hints to a window
    # manager it does not have; everything else still reaches stderr.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _screenshot(
    app: "QApplication",
    kb: "KnowledgeBase",
    case_path: str | None,
    out: str,
    size: tuple[int, int],
    scenario_path: str | None = None,
) -> int:
    from PySide6.QtCore import QBuffer, QIODevice, qInstallMessageHandler

    from alliance_advisor.rules.errors import ExportError
    from alliance_advisor.rules.fileio import atomic_write_bytes

    qInstallMessageHandler(_quiet_offscreen_warnings)
    # Throw-away settings: the picture never depends on (or changes) the user's
    # window layout and preferences.
    window = _scratch_window(kb)
    window.resize(*size)
    if case_path:
        window.open_path(case_path)
    window.show()
    if not window.wait_for_result():
        window.analysis.shutdown()
        return _fail(f"{out}: the analysis did not finish in time")
    shown: QWidget = window
    scenario_window = None
    if scenario_path:
        scenario_window = window.open_scenario_path(scenario_path)
        if scenario_window is None:
            window.analysis.shutdown()
            return _fail(f"{scenario_path}: not a valid scenario")
        shown = scenario_window
        scenario_window.resize(*size)
        if not _wait_for(app, lambda: scenario_window.result is not None):
            return _fail(f"{out}: the scenario analysis did not finish in time")
        scenario_result = scenario_window.result
        if scenario_result is not None and scenario_result.states:
            scenario_window.select_state(next(iter(scenario_result.states)))
    for _ in range(3):  # let layouts settle after the result arrives
        app.processEvents()
    image = shown.grab().toImage()
    if scenario_window is not None:
        scenario_window.shutdown()
    window.analysis.shutdown()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide6 takes only str
    try:
        atomic_write_bytes(out, bytes(buffer.data().data()))
    except ExportError as exc:
        return _fail(str(exc))
    print(f"{out}: {image.width()}x{image.height()} screenshot written")
    return 0


def _wait_for(app: "QApplication", ready: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Process events until ``ready()`` or the time is up; returns whether it became ready."""
    import time

    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    return ready()
