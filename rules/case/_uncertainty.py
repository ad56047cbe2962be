"""How sure a verdict is: the answers' uncertainty, and the distribution over the
responses it gives (issue 28).

Every answer is a distribution over its factor's levels: one the coder gave as a spread
("not sure: between probable and certain"); an unknown answer, evenly over the levels;
any other, the level given with the knowledge base's declared reading uncertainty
(responses.yaml ``uncertainty``) on its neighbours. The answers are taken as
independent, so the probability of each combination of levels is the product of its
answers' probabilities, and the probability of a response is the weighted sum of the
combinations whose verdict it is: exact, over the part of the questionnaire's space
the answers can reach (rules.case._analysis.Analyst.distribution evaluates it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from alliance_advisor.rules.kb import UNKNOWN, Factor, KnowledgeBase

__all__ = ["answer_distribution", "answer_distributions"]


def answer_distribution(factor: Factor, given: str | Mapping[str, float] | None, reading: float) -> Any:
    """One answer as probabilities over ``factor``'s levels (a numpy vector in level order)."""
    levels = factor.level_ids
    spread = np.zeros(len(levels))
    if isinstance(given, Mapping):
        for level, p in given.items():
            spread[levels.index(level)] = p
        return spread / spread.sum()
    if given is None or given == UNKNOWN:
        return np.full(len(levels), 1.0 / len(levels))
    at = levels.index(given)
    spread[at] = 1.0 - reading
    if factor.ordered:
        neighbours = [i for i in (at - 1, at + 1) if 0 <= i < len(levels)]
    else:
        neighbours = [i for i in range(len(levels)) if i != at]
    for i in neighbours:
        spread[i] += reading / len(neighbours)
    return spread


def answer_distributions(
    kb: KnowledgeBase, answers: Mapping[str, str], uncertain: Mapping[str, Mapping[str, float]] | None = None
) -> list[Any]:
    """Every answer of a case as probabilities over its levels, in questionnaire order."""
    uncertain = uncertain or {}
    reading = kb.uncertainty.reading
    return [answer_distribution(f, uncertain.get(f.id) or answers.get(f.id), reading) for f in kb.factors]
