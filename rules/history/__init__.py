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
        "DATA_ENV": ("._folder", "DATA_ENV"),
        "Dispute": ("._data", "Dispute"),
        "DYAD_COLUMNS": ("._panel", "DYAD_COLUMNS"),
        "ERAS": ("._run", "ERAS"),
        "Exports": ("._run", "Exports"),
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
        "STATE_COLUMNS": ("._panel", "STATE_COLUMNS"),
        "StateFilter": ("._filter", "StateFilter"),
        "YearPanel": ("._panel", "YearPanel"),
        "dispute_hostility": ("._build", "dispute_hostility"),
        "held_out": ("._heldout", "held_out"),
        "metadata_path": ("._export", "metadata_path"),
        "tested_years": ("._heldout", "tested_years"),
        "year_panel": ("._panel", "year_panel"),
        "Store": ("._store", "Store"),
        "THEORIES": ("._build", "THEORIES"),
        "capital_at": ("._data", "capital_at"),
        "data_dir": ("._folder", "data_dir"),
        "data_guide": ("._data", "data_guide"),
        "filter_run": ("._filter", "filter_run"),
        "evaluate_panel": ("._evaluation", "evaluate_panel"),
        "history_context": ("._run", "history_context"),
        "history_data": ("._run", "history_data"),
        "history_scenario": ("._run", "history_scenario"),
        "history_year": ("._run", "history_year"),
        "load_history_mapping": ("._mapping", "load_history_mapping"),
        "load_state_names": ("._names", "load_state_names"),
        "observed_blocs": ("._communities", "observed_blocs"),
        "missing_data": ("._data", "missing_data"),
        "read_history_data": ("._data", "read_history_data"),
        "region": ("._regions", "region"),
        "region_filter": ("._filter", "region_filter"),
        "region_of": ("._regions", "region_of"),
        "run_history": ("._run", "run_history"),
        "states_filter": ("._filter", "states_filter"),
        "summarise": ("._run", "summarise"),
        "year_scenario": ("._build", "year_scenario"),
        "year_task": ("._run", "year_task"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.history._build import THEORIES, dispute_hostility, year_scenario
    from alliance_advisor.rules.history._communities import observed_blocs
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
    from alliance_advisor.rules.history._export import metadata_path
    from alliance_advisor.rules.history._filter import StateFilter, filter_run, region_filter, states_filter
    from alliance_advisor.rules.history._folder import DATA_ENV, data_dir
    from alliance_advisor.rules.history._heldout import held_out, tested_years
    from alliance_advisor.rules.history._mapping import HistoryMapping, load_history_mapping
    from alliance_advisor.rules.history._names import load_state_names
    from alliance_advisor.rules.history._panel import DYAD_COLUMNS, STATE_COLUMNS, YearPanel, year_panel
    from alliance_advisor.rules.history._regions import REGIONS, Region, region, region_of
    from alliance_advisor.rules.history._run import (
        ERAS,
        HELD_OUT_FROM,
        Exports,
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
    "DATA_ENV",
    "DYAD_COLUMNS",
    "Dispute",
    "ERAS",
    "Exports",
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
    "STATE_COLUMNS",
    "StateFilter",
    "Store",
    "THEORIES",
    "capital_at",
    "data_dir",
    "data_guide",
    "filter_run",
    "evaluate_panel",
    "history_context",
    "history_data",
    "history_scenario",
    "history_year",
    "held_out",
    "load_history_mapping",
    "load_state_names",
    "metadata_path",
    "missing_data",
    "observed_blocs",
    "read_history_data",
    "region",
    "region_filter",
    "region_of",
    "run_history",
    "states_filter",
    "summarise",
    "tested_years",
    "YearPanel",
    "dispute_hostility",
    "year_panel",
    "year_scenario",
    "year_task",
]
