"""What a report says, independent of its format.

``report_blocks(result)`` turns the one Result into a list of blocks (headings,
paragraphs, tables, figures...: reports/blocks.py). The Markdown, HTML and PDF
renderers only format these blocks: the wording of a report lives here once, and no
renderer re-derives any reasoning or knows what kind of result it came from.
"""

from __future__ import annotations

import datetime
import os
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from alliance_advisor.presentation import figures, wording
from alliance_advisor.presentation.citations import inverted_name, listed_sources, merge_citations, merge_pages
from alliance_advisor.presentation.figures import capital, signed
from alliance_advisor.presentation.grammar import closed, counted, plural
from alliance_advisor.reports.blocks import (
    BR,
    Block,
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
from alliance_advisor.rules.case import Analogue, Case, FiredRule, Result, WhatIf, WorldOutcome
from alliance_advisor.rules.kb import KnowledgeBase, Source
from alliance_advisor.rules.version import app_version

# ------------------------------------------------------------------ the words


def _kb(result: Result) -> KnowledgeBase:
    """The knowledge base a result was reasoned on (every Result a report gets has one)."""
    assert result.kb is not None
    return result.kb


def _response_label(kb: KnowledgeBase, response_id: str | None) -> str:
    return kb.response(response_id).label if response_id else "no verdict"


def _fact_runs(kb: KnowledgeBase, facts: dict[str, str], kinds: dict[str, str] | None = None) -> list[Run]:
    """'Threat power: Overwhelming' per matched fact, derived facts in italics."""
    runs: list[Run] = []
    for n, (fact, level) in enumerate(facts.items()):
        if n:
            runs.append(BR)
        text = f"{capital(kb.fact_label(fact))}: {kb.level_label(fact, level)}"
        runs.append(emphasis(text) if kinds and kinds.get(fact) == "derived" else Run(text))
    return runs


def _joined(runs_lists: Iterable[list[Run]], sep: str | Run = "; ") -> list[Run]:
    """Run lists one after the other, with ``sep`` (text or a Run) between them."""
    out: list[Run] = []
    for n, runs in enumerate(runs_lists):
        if n:
            out.append(sep if isinstance(sep, Run) else Run(sep))
        out.extend(runs)
    return out


def case_heading(case: Case) -> str:
    parts: list[str] = []
    if case.state or case.threat:
        parts.append(f"{case.state or 'A state'} facing {case.threat or 'a threat'}")
    if case.year is not None:
        parts.append(str(case.year))
    return ", ".join(parts)


def _margin_row(kb: KnowledgeBase, result: Result) -> tuple[str, list[Run]]:
    """How far the verdict's support leads at the stage that decides it."""
    assert result.verdict is not None
    runner = result.runner_up
    if runner is None:  # a world where no other response gains support
        margin = f": the support of the verdict ({signed(result.support[result.verdict])}); {wording.NO_RUNNER_UP}."
    else:
        margin = (
            f": the margin of its support ({signed(result.support[result.verdict])}) over the runner-up, "
            f"{_response_label(kb, runner)} ({signed(result.support[runner])}), on a scale of 0 to 1."
        )
    return ("Margin", [strong(f"{result.margin:.2f}"), Run(margin)])


def _certainty_rows(kb: KnowledgeBase, result: Result) -> list[tuple[str, list[Run]]]:
    """How sure the verdict is under the answers' uncertainty, where it was analysed."""
    sure = wording.certainty_text(kb, result)
    return [("Confidence", [Run(sure + " " + wording.certainty_note(kb))])] if sure else []


def _verdict_para(result: Result) -> Para:
    kb = _kb(result)
    if not result.verdict:
        return Para([strong("No verdict"), Run(": " + wording.no_verdict_text(kb, result))], "verdict")
    runs = [
        Run("The theory predicts: "),
        strong(result.verdict_label),
        Run(". "),
        Run(kb.response(result.verdict).meaning),
    ]
    if result.tie:
        runs += [Run(" " + wording.tie_note(kb, result))]
    return Para(runs, "verdict")


def _no_verdict_rows(result: Result) -> list[tuple[str, list[Run]]]:
    kb = _kb(result)
    rows: list[tuple[str, list[Run]]] = []
    if result.next_questions:
        numbered = [[Run(f"{n}. {kb.factor(f).question}")] for n, f in enumerate(result.next_questions, 1)]
        rows.append(("Answer next", _joined(numbered, sep=BR)))
    completions = wording.completions_text(kb, result)
    if completions:
        rows.append(("Open questions", [Run(completions)]))
    return rows


def _threat_rows(result: Result) -> list[tuple[str, list[Run]]]:
    profile = figures.threat_profile(result)
    if result.threat_level:
        return [
            (
                "Threat level",
                [
                    strong(result.threat_level),
                    Run(
                        f": {profile.total} of {profile.maximum} points: the means of the power (aggregate power, "
                        "proximity, offensive capability) weighed by its perceived intentions."
                    ),
                ],
            )
        ]
    if result.threat_score is not None:
        bands = ", ".join(result.threat_score.bands)
        caption = figures.threat_caption(profile)
        return [("Threat level", [strong("left open"), Run(f": {caption}; the levels possible are {bands}.")])]
    return []


def _observed_rows(result: Result) -> list[tuple[str, list[Run]]]:
    """What the state did and whether the prediction matched (nothing where unrecorded)."""
    kb, observed = _kb(result), result.case.observed
    if not observed:
        return []
    kind, _ = wording.agreement_text(result, observed)
    comparison = {
        "agrees": ": the theory's prediction agrees with the record.",
        "differs": ": the record differs from the theory's prediction.",
        "no_prediction": ": the theory makes no prediction yet to compare with the record.",
    }[kind]
    return [("What the state did", [strong(kb.response(observed).label), Run(comparison)])]


def _unknown_row(result: Result) -> tuple[str, list[Run]]:
    kb = _kb(result)
    if not result.unknown:
        return ("Unknown answers", [Run("none: every question was answered.")])
    names = ", ".join(kb.fact_label(f) for f in result.unknown)
    said = f" ({names}): the engine reasoned without them; a rule that needed one did not fire."
    return ("Unknown answers", [strong(str(len(result.unknown))), Run(said)])


def _summary(result: Result) -> list[Block]:
    kb = _kb(result)
    rows: list[tuple[str, list[Run]]] = []
    if result.verdict:
        rows.append(_margin_row(kb, result))
        rows += _certainty_rows(kb, result)
        rows += _qualifier_rows(kb, result)
    else:
        rows += _no_verdict_rows(result)
        rows += _certainty_rows(kb, result)
    rows += _threat_rows(result)
    rows += _observed_rows(result)
    world = kb.world(result.world)
    rows.append(("World", [Run(f"{world.title}: {' '.join(world.description.split())}")]))
    rows.append(_unknown_row(result))
    return [_verdict_para(result), KeyValues(rows, "summary")]


QUALIFIER_KEYS = {
    "close": "Too close to call",
    "fragile": "Fragile",
    "stable": "Stability",
    "rests": "Rests on",
    "completions": "Open questions",
}


def _qualifier_rows(kb: KnowledgeBase, result: Result) -> list[tuple[str, list[Run]]]:
    """Too close, fragile or stable, what the verdict rests on, and the open questions:
    the notes every view shows under the headline (presentation/wording.py)."""
    rows: list[tuple[str, list[Run]]] = []
    for kind, sentence in wording.qualifiers(kb, result):
        runs = [strong(sentence)] if kind in ("close", "fragile") else [Run(sentence)]
        rows.append((QUALIFIER_KEYS[kind], runs))
    return rows


def _case_section(result: Result) -> list[Block]:
    kb, case = _kb(result), result.case
    blocks: list[Block] = [Heading(2, "The case", "case")]
    rows: list[list[list[Run]]] = []
    for factor in kb.factors:
        level = case.answers.get(factor.id)
        if level is None:
            rows.append(
                [
                    [Run(factor.question)],
                    [strong("Unknown")],
                    [emphasis("Not known to the analyst; the engine reasoned without it.")],
                ]
            )
        else:
            found = factor.level(level)
            assert found is not None  # a loaded case answers with its factors' levels
            rows.append([[Run(factor.question)], [strong(found.label)], [Run(found.meaning)]])
    blocks.append(Table(["Question", "Answer", "What the answer means"], rows, "answers", widths=(42, 17, 41)))
    if case.notes.strip():
        blocks.append(Heading(3, "Analyst's notes", "notes"))
        for paragraph in case.notes.split("\n\n"):
            if paragraph.strip():
                blocks.append(Para([Run(" ".join(paragraph.split()))]))
    return blocks


def _figures_section(result: Result) -> list[Block]:
    kb = _kb(result)
    verdict = _response_label(kb, result.verdict)
    profile = figures.threat_profile(result)
    return [
        Heading(2, "The reasoning at a glance", "figures"),
        Figure(
            "chain",
            figures.chain_svg(result),
            [
                strong("Inference chain. "),
                Run(
                    "Read from left to right: the answers the rules read (unknown answers dashed), the facts "
                    "derived from them, every support rule that fired with its weight, and the responses it "
                    f"weighed on. The verdict, {verdict}, is outlined."
                ),
            ],
            f"Inference chain from the answers through derived facts and rules to the verdict, {verdict}",
            wide=True,
        ),
        Figure(
            "threat",
            figures.threat_svg(result),
            [
                strong("Threat profile. "),
                Run(
                    "Each of the four sources of threat adds points on an equal footing (Walt 1987, p. 21); "
                    f"the total sets the threat level: {figures.threat_caption(profile)}."
                ),
            ],
            f"Threat profile: {figures.threat_caption(profile)}",
        ),
        Figure(
            "support",
            figures.support_svg(result),
            [
                strong("Support per response. "),
                Run(
                    "The combined certainty factor of each response, from \u22121 (ruled out) to +1 (certain). "
                    "The verdict is the response with the most support; the confidence is its margin over "
                    "the runner-up."
                ),
            ],
            f"Support per response; the verdict is {verdict}",
        ),
    ]


def _conclusion_runs(kb: KnowledgeBase, item: FiredRule) -> list[Run]:
    if item.asserted is not None:
        return _joined(
            [
                [emphasis(capital(kb.fact_label(f))), Run(f": {kb.level_label(f, lv)}")]
                for f, lv in item.asserted.items()
            ],
            sep=BR,
        )
    return _joined(
        [
            [strong(signed(cf)), Run(f" {wording.effect_label(kb, item.layer, r)}")]
            for r, cf in (item.effects or {}).items()
        ],
        sep=BR,
    )


def _proposition_runs(kb: KnowledgeBase, item: FiredRule) -> list[Run]:
    """Each proposition by id and title, then one merged citation for them all (each
    proposition's own pages are in the list of propositions below the table)."""
    props = [kb.proposition(p) for p in item.propositions]
    runs = _joined([[code(p.id), Run(f" {p.title}")] for p in props], sep=BR)
    citation = merge_citations(p.citation for p in props)
    return runs + ([BR, Run(f"({citation})")] if citation else [])


def _reasoning_section(result: Result) -> list[Block]:
    kb = _kb(result)
    n_derive = sum(1 for item in result.fired if item.layer == "derive")
    n_support = len(result.fired) - n_derive
    blocks: list[Block] = [
        Heading(2, APPENDIX_REASONING, "reasoning"),
        Para(
            [
                Run(
                    f"The engine fired {counted(len(result.fired), 'rule')} in this order: {n_derive} derived "
                    f"intermediate {plural(n_derive, 'fact')} "
                    f"from the answers, then {n_support} lent weight for or against responses. Each rule rests on "
                    "propositions of Walt (1987), paraphrased below with their pages. The weights of the rules for a "
                    "response combine as certainty factors (Shortliffe and Buchanan 1975): independent of the order "
                    "of firing, never above 1."
                )
            ]
        ),
    ]
    rows: list[list[list[Run]]] = []
    for item in result.fired:
        rule = [code(item.rule), BR, Run(item.explanation)]
        if item.score:
            score = item.score
            points = ", ".join(f"{kb.fact_label(f)} {p}" for f, p in score.points.items())
            weight = (
                f"; weighed by the intentions: \u00d7{score.weight[0]} +{score.weight[1]}"
                if score.weight is not None
                else "; intentions unknown"
            )
            total = (
                f"total {score.total} of {score.maximum}"
                if score.settled
                else f"left open between {score.range[0]} and {score.range[1]} of {score.maximum}"
            )
            rule += [BR, emphasis(f"Means: {points or 'none known'}{weight}; {total}.")]
        rows.append(
            [
                [Run(str(item.step))],
                rule,
                _fact_runs(kb, item.facts, item.fact_kinds),
                _conclusion_runs(kb, item),
                _proposition_runs(kb, item),
            ]
        )
    blocks.append(
        Table(["#", "Rule", "Matched facts", "Conclusion", "Proposition"], rows, "steps", (0,), (4, 38, 22, 15, 21))
    )
    blocks.append(
        Para(
            [
                Run("Facts in "),
                emphasis("italics"),
                Run(" were derived by earlier rules; the others are answers to the questionnaire."),
            ],
            "small",
        )
    )

    used: list[str] = []
    for item in result.fired:
        used.extend(p for p in item.propositions if p not in used)
    blocks.append(Heading(3, "The propositions these rules encode", "propositions"))
    blocks.append(
        Bullets(
            [
                [
                    code(p),
                    Run(" "),
                    strong(kb.proposition(p).title),
                    Run(f" ({kb.proposition(p).citation}). {' '.join(kb.proposition(p).text.split())}"),
                ]
                for p in used
            ]
        )
    )
    return blocks


def _support_rows(result: Result) -> list[list[list[Run]]]:
    kb = _kb(result)
    rows: list[list[list[Run]]] = []
    for rid in figures.response_order(result):
        detail = result.support_detail[rid]
        label = [strong(kb.response(rid).label)] if rid == result.verdict else [Run(kb.response(rid).label)]
        rows.append(
            [
                label,
                [Run(signed(result.support[rid]))],
                _joined([[code(x.rule), Run(f" {signed(x.cf)}")] for x in detail.for_], ", ") or [Run("\u2014")],
                _joined([[code(x.rule), Run(f" {signed(x.cf)}")] for x in detail.against], ", ") or [Run("\u2014")],
            ]
        )
    return rows


def _stages_section(result: Result, brief: bool = False) -> list[Block]:
    """The decision in Walt's stages, in order: one table, then (unless brief) each stage's answer."""
    kb = _kb(result)
    table = wording.stage_table(kb, result)
    if not table:
        return []
    dash = "\u2014"
    rows = [
        [
            [strong(f"{row.number}. {row.title}")],
            [Run(row.question)],
            [strong(row.conclusion)] if row.conclusion else [Run(dash)],
            [Run(row.runner_up or dash)],
            [Run(row.margin or dash)],
            [Run(row.decided_by)],
        ]
        for row in table
    ]
    intro = (
        []
        if brief
        else [
            Para(
                [
                    Run(
                        "The theory decides in stages, in order: how great the threat is, which way the state "
                        "aligns, how it acts on that, and whether a war changes it. Each stage weighs only its "
                        "own rules, on what the stages before it concluded."
                    )
                ],
                "small",
            )
        ]
    )
    blocks: list[Block] = [
        Heading(2, "The decision, stage by stage", "stages"),
        *intro,
        Table(
            ["Stage", "Question", "Conclusion", "Runner-up", "Margin", "Decided by"],
            rows,
            "stages",
            (4,),
            (12, 22, 16, 14, 8, 28),
        ),
    ]
    if not brief:
        blocks.append(Bullets([[strong(row.why + " "), Run(row.answer)] for row in table]))
    return blocks


def _why_not_section(result: Result) -> list[Block]:
    kb = _kb(result)
    blocks: list[Block] = [
        Heading(2, APPENDIX_WHY_NOT, "why-not"),
        Table(
            ["Response", "Support", "Rules for it", "Rules against it"],
            _support_rows(result),
            "support",
            (1,),
            (20, 9, 46, 25),
        ),
    ]
    if not result.why_not:
        return blocks
    for rid in figures.response_order(result):
        if rid == result.verdict:
            continue
        info = result.why_not[rid]
        blocks.append(Heading(3, kb.response(rid).label, f"why-not-{rid}"))
        blocks.append(Para([Run(wording.why_not_summary(result, rid))]))
        detail = wording.why_not_stage_detail(kb, result, rid)
        if detail:
            blocks.append(Para([Run(detail)]))
        items: list[list[Run]] = []
        for blocked in info.blocked:
            reasons = "; ".join(wording.failure_text(kb, f) for f in blocked.failed) or "its conditions did not hold"
            items.append(
                [
                    code(blocked.rule),
                    Run(
                        f" would have lent {signed(blocked.cf)} ({', '.join(blocked.propositions)}) but did not "
                        f"fire: {reasons}."
                    ),
                ]
            )
        if items:
            blocks.append(Bullets(items))
    return blocks


def _whatif_section(result: Result, whatif: WhatIf) -> list[Block]:
    kb = _kb(result)
    blocks: list[Block] = [Heading(2, "What if", "what-if")]
    if whatif.stable:
        blocks.append(Para([Run("No single changed answer changes the verdict: the prediction is stable.")]))
    flips = whatif.flips
    if flips:
        blocks.append(Para([Run("Changing any one of these answers, all else equal, changes the verdict:")]))
        blocks.append(
            Table(
                ["Question", "Answer now", "If it were", "The verdict would be"],
                [
                    [
                        [Run(capital(kb.fact_label(f.factor)))],
                        [Run(kb.level_label(f.factor, f.from_))],
                        [Run(kb.level_label(f.factor, f.to))],
                        [strong(_response_label(kb, f.verdict))],
                    ]
                    for f in flips
                ],
                "whatif",
            )
        )
    unknowns = whatif.unknowns
    if unknowns:
        blocks.append(Para([Run("For each unknown answer, the verdict if it were known:")]))
        blocks.append(
            Table(
                ["Unknown question", "Verdict for each possible answer"],
                [
                    [[Run(capital(kb.fact_label(factor)))], _by_level_runs(kb, factor, by_level)]
                    for factor, by_level in unknowns.items()
                ],
                "unknowns",
                widths=(30, 70),
            )
        )
    return blocks


def _by_level_runs(kb: KnowledgeBase, factor: str, by_level: dict[str, str | None]) -> list[Run]:
    verdicts = set(by_level.values())
    if len(verdicts) == 1:
        return [strong(_response_label(kb, verdicts.pop())), Run(" whatever the answer")]
    return _joined(
        [
            [Run(f"{kb.level_label(factor, level)}: "), strong(_response_label(kb, verdict))]
            for level, verdict in by_level.items()
        ],
        "; ",
    )


def _worlds_section(result: Result, worlds: dict[str, WorldOutcome]) -> list[Block]:
    kb = _kb(result)
    rows: list[list[list[Run]]] = []
    for world in kb.worlds:
        data = worlds.get(world.id)
        if not data:
            continue
        rows.append(
            [
                [strong(data.title)],
                [strong(data.verdict_label), Run(f" ({data.confidence:.2f})")],
                [Run(" ".join(data.advice.split()))],
                [Run(" ".join(data.risk.split()))],
            ]
        )
    return [
        Heading(2, "Three worlds", "worlds"),
        Para(
            [
                Run(
                    "The prediction if only the balancing hypotheses held, if only the bandwagoning hypotheses held, "
                    "and under Walt's conditions, with each world's policy advice (Walt 1987, pp. 27-28). Confidence "
                    "in brackets."
                )
            ]
        ),
        Table(
            ["World", "Verdict", "Policy advice", "The risk of misjudging the world"],
            rows,
            "worlds",
            widths=(15, 17, 36, 32),
        ),
    ]


def _analogues_section(result: Result, analogues: tuple[Analogue, ...]) -> list[Block]:
    kb = _kb(result)
    rows: list[list[list[Run]]] = []
    for a in analogues:
        title = a.title or a.file
        year = f" ({a.year})" if a.year is not None else ""
        differences = ", ".join(kb.fact_label(f) for f in a.differences) or "none"
        rows.append(
            [
                [Run(title + year), BR, emphasis(f"{a.state} facing {a.threat}")],
                [Run(f"{a.similarity:.0%}")],
                [strong(_response_label(kb, a.observed))],
                [Run(_response_label(kb, a.predicted)), Run(" (right)" if a.theory_right else " (wrong)")],
                [Run(differences)],
            ]
        )
    return [
        Heading(2, "Historical analogues", "analogues"),
        Para([Run("The recorded cases most like this one, and what those states did.")]),
        Table(
            ["Case", "Similarity", "What the state did", "The theory predicted", "Answers that differ"],
            rows,
            "analogues",
            (1,),
        ),
    ]


def theory_reference(source: Source) -> list[Run]:
    """The theory's source (knowledge/theory.yaml) as a reference list gives it: 'Author,
    First M. *Title*. Place: Publisher, Year.' One full stop after the author, though the
    name itself may end in an initial."""
    return [
        Run(closed(inverted_name(source.author)) + " "),
        emphasis(source.title),
        Run(f". {source.place}: {source.publisher}, {source.year}."),
    ]


def _references_section(result: Result) -> list[Block]:
    theory = _kb(result).theory
    source = theory.source
    walt = theory_reference(source) + [Run(f" Pages {source.pages} are the basis of the knowledge base.")]
    blocks: list[Block] = [
        Heading(2, "References", "references"),
        Bullets([walt] + [[Run(text)] for _, text in theory.references]),
    ]
    if result.case.sources:
        blocks.append(Heading(3, "Sources of the case", "sources"))
        blocks.append(Bullets([[Run(source)] for source in result.case.sources]))
    return blocks


def _cite_section(result: Result, generated: str, title: str) -> list[Block]:
    kb = _kb(result)
    case = result.case
    used: list[str] = []
    for item in result.fired:
        used.extend(p for p in item.propositions if p not in used)
    pages = merge_pages(kb.proposition(p).pages for p in used)
    theory = theory_reference(kb.theory.source)
    if pages:
        where = "p." if "," not in pages and "-" not in pages else "pp."
        theory.append(Run(f" The propositions this report applies are on {where} {pages}."))
    if case.sources:
        data = [Run("The answers of this case, drawn from: " + listed_sources(case.sources))]
    else:
        data = [Run("The answers of this case as the analyst gave them; the case names no sources.")]
    return [
        Heading(2, "How to cite", "cite"),
        Para(
            [
                Run(
                    "Cite the report with the program and knowledge base that made it, the theory it applies, "
                    "and the sources of the case."
                )
            ]
        ),
        KeyValues(
            [
                (
                    "This report",
                    [
                        Run(f"Alliance Advisor {app_version()}, knowledge base "),
                        code(result.knowledge_version),
                        Run(f". \u201c{title}\u201d: reasoning report, generated {generated}."),
                    ],
                ),
                ("The theory", theory),
                ("The data", data),
            ],
            "cite",
        ),
    ]


def _reproduce_section(result: Result, generated: str, output: Output) -> list[Block]:
    case = result.case
    name = os.path.basename(case.path) if case.path else "CASE.yaml"
    return [
        Heading(2, "Reproducing this report", "reproduce"),
        Para([Run("The same case run on the same knowledge base version gives the same reasoning, step for step.")]),
        KeyValues(
            [
                ("Program", [Run(f"Alliance Advisor {app_version()}")]),
                ("Knowledge base version", [code(result.knowledge_version), Run(" (a hash of the knowledge base)")]),
                ("Generated", [Run(generated)]),
                ("Case file", [code(name)] if case.path else [Run("not saved to a file")]),
                ("Command", [code(output.command(name, result.world, _kb(result).theory.default_world))]),
            ],
            "reproduce",
        ),
    ]


LENGTHS = ("full", "brief")  # what `--report` and the app's Export dialog offer
APPENDIX_REASONING = "Appendix A. The reasoning, step by step"
APPENDIX_WHY_NOT = "Appendix B. Why not the other responses"


@dataclass(frozen=True)
class Output:
    """The file a report is written to, as the command line would be asked for it."""

    fmt: str = "html"
    name: str = ""  # the file name (no folder); '' for report.<fmt>
    paper: str = "a4"  # PDF only
    length: str = "full"  # 'full' or 'brief' (two pages: LENGTHS)

    def command(self, case_name: str, world: str, default_world: str) -> str:
        """The command that writes this report again, e.g.
        python main.py analyze norway_1949.yaml --format pdf --paper letter -o report.pdf
        (``--world`` only where the report's world is not the knowledge base's default,
        ``--report brief`` only for a brief one)."""
        parts = ["python", "main.py", "analyze", case_name]
        if world != default_world:
            parts += ["--world", world]
        parts += ["--format", self.fmt]
        if self.fmt == "pdf":
            parts += ["--paper", self.paper]
        if self.length != "full":
            parts += ["--report", self.length]
        parts += ["-o", self.name or f"report.{self.fmt}"]
        return " ".join(shlex.quote(part) for part in parts)


def _title_blocks(result: Result, what: str) -> list[Block]:
    case = result.case
    lead = case_heading(case)
    return [
        Heading(1, case.title or "Untitled case", "top"),
        Para([Run(f"{lead}. " if lead else ""), Run(f"{what} on Walt's balance-of-threat theory.")], "lead"),
    ]


def report_blocks(result: Result, generated: str | None = None, output: Output | None = None) -> Report:
    """The whole report as blocks, in reading order: the summary, the stages, what would
    change it, the worlds and the analogues first; the case and the figures; the
    references; and the rule tables last, as an appendix. ``output`` is where it goes
    (an Output), for the command that reproduces it; a brief one gets brief_blocks."""
    output = output or Output()
    if output.length == "brief":
        return brief_blocks(result, generated, output)
    generated = generated or datetime.date.today().isoformat()
    title = result.case.title or "Untitled case"
    blocks = _title_blocks(result, "A reasoning report")
    blocks += _summary(result)
    blocks += _stages_section(result)
    if result.whatif is not None:
        blocks += _whatif_section(result, result.whatif)
    if result.worlds is not None:
        blocks += _worlds_section(result, result.worlds)
    if result.analogues:
        blocks += _analogues_section(result, result.analogues)
    blocks += _case_section(result)
    blocks += _figures_section(result)
    blocks += _references_section(result)
    blocks += _cite_section(result, generated, title)
    blocks += _reproduce_section(result, generated, output)
    blocks += _reasoning_section(result)
    blocks += _why_not_section(result)
    blocks += _conflicts_section(result)
    return Report(title, blocks, generated, result.knowledge_version)


def _conflicts_section(result: Result) -> list[Block]:
    if not result.conflicts:
        return []
    return [
        Heading(2, "Appendix C. Conflicts in the knowledge base", "conflicts"),
        Bullets(
            [
                [code(c.rule), Run(f" tried to set {c.fact} to {c.levels[1]}, already {c.levels[0]}.")]
                for c in result.conflicts
            ]
        ),
    ]


def brief_blocks(result: Result, generated: str | None = None, output: Output | None = None) -> Report:
    """The brief report, two pages at most: the verdict and how sure it is, what the state
    did and whether that matched, the decision stage by stage, the propositions it rests
    on with their pages, and what would change it."""
    output = output or Output(length="brief")
    generated = generated or datetime.date.today().isoformat()
    kb = _kb(result)
    rows: list[tuple[str, list[Run]]] = []
    if result.verdict:
        rows.append(_margin_row(kb, result))
    else:
        rows += _no_verdict_rows(result)
    sure = wording.certainty_text(kb, result)
    if sure:
        rows.append(("Confidence", [Run(sure)]))
    rows += _threat_rows(result)
    rows += _observed_rows(result)
    if result.unknown:
        rows.append(_unknown_row(result))
    blocks = _title_blocks(result, "A brief report")
    blocks += [_verdict_para(result), KeyValues(rows, "summary")]
    blocks += _stages_section(result, brief=True)
    blocks += _rests_on_section(result)
    blocks += _brief_whatif_section(result)
    name = os.path.basename(result.case.path) if result.case.path else "CASE.yaml"
    blocks.append(
        Para(
            [
                Run("Alliance Advisor " + app_version() + ", knowledge base "),
                code(result.knowledge_version),
                Run(f", {generated}: "),
                code(output.command(name, result.world, kb.theory.default_world)),
                Run(
                    ". Without --report brief, the full report: the case's answers, the figures, the three "
                    "worlds, the analogues and every rule, in an appendix."
                ),
            ],
            "small",
        )
    )
    return Report(result.case.title or "Untitled case", blocks, generated, result.knowledge_version)


def _rests_on_section(result: Result) -> list[Block]:
    """The propositions the verdict turns on, each with its pages."""
    kb = _kb(result)
    props = wording.decisive_propositions(kb, result)
    if not props:
        return []
    rests = wording.rests_on_text(kb, result) or "The propositions the deciding stages apply:"
    items = [
        [code(p), Run(" "), strong(kb.proposition(p).title), Run(f" ({kb.proposition(p).citation})")] for p in props
    ]
    return [Heading(2, "The propositions it rests on", "rests-on"), Para([Run(rests)]), Bullets(items)]


def _brief_whatif_section(result: Result) -> list[Block]:
    texts = wording.whatif_texts(_kb(result), result)
    if not texts:
        return []
    return [
        Heading(2, "What would change it", "what-if"),
        Para([Run("One answer changed, all else equal:")], "small"),
        Bullets([[Run(text)] for text in texts]),
    ]
