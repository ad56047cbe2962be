"""JSON Schema (2020-12) of the file a user writes for a case, and the pieces the
scenario's schema (rules/scenario/_schema.py) shares with it.

Generated from the knowledge base, as the form and the loader are: the factors and their
levels from the questionnaire, the responses from responses.yaml, the limits from the
loader (rules/case/_model.py). ``python main.py schema --kind case`` writes it;
``docs/case.schema.json`` is that output, and a test keeps it current.

A schema describes a file as the program writes it. The loader reads a little more
than that (a response's label for its id, a single source as text, any scalar as
text); docs/formats.md says which.
"""

from __future__ import annotations

from typing import Any

from alliance_advisor.rules.case._model import CASE_KEYS, MAX_SOURCES, MAX_TEXT, MAX_TITLE
from alliance_advisor.rules.kb import UNKNOWN, Factor, KnowledgeBase

DRAFT = "https://json-schema.org/draft/2020-12/schema"
YEAR_RANGE = (-5000, 3000)  # what the loaders accept as a year
STATE_ID_PATTERN = "^[a-z0-9_]{1,60}$"


def levels_text(factor: Factor) -> str:
    return "; ".join(f"{level.id} ({level.label}): {level.meaning.rstrip('.')}" for level in factor.levels) + "."


def _level_values(factor: Factor, unknown: bool) -> list[Any]:
    """The values a factor's answer may take: its level ids, and in a case ``unknown``
    or nothing; bare yes/no, which YAML reads as true/false, are read as "yes"/"no"."""
    values: list[Any] = list(factor.level_ids)
    if unknown:
        values += [UNKNOWN, None]
    if "yes" in factor.level_ids and "no" in factor.level_ids:
        values += [True, False]
    return values


def answers_schema(kb: KnowledgeBase, unknown: bool, spread: bool = False) -> dict[str, Any]:
    """The questionnaire's answers: a level each; with ``spread`` (a case file), also a
    mapping of levels to weights for an answer the coder is not sure of."""

    def answer(f: Factor) -> dict[str, Any]:
        one = {"enum": _level_values(f, unknown)}
        if not spread:
            return {"description": f"{f.question} Levels: {levels_text(f)}", **one}
        weights = {
            "type": "object",
            "propertyNames": {"enum": list(f.level_ids)},
            "additionalProperties": {"type": "number", "minimum": 0},
            "minProperties": 1,
            "description": "Not sure: levels with their weights (any positive scale), e.g. {probable: 1, certain: 1}.",
        }
        return {"description": f"{f.question} Levels: {levels_text(f)}", "anyOf": [one, weights]}

    return {
        "type": "object",
        "properties": {f.id: answer(f) for f in kb.factors},
        "additionalProperties": False,
    }


def text_schema(description: str, limit: int = MAX_TEXT) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit, "description": description}


def text_list_schema(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "maxItems": MAX_SOURCES,
        "items": {"type": "string", "maxLength": MAX_TEXT},
        "description": description,
    }


def year_schema(description: str) -> dict[str, Any]:
    low, high = YEAR_RANGE
    return {"type": ["integer", "null"], "minimum": low, "maximum": high, "description": description}


def case_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """The JSON Schema of a case file (rules/case/_model.py reads it)."""
    properties: dict[str, Any] = {
        "title": text_schema(
            "The case's heading, one line (the rest belongs in notes); surrounding spaces are dropped.", MAX_TITLE
        ),
        "year": year_schema("The year of the decision, a whole number."),
        "state": text_schema("The deciding state, in words (the app's State)."),
        "threat": text_schema("The threatening power, in words (the app's Threat)."),
        "answers": {
            **answers_schema(kb, unknown=True, spread=True),
            "description": "The questionnaire: factor id -> level id, or levels with weights where the coder is "
            f"not sure. A factor left out, empty or '{UNKNOWN}' is unknown; the program writes every factor, "
            f"unknown ones as '{UNKNOWN}'.",
        },
        "observed": {
            "enum": list(kb.response_ids),
            "description": "For a historical case: the response the state actually chose. The loader also "
            "reads a response's label in any case ("
            + "; ".join(f"{r.label} = {r.id}" for r in kb.responses)
            + "); the program writes the id.",
        },
        "sources": text_list_schema("The works the coding rests on, one entry each."),
        "notes": text_schema("What the analyst knows, doubts and assumes; line breaks are kept."),
    }
    assert tuple(properties) == CASE_KEYS, "the schema lists the keys the loader reads"
    return {
        "$schema": DRAFT,
        "title": "Alliance Advisor case",
        "description": "A state's situation described by the questionnaire (knowledge/questionnaire.yaml). "
        "Every key is optional; see docs/formats.md.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
