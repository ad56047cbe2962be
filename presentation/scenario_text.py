"""The words for a scenario: each state's greatest threat and choice, the blocs, and
the agreement with the record; and the terminal rendering of ``main.py scenario``."""

from __future__ import annotations

import textwrap

from rules.knowledge import KnowledgeBase
from rules.scenario import PairThreat, ScenarioResult, StateChoice

from .wording import listed, response_label


def name_of(result: ScenarioResult, state_id: str) -> str:
    return result.scenario.state(state_id).name


def names(result: ScenarioResult, ids: tuple[str, ...] | list[str]) -> str:
    return listed([name_of(result, s) for s in ids])


def why_greatest(kb: KnowledgeBase, result: ScenarioResult, choice: StateChoice) -> str:
    """Why the greatest threat is the one it is, when it is not the strongest power."""
    if choice.greatest_threat == choice.strongest:
        return ""
    top = choice.threats[0]
    strong = next(t for t in choice.threats if t.power == choice.strongest)

    def sources(t: PairThreat) -> str:
        answers = t.answers
        return ", ".join(f"{kb.fact_label(f)} {kb.level_label(f, lv).lower()}" for f, lv in answers.items())

    return (
        f"{name_of(result, top.power)} is the greater threat though {name_of(result, strong.power)} is "
        f"stronger: {top.score} points ({sources(top)}) against {strong.score} ({sources(strong)})."
    )


def choice_text(kb: KnowledgeBase, result: ScenarioResult, choice: StateChoice) -> str:
    """'Balance against Germany, with France and Britain.'"""
    threat = name_of(result, choice.greatest_threat)
    label = response_label(kb, choice.verdict)
    if choice.side == "against":
        partners = f", with {names(result, choice.partners)}" if choice.partners else ", with no partner able to help"
        return f"{label} against {threat}{partners}."
    if choice.side == "with":
        return f"{label}: align with {threat}."
    return f"{label} (facing {threat})."


def render_scenario_text(kb: KnowledgeBase, result: ScenarioResult) -> str:
    sc = result.scenario
    heading = sc.title or "Untitled scenario"
    lines = [heading, "=" * len(heading), ""]
    lines.append(
        f"{len(sc.states)} states; {kb.world(result.world).title}. "
        + (
            f"Stable after {result.rounds} round(s)."
            if result.stable
            else f"No stable configuration: the rounds repeat in a cycle of {result.cycle}."
            if result.cycle
            else f"Not settled after {result.rounds} rounds."
        )
    )
    lines.append("")
    lines.append("Coalitions")
    for n, bloc in enumerate(result.coalitions, 1):
        lines += textwrap.wrap(f"{n}. {names(result, list(bloc))}", 96, initial_indent="  ", subsequent_indent="     ")
    if result.unaligned:
        lines += textwrap.wrap(
            f"Unaligned: {names(result, list(result.unaligned))}", 96, initial_indent="  ", subsequent_indent="     "
        )
    lines.append("")
    width = max(len(s.name) for s in sc.states)
    twidth = max(width, len("Greatest threat"))
    lines.append(f"{'State':{width}s}  {'Greatest threat':{twidth}s}  {'Level':8s}  Choice")
    for sid, choice in result.states.items():
        level = choice.threats[0].threat_level or "open"
        mark = ""
        if result.agreement is not None and not result.agreement[sid]:
            mark = "  <- misassigned"
        head = f"{name_of(result, sid):{width}s}  {name_of(result, choice.greatest_threat):{twidth}s}  {level:8s}  "
        lines += textwrap.wrap(
            choice_text(kb, result, choice) + mark, 100, initial_indent=head, subsequent_indent=" " * len(head)
        )
        why = why_greatest(kb, result, choice)
        if why:
            lines += textwrap.wrap(why, 100, initial_indent=" " * len(head), subsequent_indent=" " * len(head))
    if result.misassigned is not None:
        lines.append("")
        agreed = sum(bool(v) for v in (result.agreement or {}).values())
        lines.append(f"Against the observed blocs: {agreed} of {len(sc.states)} states placed as observed.")
        lines.append(f"Misassigned: {names(result, list(result.misassigned)) or 'none'}")
        anchor = sc.anchor or {}
        if anchor:
            wrong = anchor.get("wrong") or []
            lines += textwrap.wrap(
                f"Anchor: {anchor.get('source', '')}: {anchor.get('correct')} of {anchor.get('of')} placed"
                + (f" ({names(result, [w for w in wrong if w in sc.ids])} wrong)." if wrong else "."),
                100,
            )
    if result.notes:
        lines.append("")
        lines += [f"Note: {n}" for n in result.notes]
    lines.append("")
    lines.append("Threats per state (points of the threat score, greatest first)")
    for sid, choice in result.states.items():
        ranked = ", ".join(f"{name_of(result, t.power)} {t.score}" for t in choice.threats[:5])
        lines += textwrap.wrap(
            f"{name_of(result, sid)}: {ranked}", 100, initial_indent="  ", subsequent_indent="      "
        )
    if sc.contested:
        lines.append("")
        lines.append("Contested codings")
        for item in sc.contested:
            lines += textwrap.wrap(item, 100, initial_indent="  - ", subsequent_indent="    ")
    if sc.sources:
        lines.append("")
        lines.append("Sources")
        for item in sc.sources:
            lines += textwrap.wrap(item, 100, initial_indent="  - ", subsequent_indent="    ")
    lines.append("")
    lines.append(
        f"Knowledge base {result.knowledge_version}, derivation {result.derivation_version}. "
        "Each state's full reasoning: --format json (states.<id>.explanation)."
    )
    return "\n".join(lines) + "\n"
