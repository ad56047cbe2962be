"""Pictures of a result, painted with QPainter.

The inference chain is painted from ``presentation.figures.chain_layout`` and the
threat profile from ``presentation.figures.threat_profile``, so the app and the
reports share one layout and one palette; this module only draws.
"""

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.gui.style import card, esc, named, set_tone, theme
from alliance_advisor.presentation import figures
from alliance_advisor.presentation.wording import certainty_text, next_questions_text, qualifiers, stage_table
from alliance_advisor.rules.case import Result
from alliance_advisor.rules.kb import KnowledgeBase

SELECTED = QColor("#f2a900")
MAX_SCALE = 1.15
MIN_FIT = 0.3  # fitting shrinks the chain no further than this; below it, it scrolls
ZOOMS = (0.3, 4.0)  # the range of the zoom buttons and Ctrl+wheel
ZOOM_STEP = 1.25
MIN_TEXT_PX = 12  # 9 pt at 96 dpi: the smallest text a figure paints at 100% zoom
FIT_TEXT_PX = 8  # the smallest text when shrunk: labels too long for it are cut with "…"

# The figures' palette (reports.figures, made for paper) in the dark scheme, colour
# by colour: strokes lighter, fills deeper, text light, so every tone keeps its meaning.
DARK_FIGURE_COLOURS = {
    "#2f7d5b": "#5cc98f",
    "#e7f3ec": "#1e3a2c",
    "#1d4d38": "#bfe8d1",  # positive
    "#b4493d": "#ff8a80",
    "#f8e9e6": "#46262a",
    "#7a2c23": "#ffd0cb",  # negative
    "#5b6b7a": "#93a3b3",
    "#f1f4f7": "#2a3139",
    "#1f2933": "#e3e8ef",  # neutral; also INK
    "#9aa5b1": "#7d8896",
    "#ffffff": "#22272e",
    "#6b7785": "#a9b4c2",  # unknown; background, MUTED
    "#4c6a92": "#86a8d6",
    "#eaf0f7": "#26354b",  # derived
    "#1d4e89": "#7fb0e6",
    "#dce8f6": "#1d3556",
    "#0f2c4f": "#e8f1fc",  # verdict
    "#d5dce3": "#3a434e",
    "#9aa8b6": "#6c7886",  # GRID, EDGE
    "#d9e7d3": "#2c4a33",
    "#f3e6bf": "#4f4526",
    "#f1cfb0": "#5a3e26",
    "#e7b3aa": "#5e2d2a",  # bands
}
BACKGROUND = "#ffffff"


def ink(colour: str) -> str:
    """A figure colour as the current scheme shows it."""
    if theme.name == "dark":
        return DARK_FIGURE_COLOURS.get(str(colour).lower(), colour)
    return colour


class _TextLog:
    """The smallest text, in screen pixels, the last paint drew (for the legibility test)."""

    smallest: float | None = None


text_log = _TextLog()


def _font(size_px: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, math.ceil(size_px - 1e-6)))  # up: a floor stays a floor
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _text(
    painter: QPainter,
    x: float,
    y: float,
    text: str,
    size: float,
    colour: str,
    bold: bool = False,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    italic: bool = False,
    width: float | None = None,
) -> float:
    """Draw ``text`` with its baseline at y; ``align`` left (x is the start),
    right (x is the end) or centre; elided to ``width`` when given. Never smaller
    than MIN_TEXT_PX on screen at 100% zoom (``painter.text_floor``, in layout units)."""
    size = max(size, getattr(painter, "text_floor", MIN_TEXT_PX))
    font = _font(size, bold, italic)
    on_screen = font.pixelSize() * painter.worldTransform().m11()
    if text and (text_log.smallest is None or on_screen < text_log.smallest):
        text_log.smallest = on_screen
    metrics = QFontMetricsF(font)
    if width is not None:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    advance = metrics.horizontalAdvance(text)
    if align == Qt.AlignmentFlag.AlignRight:
        x -= advance
    elif align == Qt.AlignmentFlag.AlignHCenter:
        x -= advance / 2
    painter.setFont(font)
    painter.setPen(QColor(ink(colour)))
    painter.drawText(QPointF(x, y), text)
    return advance


def _box(
    painter: QPainter,
    rect: QRectF,
    fill: str,
    stroke: str | None = None,
    width: float = 1.0,
    radius: float = 0.0,
    dashed: bool = False,
) -> None:
    if stroke:
        pen = QPen(QColor(ink(stroke)), width)
        if dashed:
            pen.setDashPattern([4, 3])
        painter.setPen(pen)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(ink(fill)))
    painter.drawRoundedRect(rect, radius, radius)


class _Painter(QPainter):
    """A figure's painter, carrying the smallest text size it may paint (layout units)."""

    text_floor: float = MIN_TEXT_PX


class _Figure(QWidget):
    """A figure that shows a placeholder until it has a result."""

    placeholder = "No result yet."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Result | None = None
        self.setMouseTracking(True)

    def show_result(self, result: Result) -> None:
        self.result = result
        self.relayout()
        self.update()

    def relayout(self) -> None:
        """Recompute whatever depends on the result (subclasses)."""

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = _Painter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), QColor(ink(BACKGROUND)))
        painter.text_floor = MIN_TEXT_PX
        if self.result is None:
            _text(painter, 16, 28, self.placeholder, 12, figures.MUTED)
            return
        self.paint(painter)

    def paint(self, painter: _Painter) -> None:
        raise NotImplementedError


# ------------------------------------------------------------ inference chain


class ChainDiagram(_Figure):
    """The inference chain: answers → derived facts → rules → responses.

    Opens fitted to the room it is given (width and height, up to MAX_SCALE); the zoom
    buttons and Ctrl+wheel zoom from there, and a double-click goes between the fit and
    100%. Clicking a node reports the rule (or question, or response) it stands for."""

    ruleClicked = Signal(str)
    factorClicked = Signal(str)
    responseClicked = Signal(str)
    zoomChanged = Signal()
    placeholder = "The inference chain appears once the case is analysed."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_: figures.ChainLayout | None = None
        self.selected_rule: str | None = None
        self.scale = 1.0
        self.zoom: float | None = None  # None: fitted to the room; else the scale the user chose
        self.fitted = 1.0  # the scale that fits the room last given
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def relayout(self) -> None:
        self.layout_ = figures.chain_layout(self.result)
        self.updateGeometry()

    def fit(self, width: int, height: int | None = None) -> QSize:
        """Choose the scale for the room available; returns the size to give the widget."""
        if self.layout_ is None:
            return QSize(width, 200)
        fitted = width / self.layout_.width
        if height:
            fitted = min(fitted, height / self.layout_.height)
        self.fitted = max(MIN_FIT, min(MAX_SCALE, fitted))
        self.scale = self.fitted if self.zoom is None else self.zoom
        return QSize(max(width, round(self.layout_.width * self.scale)), round(self.layout_.height * self.scale))

    def set_zoom(self, zoom: float | None) -> None:
        """A scale (1.0 is 100%), or None to fit the room again."""
        self.zoom = None if zoom is None else max(ZOOMS[0], min(ZOOMS[1], zoom))
        self.zoomChanged.emit()

    def zoom_in(self) -> None:
        self.set_zoom(self.scale * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.scale / ZOOM_STEP)

    def select_rule(self, rule_id: str | None) -> None:
        self.selected_rule = rule_id
        self.update()

    def _node_at(self, pos: QPointF) -> figures.Node | None:
        if self.layout_ is None:
            return None
        offset = self._offset()
        return self.layout_.node_at((pos.x() - offset) / self.scale, pos.y() / self.scale)

    def _offset(self) -> float:
        # Centre the diagram when the widget is wider than the drawing.
        assert self.layout_ is not None
        return max(0.0, (self.width() - self.layout_.width * self.scale) / 2)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        node = self._node_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if node else Qt.CursorShape.ArrowCursor)
        if node and node.tooltip:
            QToolTip.showText(event.globalPosition().toPoint(), node.tooltip, self)
        else:
            QToolTip.hideText()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.ignore()  # plain wheel scrolls the overview
            return
        self.zoom_in() if event.angleDelta().y() > 0 else self.zoom_out()

    def mouseDoubleClickEvent(self, _event: QMouseEvent) -> None:
        """From the fit to 100% (labels 9 pt), and from any zoom back to the fit."""
        self.set_zoom(1.0 if self.zoom is None and abs(self.fitted - 1.0) > 0.01 else None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        node = self._node_at(event.position())
        if node is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if node.rule_id:
            self.select_rule(node.rule_id)
            self.ruleClicked.emit(node.rule_id)
        elif node.kind == "answer":
            self.factorClicked.emit(node.fact)
        elif node.response:
            self.responseClicked.emit(node.response)

    def paint(self, painter: _Painter) -> None:
        layout = self.layout_
        assert layout is not None  # painted only with a result, laid out when it came
        painter.translate(self._offset(), 0)
        painter.scale(self.scale, self.scale)
        # At 100% and above no text is below 9 pt; shrunk, none below FIT_TEXT_PX.
        painter.text_floor = max(FIT_TEXT_PX, MIN_TEXT_PX * min(self.scale, 1.0)) / self.scale
        for column in layout.columns:
            _text(
                painter,
                column.x,
                figures.MARGIN + 12,
                column.title.upper(),
                figures.TITLE_SIZE - 2,
                figures.MUTED,
                bold=True,
            )
            painter.setPen(QPen(QColor(ink(figures.GRID)), 1))
            painter.drawLine(QPointF(column.x, figures.MARGIN + 19), QPointF(column.x + column.w, figures.MARGIN + 19))
        for edge in layout.edges:
            self._paint_edge(painter, edge)
        for node in layout.nodes:
            self._paint_node(painter, node)
        self._paint_legend(painter)

    def _paint_edge(self, painter: QPainter, edge: figures.Edge) -> None:
        assert self.layout_ is not None
        x0, y0, c1x, c1y, c2x, c2y, x1, y1 = figures.edge_path(self.layout_, edge)
        path = QPainterPath(QPointF(x0, y0))
        path.cubicTo(QPointF(c1x, c1y), QPointF(c2x, c2y), QPointF(x1, y1))
        colour = QColor(ink(figures.edge_colour(edge)))
        colour.setAlphaF(figures.edge_opacity(edge))
        pen = QPen(colour, 1.6 if edge.tone in ("positive", "negative") else 1.0)
        if edge.tone == "unknown":
            pen.setDashPattern([4, 3])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _paint_node(self, painter: QPainter, node: figures.Node) -> None:
        stroke, fill, ink = figures.node_colours(node)
        rect = QRectF(node.x, node.y, node.w, node.h)
        selected = node.rule_id is not None and node.rule_id == self.selected_rule
        _box(
            painter,
            rect,
            fill,
            SELECTED.name() if selected else stroke,
            2.5 if selected else (2.0 if node.emphasis else 1.0),
            5,
            node.tone == "unknown",
        )
        if node.compact:
            _box(painter, QRectF(node.x, node.y, 4, node.h), stroke, radius=2)
            baseline = node.y + node.h / 2 + 4
            used = _text(
                painter,
                node.x + node.w - 8,
                baseline,
                node.sublabel,
                figures.SUBLABEL_SIZE,
                stroke,
                bold=True,
                align=Qt.AlignmentFlag.AlignRight,
            )
            _text(
                painter,
                node.x + 12,
                baseline,
                node.label,
                figures.SUBLABEL_SIZE,
                ink,
                bold=True,
                width=node.w - used - 26,
            )
        else:
            top = figures.label_top(node)
            for i, line in enumerate(node.label_lines):
                _text(
                    painter,
                    node.x + 10,
                    top + i * figures.LINE_H,
                    line,
                    figures.LABEL_SIZE,
                    ink,
                    True,
                    width=node.w - 20,
                )
            colour = stroke if node.emphasis else figures.MUTED
            _text(
                painter,
                node.x + 10,
                top + (len(node.label_lines) - 1) * figures.LINE_H + 15,
                node.sublabel,
                figures.SUBLABEL_SIZE,
                colour,
                bold=node.emphasis,
                italic=node.tone == "unknown",
                width=node.w - 20,
            )

    def _paint_legend(self, painter: QPainter) -> None:
        assert self.layout_ is not None
        x: float = figures.MARGIN  # advanced by each entry's text
        y = self.layout_.legend_y + 20
        for kind, text in (
            ("neutral", "answer"),
            ("unknown", "unknown answer"),
            ("derived", "derived fact"),
            ("positive", "rule supports"),
            ("negative", "rule opposes"),
            ("verdict", "verdict"),
        ):
            stroke, fill, _ink = figures.PALETTE[kind]
            if kind in ("positive", "negative"):
                painter.setPen(QPen(QColor(ink(stroke)), 2))
                painter.drawLine(QPointF(x, y - 3), QPointF(x + 18, y - 3))
            else:
                _box(
                    painter,
                    QRectF(x, y - 9, 18, 12),
                    fill,
                    stroke,
                    2.0 if kind == "verdict" else 1.0,
                    3,
                    kind == "unknown",
                )
            x += 24 + _text(painter, x + 24, y + 1, text, figures.SUBLABEL_SIZE, figures.MUTED) + 20


# ------------------------------------------------------------- threat profile


class ThreatProfileChart(_Figure):
    """The four sources of threat as point cells, and the total on the threat bands."""

    placeholder = "The threat profile appears once the case is analysed."
    ROW = 28
    MARGIN = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile: figures.ThreatProfile | None = None
        self.band_label_rects: list[QRectF] = []  # where the last paint drew the bands' names
        self.band_labels: list[figures.BandLabel] = []  # and what it wrote there
        self.setMinimumHeight(250)

    def relayout(self) -> None:
        assert self.result is not None and self.result.kb is not None
        kb = self.result.kb
        self.profile = figures.threat_profile(self.result)
        self.setMinimumHeight(round(self.MARGIN * 2 + len(self.profile) * self.ROW + 110))
        # A narrow chart shortens the bands' names ("Mod.", "M"): all of them, whole, here.
        self.setToolTip(
            figures.bands_legend(self.profile, lambda level: kb.level_label(kb.theory.threat_fact, level).capitalize())
        )

    def sizeHint(self) -> QSize:
        return QSize(460, self.minimumHeight())

    def paint(self, painter: _Painter) -> None:
        assert self.result is not None and self.result.kb is not None and self.profile is not None
        profile, kb, m = self.profile, self.result.kb, self.MARGIN
        label_font = QFontMetricsF(_font(figures.LABEL_SIZE, True))
        label_w = max(label_font.horizontalAdvance(s.label) for s in profile) + 14
        value_w = 150
        most = max((s.max_points for s in profile), default=1)
        bar_x = m + label_w
        cell = max(12.0, min(34.0, (self.width() - bar_x - value_w - m) / most - 4))
        value_x = bar_x + most * (cell + 4) + 10
        top = m
        stroke, fill, _ink = figures.PALETTE["derived"]
        for i, source in enumerate(profile):
            y = top + i * self.ROW
            _text(painter, m, y + 15, source.label, figures.LABEL_SIZE, figures.INK, bold=True)
            for p in range(source.max_points):
                rect = QRectF(bar_x + p * (cell + 4), y + 2, cell, 18)
                if source.unknown:
                    _box(painter, rect, "#ffffff", figures.PALETTE["unknown"][0], 1, 3, dashed=True)
                else:
                    _box(painter, rect, stroke if p < source.points else fill, radius=3)
            if source.unknown:
                _text(painter, value_x, y + 15, "unknown", figures.SUBLABEL_SIZE, figures.MUTED, italic=True)
            else:
                used = _text(
                    painter,
                    value_x,
                    y + 15,
                    f"{source.points} / {source.max_points}",
                    figures.SUBLABEL_SIZE,
                    figures.INK,
                    bold=True,
                )
                _text(
                    painter,
                    value_x + used + 8,
                    y + 15,
                    source.level_label,
                    figures.SUBLABEL_SIZE,
                    figures.MUTED,
                    width=self.width() - value_x - used - 8 - m,
                )
        self._paint_total(painter, profile, kb, top + len(profile) * self.ROW + 16)

    def _paint_total(self, painter: QPainter, profile: figures.ThreatProfile, kb: KnowledgeBase, y: float) -> None:
        m = self.MARGIN
        heading = "TOTAL" + (" (LEFT OPEN)" if profile.open else "")
        _text(painter, m, y + 10, heading, figures.TITLE_SIZE - 2, figures.MUTED, bold=True)
        y += 18
        left, right = m, self.width() - m
        unit = (right - left) / max(profile.maximum, 1)
        self._paint_bands(painter, profile, kb, QRectF(left, y, unit, 22))
        if profile.open and profile.range[0] != profile.range[1]:
            pen = QPen(QColor(ink(figures.MUTED)), 2)
            pen.setDashPattern([4, 3])
            painter.setPen(pen)
            painter.drawLine(
                QPointF(left + profile.range[0] * unit, y + 30), QPointF(left + profile.range[1] * unit, y + 30)
            )
        mark = left + profile.total * unit
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ink(figures.INK)))
        painter.drawPolygon(QPolygonF([QPointF(mark - 6, y + 36), QPointF(mark + 6, y + 36), QPointF(mark, y + 26)]))
        painter.setFont(_font(max(figures.SUBLABEL_SIZE, MIN_TEXT_PX)))
        painter.setPen(QColor(ink(figures.INK)))
        painter.drawText(
            QRectF(left, y + 44, right - left, 40), Qt.TextFlag.TextWordWrap, figures.threat_caption(profile)
        )

    def _paint_bands(self, painter: QPainter, profile: figures.ThreatProfile, kb: KnowledgeBase, at: QRectF) -> None:
        """The threat bands from ``at``'s left edge, ``at.width()`` px a point, each named
        inside its band as far as its name fits (figures.band_label_layout: shortened or
        left out, so no two labels ever overlap; the whole names are in the tooltip)."""
        left, unit, y = at.left(), at.width(), at.top()
        spans = [
            (left + max(first - 0.5, 0) * unit, left + min(last + 0.5, profile.maximum) * unit - 2)
            for _level, first, last in profile.bands
        ]
        size = max(figures.SUBLABEL_SIZE, getattr(painter, "text_floor", MIN_TEXT_PX))

        def measure(text: str, bold: bool) -> float:
            return QFontMetricsF(_font(size, bold)).horizontalAdvance(text)

        def name_of(level: str) -> str:
            return kb.level_label(kb.theory.threat_fact, level).capitalize()

        labels = figures.band_label_layout(profile, spans, name_of, measure)
        self.band_label_rects, self.band_labels = [], labels
        for i, ((level, _first, _last), (x0, x1), label) in enumerate(zip(profile.bands, spans, labels)):
            current = level == profile.band
            colour = figures.BAND_COLOURS[min(i, len(figures.BAND_COLOURS) - 1)]
            _box(painter, QRectF(x0, y, x1 - x0, at.height()), colour, figures.INK if current else None, 1.5, 3)
            if label.text:
                _text(painter, label.x, y + 15, label.text, figures.SUBLABEL_SIZE, figures.INK, bold=current)
                metrics = QFontMetricsF(_font(size, current))
                self.band_label_rects.append(QRectF(label.x, y + 15 - metrics.ascent(), label.width, metrics.height()))


# -------------------------------------------------------------- support chart


class SupportChart(_Figure):
    """Support per response on a −1..+1 axis, the verdict emphasised."""

    placeholder = "Support per response appears once the case is analysed."
    ROW = 26
    MARGIN = 16
    responseClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order: list[str] = []

    def relayout(self) -> None:
        self.order = figures.response_order(self.result)
        self.setMinimumHeight(self.MARGIN * 2 + 4 + len(self.order) * self.ROW + 20)

    def sizeHint(self) -> QSize:
        return QSize(460, self.minimumHeight())

    def _geometry(self) -> tuple[float, float, float]:
        assert self.result is not None and self.result.kb is not None
        kb, m = self.result.kb, self.MARGIN
        metrics = QFontMetricsF(_font(figures.LABEL_SIZE, True))
        label_w = max(metrics.horizontalAdvance(kb.response(r).label) for r in self.order) + 14
        half = max(40.0, (self.width() - m * 2 - label_w - 50) / 2)
        return m + label_w + half, half, m + 4

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.result is None:
            return
        _axis, _half, top = self._geometry()
        row = int((event.position().y() - top) // self.ROW)
        if 0 <= row < len(self.order):
            self.responseClicked.emit(self.order[row])

    def paint(self, painter: _Painter) -> None:
        assert self.result is not None and self.result.kb is not None
        result, kb, m = self.result, self.result.kb, self.MARGIN
        axis, half, top = self._geometry()
        bottom = top + len(self.order) * self.ROW
        for tick in (-1.0, -0.5, 0.0, 0.5, 1.0):
            x = axis + tick * half
            painter.setPen(QPen(QColor(ink(figures.MUTED if tick == 0 else figures.GRID)), 1))
            painter.drawLine(QPointF(x, top - 4), QPointF(x, bottom))
            _text(
                painter,
                x,
                bottom + 14,
                figures.signed(tick).replace(".00", ""),
                figures.SUBLABEL_SIZE - 1,
                figures.MUTED,
                align=Qt.AlignmentFlag.AlignHCenter,
            )
        for i, rid in enumerate(self.order):
            y = top + i * self.ROW
            cf = result.support[rid]
            verdict = rid == result.verdict
            tone = "verdict" if verdict else ("positive" if cf > 0 else "negative" if cf < 0 else "neutral")
            colour = figures.PALETTE[tone][0]
            _text(
                painter,
                m,
                y + 15,
                kb.response(rid).label,
                figures.LABEL_SIZE,
                figures.INK if verdict else figures.MUTED,
                bold=verdict,
            )
            if cf:
                _box(painter, QRectF(axis + min(cf, 0) * half, y + 4, abs(cf) * half, 16), colour, radius=2)
            value_x = axis + cf * half + (6 if cf >= 0 else -6)
            _text(
                painter,
                value_x,
                y + 16,
                figures.signed(cf),
                figures.SUBLABEL_SIZE,
                colour if cf else figures.MUTED,
                bold=verdict,
                align=Qt.AlignmentFlag.AlignLeft if cf >= 0 else Qt.AlignmentFlag.AlignRight,
            )


# ------------------------------------------------------------------ overview


class _ChainScroll(QScrollArea):
    """Scrolls the inference chain sideways only; the plain wheel still scrolls the overview."""

    def __init__(self, chain: ChainDiagram) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(chain)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or event.angleDelta().x():
            super().wheelEvent(event)
        else:
            event.ignore()


class OverviewView(QScrollArea):
    """The three pictures together: the chain across the top, threat and support below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # only the chain scrolls sideways
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(10)
        self.chain = ChainDiagram()
        self.chain.zoomChanged.connect(self._fit_chain)
        self.threat = ThreatProfileChart()
        self.support = SupportChart()
        # What the verdict rests on, how firm it is, the open questions (presentation/wording.py).
        self.assessment_card, assessment_layout = card("Assessment")
        self.assessment = named(QLabel(wordWrap=True), "assessment")
        self.assessment.setTextFormat(Qt.TextFormat.RichText)
        assessment_layout.addWidget(self.assessment)
        chain_card, chain_layout = card()
        chain_layout.addLayout(self._chain_header())
        self.chain_hint = named(QLabel(wordWrap=True), "chainHint")
        set_tone(self.chain_hint, "muted")
        chain_layout.addWidget(self.chain_hint)
        self.chain_scroll = _ChainScroll(self.chain)
        chain_layout.addWidget(self.chain_scroll)
        # The chain, the main picture, first: fitted to the window, its verdict in view
        # without scrolling; what the verdict rests on below it. Without a verdict the
        # Assessment, with the questions that would settle the threat, comes first.
        self.chain_card = chain_card
        self._column = column
        column.addWidget(chain_card)
        column.addWidget(self.assessment_card)
        # The decision in Walt's stages, in order (presentation/wording.py stage_table).
        self.stages_card, stages_layout = card("Stages")
        self.stages = named(QLabel(wordWrap=True), "stages")
        self.stages.setTextFormat(Qt.TextFormat.RichText)
        stages_layout.addWidget(self.stages)
        column.addWidget(self.stages_card)
        row = self.charts_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.setSpacing(10)
        for title, chart in (
            ("Threat profile", self.threat),
            ("Support per response (combined certainty factor)", self.support),
        ):
            frame, layout = card(title)
            layout.addWidget(chart)
            row.addWidget(frame, 1)
        column.addLayout(row)
        column.addStretch(1)
        self.setWidget(body)

    def _chain_header(self) -> QHBoxLayout:
        """The card's title and the zoom buttons."""
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(named(QLabel("Inference chain"), "sectionTitle"), 1)
        self.zoom_buttons: dict[str, QToolButton] = {}
        for key, text, tip, handler in (
            ("out", "\u2212", "Zoom out (Ctrl+wheel)", self.chain.zoom_out),
            ("fit", "Fit", "Fit the whole chain into the window", lambda: self.chain.set_zoom(None)),
            ("in", "+", "Zoom in (Ctrl+wheel)", self.chain.zoom_in),
            (
                "100",
                "100%",
                "Every label at full size (9 pt); the chain scrolls sideways",
                lambda: self.chain.set_zoom(1.0),
            ),
        ):
            button = named(QToolButton(), f"chainZoom_{key}")
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(False)
            button.clicked.connect(handler)
            row.addWidget(button)
            self.zoom_buttons[key] = button
        return row

    def show_result(self, result: Result) -> None:
        kb = result.kb
        assert kb is not None
        lines: list[str] = []
        if result.verdict is None:
            # Why there is none is in the banner above; the questions that would settle it, here.
            lines = [esc(next_questions_text(kb, result))]
        sure = certainty_text(kb, result)  # how sure, in words (issue 28)
        if sure and result.certainty is not None and (result.certainty.close_call or result.verdict is None):
            lines.append(f"<span style='color:{theme.BAD}; font-weight:600'>⚠ {esc(sure)}</span>")
        elif sure:
            lines.append(esc(sure))
        for kind, sentence in qualifiers(kb, result):
            if kind in ("close", "fragile"):
                lines.append(f"<span style='color:{theme.BAD}; font-weight:600'>⚠ {esc(sentence)}</span>")
            else:
                lines.append(esc(sentence))
        lines = [line for line in lines if line]
        first = self.assessment_card if result.verdict is None else self.chain_card
        if self._column.indexOf(first) != 0:
            self._column.removeWidget(first)
            self._column.insertWidget(0, first)
        self.assessment.setText("<br>".join(lines))
        self.assessment_card.setVisible(bool(lines))
        rows = stage_table(kb, result)
        self.stages.setText(
            "<br>".join(
                f"<b>{row.number}. {esc(row.title)}: {esc(row.why)}</b> {esc(row.answer)}"
                f"<br><span style='color:{theme.MUTED}'>Decided by {esc(row.decided_by)}.</span>"
                for row in rows
            )
        )
        self.stages_card.setVisible(bool(rows))
        for figure in (self.chain, self.threat, self.support):
            figure.show_result(result)
        self._fit_chain()

    SIDE_BY_SIDE = 860  # px: narrower than this, the two charts go one above the other

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= self.SIDE_BY_SIDE
            else QBoxLayout.Direction.TopToBottom
        )
        if self.charts_row.direction() != wanted:
            self.charts_row.setDirection(wanted)
        self._fit_chain()

    CHAIN_CHROME = 2 * 10 + 12 + 14 + 2 * 8 + 30 + 24  # body and card margins, header, hint

    def _fit_chain(self) -> None:
        # The chain card's inner width: the viewport less the margins of body and card;
        # its height: the viewport less the card's header, so the whole chain can be in view.
        width = self.viewport().width() - 2 * 10 - 2 * 14 - 2
        height = self.viewport().height() - self.CHAIN_CHROME
        size = self.chain.fit(width, max(height, 160))
        self.chain.setFixedHeight(size.height())
        self.chain.setMinimumWidth(size.width())
        bar = self.chain_scroll.horizontalScrollBar().sizeHint().height() if size.width() > width else 0
        self.chain_scroll.setFixedHeight(size.height() + bar)
        fitted = self.chain.zoom is None
        percent = f"{round(self.chain.scale * 100)}%"
        self.chain_hint.setText(
            (f"Fitted to the window ({percent}). " if fitted else f"Zoom {percent}. ")
            + "Click a box to explain it; \u2212 and + (or Ctrl+wheel) zoom, "
            + ("100% shows every label at full size." if fitted else "Fit shows the whole chain.")
        )
        self.zoom_buttons["fit"].setEnabled(not fitted)
        self.zoom_buttons["100"].setEnabled(abs(self.chain.scale - 1.0) > 0.005)
        self.chain.update()
