"""JSON Schemas (2020-12) of the two kinds of file a user writes: a case and a scenario.

They are generated from the knowledge base, as the form and the loaders are: the
factors and their levels from the questionnaire, the responses from responses.yaml,
the default of an unlisted perception from derivation.yaml, and the limits from the
loaders (rules/cases.py, rules/scenario/). ``python main.py schema --kind case``
(or ``scenario``) writes them; ``docs/case.schema.json`` and
``docs/scenario.schema.json`` are those outputs, and a test keeps them current.

A schema describes a file as the program writes it. The loaders read a little more
than that (a response's label for its id, a single source as text, any scalar as
text), and check what a schema cannot (that an id a scenario names is declared, that
no state perceives itself); docs/formats.md says which.
"""

from __future__ import annotations

from typing import Any

from .cases import CASE_KEYS, MAX_SOURCES, MAX_TEXT, MAX_TITLE
from .kb.model import UNKNOWN, Factor, KnowledgeBase
from .scenario import MAX_STATES, SCENARIO_KEYS, STATE_KEYS, WAR_LEVELS, load_derivation

DRAFT = "https://json-schema.org/draft/2020-12/schema"
YEAR_RANGE = (-5000, 3000)  # what the loaders accept as a year
STATE_ID_PATTERN = "^[a-z0-9_]{1,60}$"


def _levels_text(factor: Factor) -> str:
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


def _answers(kb: KnowledgeBase, unknown: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            f.id: {"description": f"{f.question} Levels: {_levels_text(f)}", "enum": _level_values(f, unknown)}
            for f in kb.factors
        },
        "additionalProperties": False,
    }


def _text(description: str, limit: int = MAX_TEXT) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit, "description": description}


def _text_list(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "maxItems": MAX_SOURCES,
        "items": {"type": "string", "maxLength": MAX_TEXT},
        "description": description,
    }


def _year(description: str) -> dict[str, Any]:
    low, high = YEAR_RANGE
    return {"type": ["integer", "null"], "minimum": low, "maximum": high, "description": description}


def case_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """The JSON Schema of a case file (rules/cases.py reads it)."""
    properties: dict[str, Any] = {
        "title": _text(
            "The case's heading, one line (the rest belongs in notes); surrounding spaces are dropped.", MAX_TITLE
        ),
        "year": _year("The year of the decision, a whole number."),
        "state": _text("The deciding state, in words (the app's State)."),
        "threat": _text("The threatening power, in words (the app's Threat)."),
        "answers": {
            **_answers(kb, unknown=True),
            "description": "The questionnaire: factor id -> level id. A factor left out, empty or "
            f"'{UNKNOWN}' is unknown; the program writes every factor, unknown ones as '{UNKNOWN}'.",
        },
        "observed": {
            "enum": list(kb.response_ids),
            "description": "For a historical case: the response the state actually chose. The loader also "
            "reads a response's label in any case ("
            + "; ".join(f"{r.label} = {r.id}" for r in kb.responses)
            + "); the program writes the id.",
        },
        "sources": _text_list("The works the coding rests on, one entry each."),
        "notes": _text("What the analyst knows, doubts and assumes; line breaks are kept."),
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


def scenario_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """The JSON Schema of a scenario file (rules/scenario/ reads it)."""
    derivation = load_derivation(kb)
    offensive = kb.factor("offensive_capability")
    intentions = kb.factor("intentions")
    state_id = {"type": "string", "pattern": STATE_ID_PATTERN, "description": "A state's id, declared in 'states'."}

    def groups(min_items: int, description: str, max_items: int | None = None) -> dict[str, Any]:
        group: dict[str, Any] = {"type": "array", "items": state_id, "minItems": min_items, "uniqueItems": True}
        if max_items is not None:
            group["maxItems"] = max_items
        return {"type": "array", "items": group, "description": description}

    state_properties: dict[str, Any] = {
        "id": {**state_id, "description": "Lowercase letters, digits and '_', at most 60; unique."},
        "name": _text("The state's name as shown (default: its id).", MAX_TITLE),
        "capability": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "description": "Its share of the system's material capabilities (e.g. COW's CINC), above 0 and at most 1.",
        },
        "offensive_capability": {
            "enum": list(offensive.level_ids),
            "description": f"{offensive.question} Levels: {_levels_text(offensive)}",
        },
        "cow_code": {"type": "integer", "description": "Its Correlates of War country code, if any."},
    }
    assert tuple(state_properties) == STATE_KEYS, "the schema lists the keys the loader reads"
    state = {
        "type": "object",
        "properties": state_properties,
        "required": ["id", "capability", "offensive_capability"],
        "additionalProperties": False,
    }
    properties: dict[str, Any] = {
        "title": _text("The scenario's heading, one line.", MAX_TITLE),
        "year": _year("The year the scenario describes, a whole number."),
        "states": {
            "type": "array",
            "items": state,
            "minItems": 2,
            "maxItems": MAX_STATES,
            "description": "The states of the system.",
        },
        "neighbours": groups(2, "Pairs of states that border each other, [a, b] (order does not matter).", 2),
        "regions": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": state_id},
            "description": "A region's name -> its states; two states of one region are regional to each other.",
        },
        "perceptions": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"enum": list(intentions.level_ids)},
            },
            "description": "state -> power -> how the state sees the power's intentions (never itself). "
            f"A pair not listed is {derivation.default_intentions}. Levels: {_levels_text(intentions)}",
        },
        "war": {
            "enum": list(WAR_LEVELS),
            "default": "peace",
            "description": "Whether the system is at peace or at war, and at what stage.",
        },
        "war_leader": {**state_id, "description": "In a war: the state nearer victory (not with war: peace)."},
        "defeated": {
            "type": "array",
            "items": state_id,
            "description": "At peace: the powers beaten in a war just ended.",
        },
        "alignments": groups(2, "The alliances in force, each a list of two or more states."),
        "observed": groups(
            1, "The blocs that formed, to compare the prediction with; a state in no bloc is unaligned."
        ),
        "overrides": {
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": _answers(kb, unknown=False)},
            "description": "state -> power -> factor -> level: answers of a pair set by hand, in place of "
            "the derived ones.",
        },
        "sources": _text_list("The works the data and codings rest on."),
        "notes": _text("How the data were read and coded; line breaks are kept."),
        "contested": _text_list("Codings that are disputed, each with the reading against it."),
        "anchor": {
            "type": "object",
            "properties": {
                "source": {"type": "string"},
                "correct": {"type": "integer"},
                "of": {"type": "integer"},
                "wrong": {"type": "array", "items": state_id},
            },
            "description": "A published result to set beside this one: its source, how many states it placed "
            "correctly of how many, and the states it placed wrong.",
        },
    }
    assert tuple(properties) == SCENARIO_KEYS, "the schema lists the keys the loader reads"
    return {
        "$schema": DRAFT,
        "title": "Alliance Advisor scenario",
        "description": "A system of several powers (rules/scenario/), each pair's answers derived by "
        "knowledge/derivation.yaml; see docs/formats.md.",
        "type": "object",
        "properties": properties,
        "required": ["states"],
        "additionalProperties": False,
        # A war's leader only in a war; the powers just defeated only at peace.
        "if": {"properties": {"war": {"const": "peace"}}},
        "then": {"not": {"required": ["war_leader"]}},
        "else": {"properties": {"defeated": {"maxItems": 0}}},
    }
