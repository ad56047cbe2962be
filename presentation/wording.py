"""The wording the command line, the app and the reports share.

The engine returns facts (rules/result.py); the sentences a reader sees are made
here, once, so that the terminal, the window and every report say the same thing in
the same words.
"""
from __future__ import annotations

from rules.knowledge import KnowledgeBase
from rules.result import Failure, Result


def response_label(kb: KnowledgeBase, response_id: str | None) -> str:
    return kb.response(response_id).label if response_id else "No verdict"


def signed(x: float) -> str:
    return f"{x:+.2f}"


def tie_note(kb: KnowledgeBase, result: Result) -> str:
    """Why a tie went the way it did (empty when there is none)."""
    if not result.tie:
        return ""
    others = ", ".join(response_label(kb, r) for r in result.tied_with)
    return (f"A tie with {others}, broken in favour of the more common response "
            "(proposition C1: states balance far more often than they bandwagon).")


def failure_text(kb: KnowledgeBase, failure: Failure) -> str:
    """A condition that kept a rule from firing, in words."""
    needs = " or ".join(kb.level_label(failure.fact, lv) for lv in failure.needs)
    name = kb.fact_label(failure.fact)
    if failure.value == "unknown":
        return f"{name} is unknown; the rule needs {needs}"
    return f"{name} is {kb.level_label(failure.fact, failure.value)}; the rule needs {needs}"


def why_not_summary(result: Result, response: str) -> str:
    """One sentence on the support a response has, against the verdict's."""
    kb = result.kb
    assert kb is not None and result.why_not is not None
    info = result.why_not[response]
    label = response_label(kb, response)
    if result.verdict is None:
        return f"No response reached the minimum support; {label} has {signed(info.support)}."
    if response == result.verdict:
        return f"{label} is the verdict with support {signed(info.support)}."
    parts = [f"{label} has support {signed(info.support)} against {signed(result.support[result.verdict])} "
             f"for {response_label(kb, result.verdict)}",
             f"{len(info.for_)} rule(s) fired for it and {len(info.against)} against it"]
    if info.blocked:
        parts.append(f"{len(info.blocked)} rule(s) that would support it did not fire")
    return "; ".join(parts) + "."


def conflict_text(conflict: object) -> str:
    fact, levels, rule = conflict.fact, conflict.levels, conflict.rule  # type: ignore[attr-defined]
    return f"{rule} tried to set {fact} to {levels[1]}, already {levels[0]}."


def no_verdict_text(kb: KnowledgeBase, result: Result) -> str:
    """Why a case has no verdict."""
    score = result.threat_score
    if score is not None and not score.settled:
        names = ", ".join(kb.fact_label(f) for f in score.unknown)
        return (f"the answers leave the threat open ({', '.join(score.bands)}), so the theory has nothing to "
                f"weigh yet; answer {names} to settle it.")
    return f"no response reached the minimum support of {kb.scoring.min_support:.2f}."
