"""Every year of the state system as a scenario built from the data of the field.

Qt-free and silent: readers (data), the declared mapping (mapping), a year built, run and
compared (build), the run over years with its database (run, store), the field's tests of
the run's dyad-years (evaluation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_advisor.rules._face import lazy_face

# Each name is loaded from its private module when first used (PEP 562), so a light
# import (a case file's model, an error type) never pays for the engine.
__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Capital": ("._data", "Capital"),
        "DATASETS": ("._data", "DATASETS"),
        "Dispute": ("._data", "Dispute"),
        "ERAS": ("._run", "ERAS"),
        "FIRST_YEAR": ("._data", "FIRST_YEAR"),
        "HELD_OUT_FROM": ("._run", "HELD_OUT_FROM"),
        "HistoryData": ("._data", "HistoryData"),
        "HistoryMapping": ("._mapping", "HistoryMapping"),
        "HistoryRun": ("._run", "HistoryRun"),
        "LAST_YEAR": ("._data", "LAST_YEAR"),
        "Rivalry": ("._data", "Rivalry"),
        "REGIONS": ("._regions", "REGIONS"),
        "Region": ("._regions", "Region"),
        "RunStats": ("._run", "RunStats"),
        "Store": ("._store", "Store"),
        "THEORIES": ("._build", "THEORIES"),
        "capital_at": ("._data", "capital_at"),
        "data_guide": ("._data", "data_guide"),
        "evaluate_panel": ("._evaluation", "evaluate_panel"),
        "history_context": ("._run", "history_context"),
        "history_data": ("._run", "history_data"),
        "history_scenario": ("._run", "history_scenario"),
        "history_year": ("._run", "history_year"),
        "load_history_mapping": ("._mapping", "load_history_mapping"),
        "missing_data": ("._data", "missing_data"),
        "read_history_data": ("._data", "read_history_data"),
        "region": ("._regions", "region"),
        "region_of": ("._regions", "region_of"),
        "run_history": ("._run", "run_history"),
        "summarise": ("._run", "summarise"),
        "year_scenario": ("._build", "year_scenario"),
        "year_task": ("._run", "year_task"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.history._build import THEORIES, year_scenario
    from alliance_advisor.rules.history._data import (
        DATASETS,
        FIRST_YEAR,
        LAST_YEAR,
        Capital,
        Dispute,
        HistoryData,
        Rivalry,
        capital_at,
        data_guide,
        missing_data,
        read_history_data,
    )
    from alliance_advisor.rules.history._evaluation import evaluate_panel
    from alliance_advisor.rules.history._mapping import HistoryMapping, load_history_mapping
    from alliance_advisor.rules.history._regions import REGIONS, Region, region, region_of
    from alliance_advisor.rules.history._run import (
        ERAS,
        HELD_OUT_FROM,
        HistoryRun,
        RunStats,
        history_context,
        history_data,
        history_scenario,
        history_year,
        run_history,
        summarise,
        year_task,
    )
    from alliance_advisor.rules.history._store import Store

__all__ = [
    "Capital",
    "DATASETS",
    "Dispute",
    "ERAS",
    "FIRST_YEAR",
    "HELD_OUT_FROM",
    "HistoryData",
    "HistoryMapping",
    "HistoryRun",
    "LAST_YEAR",
    "REGIONS",
    "Region",
    "Rivalry",
    "RunStats",
    "Store",
    "THEORIES",
    "capital_at",
    "data_guide",
    "evaluate_panel",
    "history_context",
    "history_data",
    "history_scenario",
    "history_year",
    "load_history_mapping",
    "missing_data",
    "read_history_data",
    "region",
    "region_of",
    "run_history",
    "summarise",
    "year_scenario",
    "year_task",
]
