"""Scenarios: several powers, each state's greatest threat, its choice, and the blocs.

A scenario file (docs/formats.md) holds a system of states with their capabilities,
neighbours, regions and perceptions of one another. The package's parts:

* ``model``: the scenario and its loader (:func:`load_scenario`, one line naming the
  file, the line and the offending id for any bad input);
* ``derivation``: ``knowledge/derivation.yaml``, the mapping from a scenario's data to
  the case questionnaire's answers, parsed once by the knowledge loader;
* ``engine``: :class:`ScenarioEngine`, which derives the answers of every ordered pair
  (deciding state, other power), ranks each state's threats (states and blocs) on the
  rule program's own threat score, runs the single-case engine against the greatest,
  and iterates the choices to blocs;
* ``blocs``: blocs as threats and the coalitions the choices make;
* ``result``: the plain, frozen result types; ``serialise``: the json object;
* ``moves``: the single changes of perception that move a state to another bloc.

Plain data only: the wording is presentation/'s, the rendering the views'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_advisor.rules._face import lazy_face

# Each name is loaded from its private module when first used (PEP 562), so a light
# import (a case file's model, an error type) never pays for the engine.
__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Band": ("..kb", "Band"),
        "BlocMove": ("._moves", "BlocMove"),
        "CONTIGUITY_CITATION": ("._cow", "CONTIGUITY_CITATION"),
        "CONTIGUITY_COLUMNS": ("._cow", "CONTIGUITY_COLUMNS"),
        "CsvTable": ("._cow", "CsvTable"),
        "Derivation": ("._derivation", "Derivation"),
        "DerivedAnswer": ("._result", "DerivedAnswer"),
        "LandscapeMapping": ("._baselines", "LandscapeMapping"),
        "MAX_STATES": ("._model", "MAX_STATES"),
        "NMC_CITATION": ("._cow", "NMC_CITATION"),
        "NMC_COLUMNS": ("._cow", "NMC_COLUMNS"),
        "PairThreat": ("._result", "PairThreat"),
        "SCENARIO_KEYS": ("._model", "SCENARIO_KEYS"),
        "STATE_KEYS": ("._model", "STATE_KEYS"),
        "Scenario": ("._model", "Scenario"),
        "ScenarioEngine": ("._engine", "ScenarioEngine"),
        "ScenarioError": ("._model", "ScenarioError"),
        "ScenarioResult": ("._result", "ScenarioResult"),
        "State": ("._model", "State"),
        "StateChoice": ("._result", "StateChoice"),
        "WAR_LEVELS": ("._model", "WAR_LEVELS"),
        "balance_of_power": ("._baselines", "balance_of_power"),
        "band_of": ("..kb", "band_of"),
        "cell_code": ("._cow", "cell_code"),
        "cell_number": ("._cow", "cell_number"),
        "energy": ("._baselines", "energy"),
        "file_kind": ("._model", "file_kind"),
        "is_scenario_data": ("._model", "is_scenario_data"),
        "landscape": ("._baselines", "landscape"),
        "landscape_split": ("._baselines", "landscape_split"),
        "load_derivation": ("._model", "load_derivation"),
        "load_scenario": ("._model", "load_scenario"),
        "match_blocs": ("._matching", "match_blocs"),
        "parse_derivation": ("._derivation", "parse_derivation"),
        "parse_scenario_text": ("._model", "parse_scenario_text"),
        "perception_moves": ("._moves", "perception_moves"),
        "read_table": ("._cow", "read_table"),
        "scenario_from_cow": ("._cow", "scenario_from_cow"),
        "scenario_from_data": ("._model", "scenario_from_data"),
        "scenario_result_to_dict": ("._serialise", "scenario_result_to_dict"),
        "scenario_schema": ("._schema", "scenario_schema"),
        "scenario_yaml": ("._cow", "scenario_yaml"),
        "slug": ("._cow", "slug"),
        "sort_blocs": ("._matching", "sort_blocs"),
        "year_of": ("._cow", "year_of"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.kb import Band, band_of
    from alliance_advisor.rules.scenario._baselines import (
        LandscapeMapping,
        balance_of_power,
        energy,
        landscape,
        landscape_split,
    )
    from alliance_advisor.rules.scenario._cow import (
        CONTIGUITY_CITATION,
        CONTIGUITY_COLUMNS,
        NMC_CITATION,
        NMC_COLUMNS,
        CsvTable,
        cell_code,
        cell_number,
        read_table,
        scenario_from_cow,
        scenario_yaml,
        slug,
        year_of,
    )
    from alliance_advisor.rules.scenario._derivation import Derivation, parse_derivation
    from alliance_advisor.rules.scenario._engine import ScenarioEngine
    from alliance_advisor.rules.scenario._matching import match_blocs, sort_blocs
    from alliance_advisor.rules.scenario._model import (
        MAX_STATES,
        SCENARIO_KEYS,
        STATE_KEYS,
        WAR_LEVELS,
        Scenario,
        ScenarioError,
        State,
        file_kind,
        is_scenario_data,
        load_derivation,
        load_scenario,
        parse_scenario_text,
        scenario_from_data,
    )
    from alliance_advisor.rules.scenario._moves import BlocMove, perception_moves
    from alliance_advisor.rules.scenario._result import DerivedAnswer, PairThreat, ScenarioResult, StateChoice
    from alliance_advisor.rules.scenario._schema import scenario_schema
    from alliance_advisor.rules.scenario._serialise import scenario_result_to_dict

__all__ = [
    "Band",
    "BlocMove",
    "CONTIGUITY_CITATION",
    "CONTIGUITY_COLUMNS",
    "CsvTable",
    "Derivation",
    "DerivedAnswer",
    "LandscapeMapping",
    "MAX_STATES",
    "NMC_CITATION",
    "NMC_COLUMNS",
    "PairThreat",
    "SCENARIO_KEYS",
    "STATE_KEYS",
    "Scenario",
    "ScenarioEngine",
    "ScenarioError",
    "ScenarioResult",
    "State",
    "StateChoice",
    "WAR_LEVELS",
    "balance_of_power",
    "band_of",
    "cell_code",
    "cell_number",
    "energy",
    "file_kind",
    "is_scenario_data",
    "landscape",
    "landscape_split",
    "load_derivation",
    "load_scenario",
    "match_blocs",
    "parse_derivation",
    "parse_scenario_text",
    "perception_moves",
    "read_table",
    "scenario_from_cow",
    "scenario_from_data",
    "scenario_result_to_dict",
    "scenario_schema",
    "scenario_yaml",
    "slug",
    "sort_blocs",
    "year_of",
]
