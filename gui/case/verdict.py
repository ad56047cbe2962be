"""The verdict banner: predicted response, confidence, threat level, and the
observed response of a historical case beside the prediction."""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget

from alliance_advisor.gui.style import (
    chip_colour,
    esc,
    fact_title,
    named,
    response_colour,
    set_tone,
    theme,
    threat_colour,
)
from alliance_advisor.presentation.figures import capital
from alliance_advisor.presentation.wording import agreement_text, no_verdict_text, percent, threat_points_text, tie_note
from alliance_advisor.rules.case import Result
from alliance_advisor.rules.kb import KnowledgeBase


class Meter(QWidget):
    """A thin horizontal gauge for a value in [0, 1]."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = 0.0
        self.colour = QColor(theme.FAINT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(160, 10)

    def set_value(self, value: float, colour: QColor | str) -> None:
        self.value = max(0.0, min(1.0, value))
        self.colour = QColor(colour)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QRectF(self.rect()).adjusted(0.5, 1.5, -0.5, -1.5)
        radius = track.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.TRACK))
        painter.drawRoundedRect(track, radius, radius)
        if self.value > 0:
            filled = QRectF(track.left(), track.top(), max(track.height(), track.width() * self.value), track.height())
            painter.setBrush(self.colour)
            painter.drawRoundedRect(filled, radius, radius)


def _caption(text: str) -> QLabel:
    return named(QLabel(text.upper(), wordWrap=True), "caption")


def _chip_css(colour: str) -> str:
    return f"background: {colour}; color: white; border-radius: 10px; padding: 2px 10px; font-weight: 700;"


class VerdictBanner(QFrame):
    """The answer at a glance, at the top of the results."""

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.kb = kb
        grid = QGridLayout(self)
        grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # it reflows (_arrange) instead
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(4)

        self.verdict_caption = _caption("Predicted response")
        self.verdict = named(QLabel("…"), "verdict")
        self.meaning = QLabel(wordWrap=True)
        set_tone(self.meaning, "muted")
        left = QVBoxLayout()
        left.setSpacing(2)
        for part in (self.verdict_caption, self.verdict, self.meaning):
            left.addWidget(part)
        self._grid = grid
        self._left = left
        self._boxes: list[QVBoxLayout] = []

        self.confidence_meter = Meter()
        self.confidence = QLabel(wordWrap=True)
        self.threat_chip = QLabel()
        self.threat_points = QLabel(wordWrap=True)
        self.observed = QLabel()
        self.observed_caption = _caption("Observed")
        self.observed_verdict = QLabel(wordWrap=True)
        columns: tuple[tuple[QWidget, QWidget, QWidget], ...] = (
            (_caption("Confidence"), self.confidence_meter, self.confidence),
            (_caption("Threat level"), self.threat_chip, self.threat_points),
            (self.observed_caption, self.observed, self.observed_verdict),
        )
        for widgets in columns:
            box = QVBoxLayout()
            box.setSpacing(4)
            for widget in widgets:
                # Chips hug their text; wrapped labels take the column (an aligned item loses
                # its height-for-width, and its second line would be cut off).
                chip = widget in (self.threat_chip, self.observed)
                box.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft if chip else Qt.AlignmentFlag(0))
            box.addStretch(1)
            self._boxes.append(box)
        for label in (self.confidence, self.threat_points, self.observed_verdict):
            set_tone(label, "muted")
        self.unknown = named(QLabel(wordWrap=True), "unknownLine")
        self.narrow: bool | None = None
        self._arrange(narrow=False)
        self.show_waiting()

    NARROW = 700  # px: narrower than this, the verdict takes a row of its own

    def _arrange(self, narrow: bool) -> None:
        """Verdict and the three gauges in one row where there is room; verdict above them where not."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        grid = self._grid
        for item in (self._left, *self._boxes):
            grid.removeItem(item)
        grid.removeWidget(self.unknown)
        for col in range(4):
            grid.setColumnStretch(col, 0)
        if narrow:
            grid.addLayout(self._left, 0, 0, 1, 3)
            for col, box in enumerate(self._boxes):
                grid.addLayout(box, 1, col)
                grid.setColumnStretch(col, 1)
            grid.addWidget(self.unknown, 2, 0, 1, 3)
        else:
            grid.addLayout(self._left, 0, 0, 2, 1)
            for col, box in enumerate(self._boxes, 1):
                grid.addLayout(box, 0, col, 2, 1)
            grid.addWidget(self.unknown, 2, 0, 1, 4)
            for col, stretch in enumerate((3, 2, 2, 2)):
                grid.setColumnStretch(col, stretch)

    def minimumSizeHint(self) -> QSize:
        return QSize(360, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(narrow=event.size().width() < self.NARROW)
        super().resizeEvent(event)

    # ------------------------------------------------------------------ states
    def _verdict_text(self, text: str, colour: str, size: int = 22) -> None:
        self.verdict.setText(esc(text))
        self.verdict.setStyleSheet(f"font-size: {size}pt; font-weight: 700; color: {colour};")

    def show_waiting(self) -> None:
        self._verdict_text("Analysing…", theme.FAINT)
        self.meaning.setText("The engine is starting.")

    def set_busy(self, busy: bool) -> None:
        """A newer analysis is running: grey out what is shown until it arrives."""
        self.verdict_caption.setText("ANALYSING…" if busy else "PREDICTED RESPONSE")
        self.verdict.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self._verdict_text("No result", theme.BAD, 18)
        self.meaning.setText(message)

    def show_result(self, result: Result) -> None:
        kb = self.kb
        case = result.case
        if result.verdict:
            self._verdict_text(result.verdict_label, response_colour(kb, result.verdict).name())
            meaning = kb.response(result.verdict).meaning
            if result.tie:
                meaning += "  " + tie_note(kb, result)
            self.meaning.setText(meaning)
            colour = response_colour(kb, result.verdict)
            runner = kb.response(result.runner_up).label if result.runner_up else "—"
            text = f"{result.margin:.2f} ahead of {runner}"
            if result.confidence is not None:
                text = f"{percent(result.confidence)}; {text}"
                self.confidence.setToolTip(
                    f"{percent(result.confidence)}: the verdict's probability under the answers' uncertainty; "
                    f"{result.margin:.2f}: its support's margin over the runner-up."
                )
            warning = (
                "Too close to call"
                if result.too_close
                else "Fragile"
                if result.stability is not None and result.stability.fragile
                else ""
            )
            if warning:  # the sentence is in the overview's assessment
                text = f"{esc(text)}<br><span style='color:{theme.BAD}; font-weight:600'>⚠ {warning}</span>"
            self.confidence.setText(text)
        else:
            self._verdict_text("No verdict", theme.FAINT)
            # The questions to answer next are said once, in the overview's Assessment.
            where = " The Assessment below names the questions to answer next." if result.next_questions else ""
            self.meaning.setText(capital(no_verdict_text(kb, result)) + where)
            colour = QColor(theme.FAINT)
            self.confidence.setText("—")
        self.confidence_meter.set_value(result.confidence if result.confidence is not None else result.margin, colour)
        self._show_threat(result)
        self._show_observed(case.observed, result)
        if result.unknown:
            names = ", ".join(fact_title(kb, fid) for fid in result.unknown)
            self.unknown.setText(
                f"Reasoned without {len(result.unknown)} unknown answer"
                f"{'s' if len(result.unknown) != 1 else ''}: {esc(names)}."
            )
        else:
            self.unknown.setText("Every question is answered.")

    def _show_threat(self, result: Result) -> None:
        levels = tuple(self.kb.derived_fact(self.kb.theory.threat_fact).levels)
        level = result.threat_level
        colour = threat_colour(levels, level).name() if level else theme.FAINT
        self.threat_chip.setText((level or "not yet known").replace("_", " ").capitalize())
        self.threat_chip.setStyleSheet(_chip_css(colour))
        self.threat_points.setText(capital(threat_points_text(result)))

    def _show_observed(self, observed: str | None, result: Result) -> None:
        shown = bool(observed)
        for widget in (self.observed_caption, self.observed, self.observed_verdict):
            widget.setVisible(shown)
        if not observed:
            return
        label = self.kb.response(observed).label
        self.observed.setText(label)
        self.observed.setStyleSheet(_chip_css(chip_colour(self.kb, observed).name()))
        kind, text = agreement_text(result, observed)
        if kind == "agrees":
            text = f"<span style='color:{theme.GOOD}; font-weight:600'>✓ {esc(text)}</span>"
        elif kind == "differs":
            text = f"<span style='color:{theme.BAD}; font-weight:600'>✗ {esc(text)}</span>"
        else:  # no verdict yet: nothing to hold against the record
            text = esc(text)
        self.observed_verdict.setText(text)
