"""The knowledge base: what knowledge/ declares, loaded and checked.

The lowest kind: the model of the questionnaire, propositions, responses, worlds and
rules (``_model``), their loader and validator (``_load``), the declarative condition
language the rules are written in (``_conditions``) and a newcomer's map from a
proposition to its rules (``_atlas``). It knows no other kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rules import lazy_face

# Each name is loaded from its private module when first used (PEP 562), so a light
# import (a case file's model, an error type) never pays for the engine.
__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "All": ("._conditions", "All"),
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
        "condition_text": ("._atlas", "condition_text"),
        "conditions": ("._conditions", None),
        "load_knowledge": ("._load", "load_knowledge"),
        "proposition_map": ("._atlas", "proposition_map"),
    },
)

if TYPE_CHECKING:
    from rules.kb import _conditions as conditions
    from rules.kb._atlas import condition_text, proposition_map
    from rules.kb._conditions import All, Leaf
    from rules.kb._load import load_knowledge
    from rules.kb._model import (
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
    )

__all__ = [
    "All",
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
    "condition_text",
    "conditions",
    "load_knowledge",
    "proposition_map",
]
