"""Results in SQLite: one row per state-year and per predicted or observed pair.

SQLite rather than DuckDB: it is in the standard library (nothing to install), every
ordinary tool reads it (the sqlite3 shell, Python, R, DB Browser), and its transactions
make a year's rows appear all at once or not at all, which is what resuming a killed run
needs; the tables are small (a few million rows) and need no columnar engine.
Every row carries the mapping's hash, so runs of different mappings never mix; a year is
also keyed by the knowledge base's version, the data files' hashes and the program's
version (its release and the hash of its rules' source), so a run resumed after the
rules, the data or the code changed computes those years again rather than serving
results of another reading under the new stamps. Each year of the main run also keeps
its graded panel (rules/history/_panel.py) as a compressed npz blob, so a resumed run
exports and evaluates without computing it again.

Tables: ``years`` (one row per mapping, stamps, seed, variant and year: the year's JSON
``result`` and its ``panel``), ``state_years`` (a state's greatest threat, choice, side
and partners) and ``pairs`` (the observed, onset, allied and predicted pairs).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from alliance_advisor.rules.errors import AdvisorError

SCHEMA = """
CREATE TABLE IF NOT EXISTS years (
    mapping_hash TEXT NOT NULL, seed INTEGER NOT NULL, variant TEXT NOT NULL, year INTEGER NOT NULL,
    states INTEGER NOT NULL, result TEXT NOT NULL, knowledge_version TEXT NOT NULL,
    data_hash TEXT NOT NULL, program_version TEXT NOT NULL, panel BLOB,
    PRIMARY KEY (mapping_hash, knowledge_version, data_hash, program_version, seed, variant, year)
);
CREATE TABLE IF NOT EXISTS state_years (
    mapping_hash TEXT NOT NULL, seed INTEGER NOT NULL, variant TEXT NOT NULL, year INTEGER NOT NULL,
    state TEXT NOT NULL, cow_code INTEGER, capability REAL, greatest_threat TEXT, choice TEXT, side TEXT,
    partners TEXT,
    PRIMARY KEY (mapping_hash, seed, variant, year, state)
);
CREATE TABLE IF NOT EXISTS pairs (
    mapping_hash TEXT NOT NULL, seed INTEGER NOT NULL, variant TEXT NOT NULL, year INTEGER NOT NULL,
    kind TEXT NOT NULL, ccode1 INTEGER NOT NULL, ccode2 INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pairs_year ON pairs (mapping_hash, year, kind);
"""

PAIR_KINDS = ("observed_pairs", "onset_pairs", "allied_pairs")
YEAR_COLUMNS = (
    "mapping_hash",
    "seed",
    "variant",
    "year",
    "states",
    "result",
    "knowledge_version",
    "data_hash",
    "program_version",
    "panel",
)
_STAMPS = "knowledge_version=? AND data_hash=? AND program_version=?"


class Store:
    """A results database; a year is written in one transaction."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        knowledge_version: str = "",
        *,
        data_hash: str = "",
        program_version: str = "",
    ) -> None:
        self.path = os.fspath(path)
        self.stamps = (knowledge_version, data_hash, program_version)
        try:
            self.db = sqlite3.connect(self.path)
            self.db.executescript(SCHEMA)
            columns = tuple(row[1] for row in self.db.execute("PRAGMA table_info(years)"))
        except sqlite3.Error as exc:
            raise AdvisorError(f"not a results database this version can use ({exc})", self.path) from None
        if columns != YEAR_COLUMNS:
            self.db.close()
            raise AdvisorError(
                f"a results database of another version (its years table has {', '.join(columns)}); "
                "name a new --db file",
                self.path,
            )

    def close(self) -> None:
        self.db.close()

    def done(self, mapping_hash: str, seed: int, variant: str) -> dict[int, dict[str, Any]]:
        """The years finished under these stamps (the year's JSON result)."""
        rows = self.db.execute(
            f"SELECT year, result FROM years WHERE mapping_hash=? AND {_STAMPS} AND seed=? AND variant=?",
            (mapping_hash, *self.stamps, seed, variant),
        )
        return {year: json.loads(text) for year, text in rows}

    def panel(self, mapping_hash: str, seed: int, year: int) -> bytes | None:
        """The main run's panel of a finished year (npz bytes), or None."""
        row = self.db.execute(
            f"SELECT panel FROM years WHERE mapping_hash=? AND {_STAMPS} AND seed=? AND variant='' AND year=?",
            (mapping_hash, *self.stamps, seed, year),
        ).fetchone()
        return bytes(row[0]) if row is not None and row[0] is not None else None

    def write(
        self, mapping_hash: str, seed: int, variant: str, year_result: dict[str, Any], panel: bytes | None = None
    ) -> None:
        try:
            self._write((mapping_hash, seed, variant, year_result["year"]), year_result, panel)
        except sqlite3.Error as exc:
            raise AdvisorError(f"cannot write year {year_result['year']} ({exc})", self.path) from None

    def _write(self, key: tuple[str, int, str, int], year_result: dict[str, Any], panel: bytes | None) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO state_years VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        *key,
                        sid,
                        s.get("cow_code"),
                        s.get("capability"),
                        s.get("greatest_threat"),
                        s.get("choice"),
                        s.get("side"),
                        json.dumps(s.get("partners", [])),
                    )
                    for sid, s in year_result.get("states", {}).items()
                ],
            )
            self.db.execute("DELETE FROM pairs WHERE mapping_hash=? AND seed=? AND variant=? AND year=?", key)
            rows = []
            for kind in PAIR_KINDS:
                rows += [(*key, kind.removesuffix("_pairs"), a, b) for a, b in year_result.get(kind, [])]
            for theory, pairs in year_result.get("predicted_pairs", {}).items():
                rows += [(*key, f"predicted_{theory}", a, b) for a, b in pairs]
            self.db.executemany("INSERT INTO pairs VALUES (?,?,?,?,?,?,?)", rows)
            # Last: a year is finished only when this row is in (one row per year: a year
            # computed again under new stamps replaces the old one with its rows above).
            self.db.execute("DELETE FROM years WHERE mapping_hash=? AND seed=? AND variant=? AND year=?", key)
            self.db.execute(
                "INSERT OR REPLACE INTO years VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    *key,
                    year_result.get("state_count", 0),
                    json.dumps(year_result, sort_keys=True),
                    *self.stamps,
                    panel,
                ),
            )


def data_hash(digests: dict[str, str]) -> str:
    """One hash of every data file's hash (any file changed: another hash)."""
    text = json.dumps(digests, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache
def program_version() -> str:
    """The program's release and the hash of its rules' source (the code that computes a
    year), so a change of the code between releases also computes the years again."""
    from alliance_advisor.rules.version import app_version

    root = Path(__file__).resolve().parent.parent  # rules/
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{app_version()}+{digest.hexdigest()[:12]}"
