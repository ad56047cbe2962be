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
    return (
        f"A tie with {others}, broken in favour of the more common response "
        "(proposition C1: states balance far more often than they bandwagon)."
    )


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
    parts = [
        f"{label} has support {signed(info.support)} against {signed(result.support[result.verdict])} "
        f"for {response_label(kb, result.verdict)}",
        f"{len(info.for_)} rule(s) fired for it and {len(info.against)} against it",
    ]
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
        text = f"the answers leave the threat open ({', '.join(score.bands)}), so the theory has nothing to weigh yet"
        if result.next_questions:
            return text + "."
        return text + f"; answer {listed([kb.fact_label(f) for f in score.unknown])} to settle it."
    return f"no response reached the minimum support of {kb.scoring.min_support:.2f}."


def agreement_text(result: Result, observed: str | None) -> tuple[str, str]:
    """How the prediction compares with what the state did, as (kind, words): kind is
    'agrees', 'differs', 'no_prediction' (the case has no verdict) or '' (nothing observed)."""
    if not observed:
        return "", ""
    if result.verdict is None:
        return "no_prediction", "No prediction to compare"
    if result.verdict == observed:
        return "agrees", "Prediction agrees"
    return "differs", "Prediction differs"


def threat_points_text(result: Result) -> str:
    """The threat's points: '16 of 24 points', or, while the answers leave the level
    open (not yet known), the totals they still allow."""
    score = result.threat_score
    if score is None:
        return ""
    if score.settled:
        return f"{score.total} of {score.maximum} points"
    low, high = score.range
    return f"{low} to {high} of {score.maximum} points still possible"


def listed(items: list[str] | tuple[str, ...], conjunction: str = "and") -> str:
    """'B1', 'B1 and B5', 'B1, B5 and C3'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def percent(share: float) -> str:
    """A share as a whole percentage, never rounded up to 100% or down to 0%."""
    value = round(share * 100)
    if value == 100 and share < 1:
        return "over 99%"
    if value == 0 and share > 0:
        return "under 1%"
    return f"{value}%"


def proposition_name(kb: KnowledgeBase, prop_id: str) -> str:
    """'B3 (proximity provokes balancing)': the code a reader can look up, with its short name."""
    title = kb.proposition(prop_id).title
    return f"{prop_id} ({title[:1].lower()}{title[1:]})"


_COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def rests_on_text(kb: KnowledgeBase, result: Result) -> str:
    """What the verdict rests on: the propositions without which it would change, each
    with its short name."""
    if result.verdict is None:
        return ""
    if not result.decisive:
        return (
            "No proposition decides the verdict, alone or together: it would stand without any "
            "of the support rules that fired."
        )
    names = listed([proposition_name(kb, p) for p in result.decisive])
    if result.decisive_jointly:
        n = len(result.decisive)
        count = _COUNTS[n] if n < len(_COUNTS) else str(n)
        every = "both" if n == 2 else f"all {count}"
        return (
            f"The verdict rests on {count} propositions together: {names}. "
            f"It would stand without any one of them, but not without {every}."
        )
    changes = {a.proposition: a.verdict for a in result.ablations}
    groups: dict[str | None, list[str]] = {}
    for prop in result.decisive:
        groups.setdefault(changes.get(prop), []).append(prop)

    def becomes(verdict: str | None) -> str:
        return (
            "there would be no verdict"
            if verdict is None
            else f"the verdict would be {response_label(kb, verdict).lower()}"
        )

    if len(result.decisive) == 1:
        return f"The verdict rests on {names}: without it {becomes(changes.get(result.decisive[0]))}."
    if len(groups) == 1:
        which = "either of them" if len(result.decisive) == 2 else "any one of them"
        return f"The verdict rests on {names}: without {which} {becomes(next(iter(groups)))}."
    parts = [f"without {listed(props, 'or')} {becomes(verdict)}" for verdict, props in groups.items()]
    return f"The verdict rests on {names}: " + "; ".join(parts) + "."


def ablation_text(kb: KnowledgeBase, proposition: str, verdict: str | None) -> str:
    """'without B3: Bandwagon'."""
    return f"without {proposition}: {response_label(kb, verdict)}"


def too_close_text(kb: KnowledgeBase, result: Result) -> str:
    """Empty unless the margin is below the declared threshold."""
    if not result.too_close or result.verdict is None:
        return ""
    runner = response_label(kb, result.runner_up)
    return (
        f"Too close to call: {result.verdict_label} leads {runner} by {result.confidence:.2f}, "
        f"below the {kb.scoring.close_call:.2f} the knowledge base declares a clear lead."
    )


def stability_text(result: Result) -> str:
    """How the verdict stands when the weights are perturbed (empty when not computed)."""
    s = result.stability
    if s is None:
        return ""
    kept = (
        f"kept in {percent(s.share)} of {s.draws} random perturbations of every weight "
        f"(each within \u00b1{percent(s.perturbation)})"
    )
    if s.fragile:
        return f"Fragile: the verdict is {kept}, below the threshold for a firm verdict."
    return f"Stable: the verdict is {kept}."


def completions_text(kb: KnowledgeBase, result: Result) -> str:
    """How many ways of answering the open questions keep the verdict (empty when none is open)."""
    c = result.completions
    if c is None or c.count <= 1:
        return ""
    ranked = sorted(((share, v) for v, share in c.shares.items()), reverse=True)

    def outcome(verdict: str) -> str:
        return "no verdict" if verdict == "none" else response_label(kb, verdict)

    if result.verdict is None:
        shares = ", ".join(f"{outcome(v)} {percent(share)}" for share, v in ranked[:3])
        return f"Of the {c.count:,} ways the open questions could be answered: {shares}."
    text = f"Settled in {percent(c.keeps)} of the {c.count:,} ways the open questions could be answered."
    others = [(share, v) for share, v in ranked if v != result.verdict]
    if others:
        text += f" The likeliest other outcome is {outcome(others[0][1])} ({percent(others[0][0])})."
    return text


def next_questions_text(kb: KnowledgeBase, result: Result) -> str:
    """Which questions to answer next when the threat is open (empty otherwise)."""
    if not result.next_questions:
        return ""
    names = [kb.factor(f).question for f in result.next_questions]
    return "Answer next: " + " ".join(f"({n}) {q}" for n, q in enumerate(names, 1))


def qualifiers(kb: KnowledgeBase, result: Result) -> list[tuple[str, str]]:
    """The notes every view shows under the headline, as (kind, sentence): 'close' and
    'fragile' are warnings, 'rests' and 'stable' and 'completions' are information."""
    out = []
    close = too_close_text(kb, result)
    if close:
        out.append(("close", close))
    if result.stability is not None:
        out.append(("fragile" if result.stability.fragile else "stable", stability_text(result)))
    rests = rests_on_text(kb, result)
    if rests:
        out.append(("rests", rests))
    completions = completions_text(kb, result)
    if completions:
        out.append(("completions", completions))
    return out
