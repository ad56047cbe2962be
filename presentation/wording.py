"""The wording the command line, the app and the reports share.

The engine returns facts (rules/case/_result.py); the sentences a reader sees are made
here, once, so that the terminal, the window and every report say the same thing in
the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance_advisor.presentation.grammar import counted
from alliance_advisor.rules.case import Failure, Result, StageOutcome
from alliance_advisor.rules.kb import KnowledgeBase


def response_label(kb: KnowledgeBase, response_id: str | None) -> str:
    return kb.response(response_id).label if response_id else "No verdict"


def after_the_coalition_text(kb: KnowledgeBase, result: Result) -> str | None:
    """What a dissolving coalition means towards the power the case names (issue 28): the
    war stage says the coalition comes apart; the direction and mode stages, run on the
    power named (the beaten enemy, or a partner of the war now rising), say how the state
    turns towards it once the coalition is gone. None for any other verdict."""
    if not result.verdict or kb.response(result.verdict).war != "dissolve":
        return None
    concluded = {stage.stage: stage.conclusion for stage in result.stages}
    direction, mode = concluded.get("direction"), concluded.get("mode")
    course = next(
        (r for r in kb.responses if r.war is None and r.direction == direction and r.mode in (None, mode)),
        None,
    )
    if course is None:
        return None
    power = result.case.threat or "the power named"
    meaning = course.meaning.rstrip(".")
    return f"With the coalition gone, towards {power}: {course.label.lower()} ({meaning[:1].lower()}{meaning[1:]})."


def signed(x: float) -> str:
    return f"{x:+.2f}"


NO_RUNNER_UP = "no other response has support"


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
        f"for {response_label(kb, result.verdict)}" + (f" at the {info.stage} stage" if info.stage else ""),
        f"{counted(len(info.for_), 'rule')} fired for it and {len(info.against)} against it",
    ]
    if info.blocked:
        parts.append(f"{counted(len(info.blocked), 'rule')} that would support it did not fire")
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
    if not result.decisive and len(result.decisive_sets) > 1:
        return "The verdict rests on no single proposition: " + _sets_text(kb, result.decisive_sets, "it") + "."
    if not result.decisive:
        return (
            "No proposition decides the verdict, alone or in sets of up to three: it would stand without any of them."
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


def certainty_text(kb: KnowledgeBase, result: Result) -> str:
    """How sure the verdict is, in a sentence a student parses: "A close call: 55%
    balance, 35% pass the buck; it turns most on how likely allied help is." Empty where
    the result was not analysed under the answers' uncertainty."""
    dist, certainty = result.distribution, result.certainty
    if dist is None or certainty is None:
        return ""
    shares = [f"{percent(p)} {_response_word(kb, r)}" for r, p in list(dist.items())[:3] if p >= 0.05]
    if result.verdict is None:
        head = "No verdict at the answers as given; over the ways they could be read"
    elif certainty.most_probable != result.verdict:
        head = (
            f"The verdict at the answers as given is {result.verdict_label.lower()}, but read with their "
            f"uncertainty {_response_word(kb, certainty.most_probable)} is more probable"
        )
    elif certainty.close_call:
        head = "A close call"
    else:
        head = "Fairly sure" if (result.confidence or 0) < 0.8 else "Sure"
    text = f"{head}: {listed(shares)}" if shares else head
    if certainty.moves:
        topics = [kb.factor(m.factor).topic or kb.factor(m.factor).question for m in certainty.moves]
        text += f"; it turns most on {listed(topics)}"
    return text + "."


def certainty_note(kb: KnowledgeBase) -> str:
    """What the probabilities mean, once per view."""
    reading = kb.uncertainty.reading
    return (
        f"Probabilities under the answers' uncertainty: each answer given as certain is read as "
        f"{percent(1 - reading)} sure (the rest on the neighbouring levels), an answer given as a spread "
        "as given, an unknown one evenly; the verdict stays the theory's answer at the answers as given."
    )


def _response_word(kb: KnowledgeBase, response: str | None) -> str:
    return "no verdict" if response in (None, "no_verdict") else kb.response(response).label.lower()


def too_close_text(kb: KnowledgeBase, result: Result) -> str:
    """Empty unless the margin is below the declared threshold."""
    if not result.too_close or result.verdict is None:
        return ""
    runner = response_label(kb, result.runner_up)
    return (
        f"Too close to call: {result.verdict_label} leads {runner} by {result.margin:.2f}, "
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
        return f"Fragile under the weights: the verdict is {kept}, below the threshold for a firm verdict."
    return (
        f"Under the weights: the verdict is {kept}; this tests the knowledge base's weights, "
        "not the answers (how sure the verdict is: Confidence)."
    )


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


# ------------------------------------------------------------------- the stages
def _sets_text(kb: KnowledgeBase, sets: tuple[tuple[str, ...], ...], what: str) -> str:
    """What a conclusion rests on, from the smallest sets of propositions that change it."""
    if not sets:
        return f"no proposition, nor any two or three together, would change {what} if left out"
    if all(len(s) == 1 for s in sets):
        names = [proposition_name(kb, s[0]) for s in sets]
        if len(names) == 1:
            return f"without {names[0]}, {what} would change"
        return f"without any one of {listed(names, 'or')}, {what} would change"
    joined = [listed([proposition_name(kb, p) for p in s]) for s in sets]
    if len(joined) > 1:  # ids only, in brackets: titles inside would nest the brackets
        joined = [f"({listed(s)})" for s in sets]
    if len(joined) == 1:
        return f"no single proposition decides {what}; it would change only without {joined[0]} together"
    return (
        f"no single proposition decides {what}: it is carried equally by {listed(joined, 'or by')}, "
        "and without any one of these sets it would change, so no one of them is the reason"
    )


def stage_answer(kb: KnowledgeBase, result: Result, stage: StageOutcome) -> str:
    """The answer a stage gave, in a sentence a student can follow."""
    if stage.stage == kb.stages[0].id:
        score = result.threat_score
        if stage.conclusion is None:
            return "Not yet known: the answers leave the threat open, so no later stage can be weighed."
        points = f" ({score.total} of {score.maximum} points)" if score is not None else ""
        return f"The threat is {stage.conclusion}{points}: its means weighed by its perceived intentions."
    label = kb.alternative_label(stage.stage, stage.conclusion) if stage.conclusion else ""
    spec = kb.stage(stage.stage)
    if stage.conclusion is None:
        return "Not reached: an earlier stage leaves nothing to decide here."
    if stage.conclusion == spec.otherwise:
        return f"{label.capitalize()}: no rule of this stage applies."
    if stage.margin is None:
        return f"{label.capitalize()}: the only way open after the stages before it."
    won = stage.support.get(stage.conclusion, 0.0)
    text = f"{label.capitalize()} ({signed(won)})"
    if stage.runner_up is not None:
        runner = kb.alternative_label(stage.stage, stage.runner_up)
        text += f" over {runner} ({signed(stage.support.get(stage.runner_up, 0.0))})"
    text += f", a margin of {stage.margin:.2f}"
    if stage.tie:
        text += " (a tie, broken in favour of the more common course, C1)"
    return text + "; " + _sets_text(kb, stage.decisive, "it") + "."


def why_not_stage_text(kb: KnowledgeBase, result: Result, response: str) -> str:
    """Where a response parts from the verdict: the stage and the alternative it takes there."""
    assert result.why_not is not None
    info = result.why_not[response]
    if info.stage is None or info.alternative is None or response == result.verdict:
        return ""
    stage = next((s for s in result.stages if s.stage == info.stage), None)
    chosen = stage.conclusion if stage is not None else None
    mine = kb.alternative_label(info.stage, info.alternative)
    if chosen is None or chosen == info.alternative:
        return f"At the {info.stage} stage it would need {mine}."
    theirs = kb.alternative_label(info.stage, chosen)
    won = stage.support.get(chosen, 0.0) if stage is not None else 0.0
    return f"At the {info.stage} stage, {theirs} ({signed(won)}) beat {mine} ({signed(info.support)})."


@dataclass(frozen=True, kw_only=True)
class StageLine:
    """One stage as every view shows it: a row of the stage table and its sentences."""

    stage: str
    number: int
    title: str  # 'Direction'
    question: str  # the knowledge base's question of the stage
    why: str  # the question a student asks of it: 'Why against the threat rather than with it?'
    conclusion: str  # the conclusion's label ('' when none)
    runner_up: str  # '' when nothing came second
    margin: str  # '0.57', or '' when nothing was contested
    rules: tuple[str, ...]  # the stage's rules that fired
    decided_by: str  # the rules and the propositions that decided it, briefly
    answer: str  # the answer in a sentence


def _no_alignment(kb: KnowledgeBase) -> str | None:
    """The direction alternative that is no alignment at all (a path with no mode)."""
    return next((r.direction for r in kb.responses if r.direction and not r.mode and not r.war), None)


def _stage_why(kb: KnowledgeBase, result: Result, stage: StageOutcome, first: bool) -> str:
    if first:
        return "Why align at all?"
    spec = kb.stage(stage.stage)
    if stage.conclusion is None:
        return spec.question
    label = kb.alternative_label(stage.stage, stage.conclusion)
    if spec.otherwise is not None:
        return spec.question
    if stage.runner_up is not None:
        return f"Why {label.lower()} rather than {kb.alternative_label(stage.stage, stage.runner_up).lower()}?"
    return f"Why {label.lower()}?"


def _align_at_all(kb: KnowledgeBase, result: Result) -> str:
    """The threat stage's sequel: aligning (either way) against not aligning at all."""
    none = _no_alignment(kb)
    direction = (
        next((s for s in result.stages if s.stage != kb.stages[0].id and none in kb.stage(s.stage).alternatives), None)
        if none
        else None
    )
    if direction is None or direction.conclusion is None:
        return ""
    theirs = signed(direction.support.get(none, 0.0)) if none in direction.support else "0.00"
    if direction.conclusion == none:
        unaligned = kb.alternative_label(direction.stage, none).lower()
        return f" So the state does not align: {unaligned} came first ({theirs})."
    best = kb.alternative_label(direction.stage, direction.conclusion).lower()
    return (
        f" A threat like this puts the choice of aligning: aligning {best} "
        f"({signed(direction.support.get(direction.conclusion, 0.0))}) beat not aligning at all ({theirs})."
    )


def _rules_text(rules: tuple[str, ...], most: int = 4) -> str:
    if not rules:
        return "no rule fired"
    shown = list(rules[:most])
    if len(rules) > most:
        shown.append(f"{len(rules) - most} more")
    return listed(shown)


def stage_table(kb: KnowledgeBase, result: Result) -> list[StageLine]:
    """Every stage, in order, as the views show it (the text, the reports, the app)."""
    out = []
    for n, s in enumerate(result.stages, 1):
        first = n == 1
        spec = kb.stage(s.stage)
        label = kb.alternative_label(s.stage, s.conclusion) if s.conclusion else ""
        if first and s.conclusion:
            label = s.conclusion
        if first:
            decided = "the threat score (" + _rules_text(s.rules[:1]) + ")" if s.rules else "the threat score"
        elif not s.rules:
            decided = "no rule of this stage fired"
        else:
            sets = s.decisive
            if not sets:
                props = ""
            elif all(len(x) == 1 for x in sets):
                props = "; rests on " + listed([x[0] for x in sets]) + (" (each needed)" if len(sets) > 1 else "")
            elif len(sets) == 1:
                props = "; rests on " + listed(sets[0]) + " together"
            else:
                props = "; carried equally by " + listed([f"({listed(x)})" for x in sets], "or by")
            decided = _rules_text(s.rules) + props
        answer = stage_answer(kb, result, s) + (_align_at_all(kb, result) if first else "")
        out.append(
            StageLine(
                stage=s.stage,
                number=n,
                title=s.stage.replace("_", " ").capitalize(),
                question=spec.question,
                why=_stage_why(kb, result, s, first),
                conclusion=label,
                runner_up=kb.alternative_label(s.stage, s.runner_up) if s.runner_up else "",
                margin="" if s.margin is None else f"{s.margin:.2f}",
                rules=s.rules,
                decided_by=decided,
                answer=answer,
            )
        )
    return out


def why_not_stage_detail(kb: KnowledgeBase, result: Result, response: str) -> str:
    """'Why not balance internally? At the mode stage, ...; R7-BALANCE-ALONE did not fire:
    allied support usable is yes; the rule needs no.'"""
    where = why_not_stage_text(kb, result, response)
    if not where:
        return ""
    assert result.why_not is not None
    info = result.why_not[response]
    text = f"Why not {response_label(kb, response).lower()}? {where}"
    if info.blocked:
        first = info.blocked[0]
        reason = failure_text(kb, first.failed[0]) if first.failed else "blocked"
        text = text[:-1] + f"; {first.rule} did not fire: {reason}."
    return text


def effect_label(kb: KnowledgeBase, layer: str, alternative: str) -> str:
    """What a stage rule weighs on, in words: 'Direction: against the threat'. A stage
    rule lends support to an alternative of its stage, never to a response."""
    stage = next((s for s in kb.stages if s.layer == layer), None)
    if stage is None or alternative not in stage.alternatives:
        return alternative.replace("_", " ")
    return f"{stage.id.replace('_', ' ').capitalize()}: {kb.alternative_label(stage.id, alternative)}"


# ------------------------------------------------------- the summary's lead
def match_text(kb: KnowledgeBase, result: Result) -> str:
    """Whether the prediction matched what the state did, in a sentence (empty where the
    case records nothing): 'Yes: the theory predicted balance, and Norway balanced.'"""
    observed = result.case.observed
    kind, _ = agreement_text(result, observed)
    if not kind:
        return ""
    did = response_label(kb, observed).lower()
    if kind == "no_prediction":
        return f"No prediction to compare: the theory gives no verdict; the record says {did}."
    said = response_label(kb, result.verdict).lower()
    if kind == "agrees":
        return f"Yes: the theory predicts {said}, as the record has it."
    return f"No: the theory predicts {said}; the record says {did}."


def decisive_propositions(kb: KnowledgeBase, result: Result) -> tuple[str, ...]:
    """The propositions the verdict turns on, most decisive first: those without which it
    changes (alone or in the smallest sets); where none does, those the deciding stages'
    fired rules encode, so a reader always has the pages to look up."""
    if result.decisive:
        return result.decisive
    found: list[str] = [p for s in result.decisive_sets for p in s]
    if not found:
        rules = {rule for stage in result.stages[1:] for rule in stage.rules}
        found = [p for item in result.fired if item.rule in rules for p in item.propositions]
    return tuple(dict.fromkeys(found))


def proposition_pages_text(kb: KnowledgeBase, prop_id: str) -> str:
    """'B1 balancing, general form (Walt 1987, pp. 17, 32)'."""
    prop = kb.proposition(prop_id)
    return f"{prop_id} {prop.title[:1].lower()}{prop.title[1:]} ({prop.citation})"


def whatif_texts(kb: KnowledgeBase, result: Result) -> list[str]:
    """What would change the verdict, one sentence per question: 'Ally availability: if
    none or doubtful, bandwagon; if certain, free-ride.' Then each unknown answer's
    verdict by level. Empty where nothing was computed."""
    whatif = result.whatif
    if whatif is None:
        return []
    by_factor: dict[str, dict[str | None, list[str]]] = {}
    for flip in whatif.flips:
        by_factor.setdefault(flip.factor, {}).setdefault(flip.verdict, []).append(flip.to)
    out = []
    for factor, verdicts in by_factor.items():
        parts = [
            f"if {listed([kb.level_label(factor, lv).lower() for lv in levels], 'or')}, {_response_word(kb, v)}"
            for v, levels in verdicts.items()
        ]
        now = kb.level_label(factor, result.case.answers[factor]).lower()
        out.append(f"{kb.fact_label(factor).capitalize()} (now {now}): " + "; ".join(parts) + ".")
    for factor, by_level in whatif.unknowns.items():
        parts = [f"{kb.level_label(factor, lv).lower()}: {_response_word(kb, v)}" for lv, v in by_level.items()]
        out.append(f"{kb.fact_label(factor).capitalize()} (unknown), if known: " + "; ".join(parts) + ".")
    if not out:
        out.append("No single changed answer changes the verdict: the prediction is stable.")
    return out
