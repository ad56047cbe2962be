"""Autosave: unsaved work survives a crash or a hard kill.

Each session writes its unsaved case to ``autosave-<session>.json`` (atomically)
and holds ``autosave-<session>.lock`` (a QLockFile) while it runs. On start, an
autosave whose lock can be taken belongs to a session that died without
closing (Qt's lock file knows when its process is gone) and is offered back.
The file carries the case in the case-file format, so recovery goes through the
same validation as opening a file.
"""

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile

from alliance_advisor.rules.fileio import atomic_write_text

FORMAT = 1


class Autosave:
    """This session's autosave file."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        session = uuid.uuid4().hex[:12]
        self.path = self.directory / f"autosave-{session}.json"
        self._lock = QLockFile(str(self.path.with_suffix(".lock")))

    def write(self, case_yaml: str, origin: str | None = None, kind: str = "case") -> None:
        """Raises ExportError (or OSError creating the folder) when it cannot write.
        ``kind`` is "case" or "scenario": what the text is, for the recovery."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self._lock.isLocked():
            self._lock.tryLock(0)
        payload = {"format": FORMAT, "saved": time.time(), "origin": origin, "case": case_yaml, "kind": kind}
        atomic_write_text(self.path, json.dumps(payload, ensure_ascii=False))

    def discard(self) -> None:
        """The work is saved or thrown away: nothing left to recover."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            return
        self.release()

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()


class Orphan:
    """An autosave left by a session that ended without closing, locked by us."""

    def __init__(self, path: Path, lock: QLockFile, payload: dict[str, Any]) -> None:
        self.path = path
        self.lock = lock
        self.case_yaml: str = payload.get("case", "")
        self.origin: str | None = payload.get("origin")
        self.kind: str = payload.get("kind", "case")
        self.saved: float = payload.get("saved", path.stat().st_mtime)

    @property
    def when(self) -> str:
        return time.strftime("%d %b %Y, %H:%M", time.localtime(self.saved))

    def remove(self) -> None:
        """Recovered or declined: delete it."""
        try:
            os.unlink(self.path)
        except OSError:
            pass
        self.release()

    def release(self) -> None:
        """Not dealt with now: leave it to be offered next time."""
        self.lock.unlock()


def find_orphans(directory: str | os.PathLike[str]) -> list[Orphan]:
    """Autosaves whose session is gone, newest first. Unreadable ones are set
    aside (renamed ``.bad``) so they are not offered again, and never deleted."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found: list[Orphan] = []
    for path in directory.glob("autosave-*.json"):
        lock = QLockFile(str(path.with_suffix(".lock")))
        lock.setStaleLockTime(0)  # stale only when the owning process is gone
        if not lock.tryLock(0):
            continue  # its session is still running
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(payload, dict) or not isinstance(payload.get("case"), str):
                raise ValueError("not an autosave")
        except (OSError, ValueError):
            try:
                os.replace(path, path.with_suffix(".bad"))
            except OSError:
                pass
            lock.unlock()
            continue
        found.append(Orphan(path, lock, payload))
    return sorted(found, key=lambda orphan: -orphan.saved)
