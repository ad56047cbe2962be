"""Every year of a range: run (in processes or on a Dask cluster), stored, summarised.

:func:`run_history` builds and runs each year (rules/history/_build.py), 1816-1945 first
and the held-out years 1946-2010 last, keeps each finished year in the results database
(rules/history/_store.py) so that a killed run resumes from the last finished year, and
returns the JSON object of the issue: ``summary`` (theories, by_era, held_out,
sensitivity), ``years``, ``mapping`` and ``data``. No printing: progress goes to the
caller's callback.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.history._build import THEORIES, run_year
from alliance_advisor.rules.history._data import (
    DATASETS,
    FIRST_YEAR,
    LAST_YEAR,
    PEACESCIENCER_CITATION,
    HistoryData,
    read_history_data,
)
from alliance_advisor.rules.history._export import PanelWriter, writers
from alliance_advisor.rules.history._heldout import held_out
from alliance_advisor.rules.history._mapping import HistoryMapping, load_history_mapping
from alliance_advisor.rules.history._panel import YearPanel, year_panel
from alliance_advisor.rules.history._store import Store, data_hash, program_version
from alliance_advisor.rules.kb import KnowledgeBase

ERAS = ((1816, 1870), (1871, 1918), (1919, 1945), (1946, 1989), (1990, 2010))
HELD_OUT_FROM = 1946
Progress = Callable[[int, int, int, float], None]  # (done, total, year, seconds so far)


class HistoryRun(dict[str, Any]):
    """A history run's JSON object (a dict), typed so the reports' export entry knows it."""


@dataclass(frozen=True, kw_only=True)
class Exports:
    """The panel's exports asked for (CSV, or Parquet by the .parquet extension)."""

    dyad_years: str | os.PathLike[str] | None = None
    state_years: str | os.PathLike[str] | None = None


DATA_NOTE = (
    "Pairs, alliances and onsets come from the ATOP 5.1 dyad-years; the ATOP 4.01 member-level file serves only "
    "to group newly allied pairs into treaties (treaty recall, the panel's treaty column). A dispute's hostility "
    "(coded by the MID file for the whole dispute) is read only from the dispute's last year on."
)


@dataclass
class RunStats:
    computed: list[tuple[str, int]] = field(default_factory=list)  # (variant, year) computed in this run
    resumed: int = 0  # years read back from the database


# ------------------------------------------------------------------ one process's context
_CONTEXT: dict[tuple[str, str], Any] = {}
_DATA: dict[str, HistoryData] = {}
_DATA_STAMP: dict[str, str] = {}
_DATA_LOCK = threading.Lock()  # the app reads the data on its worker and, for a scenario, its GUI thread


def _files_stamp(folder: str) -> str:
    """The data files' sizes and modification times: a file changed, the data are read again."""
    parts = []
    for d in DATASETS:
        try:
            st = os.stat(os.path.join(folder, d.path))
            parts.append(f"{d.key}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{d.key}:missing")
    return ";".join(parts)


def history_data(data_dir: str | os.PathLike[str]) -> HistoryData:
    """The data of the folder, read once per process (about two seconds) and kept while
    its files are unchanged."""
    key = os.path.abspath(os.fspath(data_dir))
    stamp = _files_stamp(key)
    with _DATA_LOCK:
        if key not in _DATA or _DATA_STAMP.get(key) != stamp:
            _DATA[key] = read_history_data(data_dir)
            _DATA_STAMP[key] = stamp
        return _DATA[key]


def history_context(data_dir: str, knowledge_dir: str | None) -> tuple[HistoryData, HistoryMapping, Any]:
    """The data, the mapping and a scenario engine for a folder and a knowledge base,
    made once per process and kept (every year of a run, and a benchmark, share them)."""
    key = (data_dir, knowledge_dir or "")
    if key not in _CONTEXT:
        from alliance_advisor.rules.case import Advisor
        from alliance_advisor.rules.kb import load_knowledge
        from alliance_advisor.rules.scenario import ScenarioEngine

        kb = load_knowledge(knowledge_dir)
        _CONTEXT[key] = (history_data(data_dir), load_history_mapping(kb), ScenarioEngine(Advisor(kb)))
    data, mapping, engine = _CONTEXT[key]
    fresh = history_data(data_dir)  # the same object while the files are unchanged
    if fresh is not data:
        _CONTEXT[key] = (fresh, mapping, engine)
    return fresh, mapping, engine


def _mapping_for(mapping: HistoryMapping, variant: str) -> HistoryMapping:
    if not variant:
        return mapping
    name, value = variant.split("=", 1)
    return mapping.with_variant(name, json.loads(value))


def year_run(
    data_dir: str, knowledge_dir: str | None, year: int, variant: str, seed: int
) -> tuple[dict[str, Any], YearPanel | None]:
    """One year (of one variant): its plain JSON data and, for the main run, its graded
    panel (numpy columns: cheap to send from a worker). The unit a process or a Dask
    worker runs."""
    data, mapping, engine = history_context(data_dir, knowledge_dir)
    out, result = run_year(data, year, _mapping_for(mapping, variant), engine, seed)
    panel = None if variant else year_panel(data, year, mapping, result)
    if variant:  # a variant's year keeps only its counts
        out = {
            "year": year,
            "theories": out["theories"],
            "state_count": out["state_count"],
            "treaties": out["treaties"],
        }
    loaded: dict[str, Any] = json.loads(json.dumps(out))
    return loaded, panel


def year_task(data_dir: str, knowledge_dir: str | None, year: int, variant: str, seed: int) -> dict[str, Any]:
    """One year (of one variant) as plain JSON data."""
    return year_run(data_dir, knowledge_dir, year, variant, seed)[0]


def history_year(
    data_dir: str, year: int, knowledge_dir: str | None = None, seed: int = 0, engine: Any = None
) -> tuple[dict[str, Any], Any]:
    """One year's system and result for a view: (the year's plain result, the ScenarioResult).
    ``engine``: a ScenarioEngine of the caller's (the app's, over its knowledge base);
    without one, this process's own over ``knowledge_dir``."""
    if engine is not None:
        return run_year(history_data(data_dir), year, load_history_mapping(engine.kb), engine, seed)
    data, mapping, own = history_context(os.fspath(data_dir), knowledge_dir)
    return run_year(data, year, mapping, own, seed)


def history_scenario(
    data_dir: str, year: int, knowledge_dir: str | None = None, kb: KnowledgeBase | None = None
) -> dict[str, Any]:
    """The year's scenario dict (docs/formats.md), for "Open as scenario". ``kb``: the
    caller's knowledge base (its mapping), else this process's over ``knowledge_dir``."""
    from alliance_advisor.rules.history._build import year_scenario

    if kb is not None:
        return year_scenario(history_data(data_dir), year, load_history_mapping(kb))
    data, mapping, _engine = history_context(os.fspath(data_dir), knowledge_dir)
    return year_scenario(data, year, mapping)


# ------------------------------------------------------------------ scores
def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def summarise(years: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Pooled precision, recall and F1 of each theory over the years (sums of the counts)."""
    rows = list(years)
    out: dict[str, Any] = {}
    treaties = sum(y["treaties"] for y in rows)
    for name in THEORIES:
        sums = {"pairs": [0, 0, 0], "onsets": [0, 0, 0]}
        found = 0
        for y in rows:
            t = y["theories"][name]
            for k in sums:
                sums[k] = [a + b for a, b in zip(sums[k], t[k])]
            found += t["treaties_found"]
        entry: dict[str, Any] = {}
        for k in ("pairs", "onsets"):
            p, r, f = _prf(*sums[k])
            entry |= {f"{k}_precision": p, f"{k}_recall": r, f"{k}_f1": f}
        entry["treaties_recall"] = round(found / treaties, 4) if treaties else 0.0
        entry["state_years"] = sum(y["state_count"] for y in rows)
        out[name] = entry
    return out


def _era(year: int) -> str:
    for a, b in ERAS:
        if a <= year <= b:
            return f"{a}-{b}"
    return "other"


# ------------------------------------------------------------------ the run
def _order(years: Sequence[int]) -> list[int]:
    """Development years first, the held-out years last."""
    return [y for y in years if y < HELD_OUT_FROM] + [y for y in years if y >= HELD_OUT_FROM]


class _Panels:
    """The main run's year panels, taken in year order as they finish (a finished year
    waits for the years before it): streamed to the exports and, for the evaluation,
    the at-risk rows (not allied) kept column by column."""

    def __init__(self, years: Sequence[int], outputs: Sequence[PanelWriter | None], collect: bool) -> None:
        self.order = sorted(years)
        self.at = 0
        self.pending: dict[int, YearPanel | Callable[[], YearPanel]] = {}
        self.outputs = outputs
        self.collect = collect
        self.parts: dict[str, list[Any]] = {}

    def add(self, year: int, panel: YearPanel | Callable[[], YearPanel]) -> None:
        self.pending[year] = panel
        while self.at < len(self.order) and self.order[self.at] in self.pending:
            got = self.pending.pop(self.order[self.at])
            self._take(got if isinstance(got, YearPanel) else got())
            self.at += 1

    def _take(self, panel: YearPanel) -> None:
        dyads, states = self.outputs
        if dyads is not None:
            dyads.write(panel.year, panel.dyads)
        if states is not None:
            states.write(panel.year, panel.states)
        if self.collect:
            risk = panel.dyads["allied"] == 0
            for k, v in panel.dyads.items():
                self.parts.setdefault(k, []).append(v[risk])

    def at_risk(self) -> dict[str, Any]:
        """The at-risk rows of every year, one array per column (each column's pieces
        freed as it is joined, so the panel is held once)."""
        import numpy as np

        out = {}
        for k in list(self.parts):
            out[k] = np.concatenate(self.parts.pop(k))
        return out


def run_history(
    data_dir: str | os.PathLike[str],
    first: int = FIRST_YEAR,
    last: int = LAST_YEAR,
    *,
    knowledge_dir: str | None = None,
    seed: int = 0,
    db: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    sensitivity_every: int = 5,
    progress: Progress | None = None,
    stats: RunStats | None = None,
    exports: Exports | None = None,
    evaluate: bool = True,
) -> HistoryRun:
    """The history run's JSON object for the years ``first``-``last``; with ``exports``,
    the graded panel written year by year; with ``evaluate``, ``summary.evaluation``."""
    folder = os.fspath(data_dir)
    if not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise AdvisorError(f"years {first}-{last}: the run covers {FIRST_YEAR}-{LAST_YEAR} (--from <= --to)")
    data, mapping, _engine = history_context(folder, knowledge_dir)
    stats = stats if stats is not None else RunStats()
    years = _order(list(range(first, last + 1)))
    tasks: list[tuple[str, int]] = [("", y) for y in years]
    variants = []
    if sensitivity_every > 0:
        for key, (down, up) in mapping.variants.items():
            for value in (down, up):
                variants.append(_mapping_for(mapping, "").with_variant(key, value).variant or "")
        sample = [y for y in years if (y - first) % sensitivity_every == 0]
        tasks += [(v, y) for v in variants for y in sample]
    stamps = {"data_hash": data_hash(data.digests), "program_version": program_version()}
    store = Store(db, _engine.kb.version, **stamps) if db is not None else None
    exports = exports or Exports()
    outputs = writers(exports.dyad_years, exports.state_years, mapping.hash)
    panels = _Panels(years, outputs, evaluate)
    results: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        if store is not None:
            for variant in {v for v, _ in tasks}:
                for year, r in store.done(mapping.hash, seed, variant).items():
                    if (variant, year) in set(tasks):
                        results[(variant, year)] = r
            stats.resumed = len(results)
            for v, y in sorted(results):
                if not v:
                    panels.add(y, _stored_panel(store, mapping.hash, seed, y))
        todo = [t for t in tasks if t not in results]
        start = time.monotonic()
        done = len(results)

        def finished(task: tuple[str, int], r: dict[str, Any], panel: YearPanel | None) -> None:
            nonlocal done
            results[task] = r
            stats.computed.append(task)
            if store is not None:
                store.write(mapping.hash, seed, task[0], r, panel.to_bytes() if panel is not None else None)
            if panel is not None:
                panels.add(task[1], panel)
            done += 1
            if progress is not None:
                progress(done, len(tasks), task[1], time.monotonic() - start)

        where = _Where(folder=folder, knowledge_dir=knowledge_dir, seed=seed, jobs=jobs, scheduler=scheduler)
        _compute(where, todo, finished)
        written = _metadata(data, mapping, _engine.kb.version, seed)
        for w in outputs:
            if w is not None:
                w.close(written)
    except BaseException:
        for w in outputs:
            if w is not None:
                w.abandon()
        raise
    finally:
        if store is not None:
            store.close()
    main = {y: results[("", y)] for y in sorted(years)}
    summary = {"years": [first, last], **_summary(main, results, variants, tasks)}
    summary["sensitivity"]["every"] = sensitivity_every
    truly = held_out(_engine.kb.directory, mapping.raw, range(max(first, HELD_OUT_FROM), last + 1))
    if summary["held_out"] is not None:
        summary["held_out"] |= {"to": last, "mapping_frozen": mapping.frozen, **truly}
    if evaluate:
        from alliance_advisor.rules.history._evaluation import evaluate_panel

        summary["evaluation"] = evaluate_panel(
            panels.at_risk(), held_out_from=HELD_OUT_FROM, eras=ERAS, seed=seed, clean_years=truly["clean_years"]
        )
    return HistoryRun(
        {
            "kind": "history",
            "knowledge_version": _engine.kb.version,
            "summary": summary,
            "years": {str(y): r for y, r in main.items()},
            "mapping": mapping.to_dict(),
            "data": {
                "files": [
                    {"path": d.path, "release": d.release, "sha256": data.digests.get(d.key), "citation": d.citation}
                    for d in DATASETS
                ],
                "extracted_with": PEACESCIENCER_CITATION,
                "note": DATA_NOTE,
            },
            "seed": seed,
        }
    )


def _stored_panel(store: Store, mapping_hash: str, seed: int, year: int) -> Callable[[], YearPanel]:
    def load() -> YearPanel:
        blob = store.panel(mapping_hash, seed, year)
        if blob is None:
            raise AdvisorError(f"year {year} has no panel in the results database; name a new --db file", store.path)
        return YearPanel.from_bytes(blob)

    return load


@dataclass(frozen=True, kw_only=True)
class _Where:
    """Where and how the year-runs are computed."""

    folder: str
    knowledge_dir: str | None
    seed: int
    jobs: int
    scheduler: str | None


def _compute(
    where: _Where,
    todo: Sequence[tuple[str, int]],
    finished: Callable[[tuple[str, int], dict[str, Any], YearPanel | None], None],
) -> None:
    """Run the year-runs left: on a Dask cluster, in processes, or here."""
    folder, kdir, seed = where.folder, where.knowledge_dir, where.seed
    if where.scheduler:
        _on_dask(where.scheduler, folder, kdir, seed, todo, finished)
    elif where.jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=where.jobs) as pool:
            futures = {pool.submit(year_run, folder, kdir, y, v, seed): (v, y) for v, y in todo}
            for fut in as_completed(futures):
                finished(futures[fut], *fut.result())
    else:
        for v, y in todo:
            finished((v, y), *year_run(folder, kdir, y, v, seed))


def _metadata(data: HistoryData, mapping: HistoryMapping, knowledge_version: str, seed: int) -> dict[str, Any]:
    """What every export's metadata file carries besides its own columns and rows."""
    from alliance_advisor.rules.version import APP_NAME, app_version

    return {
        "program": {"name": APP_NAME, "version": app_version(), "build": program_version()},
        "knowledge_version": knowledge_version,
        "mapping": mapping.to_dict(),
        "seed": seed,
        "data": [
            {"path": d.path, "release": d.release, "sha256": data.digests.get(d.key), "citation": d.citation}
            for d in DATASETS
        ],
        "data_note": DATA_NOTE,
        "cite": (
            f"{APP_NAME} {app_version()}, history panel (mapping {mapping.hash}, knowledge base {knowledge_version}); "
            "and every data set listed under data, with its citation. Extracted with: " + PEACESCIENCER_CITATION
        ),
    }


def _summary(
    main: dict[int, dict[str, Any]],
    results: dict[tuple[str, int], dict[str, Any]],
    variants: Sequence[str],
    tasks: Sequence[tuple[str, int]],
) -> dict[str, Any]:
    """The scores: pooled, by era, held out, and under the declared variants."""
    dev = [r for y, r in main.items() if y < HELD_OUT_FROM]
    held = [r for y, r in main.items() if y >= HELD_OUT_FROM]
    by_era: dict[str, Any] = {}
    for a, b in ERAS:
        rows = [r for y, r in main.items() if a <= y <= b]
        if rows:
            by_era[f"{a}-{b}"] = summarise(rows)
    sensitivity = []
    if variants:
        sample = sorted({y for v, y in tasks if v})
        base = summarise([main[y] for y in sample])["threat"]
        sensitivity.append({"variant": "as declared", "years": len(sample), **_headline(base)})
        for v in variants:
            s = summarise([results[(v, y)] for y in sample])["threat"]
            sensitivity.append({"variant": v, "years": len(sample), **_headline(s)})
    summary: dict[str, Any] = {
        "theories": summarise(main.values()),
        "theories_note": (
            "Secondary: hard-prediction precision, recall and F1 of each theory's pairs, on single-year onsets and "
            "on treaties entered the next year (each scored once); the field's measures are in evaluation."
        ),
        "development": summarise(dev) if dev else None,
        "by_era": by_era,
        "sensitivity": {"theory": "threat", "rows": sensitivity},
    }
    # Held out: computed last, reported as it comes out.
    summary["held_out"] = {"from": HELD_OUT_FROM, "theories": summarise(held)} if held else None
    return summary


def _headline(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("pairs_precision", "pairs_recall", "pairs_f1", "onsets_precision", "onsets_recall", "onsets_f1")
    return {k: entry[k] for k in keys}


def _on_dask(
    address: str,
    folder: str,
    kdir: str | None,
    seed: int,
    todo: Sequence[tuple[str, int]],
    finished: Callable[[tuple[str, int], dict[str, Any], YearPanel | None], None],
) -> None:
    """Send the years to an existing Dask distributed cluster (its own scheduler)."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise AdvisorError("--scheduler needs Dask distributed (pip install distributed)") from None
    try:
        client = Client(address, timeout=10)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise AdvisorError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = {}
        for v, y in todo:
            fut = client.submit(year_run, folder, kdir, y, v, seed, pure=False)
            futures[fut] = (v, y)
        for fut in dask_completed(list(futures)):  # type: ignore[no-untyped-call]
            finished(futures[fut], *fut.result())
    finally:
        client.close()  # type: ignore[no-untyped-call]


def data_root(path: str | os.PathLike[str]) -> Path:
    return Path(path)
