"""The plot over the years under the History window's slider, painted with QPainter.

Its input is a list of (year, {series: value}) (presentation/history.py's ``year_series``
makes one per year): the scores (0 to 1) share the upper band, one line per theory; the
counts of blocs the lower band, on their own scale. The selected year is marked, and a
click picks the year under the pointer (``yearPicked``). Years not yet computed leave a
gap; the plot fills in as the window's sweep over the years brings them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from alliance_advisor.gui.style import theme
from alliance_advisor.presentation.history import OBSERVED_BLOCS, PREDICTED_BLOCS, YearPoint

SERIES_COLOURS = ("#2f6db3", "#d2691e", "#138086", "#7a4fb0", "#8a94a3")
BLOC_SERIES = {PREDICTED_BLOCS: "#2f5d8a", OBSERVED_BLOCS: "#b4493d"}
LEFT, RIGHT, TOP, BOTTOM = 34.0, 10.0, 20.0, 18.0  # px around the bands
GAP = 8.0  # px between the two bands


class YearPlot(QWidget):
    """Each theory's score and the number of blocs, by year; ``yearPicked`` on a click."""

    yearPicked = Signal(int)

    def __init__(self, first: int, last: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("yearPlot")
        self.first, self.last = first, last
        self.points: dict[int, dict[str, float]] = {}
        self.year: int | None = None
        self.score_series: tuple[str, ...] = ()
        self.setMinimumHeight(130)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click a year to show it")

    def sizeHint(self) -> QSize:
        return QSize(640, 150)

    def set_points(self, points: Sequence[YearPoint]) -> None:
        """The plot's data: (year, {series: value}) in any order; later years replace earlier."""
        self.points = {}
        self.add_points(points)

    def add_points(self, points: Sequence[YearPoint]) -> None:
        for year, values in points:
            self.points[year] = dict(values)
        names: dict[str, None] = {}
        for values in self.points.values():
            names.update((k, None) for k in values if k not in BLOC_SERIES)
        self.score_series = tuple(names)
        self.update()

    def mark(self, year: int | None) -> None:
        self.year = year
        self.update()

    # ----------------------------------------------------------- geometry
    def _bands(self) -> tuple[QRectF, QRectF]:
        legend = self._legend_height()
        inner = QRectF(LEFT, TOP, max(self.width() - LEFT - RIGHT, 1.0), max(self.height() - TOP - BOTTOM - legend, 1))
        scores = QRectF(inner.left(), inner.top(), inner.width(), (inner.height() - GAP) * 0.62)
        blocs = QRectF(inner.left(), scores.bottom() + GAP, inner.width(), inner.height() - scores.height() - GAP)
        return scores, blocs

    def _legend_height(self) -> float:
        return float(self.fontMetrics().height() + 4) * len(self._legend_rows())

    def _legend_rows(self) -> list[list[tuple[str, str]]]:
        """The legend's entries, wrapped to the widget's width."""
        items = [(name, SERIES_COLOURS[n % len(SERIES_COLOURS)]) for n, name in enumerate(self.score_series)]
        items += list(BLOC_SERIES.items())
        rows: list[list[tuple[str, str]]] = [[]]
        used = LEFT
        for name, colour in items:
            w = self.fontMetrics().horizontalAdvance(name) + 28
            if rows[-1] and used + w > self.width() - RIGHT:
                rows.append([])
                used = LEFT
            rows[-1].append((name, colour))
            used += w
        return rows

    def x_of(self, year: float) -> float:
        scores, _ = self._bands()
        return scores.left() + (year - self.first) / max(self.last - self.first, 1) * scores.width()

    def year_at(self, x: float) -> int:
        scores, _ = self._bands()
        share = (x - scores.left()) / max(scores.width(), 1.0)
        return max(self.first, min(self.last, round(self.first + share * (self.last - self.first))))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            year = self.year_at(event.position().x())
            self.mark(year)
            self.yearPicked.emit(year)

    # ----------------------------------------------------------- painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.PANEL))
        scores, blocs = self._bands()
        top_blocs = max([v for p in self.points.values() for k, v in p.items() if k in BLOC_SERIES] + [1.0])
        self._axes(painter, scores, blocs, top_blocs)
        for n, name in enumerate(self.score_series):
            self._line(painter, name, SERIES_COLOURS[n % len(SERIES_COLOURS)], scores, 1.0)
        for name, colour in BLOC_SERIES.items():
            self._line(painter, name, colour, blocs, top_blocs)
        if self.year is not None:
            x = self.x_of(self.year)
            painter.setPen(QPen(QColor(theme.INK), 1.5))
            painter.drawLine(QPointF(x, scores.top() - 4), QPointF(x, blocs.bottom()))
            text = str(self.year)
            w = self.fontMetrics().horizontalAdvance(text)
            left = min(max(x - w / 2, 0.0), self.width() - w)
            painter.drawText(QPointF(left, scores.top() - 6), text)
        self._legend(painter, blocs.bottom() + BOTTOM)
        if not self.points:
            painter.setPen(QColor(theme.FAINT))
            painter.drawText(scores, Qt.AlignmentFlag.AlignCenter, "The scores by year come in as the years are run…")

    def _axes(self, painter: QPainter, scores: QRectF, blocs: QRectF, top_blocs: float) -> None:
        grid = QColor(theme.RULE_LINE)
        painter.setPen(QPen(grid, 1))
        for value in (0.0, 0.5, 1.0):
            y = scores.bottom() - value * scores.height()
            painter.drawLine(QPointF(scores.left(), y), QPointF(scores.right(), y))
        painter.drawRect(blocs)
        painter.setPen(QColor(theme.MUTED))
        metrics = self.fontMetrics()
        half = metrics.ascent() / 2 - 1
        for value in (0.0, 0.5, 1.0):
            y = scores.bottom() - value * scores.height()
            text = f"{value:g}"
            painter.drawText(QPointF(scores.left() - 4 - metrics.horizontalAdvance(text), y + half), text)
        text = f"{top_blocs:g}"
        painter.drawText(QPointF(blocs.left() - 4 - metrics.horizontalAdvance(text), blocs.top() + 2 * half), text)
        painter.drawText(QPointF(blocs.left() - 4 - metrics.horizontalAdvance("0"), blocs.bottom()), "0")
        painter.drawText(QPointF(scores.left() + 4, scores.top() - 6), "Pairs F1 by year")
        label = "Blocs"
        painter.drawText(QPointF(blocs.right() - metrics.horizontalAdvance(label) - 4, blocs.top() + 2 * half), label)
        for year in range((self.first // 50 + 1) * 50, self.last + 1, 50):
            x = self.x_of(year)
            text = str(year)
            painter.drawText(
                QPointF(x - metrics.horizontalAdvance(text) / 2, blocs.bottom() + metrics.ascent() + 2), text
            )

    def _line(self, painter: QPainter, name: str, colour: str, band: QRectF, top: float) -> None:
        """One series as a line, broken where more than ten years are missing."""
        path = QPainterPath()
        previous: int | None = None
        for year in sorted(self.points):
            value = self.points[year].get(name)
            if value is None:
                previous = None
                continue
            point = QPointF(self.x_of(year), band.bottom() - value / top * band.height())
            if previous is not None and year - previous <= 10:  # the coarse years first: joined
                path.lineTo(point)
            else:
                path.moveTo(point)
                path.addEllipse(point, 0.8, 0.8)
                path.moveTo(point)
            previous = year
        painter.setPen(QPen(QColor(colour), 1.3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _legend(self, painter: QPainter, top: float) -> None:
        metrics = self.fontMetrics()
        y = top + 2
        for row in self._legend_rows():
            x = LEFT
            for name, colour in row:
                painter.setPen(QPen(QColor(colour), 3))
                painter.drawLine(QPointF(x, y + metrics.height() / 2), QPointF(x + 16, y + metrics.height() / 2))
                painter.setPen(QColor(theme.INK))
                painter.drawText(QPointF(x + 20, y + metrics.ascent()), name)
                x += metrics.horizontalAdvance(name) + 28
            y += metrics.height() + 4
