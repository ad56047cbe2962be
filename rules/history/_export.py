"""The panel's exports: dyad-years and state-years, CSV or Parquet, written year by year.

A file is written to a temporary name beside it and moved into place when complete, so
a killed run never leaves half a panel under the name. Beside each file, FILE + ".json":
the metadata (columns, rows, years, the mapping, the data files' hashes and releases,
the knowledge base's and the program's versions, how to cite). The same data, mapping
and seed give the same bytes: columns in a fixed order, floats written as the shortest
decimal that reads back to the same number (capital distance to 0.1 km), no timestamps.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.history._panel import DYAD_COLUMNS, DYAD_TYPES, STATE_COLUMNS, STATE_TYPES, Columns

CODEBOOK = "docs/codebook.md"
_FIXED = {"capital_distance": "{:.1f}"}  # km: a tenth is far below the capitals' precision


def metadata_path(path: str | os.PathLike[str]) -> Path:
    """Where an export's metadata goes: the file's name + ".json"."""
    p = Path(path)
    return p.with_name(p.name + ".json")


def _cells(name: str, values: np.ndarray) -> list[str]:
    if values.dtype.kind == "f":
        fmt = _FIXED.get(name)
        if fmt is not None:
            return ["" if v != v else fmt.format(v) for v in values.tolist()]
        return ["" if v != v else repr(v) for v in values.tolist()]
    if values.dtype.kind == "U":
        return [_quoted(v) for v in values.tolist()]
    return [str(v) for v in values.tolist()]


def _quoted(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


@dataclass(kw_only=True)
class PanelWriter:
    """One export (dyad-years or state-years) being written, a year at a time."""

    path: Path
    columns: tuple[str, ...]
    mapping_hash: str
    rows: int = 0
    years: list[int] = field(default_factory=list)
    _text: TextIO | None = None
    _parquet: Any = None

    @property
    def temporary(self) -> Path:
        return self.path.with_name(f".{self.path.name}.partial")

    @property
    def is_parquet(self) -> bool:
        return self.path.suffix.lower() == ".parquet"

    def open(self) -> None:
        try:
            if self.is_parquet:
                import pyarrow.parquet as pq

                self._parquet = pq.ParquetWriter(self.temporary, self._schema(), compression="zstd")
            else:
                self._text = open(self.temporary, "w", encoding="utf-8", newline="")
                self._text.write(",".join(self.columns) + "\n")
        except OSError as exc:
            raise AdvisorError(f"cannot write: {exc.strerror or exc}", self.path) from None

    def _schema(self) -> Any:
        import pyarrow as pa

        types = DYAD_TYPES if self.columns == DYAD_COLUMNS else STATE_TYPES
        arrow = {t: pa.from_numpy_dtype(np.dtype(t)) for t in set(types.values()) if not t.startswith("U")}
        text = {c for c in self.columns if c == "mapping_hash" or types[c].startswith("U")}
        return pa.schema([(c, pa.string() if c in text else arrow[types[c]]) for c in self.columns])

    def write(self, year: int, columns: Columns) -> None:
        n = len(columns["year"])
        self.rows += n
        self.years.append(year)
        if self._parquet is not None:
            import pyarrow as pa

            arrays = [
                pa.array(columns[c], from_pandas=True) if c != "mapping_hash" else pa.array([self.mapping_hash] * n)
                for c in self.columns
            ]
            table = pa.Table.from_arrays(arrays, names=list(self.columns))
            self._parquet.write_table(table.cast(self._parquet.schema))
            return
        assert self._text is not None
        cells = [_cells(c, columns[c]) if c != "mapping_hash" else [self.mapping_hash] * n for c in self.columns]
        self._text.write("".join(",".join(row) + "\n" for row in zip(*cells)))

    def close(self, metadata: dict[str, Any]) -> None:
        """Move the finished file into place and write its metadata beside it."""
        if self._parquet is not None:
            self._parquet.close()
        if self._text is not None:
            self._text.close()
        os.replace(self.temporary, self.path)
        meta = {
            **metadata,
            "file": self.path.name,
            "format": "parquet" if self.is_parquet else "csv",
            "columns": list(self.columns),
            "rows": self.rows,
            "years": [min(self.years), max(self.years)] if self.years else None,
            "codebook": CODEBOOK,
        }
        target = metadata_path(self.path)
        tmp = target.with_name(f".{target.name}.partial")
        tmp.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, target)

    def abandon(self) -> None:
        for handle in (self._parquet, self._text):
            if handle is not None:
                try:
                    handle.close()
                except Exception:  # noqa: BLE001 - already failing; the partial file goes
                    pass
        self.temporary.unlink(missing_ok=True)


def need_pyarrow(paths: list[str | os.PathLike[str] | None]) -> None:
    """A Parquet export without pyarrow: one line naming the extra to install."""
    if any(p is not None and Path(p).suffix.lower() == ".parquet" for p in paths):
        try:
            import pyarrow  # noqa: F401
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise AdvisorError(
                "a .parquet export needs pyarrow: pip install 'alliance-advisor[research]' (or write .csv)"
            ) from None


def writers(
    dyad_path: str | os.PathLike[str] | None, state_path: str | os.PathLike[str] | None, mapping_hash: str
) -> list[PanelWriter | None]:
    """The dyad-year and state-year writers asked for (None where not), opened."""
    need_pyarrow([dyad_path, state_path])
    out: list[PanelWriter | None] = []
    for path, columns in ((dyad_path, DYAD_COLUMNS), (state_path, STATE_COLUMNS)):
        if path is None:
            out.append(None)
            continue
        w = PanelWriter(path=Path(path), columns=columns, mapping_hash=mapping_hash)
        w.open()
        out.append(w)
    return out
