"""The History window's world map: presentation/worldmap.py's layout painted with QPainter.

Each state at its capital, coloured by bloc, its circle's area its capability; the
selected state's greatest threat as a red arrow and its partners as grey lines (the
selected state's only: every state's at once is a tangle). The wheel zooms about the
pointer, a drag pans, a click selects; a region frames the view on its states.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from alliance_advisor.gui.style import theme
from alliance_advisor.presentation.worldmap import (
    Label,
    Viewport,
    WorldLayout,
    coastlines,
    fit_view,
    graticule,
    graticule_outline,
    place_labels,
    radius_px,
    region_box,
    state_at,
)

THREAT = "#b4493d"
ZOOM_STEP = 1.4
MIN_ZOOM, MAX_ZOOM = 0.8, 12.0  # times the world's fit


class WorldMap(QWidget):
    """The year's states on the Equal Earth map; ``statePicked`` when one is clicked."""

    statePicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("worldMap")
        self.layout_: WorldLayout | None = None
        self.selected: str | None = None
        self.region: str | None = None
        self.year: int | None = None  # the year whose states the layout holds
        self.placeholder = "Reading the data of the field…"
        self.view = fit_view(region_box(None), 600, 360)
        self.labels: list[Label] = []
        self._drag: QPointF | None = None
        self._dragged = False
        self.setMinimumSize(320, 200)
        self.setMouseTracking(False)

    def sizeHint(self) -> QSize:
        return QSize(640, 380)

    # ----------------------------------------------------------- what it shows
    def show_layout(self, layout: WorldLayout) -> None:
        self.layout_ = layout
        self.update()

    def select(self, state: str | None) -> None:
        self.selected = state
        self.update()

    def set_region(self, key: str | None) -> None:
        """Frame the view on a region (None: the world)."""
        self.region = key
        self.view = fit_view(region_box(key), self.width(), self.height())
        self.update()

    def zoom(self, factor: float, at: tuple[float, float] | None = None) -> None:
        world = fit_view(region_box(None), self.width(), self.height()).scale
        factor = max(MIN_ZOOM * world / self.view.scale, min(factor, MAX_ZOOM * world / self.view.scale))
        self.view = self.view.zoomed(factor, at)
        self.update()

    def reset_zoom(self) -> None:
        self.set_region(self.region)

    def visible_states(self) -> list[str]:
        """The states whose capital is inside the widget's view."""
        if self.layout_ is None:
            return []
        out = []
        for m in self.layout_.states.values():
            x, y = self.view.to_px(m.x, m.y)
            if 0 <= x <= self.width() and 0 <= y <= self.height():
                out.append(m.id)
        return out

    def point_of(self, state: str) -> QPointF:
        """Where ``state``'s circle is drawn (px), for tests and tooltips."""
        assert self.layout_ is not None
        m = self.layout_.states[state]
        x, y = self.view.to_px(m.x, m.y)
        return QPointF(x, y)

    # ----------------------------------------------------------- events
    def resizeEvent(self, event: QResizeEvent) -> None:
        old = event.oldSize()
        if old.width() <= 0 or old.height() <= 0:
            self.view = fit_view(region_box(self.region), self.width(), self.height())
        else:  # keep the same part of the map in view, scaled to the new size
            factor = min(self.width() / old.width(), self.height() / old.height())
            self.view = Viewport(
                cx=self.view.cx,
                cy=self.view.cy,
                scale=self.view.scale * factor,
                width=self.width(),
                height=self.height(),
            )
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(ZOOM_STEP**steps, (event.position().x(), event.position().y()))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag = event.position()
        self._dragged = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        delta = event.position() - self._drag
        if self._dragged or abs(delta.x()) + abs(delta.y()) > 4:
            self._dragged = True
            self.view = self.view.panned(delta.x(), delta.y())
            self._drag = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        was_drag, self._drag = self._dragged, None
        if was_drag or self.layout_ is None:
            return
        state = state_at(self.layout_, self.view, event.position().x(), event.position().y())
        if state:
            self.select(state)
            self.statePicked.emit(state)

    # ----------------------------------------------------------- painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dark = theme.name == "dark"
        painter.fillRect(self.rect(), QColor("#1b2633" if dark else "#eef4f9"))
        self._paint_background(painter, dark)
        layout = self.layout_
        if layout is None:
            painter.setPen(QColor(theme.FAINT))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        self._paint_links(painter, layout)
        self._paint_states(painter, layout)
        self._paint_labels(painter, layout)

    def _path(self, points: Any) -> QPainterPath:
        """A polyline of map units (an (n, 2) array) as a path of pixels."""
        xs, ys = self.view.to_px(points[:, 0], points[:, 1])
        path = QPainterPath(QPointF(float(xs[0]), float(ys[0])))
        for x, y in zip(xs[1:].tolist(), ys[1:].tolist()):
            path.lineTo(x, y)
        return path

    def _paint_background(self, painter: QPainter, dark: bool) -> None:
        outline = self._path(graticule_outline())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#20303f" if dark else "#f8fbfd"))
        painter.drawPath(outline)
        painter.setPen(QPen(QColor("#2c3e50" if dark else "#dde6ee"), 0.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for line in graticule():
            painter.drawPath(self._path(line))
        painter.setPen(QPen(QColor("#4a5d70" if dark else "#9fb2c4"), 0.8))
        painter.setBrush(QColor("#2b3a48" if dark else "#e6e2d6"))
        for shore in coastlines():
            painter.drawPath(self._path(shore))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#4a5d70" if dark else "#b8c6d3"), 1))
        painter.drawPath(outline)

    def _paint_links(self, painter: QPainter, layout: WorldLayout) -> None:
        sid = self.selected
        if sid is None or sid not in layout.states:
            return
        here = self.point_of(sid)
        partner = QColor(theme.MUTED)
        partner.setAlpha(140)
        painter.setPen(QPen(partner, 1.0, Qt.PenStyle.DashLine))
        for other in layout.partners.get(sid, ()):
            if other in layout.states:
                painter.drawLine(here, self.point_of(other))
        threat = layout.threats.get(sid)
        if threat in layout.states and threat != sid:
            self._arrow(painter, layout, sid, threat)

    def _arrow(self, painter: QPainter, layout: WorldLayout, a: str, b: str) -> None:
        start, end = self.point_of(a), self.point_of(b)
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        r_a, r_b = radius_px(layout.states[a], self.view), radius_px(layout.states[b], self.view)
        s = QPointF(start.x() + ux * r_a, start.y() + uy * r_a)
        e = QPointF(end.x() - ux * (r_b + 2), end.y() - uy * (r_b + 2))
        bend = min(50.0, 0.2 * length)
        control = QPointF((s.x() + e.x()) / 2 - uy * bend, (s.y() + e.y()) / 2 + ux * bend)
        path = QPainterPath(s)
        path.quadTo(control, e)
        colour = QColor(THREAT)
        painter.setPen(QPen(colour, 2.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        # The head points along the curve's last stretch.
        hx, hy = e.x() - control.x(), e.y() - control.y()
        h = math.hypot(hx, hy) or 1.0
        hx, hy = hx / h, hy / h
        head = QPainterPath(e)
        head.lineTo(e.x() - 10 * hx - 5 * hy, e.y() - 10 * hy + 5 * hx)
        head.lineTo(e.x() - 10 * hx + 5 * hy, e.y() - 10 * hy - 5 * hx)
        head.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(head)

    def _paint_states(self, painter: QPainter, layout: WorldLayout) -> None:
        ring = QColor("#1b2633" if theme.name == "dark" else "#ffffff")
        # Largest first, so a small state is drawn over a large neighbour, not hidden by it.
        for m in layout.states.values():
            x, y = self.view.to_px(m.x, m.y)
            r = radius_px(m, self.view)
            fill = QColor(m.colour)
            fill.setAlpha(215)
            chosen = m.id == self.selected
            painter.setPen(QPen(QColor(theme.INK), 2.5) if chosen else QPen(ring, 1.0))
            painter.setBrush(QBrush(fill))
            painter.drawEllipse(QPointF(x, y), r, r)

    def _paint_labels(self, painter: QPainter, layout: WorldLayout) -> None:
        bold = painter.font()
        bold.setBold(True)
        metrics = QFontMetricsF(bold)  # the selected state's label is bold: every box has its room
        wanted: list[str] = []
        if self.selected in layout.states:
            wanted = [self.selected, layout.threats.get(self.selected, ""), *layout.partners.get(self.selected, ())]
        self.labels = place_labels(layout, self.view, lambda text: metrics.horizontalAdvance(text), wanted)
        halo = QColor(theme.PANEL)
        halo.setAlpha(200)
        for label in self.labels:
            box = QRectF(label.left, label.top, label.width, label.height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawRoundedRect(box, 3, 3)
            font = painter.font()
            font.setBold(label.id == self.selected)
            painter.setFont(font)
            painter.setPen(QColor(theme.INK))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label.text)
            font.setBold(False)
            painter.setFont(font)
