"""Every year of the state system as a scenario built from the data of the field.

Qt-free and silent: readers (data), the declared mapping (mapping), a year built, run and
compared (build), the run over years with its database (run, store).
"""

from .build import THEORIES, year_scenario
from .data import DATASETS, FIRST_YEAR, LAST_YEAR, HistoryData, data_guide, missing_data, read_history_data
from .mapping import HistoryMapping, load_history_mapping
from .run import (
    ERAS,
    HELD_OUT_FROM,
    HistoryRun,
    RunStats,
    history_data,
    history_scenario,
    history_year,
    run_history,
    summarise,
)

__all__ = [
    "DATASETS",
    "ERAS",
    "FIRST_YEAR",
    "HELD_OUT_FROM",
    "LAST_YEAR",
    "THEORIES",
    "HistoryData",
    "HistoryMapping",
    "HistoryRun",
    "RunStats",
    "data_guide",
    "history_data",
    "history_scenario",
    "history_year",
    "load_history_mapping",
    "missing_data",
    "read_history_data",
    "run_history",
    "summarise",
    "year_scenario",
]
