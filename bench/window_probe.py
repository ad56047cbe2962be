"""Started by the benchmark (``python -m bench.window_probe``): starts the app as
``python main.py`` does and prints ``shown`` the moment its main window is
exposed, then exits at once. The benchmark times the child from its start to
that line, interpreter start-up included.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtGui import QWindow  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class _ExposeProbe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Expose and isinstance(watched, QWindow) and watched.isExposed():
            print("shown", flush=True)
            os._exit(0)  # leave no settings, autosave or dialog behind
        return False


def main():
    # The app takes the QApplication that already exists (gui.app.create_application),
    # so the probe can watch every window from the first event on.
    app = QApplication([sys.argv[0]])
    probe = _ExposeProbe()
    app.installEventFilter(probe)
    from alliance_advisor import main as entry

    return entry.main(["gui"])


if __name__ == "__main__":
    sys.exit(main())
