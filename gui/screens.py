"""Windows that open no larger than the screen they open on."""

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME = (16, 40)  # px: room for the borders and title bar the window manager adds


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height``, or less where the screen's available
    area (without panels and docks) is smaller, and centre it there."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    room = screen.availableGeometry()
    w = max(320, min(width, room.width() - FRAME[0]))
    h = max(240, min(height, room.height() - FRAME[1]))
    window.resize(w, h)
    window.move(room.x() + (room.width() - w - FRAME[0]) // 2, room.y() + (room.height() - h - FRAME[1]) // 2)
