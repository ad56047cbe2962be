"""The history mapping: knowledge/derivation.yaml ``history``, read, checked and hashed.

The section is declared and argued in the YAML; this module only reads it, checks each
key against the questionnaire's levels, and applies a declared variant (one threshold
one step down or up) for the sensitivity table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.history._communities import BlocReading, parse_bloc_reading
from alliance_advisor.rules.history._names import StateNames, load_state_names
from alliance_advisor.rules.kb import KnowledgeBase
from alliance_advisor.rules.scenario import Band
from alliance_advisor.rules.yamlio import read_yaml_file

INTENTION_KEYS = ("rivalry", "initiated_force", "rivalry_and_force", "at_war", "allied")
ALLIANCE_KINDS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


@dataclass(frozen=True)
class HistoryMapping:
    frozen: str
    capability_floor: float
    offensive: tuple[Band, ...]  # highest first
    neighbour_types: frozenset[int]
    intentions: dict[str, str]
    dispute_years: int
    hostility_at_least: int
    early_war_years: int
    alliance_kinds: tuple[int, ...]  # indices into ALLIANCE_KINDS
    blocs: BlocReading  # how the observed blocs are read (history.observed_blocs)
    names: StateNames  # the states' names by year (knowledge/state_names.yaml)
    variants: dict[str, tuple[Any, Any]]
    raw: dict[str, Any]  # the section as declared (for the JSON and the hash)
    derivation_version: str
    variant: str | None = None  # "key=value" when a declared variant is applied

    @property
    def hash(self) -> str:
        text = json.dumps(
            {
                "history": self.raw,
                "variant": self.variant,
                "derivation": self.derivation_version,
                "names": self.names.hash,
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "variant": self.variant,
            "frozen": self.frozen,
            "history": self.raw,
            "names": self.names.hash,
        }

    def with_variant(self, key: str, value: Any) -> HistoryMapping:
        """This mapping with one declared threshold set to ``value``."""
        name = f"{key}={json.dumps(value)}"
        if key == "dispute_years":
            return replace(self, dispute_years=int(value), variant=name)
        if key == "hostility_at_least":
            return replace(self, hostility_at_least=int(value), variant=name)
        if key == "neighbour_types":
            return replace(self, neighbour_types=frozenset(int(v) for v in value), variant=name)
        if key.startswith("offensive_capability."):
            level = key.split(".", 1)[1]
            bands = tuple(Band(b.level, float(value)) if b.level == level else b for b in self.offensive)
            return replace(self, offensive=tuple(sorted(bands, key=lambda b: -b.at_least)), variant=name)
        raise KnowledgeError(f"history.variants: '{key}' is not a threshold this mapping has")


def load_history_mapping(kb: KnowledgeBase) -> HistoryMapping:
    path = Path(kb.directory) / "derivation.yaml"
    where = str(path)
    data = read_yaml_file(path, KnowledgeError)
    section = data.get("history") if isinstance(data, dict) else None
    line = data.line_of("history") if hasattr(data, "line_of") else None
    if not isinstance(section, dict):
        raise KnowledgeError("'history' must be a mapping (main.py history reads it)", where, line)

    def need(key: str) -> Any:
        if key not in section:
            raise KnowledgeError(f"history: missing '{key}'", where, line)
        return section[key]

    def whole(key: str, low: int, high: int) -> int:
        value = need(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise KnowledgeError(f"history.{key} must be a whole number from {low} to {high}", where, line)
        return value

    offensive_levels = tuple(kb.factor("offensive_capability").level_ids)
    bands = []
    raw_bands = need("offensive_capability")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise KnowledgeError("history.offensive_capability must list {level, at_least} bands", where, line)
    for item in raw_bands:
        if (
            not isinstance(item, dict)
            or item.get("level") not in offensive_levels
            or isinstance(item.get("at_least"), bool)
            or not isinstance(item.get("at_least"), (int, float))
        ):
            raise KnowledgeError(
                f"history.offensive_capability: each band needs a level ({', '.join(offensive_levels)}) "
                "and a number at_least",
                where,
                line,
            )
        bands.append(Band(item["level"], float(item["at_least"])))
    intentions_levels = tuple(kb.factor("intentions").level_ids)
    raw_int = need("intentions")
    if not isinstance(raw_int, dict):
        raise KnowledgeError("history.intentions must be a mapping", where, line)
    intentions = {}
    for key in INTENTION_KEYS:
        if raw_int.get(key) not in intentions_levels:
            raise KnowledgeError(f"history.intentions.{key} must be one of {', '.join(intentions_levels)}", where, line)
        intentions[key] = raw_int[key]
    for key in ("dispute_years", "hostility_at_least"):
        if key not in raw_int:
            raise KnowledgeError(f"history.intentions: missing '{key}'", where, line)
    types = need("neighbour_types")
    if not isinstance(types, list) or any(isinstance(t, bool) or not isinstance(t, int) for t in types):
        raise KnowledgeError("history.neighbour_types must list COW contiguity types", where, line)
    kinds = need("alliance_kinds")
    if not isinstance(kinds, list) or not kinds or any(k not in ALLIANCE_KINDS for k in kinds):
        raise KnowledgeError(f"history.alliance_kinds must list some of {', '.join(ALLIANCE_KINDS)}", where, line)
    floor = need("capability_floor")
    if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not 0 < floor < 1:
        raise KnowledgeError("history.capability_floor must be a number between 0 and 1", where, line)
    variants_raw = section.get("variants") or {}
    if not isinstance(variants_raw, dict):
        raise KnowledgeError("history.variants must map a threshold to [down, up]", where, line)
    variants = {}
    for key, pair in variants_raw.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise KnowledgeError(f"history.variants.{key} must be [one step down, one step up]", where, line)
        variants[str(key)] = (pair[0], pair[1])
    raw = json.loads(json.dumps(section, default=str))
    from alliance_advisor.rules.scenario import load_derivation

    mapping = HistoryMapping(
        frozen=str(need("frozen")),
        capability_floor=float(floor),
        offensive=tuple(sorted(bands, key=lambda b: -b.at_least)),
        neighbour_types=frozenset(types),
        intentions=intentions,
        dispute_years=0,
        hostility_at_least=0,
        early_war_years=whole("early_war_years", 1, 50),
        alliance_kinds=tuple(ALLIANCE_KINDS.index(k) for k in kinds),
        blocs=parse_bloc_reading(need("observed_blocs"), where, line),
        names=load_state_names(kb),
        variants=variants,
        raw=raw,
        derivation_version=load_derivation(kb).version,
    )
    dy, hl = raw_int["dispute_years"], raw_int["hostility_at_least"]
    if isinstance(dy, bool) or not isinstance(dy, int) or not 1 <= dy <= 50:
        raise KnowledgeError("history.intentions.dispute_years must be a whole number from 1 to 50", where, line)
    if isinstance(hl, bool) or not isinstance(hl, int) or not 1 <= hl <= 5:
        raise KnowledgeError("history.intentions.hostility_at_least must be a hostility level 1-5", where, line)
    mapping = replace(mapping, dispute_years=dy, hostility_at_least=hl)
    for key, (down, up) in variants.items():
        mapping.with_variant(key, down)
        mapping.with_variant(key, up)
    return mapping
