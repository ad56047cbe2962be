"""What a scenario report says, as the same blocks the case reports use.

``scenario_report_blocks(result)`` turns the one ScenarioResult into a Report: the
data with their sources, the coalition diagram, the table of each state's greatest
threat, verdict and partners, the agreement with the observed blocs, the rival
theories side by side with it (landscape theory, balance of power), each state's
reasoning, and the lines to cite and reproduce it. The Markdown, HTML and PDF writers
format it as they format a case report.
"""

import datetime
import os
import shlex

from alliance_advisor.presentation import wording
from alliance_advisor.presentation.citations import listed_sources
from alliance_advisor.presentation.coalitions import coalition_svg
from alliance_advisor.presentation.grammar import counted
from alliance_advisor.presentation.scenario import (
    BASELINE_COLUMNS,
    aims_text,
    anchor_text,
    baseline_rows,
    bloc_threat_text,
    choice_text,
    greatest_name,
    name_of,
    names,
    rounds_text,
    why_greatest,
)
from alliance_advisor.reports.blocks import (
    BR,
    Bullets,
    Figure,
    Heading,
    KeyValues,
    Para,
    Report,
    Run,
    Table,
    code,
    emphasis,
    strong,
)
from alliance_advisor.reports.case import theory_reference
from alliance_advisor.rules.version import app_version


def _state_names(result, ids):
    return names(result, list(ids)) or "none"


def _summary(result):
    sc = result.scenario
    kb = result.states[sc.ids[0]].result.kb
    rounds = rounds_text(result) + (" of choices feeding back into allies and alignments" if result.stable else "")
    rows = [("Coalitions", [Run(f"{counted(len(result.coalitions), 'bloc')}, {rounds}.")])]
    for n, bloc in enumerate(result.coalitions, 1):
        rows.append((f"Bloc {n}", [Run(_state_names(result, bloc))]))
    if result.unaligned:
        rows.append(("Unaligned", [Run(_state_names(result, result.unaligned))]))
    if result.misassigned is not None:
        agreed = sum(bool(v) for v in (result.agreement or {}).values())
        rows.append(
            (
                "Against the record",
                [
                    strong(f"{agreed} of {len(sc.states)}"),
                    Run(
                        " states placed as in the observed blocs; misassigned: "
                        + _state_names(result, result.misassigned)
                        + "."
                    ),
                ],
            )
        )
    anchor = anchor_text(result)
    if anchor:
        rows.append(("Anchor", [Run(anchor)]))
    rows.append(("World", [Run(kb.world(result.world).title)]))
    return [
        Para(
            [
                Run(
                    f"{len(sc.states)} states"
                    + (f", {sc.year}" if sc.year else "")
                    + ". For each state: the threat every other power poses, its greatest threat, and the "
                    "response Walt's theory expects against it; then the coalitions the choices make."
                )
            ],
            "lead",
        ),
        KeyValues(rows, "summary"),
    ]


def _choices_section(result):
    kb = result.states[result.scenario.ids[0]].result.kb
    rows = []
    for sid, choice in result.states.items():
        top = choice.threats[0]
        mark = []
        if result.agreement is not None and not result.agreement[sid]:
            mark = [BR, emphasis("placed otherwise in the record")]
        rows.append(
            [
                [strong(name_of(result, sid))],
                [Run(greatest_name(result, choice))],
                [Run(f"{top.threat_level or 'open'} ({top.score} of {top.maximum})")],
                [Run(choice_text(kb, result, choice))] + mark,
            ]
        )
    blocks = [
        Heading(2, "Each state's choice", "choices"),
        # One page for the whole table: a reader compares the states down its rows.
        Table(
            ["State", "Greatest threat", "Threat", "Choice and partners"],
            rows,
            "steps",
            widths=(18, 18, 16, 48),
            whole=True,
        ),
    ]
    notes = [why_greatest(kb, result, c) for c in result.states.values()]
    notes = [n for n in notes if n]
    if notes:
        blocks.append(Heading(3, "Where the greatest threat is not the strongest power", "not-strongest"))
        blocks.append(Bullets([[Run(n)] for n in notes]))
    made = [bloc_threat_text(result, c) for c in result.states.values()]
    made = [n for n in made if n]
    if made:
        blocks.append(Heading(3, "Where the greatest threat is a bloc", "bloc-threats"))
        blocks.append(Bullets([[Run(n)] for n in made]))
    aims = [aims_text(result, c) for c in result.states.values()]
    aims = [n for n in aims if n]
    if aims:
        blocks.append(Heading(3, "States that others take for aggressors", "aggressors"))
        blocks.append(Bullets([[Run(n)] for n in aims]))
    return blocks


def _theories_section(result):
    """The three theories side by side against the observed blocs (presentation's rows)."""
    observed = result.misassigned is not None
    lead = (
        "Balance of threat beside two rival theories run on the same data: Axelrod and Bennett's landscape "
        "theory (the split into two blocs of least frustration, from capabilities and the propensities the "
        "scenario's perceptions and alignments give) and balance of power (every state against the strongest)."
    )
    if observed:
        lead += " Each is scored against the observed blocs with the same matching."
    rows = [
        [[strong(theory)], [Run(how)], [Run(placed)], [Run(blocs)], [Run(wrong)]]
        for theory, how, placed, blocs, wrong in baseline_rows(result)
    ]
    return [
        Heading(2, "Rival theories", "theories"),
        Para([Run(lead)]),
        Table(
            list(BASELINE_COLUMNS),
            rows,
            "steps",
            widths=(18, 14, 12, 36, 20),
            whole=True,
        ),
    ]


def _data_section(result):
    sc = result.scenario
    kb = result.states[sc.ids[0]].result.kb
    rows = []
    for s in sc.states:
        seen = sc.perceptions.get(s.id, {})
        coded = (
            "; ".join(f"{name_of(result, p)} {kb.level_label('intentions', lv).lower()}" for p, lv in seen.items())
            or "none coded (ambiguous)"
        )
        rows.append(
            [
                [strong(s.name)],
                [Run(f"{s.capability:.4f}")],
                [Run(kb.level_label("offensive_capability", s.offensive_capability))],
                [Run(coded)],
            ]
        )
    blocks = [
        Heading(2, "The data", "data"),
        Para(
            [
                Run(
                    "Capability is the state's share of the system's material capabilities; perceptions are how "
                    "the state's leaders saw each other power's aims that year (a pair not coded is ambiguous). "
                    "The answers of every pair are derived from these by the mapping in knowledge/derivation.yaml."
                )
            ]
        ),
        Table(
            ["State", "Capability", "Offensive", "Sees the aims of"],
            rows,
            "answers",
            numeric=(1,),
            widths=(18, 12, 14, 56),
        ),
    ]
    if sc.neighbours:
        pairs = sorted(" \u2013 ".join(sorted(name_of(result, x) for x in pair)) for pair in sc.neighbours)
        blocks.append(Para([strong("Neighbours: "), Run("; ".join(pairs) + ".")], "small"))
    if sc.alignments:
        blocks.append(
            Para(
                [strong("Alignments in force: "), Run("; ".join(_state_names(result, a) for a in sc.alignments) + ".")],
                "small",
            )
        )
    if sc.contested:
        blocks.append(Heading(3, "Contested codings", "contested"))
        blocks.append(Bullets([[Run(c)] for c in sc.contested]))
    if sc.sources:
        blocks.append(Heading(3, "Sources", "sources"))
        blocks.append(Bullets([[Run(s)] for s in sc.sources]))
    return blocks


def _reasoning_section(result):
    blocks = [
        Heading(2, "Each state's reasoning", "reasoning"),
        Para(
            [
                Run(
                    "The single-case engine's reasoning for each state against its greatest threat: the answers "
                    "derived for the pair, what the verdict rests on, and the rules that fired. Open any pair as a "
                    "case for the whole explanation (why not the others, what if, the three worlds)."
                )
            ]
        ),
    ]
    for sid, choice in result.states.items():
        res = choice.result
        kb = res.kb
        blocks.append(
            Heading(3, f"{name_of(result, sid)} facing {name_of(result, choice.greatest_threat)}", f"state-{sid}")
        )
        answers = []
        for d in choice.derivation:
            text = f"{kb.fact_label(d.factor)}: {kb.level_label(d.factor, d.level)}"
            answers.append(emphasis(text) if d.source == "override" else Run(text))
            answers.append(Run("; "))
        blocks.append(Para(answers[:-1], "small"))
        verdict = [strong(res.verdict_label), Run(f" (margin {res.margin:.2f}). ")]
        rests = wording.rests_on_text(kb, res) if res.verdict else wording.no_verdict_text(kb, res)
        blocks.append(Para(verdict + [Run(rests)]))
        fired = [f"{item.rule}" for item in res.fired if item.layer != "derive"]
        blocks.append(Para([Run("Support rules that fired: "), code(", ".join(fired) or "none")], "small"))
    return blocks


def _cite_section(result, generated, output):
    sc = result.scenario
    name = os.path.basename(sc.path) if sc.path else "SCENARIO.yaml"
    command = (
        ["python", "main.py", "scenario", name, "--format", output[0]]
        + (["--paper", output[2]] if output[0] == "pdf" and output[2] != "a4" else [])
        + ["-o", output[1] or f"report.{output[0]}"]
    )
    return [
        Heading(2, "How to cite and reproduce", "cite"),
        KeyValues(
            [
                (
                    "This report",
                    [
                        Run(f"Alliance Advisor {app_version()}, knowledge base "),
                        code(result.knowledge_version),
                        Run(", derivation "),
                        code(result.derivation_version),
                        Run(f". \u201c{sc.title or 'Scenario'}\u201d: scenario report, generated {generated}."),
                    ],
                ),
                (
                    "The theory",
                    theory_reference(result.states[sc.ids[0]].result.kb.theory.source),
                ),
                (
                    "The data",
                    [Run(listed_sources(sc.sources) or "As the analyst gave them; the scenario names no sources.")],
                ),
                ("Command", [code(shlex.join(command))]),
            ],
            "cite",
        ),
    ]


def scenario_report_blocks(result, generated=None, output=("html", "", "a4")) -> Report:
    """The report of a scenario; ``output`` is (format, file name, paper) for the command line."""
    generated = generated or datetime.date.today().isoformat()
    sc = result.scenario
    title = sc.title or "Untitled scenario"
    blocks: list = [Heading(1, title, "top")]
    blocks += _summary(result)
    blocks.append(
        Figure(
            "coalitions",
            coalition_svg(result),
            [
                strong("Coalitions. "),
                Run(
                    "States grouped by predicted bloc, each circle's area its capability; a red arrow runs from each "
                    "state to its greatest threat, grey lines join balancing partners"
                    + (
                        "; a dashed ring marks a state the observed blocs place elsewhere."
                        if result.misassigned
                        else "."
                    )
                ),
            ],
            f"Coalition diagram of {title}",
            wide=True,
        )
    )
    blocks += _choices_section(result)
    blocks += _theories_section(result)
    blocks += _data_section(result)
    blocks += _reasoning_section(result)
    blocks += _cite_section(result, generated, output)
    return Report(title, blocks, generated, result.knowledge_version)


def scenario_report(result, fmt, path, paper="a4") -> Report:
    """The report of a scenario run as blocks, told where it goes (md, html or pdf)
    so that its reproduce line is true."""
    return scenario_report_blocks(result, output=(fmt, os.path.basename(os.fspath(path)), paper))
