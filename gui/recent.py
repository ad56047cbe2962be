"""Recently opened case files, kept in QSettings (newest first)."""

import os

KEY = "files/recent"
LIMIT = 10


class RecentFiles:
    def __init__(self, settings):
        self.settings = settings

    def paths(self):
        value = self.settings.value(KEY, [])
        if isinstance(value, str):  # QSettings returns one entry as a plain string
            value = [value]
        return [p for p in value or [] if isinstance(p, str)]

    def add(self, path):
        path = os.path.abspath(path)
        self._store([path] + [p for p in self.paths() if p != path])

    def remove(self, path):
        self._store([p for p in self.paths() if p != os.path.abspath(path)])

    def clear(self):
        self._store([])

    def _store(self, paths):
        self.settings.setValue(KEY, paths[:LIMIT])
