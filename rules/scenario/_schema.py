"""JSON Schema (2020-12) of the file a user writes for a scenario.

Generated from the knowledge base, as the loader is: the offensive capability and
intentions levels from the questionnaire, the default of an unlisted perception from
derivation.yaml, the limits from the loader (rules/scenario/_model.py). ``python main.py
schema --kind scenario`` writes it; ``docs/scenario.schema.json`` is that output, and a
test keeps it current. The loader checks what a schema cannot (that an id a scenario
names is declared, that no state perceives itself); docs/formats.md says which.
"""

from __future__ import annotations

from typing import Any

from alliance_advisor.rules.case import (
    DRAFT,
    MAX_TITLE,
    STATE_ID_PATTERN,
    YEAR_RANGE,
    answers_schema,
    levels_text,
    text_list_schema,
    text_schema,
    year_schema,
)
from alliance_advisor.rules.kb import KnowledgeBase
from alliance_advisor.rules.scenario._model import MAX_STATES, SCENARIO_KEYS, STATE_KEYS, WAR_LEVELS, load_derivation

__all__ = ["STATE_ID_PATTERN", "YEAR_RANGE", "scenario_schema"]


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
        "name": text_schema("The state's name as shown (default: its id).", MAX_TITLE),
        "capability": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "description": "Its share of the system's material capabilities (e.g. COW's CINC), above 0 and at most 1.",
        },
        "offensive_capability": {
            "enum": list(offensive.level_ids),
            "description": f"{offensive.question} Levels: {levels_text(offensive)}",
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
        "title": text_schema("The scenario's heading, one line.", MAX_TITLE),
        "year": year_schema("The year the scenario describes, a whole number."),
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
            f"A pair not listed is {derivation.default_intentions}. Levels: {levels_text(intentions)}",
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
            "additionalProperties": {"type": "object", "additionalProperties": answers_schema(kb, unknown=False)},
            "description": "state -> power -> factor -> level: answers of a pair set by hand, in place of "
            "the derived ones.",
        },
        "sources": text_list_schema("The works the data and codings rest on."),
        "notes": text_schema("How the data were read and coded; line breaks are kept."),
        "contested": text_list_schema("Codings that are disputed, each with the reading against it."),
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
