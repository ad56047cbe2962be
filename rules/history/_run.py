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
from alliance_advisor.rules.history._mapping import HistoryMapping, load_history_mapping
from alliance_advisor.rules.history._store import Store
from alliance_advisor.rules.kb import KnowledgeBase

ERAS = ((1816, 1870), (1871, 1918), (1919, 1945), (1946, 1989), (1990, 2010))
HELD_OUT_FROM = 1946
Progress = Callable[[int, int, int, float], None]  # (done, total, year, seconds so far)


class HistoryRun(dict[str, Any]):
    """A history run's JSON object (a dict), typed so the reports' export entry knows it."""


@dataclass
class RunStats:
    computed: list[tuple[str, int]] = field(default_factory=list)  # (variant, year) computed in this run
    resumed: int = 0  # years read back from the database


# ------------------------------------------------------------------ one process's context
_CONTEXT: dict[tuple[str, str], Any] = {}
_DATA: dict[str, HistoryData] = {}
_DATA_LOCK = threading.Lock()  # the app reads the data on its worker and, for a scenario, its GUI thread


def history_data(data_dir: str | os.PathLike[str]) -> HistoryData:
    """The data of the folder, read once per process (about two seconds) and kept."""
    key = os.path.abspath(os.fspath(data_dir))
    with _DATA_LOCK:
        if key not in _DATA:
            _DATA[key] = read_history_data(data_dir)
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
    context: tuple[HistoryData, HistoryMapping, Any] = _CONTEXT[key]
    return context


def _mapping_for(mapping: HistoryMapping, variant: str) -> HistoryMapping:
    if not variant:
        return mapping
    name, value = variant.split("=", 1)
    return mapping.with_variant(name, json.loads(value))


def year_task(data_dir: str, knowledge_dir: str | None, year: int, variant: str, seed: int) -> dict[str, Any]:
    """One year (of one variant) as plain JSON data: the unit a process or a Dask worker runs."""
    data, mapping, engine = history_context(data_dir, knowledge_dir)
    out, _result = run_year(data, year, _mapping_for(mapping, variant), engine, seed)
    if variant:  # a variant's year keeps only its counts
        out = {
            "year": year,
            "theories": out["theories"],
            "state_count": out["state_count"],
            "treaties": out["treaties"],
        }
    loaded: dict[str, Any] = json.loads(json.dumps(out))
    return loaded


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
) -> HistoryRun:
    """The history run's JSON object for the years ``first``-``last``."""
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
    store = Store(db, _engine.kb.version) if db is not None else None
    results: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        if store is not None:
            for variant in {v for v, _ in tasks}:
                for year, r in store.done(mapping.hash, seed, variant).items():
                    if (variant, year) in set(tasks):
                        results[(variant, year)] = r
            stats.resumed = len(results)
        todo = [t for t in tasks if t not in results]
        start = time.monotonic()
        done = len(results)

        def finished(task: tuple[str, int], r: dict[str, Any]) -> None:
            nonlocal done
            results[task] = r
            stats.computed.append(task)
            if store is not None:
                store.write(mapping.hash, seed, task[0], r)
            done += 1
            if progress is not None:
                progress(done, len(tasks), task[1], time.monotonic() - start)

        kdir = knowledge_dir
        if scheduler:
            _on_dask(scheduler, folder, kdir, seed, todo, finished)
        elif jobs > 1 and len(todo) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(year_task, folder, kdir, y, v, seed): (v, y) for v, y in todo}
                for fut in as_completed(futures):
                    finished(futures[fut], fut.result())
        else:
            for v, y in todo:
                finished((v, y), year_task(folder, kdir, y, v, seed))
    finally:
        if store is not None:
            store.close()
    main = {y: results[("", y)] for y in sorted(years)}
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
        "years": [first, last],
        "theories": summarise(main.values()),
        "development": summarise(dev) if dev else None,
        "by_era": by_era,
        "sensitivity": {"theory": "threat", "every": sensitivity_every, "rows": sensitivity},
    }
    # Held out: computed last, reported as it comes out.
    summary["held_out"] = (
        {"from": HELD_OUT_FROM, "to": last, "mapping_frozen": mapping.frozen, "theories": summarise(held)}
        if held
        else None
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
            },
            "seed": seed,
        }
    )


def _headline(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("pairs_precision", "pairs_recall", "pairs_f1", "onsets_precision", "onsets_recall", "onsets_f1")
    return {k: entry[k] for k in keys}


def _on_dask(
    address: str,
    folder: str,
    kdir: str | None,
    seed: int,
    todo: Sequence[tuple[str, int]],
    finished: Callable[[tuple[str, int], dict[str, Any]], None],
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
            fut = client.submit(year_task, folder, kdir, y, v, seed, pure=False)
            futures[fut] = (v, y)
        for fut in dask_completed(list(futures)):  # type: ignore[no-untyped-call]
            finished(futures[fut], fut.result())
    finally:
        client.close()  # type: ignore[no-untyped-call]


def data_root(path: str | os.PathLike[str]) -> Path:
    return Path(path)
