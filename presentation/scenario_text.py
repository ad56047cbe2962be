"""The words for a scenario: each state's greatest threat and choice, the blocs, and
the agreement with the record; and the terminal rendering of ``main.py scenario``."""

from __future__ import annotations

import textwrap

from rules.kb.model import KnowledgeBase
from rules.scenario import PairThreat, ScenarioResult, StateChoice

from .figures import capital
from .grammar import closed, counted
from .wording import listed, response_label


def name_of(result: ScenarioResult, state_id: str) -> str:
    return result.scenario.state(state_id).name


def names(result: ScenarioResult, ids: tuple[str, ...] | list[str]) -> str:
    return listed([name_of(result, s) for s in ids])


def why_greatest(kb: KnowledgeBase, result: ScenarioResult, choice: StateChoice) -> str:
    """Why the greatest threat is the one it is, when it is not the strongest power; the
    sentence names the state it is about, so that it reads alone in a list."""
    if choice.greatest_threat == choice.strongest:
        return ""
    top = choice.threats[0]
    strong = next(t for t in choice.threats if t.power == choice.strongest)

    def sources(t: PairThreat) -> str:
        answers = t.answers
        return ", ".join(f"{kb.fact_label(f)} {kb.level_label(f, lv).lower()}" for f, lv in answers.items())

    return (
        f"For {name_of(result, choice.state)}, {name_of(result, top.power)} is the greater threat though "
        f"{name_of(result, strong.power)} is stronger: {top.score} points ({sources(top)}) against "
        f"{strong.score} ({sources(strong)})."
    )


def rounds_text(result: ScenarioResult) -> str:
    """How the rounds ended: 'stable after 2 rounds', or why there is no stable configuration."""
    if result.stable:
        return f"stable after {counted(result.rounds, 'round')}"
    if result.cycle:
        return f"no stable configuration: the rounds repeat in a cycle of {counted(result.cycle, 'round')}"
    return f"not settled after {counted(result.rounds, 'round')}"


def blocs_text(result: ScenarioResult) -> str:
    """'3 blocs after 2 rounds' (and whether they settled): the coalitions in one phrase."""
    text = f"{counted(len(result.coalitions), 'bloc')} after {counted(result.rounds, 'round')}"
    return text + ("" if result.stable else " (no stable configuration)")


def anchor_text(result: ScenarioResult) -> str:
    """How the published placement the scenario is checked against fared: '15 of 17
    placed (Poland and Portugal wrong) in Axelrod and Bennett ... 211-233.' (empty
    when the scenario names none). The source is a citation with its own full stop."""
    sc = result.scenario
    anchor = sc.anchor or {}
    if not anchor:
        return ""
    wrong = [w for w in anchor.get("wrong") or [] if w in sc.ids]
    text = f"{anchor.get('correct')} of {anchor.get('of')} placed"
    if wrong:
        text += f" ({names(result, wrong)} wrong)"
    source = str(anchor.get("source") or "").strip()
    return closed(f"{text} in {source}" if source else text)


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


def rival_theories(result: ScenarioResult) -> list[tuple[str, str, tuple[tuple[str, ...], ...], int | None]]:
    """(theory, how its blocs were found, its blocs, states placed as observed) for ours
    and each rival theory of the run (rules/baselines.py), ours first."""
    b = result.baselines
    ours = sum(bool(v) for v in result.agreement.values()) if result.agreement is not None else None
    return [
        ("Balance of threat (Walt)", "this run", result.coalitions, ours),
        (
            "Landscape theory (Axelrod and Bennett 1993)",
            b.landscape.method or "",
            b.landscape.coalitions,
            b.landscape.agreed,
        ),
        ("Balance of power", "all against the strongest", b.power.coalitions, b.power.agreed),
    ]


def rival_theories_lines(result: ScenarioResult) -> list[str]:
    """The "Rival theories" block of ``main.py scenario``: each theory's blocs and how
    many states it places as observed, ours first."""
    n = len(result.scenario.states)
    lines = ["", "Rival theories" + (" (states placed as observed)" if result.agreement is not None else "")]
    for theory, how, blocs, agreed in rival_theories(result):
        score = f": {agreed} of {n}" if agreed is not None else ""
        lines.append(f"  {theory}, {how}{score}")
        for k, bloc in enumerate(blocs, 1):
            lines += textwrap.wrap(
                f"{k}. {names(result, list(bloc))}", 96, initial_indent="    ", subsequent_indent="       "
            )
    return lines


def render_scenario_text(kb: KnowledgeBase, result: ScenarioResult) -> str:
    sc = result.scenario
    heading = sc.title or "Untitled scenario"
    lines = [heading, "=" * len(heading), ""]
    lines.append(f"{len(sc.states)} states; {kb.world(result.world).title}. " + closed(capital(rounds_text(result))))
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
        anchor = anchor_text(result)
        if anchor:
            lines += textwrap.wrap(f"Anchor: {anchor}", 100, subsequent_indent="        ")
    lines += rival_theories_lines(result)
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
