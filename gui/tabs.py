"""A tab widget whose titles stay whole when it is narrow.

Where the full titles do not fit, each tab takes its short title (the full one stays
its tooltip), and then a tighter padding; Qt's scroll arrows, which hide tabs, are
the last resort of a window narrower than anything the app supports.
"""

from typing import Any

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTabWidget, QWidget

COMPACT_TABS = "QTabBar::tab { padding: 6px 6px; }"


class FittingTabs(QTabWidget):
    def __init__(self, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._titles: list[tuple[str, str]] = []  # (full, short) per tab
        self._fitting = False

    def add_tab(self, widget: QWidget, title: str, short: str | None = None) -> int:
        self._titles.append((title, short or title))
        index = self.addTab(widget, title)
        self.setTabToolTip(index, title)
        return index

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_titles(event.size().width())

    def fit_titles(self, width: int | None = None) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            width = self.width() if width is None else width
            bar = self.tabBar()
            for short, sheet in ((False, ""), (True, ""), (True, COMPACT_TABS)):
                for index, titles in enumerate(self._titles):
                    self.setTabText(index, titles[1] if short else titles[0])
                bar.setStyleSheet(sheet)
                if self._needed_width() <= width:
                    break
        finally:
            self._fitting = False

    def _needed_width(self) -> int:
        bar = self.tabBar()
        bar.ensurePolished()
        return sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
