"""Recently opened case files, kept in QSettings (newest first)."""

import os
from typing import Any

from PySide6.QtCore import QSettings

KEY = "files/recent"
LIMIT = 10


class RecentFiles:
    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def paths(self) -> list[str]:
        value: Any = self.settings.value(KEY, [])  # whatever was stored: checked below
        if isinstance(value, str):  # QSettings returns one entry as a plain string
            value = [value]
        return [p for p in value or [] if isinstance(p, str)]

    def add(self, path: str) -> None:
        path = os.path.abspath(path)
        self._store([path] + [p for p in self.paths() if p != path])

    def remove(self, path: str) -> None:
        self._store([p for p in self.paths() if p != os.path.abspath(path)])

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[str]) -> None:
        self.settings.setValue(KEY, paths[:LIMIT])
