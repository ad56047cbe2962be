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

from rules.bands import Band, band_of
from rules.blocs import match_blocs, sort_blocs
from rules.derivation import Derivation, parse_derivation

from .engine import ScenarioEngine
from .model import (
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
from .moves import BlocMove, perception_moves
from .result import DerivedAnswer, PairThreat, ScenarioResult, StateChoice
from .serialise import scenario_result_to_dict

__all__ = [
    "MAX_STATES",
    "SCENARIO_KEYS",
    "STATE_KEYS",
    "WAR_LEVELS",
    "Band",
    "BlocMove",
    "Derivation",
    "DerivedAnswer",
    "PairThreat",
    "Scenario",
    "ScenarioEngine",
    "ScenarioError",
    "ScenarioResult",
    "State",
    "StateChoice",
    "band_of",
    "file_kind",
    "is_scenario_data",
    "load_derivation",
    "load_scenario",
    "match_blocs",
    "parse_derivation",
    "parse_scenario_text",
    "perception_moves",
    "scenario_from_data",
    "scenario_result_to_dict",
    "sort_blocs",
]
