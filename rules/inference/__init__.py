"""Inference: the knowledge base compiled once into a rule program, and the evaluators
generated from it.

``_program`` compiles the rules (one program, its stages and conflict policy);
``_engine`` builds the experta engine of record from it (``_experta`` is the one place
experta is imported); ``_vector`` runs the same program on many answer sets at once
with numpy; ``_verify`` sweeps the whole questionnaire space. It reads the knowledge
base and knows no case, scenario or history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_advisor.rules._face import lazy_face

# Each name is loaded from its private module when first used (PEP 562), so a light
# import (a case file's model, an error type) never pays for the engine.
__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Answer": ("._engine", "Answer"),
        "DepthStrategy": ("._experta", "DepthStrategy"),
        "EnginePool": ("._engine", "EnginePool"),
        "KnowledgeEngine": ("._experta", "KnowledgeEngine"),
        "NOT": ("._experta", "NOT"),
        "Program": ("._program", "Program"),
        "ProgramRule": ("._program", "ProgramRule"),
        "RawRun": ("._engine", "RawRun"),
        "ReteMatcher": ("._experta", "ReteMatcher"),
        "Rule": ("._experta", "Rule"),
        "Space": ("._verify", "Space"),
        "StageDecision": ("._program", "StageDecision"),
        "StagedDecision": ("._program", "StagedDecision"),
        "Sweeper": ("._verify", "Sweeper"),
        "Vector": ("._vector", "Vector"),
        "compile_engine_class": ("._engine", "compile_engine_class"),
        "compile_program": ("._program", "compile_program"),
        "decide_stage": ("._program", "decide_stage"),
        "raise_pairs": ("._verify", "raise_pairs"),
        "score_parts": ("._program", "score_parts"),
        "staged_decision": ("._program", "staged_decision"),
        "sweep": ("._verify", "sweep"),
        "verify": ("._verify", "verify"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.inference._engine import Answer, EnginePool, RawRun, compile_engine_class
    from alliance_advisor.rules.inference._experta import NOT, DepthStrategy, KnowledgeEngine, ReteMatcher, Rule
    from alliance_advisor.rules.inference._program import (
        Program,
        ProgramRule,
        StagedDecision,
        StageDecision,
        compile_program,
        decide_stage,
        score_parts,
        staged_decision,
    )
    from alliance_advisor.rules.inference._vector import Vector
    from alliance_advisor.rules.inference._verify import Space, Sweeper, raise_pairs, sweep, verify

__all__ = [
    "Answer",
    "DepthStrategy",
    "EnginePool",
    "KnowledgeEngine",
    "NOT",
    "Program",
    "ProgramRule",
    "RawRun",
    "ReteMatcher",
    "Rule",
    "Space",
    "StageDecision",
    "StagedDecision",
    "Sweeper",
    "Vector",
    "compile_engine_class",
    "compile_program",
    "decide_stage",
    "raise_pairs",
    "score_parts",
    "staged_decision",
    "sweep",
    "verify",
]
