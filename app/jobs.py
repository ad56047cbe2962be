"""The engine as the app sees it: one context, owned by the application.

Every window and worker reaches the rule engine (rules.case._advisor, rules.scenario's
engine and loaders, rules.history's years) through this module; an import-linter contract holds gui/ to
that. experta is not thread-safe, so each thread gets an Advisor of its own, built
there on first use; the rule program is compiled once, by the first of them, and
shared (it is immutable). The jobs below are what the live-analysis worker
(gui/live.py) runs: a generator of ``(kind, value)`` events, told when to stop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_advisor.rules.case import Case
from alliance_advisor.rules.kb import KnowledgeBase

if TYPE_CHECKING:
    from alliance_advisor.rules.case import Advisor, Result
    from alliance_advisor.rules.history import Region
    from alliance_advisor.rules.scenario import Scenario, ScenarioEngine, ScenarioResult


@dataclass(frozen=True, kw_only=True)
class FolderCase:
    """One case of a folder as the library lists it."""

    path: str
    case: Case
    predicted: str | None  # the verdict (None: no verdict)
    agrees: bool | None  # None: no observed response recorded


@dataclass(frozen=True, kw_only=True)
class CaseFolder:
    """A folder of case files read whole (``main.py evaluate DIR``'s reading): each case
    with its prediction, each broken file with its one-line error, and the agreement
    table of the cases with an observed response (rules.case's ``evaluate``)."""

    directory: str
    cases: tuple[FolderCase, ...]
    failures: tuple[tuple[str, str], ...]  # (file name, the error)
    table: dict[str, Any]


Cancelled = Callable[[], bool]
Job = Callable[["EngineContext", Any, Cancelled], Iterator[tuple[str, Any]]]


class EngineContext:
    """The knowledge base and, per thread, the Advisor and the scenario engine over it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._local = threading.local()
        self._program: Any = None
        self._lock = threading.Lock()

    def advisor(self) -> Advisor:
        """This thread's Advisor (the first one compiles the program for all)."""
        advisor: Advisor | None = getattr(self._local, "advisor", None)
        if advisor is None:
            from alliance_advisor.rules.case import Advisor

            with self._lock:
                advisor = Advisor(self.kb, program=self._program)
                self._program = advisor.program
            self._local.advisor = advisor
        return advisor

    def scenario_engine(self) -> ScenarioEngine:
        """This thread's scenario engine, over this thread's Advisor."""
        engine: ScenarioEngine | None = getattr(self._local, "scenario_engine", None)
        if engine is None:
            from alliance_advisor.rules.scenario import ScenarioEngine

            engine = self._local.scenario_engine = ScenarioEngine(self.advisor())
        return engine

    def analyze(self, case: Case, **options: Any) -> Result:
        return self.advisor().analyze(case, **options)

    def run_scenario(self, scenario: Scenario, explanations: bool = True) -> ScenarioResult:
        return self.scenario_engine().run(scenario, explanations=explanations)

    def prepare_once(self) -> None:
        """Once per thread: the verdict table of the whole questionnaire space (about a
        second), so that counting the completions of the open answers costs every
        later edit a slice of it, however much is unknown."""
        if getattr(self._local, "prepared", False):
            return
        self._local.prepared = True
        try:
            advisor = self.advisor()
            advisor.analyst.verdict_table(advisor.default_world)
        except Exception:  # noqa: BLE001 - then each count builds or runs its own, and reports
            pass

    def read_case_folder(self, directory: str) -> CaseFolder:
        """A folder of cases (a class's, or the library): every file read on its own, so
        one broken file is listed with its error and the rest are still analysed; the
        agreement table as ``main.py evaluate DIR`` computes it. CaseError when the folder
        is not there."""
        from alliance_advisor.rules.case import evaluate_cases, read_case_folder

        cases, failures = read_case_folder(directory, self.kb)
        advisor = self.advisor()
        table = evaluate_cases(advisor, cases, directory)
        by_file = {row["file"]: row for row in table["rows"]}
        listed = []
        for case in cases:
            path = case.path or ""
            row = by_file.get(Path(path).name)
            predicted = row["predicted"] if row else advisor.analyze(case, explain=False).verdict
            listed.append(
                FolderCase(path=path, case=case, predicted=predicted, agrees=bool(row["agree"]) if row else None)
            )
        return CaseFolder(directory=str(directory), cases=tuple(listed), failures=tuple(failures), table=table)

    # ----------------------------------------------------------- scenario files
    def validate_scenario(self, data: Any, path: str | None = None) -> Scenario:
        """Plain data (a scenario document's) as a Scenario; ScenarioError naming what is wrong."""
        from alliance_advisor.rules.scenario import scenario_from_data
        from alliance_advisor.rules.yamlio import as_node

        return scenario_from_data(as_node(data), self.kb, path)

    def load_scenario(self, path: str) -> Scenario:
        from alliance_advisor.rules.scenario import load_scenario

        return load_scenario(path, self.kb)

    def parse_scenario_text(self, text: str, path: str) -> Scenario:
        from alliance_advisor.rules.scenario import parse_scenario_text

        return parse_scenario_text(text, self.kb, path)

    # ----------------------------------------------------------- the history
    def history_guide(self, data_dir: str) -> str | None:
        """What to get and where to put it when ``data_dir`` lacks data sets (the
        command line's guide), else None."""
        from alliance_advisor.rules.history import data_guide, missing_data

        missing = missing_data(data_dir)
        return data_guide(data_dir, missing) if missing else None

    def history_year(self, data_dir: str, year: int) -> tuple[dict[str, Any], ScenarioResult]:
        """The year's plain result and its ScenarioResult, on this thread's scenario
        engine (the data are read once per process and kept)."""
        from alliance_advisor.rules.history import history_year

        return history_year(data_dir, year, engine=self.scenario_engine())

    def history_capitals(self, data_dir: str, year: int, codes: Iterable[int]) -> dict[int, tuple[float, float]]:
        """Where each state's capital was in the year (COW code -> latitude, longitude),
        for the map; a state the capitals table has no place for is left out."""
        from alliance_advisor.rules.history import capital_at, history_data

        data = history_data(data_dir)
        out = {}
        for code in codes:
            capital = capital_at(data, code, year)
            if capital is not None:
                out[code] = (capital.lat, capital.lng)
        return out

    def history_scenario(self, data_dir: str, year: int) -> dict[str, Any]:
        """The year's system as a scenario's plain data (an editable copy)."""
        from alliance_advisor.rules.history import history_scenario

        return history_scenario(data_dir, year, kb=self.kb)

    @staticmethod
    def history_regions() -> tuple[Region, ...]:
        """The world's regions (COW's grouping), for the History window's filter."""
        from alliance_advisor.rules.history import REGIONS

        return REGIONS

    @staticmethod
    def history_years() -> tuple[int, int]:
        from alliance_advisor.rules.history import FIRST_YEAR, LAST_YEAR

        return FIRST_YEAR, LAST_YEAR


def default_data_dir() -> str | None:
    """The data folder the environment names ($ALLIANCE_DATA), as the command line and
    the tests read it (rules/history/_folder.py), or None."""
    from alliance_advisor.rules.history import data_dir

    return data_dir(None)


def is_scenario_data(data: object) -> bool:
    from alliance_advisor.rules.scenario import is_scenario_data as is_scenario

    return is_scenario(data)


# ----------------------------------------------------------------------- jobs
def case_job(context: EngineContext, case: Case, cancelled: Cancelled) -> Iterator[tuple[str, Any]]:
    """A case's analysis with every explanation, then (once) the verdict table."""
    yield "result", context.analyze(case, extras=True)
    context.prepare_once()


def scenario_job(context: EngineContext, scenario: Scenario, cancelled: Cancelled) -> Iterator[tuple[str, Any]]:
    """First the quick run (the vectorised verdicts: the diagram and the table move at
    once), then, unless a newer edit is waiting, every explanation, then the single
    changes of perception that would move a bloc."""
    yield "result", context.run_scenario(scenario, explanations=False)
    if cancelled():
        return
    full = context.run_scenario(scenario)
    yield "result", full
    if cancelled():
        return
    from alliance_advisor.rules.scenario import perception_moves

    moves = perception_moves(context.scenario_engine(), scenario, full, cancelled=cancelled)
    if not cancelled():
        yield "moves", moves


def history_job(context: EngineContext, request: tuple[str, int], cancelled: Cancelled) -> Iterator[tuple[str, Any]]:
    """A year of the history: ``request`` is (data folder, year); the result is the
    year's (plain result, ScenarioResult). A year superseded while it waited is never
    run (gui/live.py), so a slider dragged fast runs only the year it stops on."""
    data_dir, year = request
    plain, result = context.history_year(data_dir, year)
    codes = [int(s["cow_code"]) for s in plain["states"].values() if s.get("cow_code") is not None]
    yield "result", (year, plain, result, context.history_capitals(data_dir, year, codes))


def history_sweep_job(
    context: EngineContext, request: tuple[str, Sequence[int]], cancelled: Cancelled
) -> Iterator[tuple[str, Any]]:
    """The years of ``request`` (data folder, years) one after another, for the plot
    over the years: a ``"year"`` event (year, its plain result) each, then ``"result"``
    with the years done. A newer request (the window asking for a year of its own)
    stops it between two years."""
    data_dir, years = request
    done = []
    for year in years:
        if cancelled():
            return
        plain, _result = context.history_year(data_dir, year)
        done.append(year)
        yield "year", (year, plain)
    yield "result", done
