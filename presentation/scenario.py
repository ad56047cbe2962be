"""The words for a scenario: each state's greatest threat and choice, the blocs, and
the agreement with the record; and the terminal rendering of ``main.py scenario``."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from alliance_advisor.presentation.figures import capital
from alliance_advisor.presentation.grammar import closed, counted
from alliance_advisor.presentation.wording import listed, response_label
from alliance_advisor.rules.kb import KnowledgeBase
from alliance_advisor.rules.scenario import PairThreat, ScenarioResult, StateChoice


def name_of(result: ScenarioResult, state_id: str) -> str:
    return result.scenario.state(state_id).name


def names(result: ScenarioResult, ids: tuple[str, ...] | list[str]) -> str:
    return listed([name_of(result, s) for s in ids])


def threat_name(result: ScenarioResult, threat: PairThreat) -> str:
    """A threat in words: a state's name, or 'the bloc of France and the Soviet Union'."""
    if threat.is_bloc and len(threat.members) <= 3:
        return f"the bloc of {names(result, list(threat.members))}"
    if threat.is_bloc:
        return f"the bloc of {name_of(result, threat.power)} and {len(threat.members) - 1} others"
    return name_of(result, threat.power)


def led_bloc_name(result: ScenarioResult, threat: PairThreat, shown: int = 3) -> str:
    """A bloc threat said apart from its leader alone: 'the bloc led by the Soviet Union
    (with Poland and Hungary)', 'the bloc led by Germany (with Italy, Japan and 4 others)';
    a single state's threat, its name."""
    if not threat.is_bloc:
        return name_of(result, threat.power)
    others = [m for m in threat.members if m != threat.power]
    if len(others) > shown:
        rest = len(others) - (shown - 1)
        with_text = ", ".join(name_of(result, m) for m in others[: shown - 1]) + f" and {rest} others"
    else:
        with_text = names(result, others)
    return f"the bloc led by {name_of(result, threat.power)}" + (f" (with {with_text})" if with_text else "")


def ranked_threat_text(result: ScenarioResult, threat: PairThreat) -> str:
    """One threat of a state's ranking, the bloc told from the state: 'the bloc led by
    Russia (with Poland and Hungary): severe, 15' beside 'Russia alone: severe, 12'."""
    level = threat.threat_level or "open"
    if threat.is_bloc:
        return f"{led_bloc_name(result, threat)}: {level}, {threat.score}"
    return f"{name_of(result, threat.power)} alone: {level}, {threat.score}"


def greatest_name(result: ScenarioResult, choice: StateChoice) -> str:
    """The greatest threat in words (a state, or the bloc it leads)."""
    return threat_name(result, choice.threats[0])


# What each source of a bloc's threat is, for the sentence saying which members make it so.
_BLOC_SOURCE_WORDS = {
    "threat_power": "its power pooled from",
    "proximity": "its nearness from",
    "offensive_capability": "its means to strike from",
    "intentions": "its aims from",
}


def _members(result: ScenarioResult, members: tuple[str, ...], whole: int) -> str:
    if len(members) == whole and whole > 3:
        return f"all {whole} members"
    if len(members) > 3:
        return f"{len(members)} members"
    return names(result, list(members))


def bloc_threat_text(result: ScenarioResult, choice: StateChoice) -> str:
    """Which members make a bloc the greatest threat: 'For Britain the greatest threat is
    the bloc of France and the Soviet Union: its power from ..., its aims from ...'
    (empty when the greatest threat is a single state)."""
    top = choice.threats[0]
    if not top.is_bloc:
        return ""
    parts = [
        f"{_BLOC_SOURCE_WORDS[source]} {_members(result, members, len(top.members))}"
        for source, members in top.made_by
        if source in _BLOC_SOURCE_WORDS and members
    ]
    return closed(
        f"For {name_of(result, choice.state)} the greatest threat is {threat_name(result, top)}, "
        f"{top.score} points: " + "; ".join(parts)
    )


def aims_text(result: ScenarioResult, choice: StateChoice) -> str:
    """For a state that others see as aggressive and take for their greatest threat: its
    own choice is read against its own greatest threat like anyone's, and the theory says
    nothing of its aims (so the words do not call its expansion balancing). Empty for
    the others."""
    if not choice.threatens:
        return ""
    return closed(
        f"{name_of(result, choice.state)} is the greatest threat of {names(result, list(choice.threatens))}, "
        f"{'which sees' if len(choice.threatens) == 1 else 'which see'} it as aggressive; "
        "its own choice is read against its own greatest threat, and the theory "
        "says nothing of its aims toward them"
    )


def threat_rows(kb: KnowledgeBase, threat: PairThreat) -> list[tuple[str, str, int]]:
    """The rows of a threat's table, for the app's threat table and the reports: (source,
    its level, the points it adds to the score) for each of the four sources, the
    intentions included, from the rule program's one computation (ScoreOutcome.parts).
    The points add up to the threat's score."""
    points = dict(threat.parts)
    return [
        (capital(kb.fact_label(f)), kb.level_label(f, level), points.get(f, 0))
        for f, level in threat.answers.items()
        if f in points
    ]


def why_greatest(kb: KnowledgeBase, result: ScenarioResult, choice: StateChoice) -> str:
    """Why the greatest threat is the one it is, when it is not the strongest power; the
    sentence names the state it is about, so that it reads alone in a list."""
    top = choice.threats[0]
    if choice.greatest_threat == choice.strongest:
        return ""
    strong = next(t for t in choice.threats if t.power == choice.strongest and not t.is_bloc)

    def sources(t: PairThreat) -> str:
        answers = t.answers
        return ", ".join(f"{kb.fact_label(f)} {kb.level_label(f, lv).lower()}" for f, lv in answers.items())

    bloc = f"{threat_name(result, top)}, " if top.is_bloc else ""
    return (
        f"For {name_of(result, choice.state)}, {name_of(result, top.power)} is the greater threat though "
        f"{name_of(result, strong.power)} is stronger: {bloc}{top.score} points ({sources(top)}) against "
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


# Why a state stays out of every bloc (StateChoice.stays_out, derivation.yaml `stays_out`).
STAYS_OUT_WORDS = {
    "low": "the threat is too small to ally over",
    "far": "the threat is far away",
    "balanced": "the threat is balanced without it: its partners' help is certain",
}


def stays_out_text(choice: StateChoice) -> str:
    """Why the state stays out of every bloc, 'the threat is far away' (empty when it
    takes a side, or is apart for another reason)."""
    return STAYS_OUT_WORDS.get(choice.stays_out or "", "")


# How a state that stands against its threat stands with the others who do, by the
# mode of its response (rules.yaml, `mode`). A state that balances on its own
# resources makes no alliance (responses.yaml): those who share its threat are not
# its allies, and the words must not make them so.
_PARTNERS_BY_MODE = {
    "own_resources": (
        ": it arms on its own resources rather than in an alliance; {partners} {verb} the same threat",
        ": it arms on its own resources, with no partner able to help",
    ),
}
_PARTNERS_OTHERWISE = (", with {partners}", ", with no partner able to help")


def _partners_text(kb: KnowledgeBase, result: ScenarioResult, choice: StateChoice) -> str:
    mode = kb.response(choice.verdict).mode if choice.verdict else None
    some, none = _PARTNERS_BY_MODE.get(mode or "", _PARTNERS_OTHERWISE)
    if not choice.partners:
        return none
    return some.format(partners=names(result, choice.partners), verb="faces" if len(choice.partners) == 1 else "face")


def choice_text(kb: KnowledgeBase, result: ScenarioResult, choice: StateChoice) -> str:
    """'Balance against Germany, with France and Britain.'; for a state that stays out,
    'Stay unaligned, staying out of every bloc (the threat is far away), facing Japan.'"""
    threat = greatest_name(result, choice)
    label = response_label(kb, choice.verdict)
    why = stays_out_text(choice)
    if why:
        return f"{label}, staying out of every bloc ({why}), facing {threat}."
    if choice.side == "against":
        return f"{label} against {threat}{_partners_text(kb, result, choice)}."
    if choice.side == "with":
        return f"{label}: align with {threat}" + (", joining its bloc." if choice.threat_bloc else ".")
    return f"{label} (facing {threat})."


@dataclass(frozen=True, kw_only=True)
class RivalTheory:
    """One theory's blocs for a scenario, as the rival-theories views show them."""

    theory: str
    how: str  # how its blocs were found
    blocs: tuple[tuple[str, ...], ...]
    agreed: int | None  # states placed as observed (None without observed blocs)
    misplaced: tuple[str, ...] | None  # the states it places wrongly (None without observed blocs)


def rival_theories(result: ScenarioResult) -> list[RivalTheory]:
    """Ours and each rival theory of the run (rules/scenario/_baselines.py), ours first."""
    b = result.baselines
    ours = sum(bool(v) for v in result.agreement.values()) if result.agreement is not None else None
    return [
        RivalTheory(
            theory="Balance of threat (Walt)",
            how="this run",
            blocs=result.coalitions,
            agreed=ours,
            misplaced=result.misassigned,
        ),
        RivalTheory(
            theory="Landscape theory (Axelrod and Bennett 1993)",
            how=b.landscape.method or "",
            blocs=b.landscape.coalitions,
            agreed=b.landscape.agreed,
            misplaced=b.landscape.misassigned,
        ),
        RivalTheory(
            theory="Balance of power",
            how="all against the strongest",
            blocs=b.power.coalitions,
            agreed=b.power.agreed,
            misplaced=b.power.misassigned,
        ),
    ]


BASELINE_COLUMNS = ("Theory", "How", "Placed as observed", "Blocs", "Misplaced")


def names_at_most(result: ScenarioResult, ids: tuple[str, ...] | list[str], shown: int | None = None) -> str:
    """The states' names, or the first ``shown`` of them and how many others: 'Britain,
    France and 5 others' (never 'and 1 others': a list one name longer is said whole)."""
    ids = list(ids)
    if shown is None or len(ids) <= shown + 1:
        return names(result, ids)
    return ", ".join(name_of(result, s) for s in ids[:shown]) + f" and {len(ids) - shown} others"


def bloc_lines(result: ScenarioResult, blocs: tuple[tuple[str, ...], ...], shown: int | None = None) -> list[str]:
    """Each bloc numbered, its states named (at most ``shown`` of them): '1. Britain and 6 others'."""
    return [f"{k}. {names_at_most(result, b, shown)}" for k, b in enumerate(blocs, 1)]


def misplaced_text(result: ScenarioResult, rival: RivalTheory, shown: int | None = None) -> str:
    """The states a theory places wrongly ("none"; "-" without observed blocs)."""
    if rival.misplaced is None:
        return "-"
    return names_at_most(result, rival.misplaced, shown) or "none"


def baseline_rows(result: ScenarioResult) -> list[tuple[str, str, str, str, str]]:
    """The rows of the three theories side by side against the observed blocs, for the
    reports and the app's window: (theory, how its blocs were found, states placed as
    observed ("10 of 17", or "-" without observed blocs), its blocs ("1. A, B; 2. C"),
    the states it places wrongly ("none", or "-")). Ours first."""
    n = len(result.scenario.states)
    rows = []
    for rival in rival_theories(result):
        placed = f"{rival.agreed} of {n}" if rival.agreed is not None else "-"
        listed_blocs = "; ".join(bloc_lines(result, rival.blocs)) or "none"
        rows.append((rival.theory, rival.how, placed, listed_blocs, misplaced_text(result, rival)))
    return rows


def rival_theories_lines(result: ScenarioResult) -> list[str]:
    """The "Rival theories" block of ``main.py scenario``: each theory's blocs and how
    many states it places as observed, ours first."""
    n = len(result.scenario.states)
    lines = ["", "Rival theories" + (" (states placed as observed)" if result.agreement is not None else "")]
    for rival in rival_theories(result):
        score = f": {rival.agreed} of {n}" if rival.agreed is not None else ""
        lines.append(f"  {rival.theory}, {rival.how}{score}")
        for k, bloc in enumerate(rival.blocs, 1):
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
    twidth = max(width + len(" (bloc)"), len("Greatest threat"))
    lines.append(f"{'State':{width}s}  {'Greatest threat':{twidth}s}  {'Level':8s}  Choice")
    for sid, choice in result.states.items():
        level = choice.threats[0].threat_level or "open"
        mark = ""
        if result.agreement is not None and not result.agreement[sid]:
            mark = "  <- misassigned"
        shown = name_of(result, choice.greatest_threat) + (" (bloc)" if choice.threat_bloc else "")
        head = f"{name_of(result, sid):{width}s}  {shown:{twidth}s}  {level:8s}  "
        lines += textwrap.wrap(
            choice_text(kb, result, choice) + mark, 100, initial_indent=head, subsequent_indent=" " * len(head)
        )
        for why in (why_greatest(kb, result, choice), bloc_threat_text(result, choice), aims_text(result, choice)):
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
        ranked = ", ".join(f"{threat_name(result, t)} {t.score}" for t in choice.threats[:5])
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


@dataclass(frozen=True, kw_only=True)
class ThreatRow:
    """One row of a state's table of threats: every other power (and each bloc weighed
    as one), its threat points on the rule program's score, out of ``maximum``."""

    power: str  # the state, or the bloc's leader
    label: str  # 'Russia', 'Russia alone' beside 'the bloc led by Russia (with …)'
    is_bloc: bool
    score: int
    maximum: int
    level: str  # the threat's level, 'open' where the rules left it open


def ranked_threat_rows(result: ScenarioResult, choice: StateChoice) -> list[ThreatRow]:
    """Every threat a state weighs, greatest first, as the JSON's ``threats`` lists them
    (the same scores); a state is said 'alone' where a bloc it leads is listed too."""
    leaders = {t.power for t in choice.threats if t.is_bloc}
    return [
        ThreatRow(
            power=t.power,
            label=led_bloc_name(result, t)
            if t.is_bloc
            else name_of(result, t.power) + (" alone" if t.power in leaders else ""),
            is_bloc=t.is_bloc,
            score=t.score,
            maximum=t.maximum,
            level=t.threat_level or "open",
        )
        for t in choice.threats
    ]


def ranked_threats_heading(result: ScenarioResult, choice: StateChoice) -> str:
    """What the numbers of a state's table of threats are, in a sentence."""
    rows = choice.threats
    top = max((t.maximum for t in rows), default=0)
    blocs = sum(t.is_bloc for t in rows)
    singles = len(rows) - blocs
    counted_blocs = f" and {counted(blocs, 'bloc')} weighed as one" if blocs else ""
    return (
        f"How much each power threatens {name_of(result, choice.state)}: the threat points of the rule "
        f"program, 0 to {top}, for {counted(singles, 'other state')}{counted_blocs}, greatest first."
    )
