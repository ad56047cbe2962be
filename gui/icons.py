"""Toolbar and menu icons, drawn as simple line glyphs so they match each other
on every platform (the icon theme is used instead where the desktop has one)."""

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from alliance_advisor.gui.style import theme

# Each glyph draws into a 24 x 24 box.


def _points(*xy: float) -> list[QPointF]:
    return [QPointF(x, y) for x, y in zip(xy[::2], xy[1::2])]


def _page(p: QPainter) -> None:
    p.drawPolygon(_points(6, 3, 14, 3, 19, 8, 19, 21, 6, 21))
    p.drawPolyline(_points(14, 3, 14, 8, 19, 8))


def _new(p: QPainter) -> None:
    _page(p)
    p.setPen(QPen(QColor(theme.ACCENT), 2, c=Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(12.5, 11), QPointF(12.5, 18))
    p.drawLine(QPointF(9, 14.5), QPointF(16, 14.5))


def _open(p: QPainter) -> None:
    p.drawPolygon(_points(3, 6, 9, 6, 11, 8, 20, 8, 20, 19, 3, 19))
    p.drawLine(QPointF(3, 11), QPointF(20, 11))


def _save(p: QPainter) -> None:
    p.drawPolyline(_points(4, 14, 4, 20, 20, 20, 20, 14))
    p.setPen(QPen(QColor(theme.ACCENT), 2, c=Qt.PenCapStyle.RoundCap, j=Qt.PenJoinStyle.RoundJoin))
    p.drawLine(QPointF(12, 3), QPointF(12, 15))
    p.drawPolyline(_points(7.5, 10.5, 12, 15, 16.5, 10.5))


def _arrow(p: QPainter, mirrored: bool) -> None:
    if mirrored:
        p.translate(24, 0)
        p.scale(-1, 1)
    curve = QPainterPath(QPointF(7, 9))
    curve.lineTo(15, 9)
    curve.cubicTo(QPointF(22, 9), QPointF(22, 19), QPointF(15, 19))
    curve.lineTo(9, 19)
    p.drawPath(curve)
    p.drawPolyline(_points(10.5, 5.5, 7, 9, 10.5, 12.5))


def _library(p: QPainter) -> None:
    for x, top in ((4, 5), (9, 3), (14, 5)):
        p.drawRoundedRect(QRectF(x, top, 4, 21 - top - 1), 1, 1)
    p.setPen(QPen(QColor(theme.ACCENT), 2, c=Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(19, 6), QPointF(21, 19))


def _export(p: QPainter) -> None:
    p.drawPolyline(_points(15, 6, 15, 3, 5, 3, 5, 21, 15, 21, 15, 18))
    p.setPen(QPen(QColor(theme.ACCENT), 2, c=Qt.PenCapStyle.RoundCap, j=Qt.PenJoinStyle.RoundJoin))
    p.drawLine(QPointF(10, 12), QPointF(21, 12))
    p.drawPolyline(_points(17.5, 8.5, 21, 12, 17.5, 15.5))


GLYPHS: dict[str, Callable[[QPainter], None]] = {
    "new": _new,
    "open": _open,
    "save": _save,
    "undo": lambda p: _arrow(p, False),
    "redo": lambda p: _arrow(p, True),
    "library": _library,
    "export": _export,
}


def glyph_icon(name: str) -> QIcon | None:
    """The named glyph as an icon (sharp at 1x and 2x), or None if there is none."""
    draw = GLYPHS.get(name)
    if draw is None:
        return None
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(24 * scale, 24 * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(theme.INK), 1.6, c=Qt.PenCapStyle.RoundCap, j=Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        draw(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
