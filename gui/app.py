"""Start the desktop app, or render its window to a PNG (``--screenshot``).

Qt is imported only after the display check, so a machine without a screen gets
one clear line instead of a crash inside Qt's platform plugin.
"""
import os
import sys
import tempfile

ORGANIZATION = "Alliance Advisor"
APPLICATION = "Alliance Advisor"
SCREENSHOT_SIZE = (1400, 900)
EXIT_BAD_INPUT = 2


def _has_display():
    if os.environ.get("QT_QPA_PLATFORM"):
        return True                     # the user chose a platform (offscreen, xcb, ...)
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _fail(message):
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def create_application(argv=None):
    """The QApplication with names, settings format and style set once."""
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from .style import apply_style
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    if app.property("allianceAdvisor"):
        return app                      # styling again would re-polish every widget
    app.setProperty("allianceAdvisor", True)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.IniFormat)     # one readable file on every platform
    apply_style(app)
    return app


def run_app(args):
    """``python main.py [gui] [--screenshot OUT.png] [--case CASE.yaml]``; returns an exit code."""
    screenshot = getattr(args, "screenshot", None)
    if not _has_display():
        if not screenshot:
            return _fail("main.py: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run the app "
                         "on a desktop, use 'python main.py analyze CASE.yaml' in a terminal, or set "
                         "QT_QPA_PLATFORM=offscreen for 'gui --screenshot'.")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"     # a screenshot needs no screen
    from rules.cases import load_case
    from rules.knowledge import load_knowledge
    kb = load_knowledge(getattr(args, "knowledge", None))
    case_path = getattr(args, "case", None)
    case = load_case(case_path, kb) if case_path else None    # a bad case: one line, exit 2 (main.py)

    app = create_application()
    if screenshot:
        return _screenshot(app, kb, case_path, screenshot)
    from .mainwindow import MainWindow
    window = MainWindow(kb)
    window.show()
    if case is not None:
        window.open_path(case_path)
    else:
        from PySide6.QtCore import QTimer
        QTimer.singleShot(0, window.offer_recovery)
    code = app.exec()
    window.analysis.shutdown()          # quit without a close event (a signal, a session end)
    return code


def _quiet_offscreen_warnings(mode, context, message):
    # The offscreen platform warns that it cannot pass size hints to a window
    # manager it does not have; everything else still reaches stderr.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _screenshot(app, kb, case_path, out):
    from PySide6.QtCore import QBuffer, QIODevice, QSettings, qInstallMessageHandler

    from rules.errors import ExportError
    from rules.fileio import atomic_write_bytes

    from .mainwindow import MainWindow
    qInstallMessageHandler(_quiet_offscreen_warnings)
    # Throw-away settings: the picture never depends on (or changes) the user's
    # window layout and preferences.
    scratch = tempfile.TemporaryDirectory()
    settings = QSettings(os.path.join(scratch.name, "settings.ini"), QSettings.IniFormat)
    window = MainWindow(kb, settings=settings, persist=False)
    window.resize(*SCREENSHOT_SIZE)
    if case_path:
        window.open_path(case_path)
    window.show()
    if not window.wait_for_result():
        window.analysis.shutdown()
        return _fail(f"{out}: the analysis did not finish in time")
    for _ in range(3):                  # let layouts settle after the result arrives
        app.processEvents()
    image = window.grab().toImage()
    window.analysis.shutdown()
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    try:
        atomic_write_bytes(out, bytes(buffer.data()))
    except ExportError as exc:
        return _fail(str(exc))
    print(f"{out}: {image.width()}x{image.height()} screenshot written")
    return 0
