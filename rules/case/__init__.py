"""The case: one state's situation described by the questionnaire, analysed.

``_model`` reads and writes a case file; ``_schema`` its JSON Schema; ``_advisor`` runs
a case through the engine of record and builds the one :class:`Result` (``_result``),
with the analyses beyond the verdict (``_analysis``: what-if, worlds, analogues);
``_evaluation`` holds the library's predictions against what states did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_advisor.rules._face import lazy_face

# Each name is loaded from its private module when first used (PEP 562), so a light
# import (a case file's model, an error type) never pays for the engine.
__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Advisor": ("._advisor", "Advisor"),
        "Analogue": ("._result", "Analogue"),
        "Analyst": ("._analysis", "Analyst"),
        "CASE_KEYS": ("._model", "CASE_KEYS"),
        "Case": ("._model", "Case"),
        "Completions": ("._result", "Completions"),
        "DRAFT": ("._schema", "DRAFT"),
        "DIRECT_LIMIT": ("._analysis", "DIRECT_LIMIT"),
        "Failure": ("._result", "Failure"),
        "FiredRule": ("._result", "FiredRule"),
        "Flip": ("._result", "Flip"),
        "MAX_SOURCES": ("._model", "MAX_SOURCES"),
        "MAX_TEXT": ("._model", "MAX_TEXT"),
        "MAX_TITLE": ("._model", "MAX_TITLE"),
        "Result": ("._result", "Result"),
        "STATE_ID_PATTERN": ("._schema", "STATE_ID_PATTERN"),
        "StageOutcome": ("._result", "StageOutcome"),
        "ThreatScore": ("._result", "ThreatScore"),
        "WhatIf": ("._result", "WhatIf"),
        "WorldOutcome": ("._result", "WorldOutcome"),
        "YEAR_RANGE": ("._schema", "YEAR_RANGE"),
        "answers_schema": ("._schema", "answers_schema"),
        "case_from_data": ("._model", "case_from_data"),
        "case_schema": ("._schema", "case_schema"),
        "case_to_yaml": ("._model", "case_to_yaml"),
        "default_library_dir": ("._model", "default_library_dir"),
        "evaluate": ("._evaluation", "evaluate"),
        "evaluate_cases": ("._evaluation", "evaluate_cases"),
        "from_dict": ("._result", "from_dict"),
        "json_schema": ("._result", "json_schema"),
        "levels_text": ("._schema", "levels_text"),
        "load_case": ("._model", "load_case"),
        "load_library": ("._model", "load_library"),
        "parse_case_text": ("._model", "parse_case_text"),
        "read_case_folder": ("._model", "read_case_folder"),
        "text_list_schema": ("._schema", "text_list_schema"),
        "text_schema": ("._schema", "text_schema"),
        "to_dict": ("._result", "to_dict"),
        "year_schema": ("._schema", "year_schema"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.case._advisor import Advisor
    from alliance_advisor.rules.case._analysis import DIRECT_LIMIT, Analyst
    from alliance_advisor.rules.case._evaluation import evaluate, evaluate_cases
    from alliance_advisor.rules.case._model import (
        CASE_KEYS,
        MAX_SOURCES,
        MAX_TEXT,
        MAX_TITLE,
        Case,
        case_from_data,
        case_to_yaml,
        default_library_dir,
        load_case,
        load_library,
        parse_case_text,
        read_case_folder,
    )
    from alliance_advisor.rules.case._result import (
        Analogue,
        Completions,
        Failure,
        FiredRule,
        Flip,
        Result,
        StageOutcome,
        ThreatScore,
        WhatIf,
        WorldOutcome,
        from_dict,
        json_schema,
        to_dict,
    )
    from alliance_advisor.rules.case._schema import (
        DRAFT,
        STATE_ID_PATTERN,
        YEAR_RANGE,
        answers_schema,
        case_schema,
        levels_text,
        text_list_schema,
        text_schema,
        year_schema,
    )

__all__ = [
    "Advisor",
    "Analogue",
    "Analyst",
    "CASE_KEYS",
    "Case",
    "Completions",
    "DIRECT_LIMIT",
    "DRAFT",
    "Failure",
    "FiredRule",
    "Flip",
    "MAX_SOURCES",
    "MAX_TEXT",
    "MAX_TITLE",
    "Result",
    "STATE_ID_PATTERN",
    "StageOutcome",
    "ThreatScore",
    "WhatIf",
    "WorldOutcome",
    "YEAR_RANGE",
    "answers_schema",
    "case_from_data",
    "case_schema",
    "case_to_yaml",
    "default_library_dir",
    "evaluate",
    "evaluate_cases",
    "from_dict",
    "json_schema",
    "levels_text",
    "load_case",
    "load_library",
    "parse_case_text",
    "read_case_folder",
    "text_list_schema",
    "text_schema",
    "to_dict",
    "year_schema",
]
