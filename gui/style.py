"""Look and feel: a light and a dark scheme, one stylesheet, colours for responses and threat.

Colours are given by position in the knowledge base (responses in declaration
order, threat levels low to high), so a knowledge base with other responses
still gets distinct colours and nothing here names a response or factor. The
figures take their palette from presentation.figures, so screen and paper agree.
"""

import html
import os
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from alliance_advisor.rules.kb import KnowledgeBase

_Named = TypeVar("_Named", bound=QObject)

# Two schemes with the same names; the app follows the system's (Qt's style hints)
# unless ALLIANCE_COLOR_SCHEME (or ``main.py gui --dark``) forces one.
SCHEMES = {
    "light": dict(
        ACCENT="#2f5d8a",
        INK="#1f2933",
        MUTED="#5f6b7a",
        FAINT="#8a94a3",
        RULE_LINE="#d5dbe3",
        PANEL="#ffffff",
        WINDOW="#eef1f5",
        ALT="#f6f8fa",
        GOOD="#1e7b4b",
        BAD="#b3261e",
        TRACK="#e6eaf0",
        BANNER="#fff4df",
        BANNER_LINE="#f0d9a8",
        BANNER_INK="#6b4e16",
        BUTTON="#f6f8fa",
        HIGHLIGHT_INK="#ffffff",
    ),
    "dark": dict(
        ACCENT="#7fb0e6",
        INK="#e3e8ef",
        MUTED="#a9b4c2",
        FAINT="#7d8896",
        RULE_LINE="#3a434e",
        PANEL="#22272e",
        WINDOW="#181c21",
        ALT="#2a3038",
        GOOD="#5cc98f",
        BAD="#ff8a80",
        TRACK="#39414b",
        BANNER="#3d3320",
        BANNER_LINE="#6b5a33",
        BANNER_INK="#f3ddb0",
        BUTTON="#2d333b",
        HIGHLIGHT_INK="#0d1117",
    ),
}
theme = SimpleNamespace(name="light", **SCHEMES["light"])  # the scheme in use; read it at use time

# The light names stay importable for code that only needs a default.
ACCENT, INK, MUTED, FAINT = (SCHEMES["light"][k] for k in ("ACCENT", "INK", "MUTED", "FAINT"))
RULE_LINE, PANEL, WINDOW, GOOD, BAD = (SCHEMES["light"][k] for k in ("RULE_LINE", "PANEL", "WINDOW", "GOOD", "BAD"))

# Responses, in knowledge-base order (balance first, the most common response).
RESPONSE_PALETTE = ("#2f6db3", "#138086", "#d2691e", "#7a4fb0", "#a23e8c", "#c0392b", "#5b6b7d", "#7f8c8d")
# Lighter versions of the same hues, legible on the dark panels.
RESPONSE_PALETTE_DARK = ("#6ea8ec", "#4fc1c7", "#f29a55", "#b28ce8", "#e07cc7", "#f07a6c", "#9fb0c3", "#b4bfc0")
# Threat levels, lowest first (they carry white text in a chip: the same in both schemes).
THREAT_PALETTE = ("#3a8d5c", "#c9a227", "#e07b24", "#c0392b")


def stylesheet(t: SimpleNamespace | None = None) -> str:
    t = t or theme
    return f"""
QMainWindow, QDockWidget {{ background: {t.WINDOW}; }}
QFrame#card {{ background: {t.PANEL}; border: 1px solid {t.RULE_LINE}; border-radius: 8px; }}
QFrame#card[current="true"] {{ border: 2px solid {t.ACCENT}; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 700; color: {t.ACCENT}; }}
QLabel#question {{ font-weight: 600; color: {t.INK}; }}
QLabel#help {{ color: {t.MUTED}; font-size: 8.5pt; }}
QLabel#meaning {{ color: {t.MUTED}; font-size: 8.5pt; font-style: italic; }}
QLabel#caption {{ color: {t.FAINT}; font-size: 8pt; font-weight: 700; letter-spacing: 1px; }}
QLabel[tone="muted"] {{ color: {t.MUTED}; }}
QLabel[tone="bad"] {{ color: {t.BAD}; }}
QLabel[tone="placeholder"] {{ color: {t.MUTED}; padding: 40px; }}
QLabel#unknownLine {{ color: {t.MUTED}; border-top: 1px solid {t.RULE_LINE}; padding-top: 6px; }}
QLabel#readOnlyBanner {{ background: {t.BANNER}; border: 1px solid {t.BANNER_LINE}; border-radius: 6px;
                         padding: 6px 8px; color: {t.BANNER_INK}; }}
QComboBox:disabled, QLineEdit:read-only, QPlainTextEdit[readOnly="true"] {{ color: {t.INK}; background: {t.ALT}; }}
QTabWidget::pane {{ border: 1px solid {t.RULE_LINE}; border-radius: 6px; background: {t.PANEL}; top: -1px; }}
QTabBar::tab {{ padding: 6px 10px; color: {t.MUTED}; border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {t.INK}; border-bottom: 2px solid {t.ACCENT}; font-weight: 600; }}
QTextBrowser, QTreeWidget, QTableWidget, QTableView, QListWidget {{ border: none; background: {t.PANEL}; }}
QHeaderView::section {{ background: {t.ALT}; border: none; border-bottom: 1px solid {t.RULE_LINE};
                        padding: 4px 6px; color: {t.MUTED}; font-weight: 600; }}
QToolBar {{ background: {t.WINDOW}; border: none; spacing: 4px; padding: 2px 6px; }}
QStatusBar {{ color: {t.MUTED}; }}
QStatusBar QLabel {{ padding: 0 6px; }}
"""


def document_css(t: SimpleNamespace | None = None) -> str:
    """Rich text (QTextBrowser) shares the palette."""
    t = t or theme
    return f"""
body {{ color: {t.INK}; }}
h2 {{ color: {t.ACCENT}; margin: 0 0 4px 0; }}
h3 {{ color: {t.INK}; margin: 12px 0 4px 0; }}
.muted {{ color: {t.MUTED}; }}
.faint {{ color: {t.FAINT}; }}
.good {{ color: {t.GOOD}; font-weight: 600; }}
.bad {{ color: {t.BAD}; font-weight: 600; }}
.code {{ font-family: monospace; color: {t.FAINT}; }}
a {{ color: {t.ACCENT}; text-decoration: none; }}
table.compare td, table.compare th {{ padding: 3px 8px; }}
"""


STYLESHEET = stylesheet(SimpleNamespace(**SCHEMES["light"]))
DOCUMENT_CSS = document_css(SimpleNamespace(**SCHEMES["light"]))


def forced_scheme() -> str | None:
    """'light' or 'dark' when ALLIANCE_COLOR_SCHEME asks for one, else None."""
    value = os.environ.get("ALLIANCE_COLOR_SCHEME", "").strip().lower()
    return value if value in SCHEMES else None


def system_scheme(app: QGuiApplication) -> str:
    """The desktop's scheme from Qt's style hints (Qt 6.5+); light when it does not say."""
    from PySide6.QtCore import Qt

    hints = app.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label by role ('muted', 'bad', ...): the stylesheet follows the scheme."""
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def esc(text: object) -> str:
    """Anything from a case or the knowledge base, made safe for rich text."""
    return html.escape(str(text), quote=True)


def response_colour(kb: KnowledgeBase, response_id: str | None) -> QColor:
    if response_id not in kb.response_ids:
        return QColor(theme.FAINT)
    palette = RESPONSE_PALETTE_DARK if theme.name == "dark" else RESPONSE_PALETTE
    return QColor(palette[kb.response_ids.index(response_id) % len(palette)])


def chip_colour(kb: KnowledgeBase, response_id: str | None) -> QColor:
    """A response's colour under white text (chips): the deeper hue in both schemes."""
    if response_id not in kb.response_ids:
        return QColor(theme.FAINT)
    return QColor(RESPONSE_PALETTE[kb.response_ids.index(response_id) % len(RESPONSE_PALETTE)])


def threat_colour(levels: Sequence[str], level: str | None) -> QColor:
    if level not in levels:
        return QColor(theme.FAINT)
    index = levels.index(level) * (len(THREAT_PALETTE) - 1) // max(len(levels) - 1, 1)
    return QColor(THREAT_PALETTE[index])


def apply_style(app: QApplication, scheme: str | None = None) -> str:
    """Style the application in ``scheme`` ('light' or 'dark'; default: forced or the system's)."""
    scheme = scheme or forced_scheme() or system_scheme(app)
    theme.__dict__.update(SCHEMES[scheme], name=scheme)
    app.setStyle("Fusion")
    palette = QPalette()
    t = theme
    for role, colour in (
        (QPalette.ColorRole.Window, t.WINDOW),
        (QPalette.ColorRole.Base, t.PANEL),
        (QPalette.ColorRole.AlternateBase, t.ALT),
        (QPalette.ColorRole.WindowText, t.INK),
        (QPalette.ColorRole.Text, t.INK),
        (QPalette.ColorRole.ButtonText, t.INK),
        (QPalette.ColorRole.Button, t.BUTTON),
        (QPalette.ColorRole.ToolTipBase, t.PANEL),
        (QPalette.ColorRole.ToolTipText, t.INK),
        (QPalette.ColorRole.PlaceholderText, t.FAINT),
        (QPalette.ColorRole.Highlight, t.ACCENT),
        (QPalette.ColorRole.HighlightedText, t.HIGHLIGHT_INK),
        (QPalette.ColorRole.Link, t.ACCENT),
        (QPalette.ColorRole.Mid, t.RULE_LINE),
        (QPalette.ColorRole.Light, t.ALT),
        (QPalette.ColorRole.Midlight, t.ALT),
        (QPalette.ColorRole.Dark, t.RULE_LINE),
    ):
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(t.FAINT))
    app.setPalette(palette)
    if not app.property("allianceFontSet"):
        app.setProperty("allianceFontSet", True)
        font = QFont(app.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.5))
        app.setFont(font)
    app.setStyleSheet(stylesheet())
    return scheme


def fact_levels(kb: KnowledgeBase, fact: str) -> tuple[str, ...]:
    """The levels of a factor or derived fact, in declared order."""
    if fact in kb.factor_ids:
        return kb.factor(fact).level_ids
    return tuple(kb.derived_fact(fact).levels)


def fact_title(kb: KnowledgeBase, fact: str) -> str:
    label = kb.fact_label(fact)
    return label[:1].upper() + label[1:]


def card(title: str | None = None) -> tuple[QFrame, QVBoxLayout]:
    """A white rounded panel with an optional section heading; returns (frame, layout)."""
    frame = named(QFrame(), "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 14)
    layout.setSpacing(8)
    if title:
        heading = named(QLabel(title, wordWrap=True), "sectionTitle")
        layout.addWidget(heading)
    return frame, layout


def named(widget: _Named, name: str) -> _Named:
    """``widget`` with its object name (the stylesheet's selector, the tests' handle).
    PySide6 takes any Qt property as a constructor keyword, but its stubs list only the
    class's own, so ``objectName=`` would not type-check."""
    widget.setObjectName(name)
    return widget
