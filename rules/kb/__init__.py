"""The knowledge base: what knowledge/ declares, loaded and checked.

The lowest kind: the model of the questionnaire, propositions, responses, worlds and
rules (``_model``), their loader and validator (``_load``), the declarative condition
language the rules are written in (``_conditions``) and a newcomer's map from a
proposition to its rules (``_atlas``). It knows no other kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_advisor.rules._face import lazy_face

# Each name is loaded from its private module when first used (PEP 562), so a light
# import (a case file's model, an error type) never pays for the engine.
__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "All": ("._conditions", "All"),
        "Band": ("._bands", "Band"),
        "DEFAULT_DIR": ("._model", "DEFAULT_DIR"),
        "DERIVE": ("._model", "DERIVE"),
        "Factor": ("._model", "Factor"),
        "KnowledgeBase": ("._model", "KnowledgeBase"),
        "Leaf": ("._conditions", "Leaf"),
        "RuleSpec": ("._model", "RuleSpec"),
        "Scoring": ("._model", "Scoring"),
        "Source": ("._model", "Source"),
        "Stage": ("._model", "Stage"),
        "Static": ("._model", "Static"),
        "UNKNOWN": ("._model", "UNKNOWN"),
        "Uncertainty": ("._model", "Uncertainty"),
        "band_of": ("._bands", "band_of"),
        "condition_text": ("._atlas", "condition_text"),
        "conditions": ("._conditions", None),
        "load_knowledge": ("._load", "load_knowledge"),
        "proposition_map": ("._atlas", "proposition_map"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.kb import _conditions as conditions
    from alliance_advisor.rules.kb._atlas import condition_text, proposition_map
    from alliance_advisor.rules.kb._bands import Band, band_of
    from alliance_advisor.rules.kb._conditions import All, Leaf
    from alliance_advisor.rules.kb._load import load_knowledge
    from alliance_advisor.rules.kb._model import (
        DEFAULT_DIR,
        DERIVE,
        UNKNOWN,
        Factor,
        KnowledgeBase,
        RuleSpec,
        Scoring,
        Source,
        Stage,
        Static,
        Uncertainty,
    )

__all__ = [
    "All",
    "Band",
    "DEFAULT_DIR",
    "DERIVE",
    "Factor",
    "KnowledgeBase",
    "Leaf",
    "RuleSpec",
    "Scoring",
    "Source",
    "Stage",
    "Static",
    "UNKNOWN",
    "Uncertainty",
    "band_of",
    "condition_text",
    "conditions",
    "load_knowledge",
    "proposition_map",
]
