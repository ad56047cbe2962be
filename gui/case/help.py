"""The Help window: the guide, the glossary of propositions and the shortcuts, one
tab each. It is not modal, so it can stay open beside the form (and no test
blocks on it)."""

from collections.abc import Iterable
from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from alliance_advisor.gui.case.explain import make_browser
from alliance_advisor.presentation import helpdata
from alliance_advisor.rules.kb import KnowledgeBase


def shortcuts_html(rows: Iterable[tuple[str, str, str]]) -> str:
    """``rows``: (menu text, shortcut text, what it does), from the declared actions."""
    body = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(text)}</td><td class='muted'>{escape(tip)}</td></tr>"
        for text, keys, tip in rows
    )
    return (
        "<h2>Keyboard shortcuts</h2><table cellspacing='0' cellpadding='4'>"
        "<tr><th align='left'>Keys</th><th align='left'>Command</th><th align='left'></th></tr>"
        f"{body}</table><p class='muted'>Ctrl+wheel zooms the inference chain; a double-click "
        "shrinks it to fit the width, and another brings it back to 100%.</p>"
    )


class HelpWindow(QDialog):
    ruleRequested = Signal(str)

    PAGES = ("guide", "glossary", "shortcuts")

    def __init__(
        self, kb: KnowledgeBase, shortcut_rows: Iterable[tuple[str, str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alliance Advisor Help")
        self.setObjectName("helpWindow")
        self.resize(760, 640)
        self.setMinimumSize(420, 320)
        self.tabs = QTabWidget()
        self.browsers: dict[str, QTextBrowser] = {}
        for name, title, html in (
            ("guide", "Guide", helpdata.guide_html(kb)),
            ("glossary", "Glossary", helpdata.glossary_html(kb)),
            ("shortcuts", "Shortcuts", shortcuts_html(shortcut_rows)),
        ):
            browser = make_browser()
            browser.setObjectName(f"help:{name}")
            browser.setHtml(html)
            browser.anchorClicked.connect(self._link)
            self.browsers[name] = browser
            self.tabs.addTab(browser, title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)

    def show_page(self, page: str, anchor: str | None = None) -> None:
        browser = self.browsers[page]
        self.tabs.setCurrentWidget(browser)
        self.show()  # laid out at its real width first, so the anchor's place is right
        self.raise_()
        self.activateWindow()
        if anchor:
            browser.scrollToAnchor(anchor)
        else:
            browser.verticalScrollBar().setValue(0)

    def current_page(self) -> str:
        return next(name for name, browser in self.browsers.items() if browser is self.tabs.currentWidget())

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "rule":
            self.ruleRequested.emit(url.path())
        elif url.fragment().startswith("prop-"):
            self.show_page("glossary", url.fragment())
        elif url.fragment():
            self.show_page(self.current_page(), url.fragment())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)
