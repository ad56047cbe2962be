"""Plain-text renderings for the terminal: a result, a verify report, an evaluation.

No reasoning here: each only formats what the engine's objects already hold, in the
wording of presentation/wording.py.
"""

from __future__ import annotations

import sys
import textwrap
import time
from typing import Any

from alliance_advisor.presentation.grammar import counted, plural
from alliance_advisor.presentation.wording import (
    NO_RUNNER_UP,
    after_the_coalition_text,
    certainty_text,
    conflict_text,
    decisive_propositions,
    listed,
    match_text,
    next_questions_text,
    no_verdict_text,
    percent,
    proposition_pages_text,
    qualifiers,
    response_label,
    rests_on_text,
    signed,
    stage_table,
    threat_points_text,
    tie_note,
    whatif_texts,
    why_not_stage_text,
)
from alliance_advisor.rules.case import Result
from alliance_advisor.rules.kb import KnowledgeBase


def _wrapped(lead: str, text: str, width: int = 96) -> list[str]:
    """``text`` after ``lead``, wrapped with later lines indented under it (nothing when empty)."""
    if not text:
        return []
    return textwrap.wrap(text, width, initial_indent=lead, subsequent_indent=" " * len(lead), break_on_hyphens=False)


def render_text(result: Result) -> str:
    """A case's analysis for the terminal, in the order a student reads it: the verdict
    and how sure it is, what the state did and whether that matched, the chain of stages
    and the propositions it turns on (with pages), what would change it, the three
    worlds, the analogues, and why not the others (each point once). The rules in firing
    order are in --format json and the full report's appendix."""
    kb = result.kb
    assert kb is not None
    lines = _heading_lines(result)
    lines += _verdict_lines(kb, result)
    lines += _record_lines(kb, result)
    lines += _chain_lines(kb, result)
    lines += _section("What would change it (one answer changed, all else equal)", whatif_texts(kb, result))
    lines += _section("Three worlds (which hypotheses hold)", _world_texts(result))
    lines += _section("Historical analogues (the recorded cases most like this one)", _analogue_texts(kb, result))
    lines += _why_not_lines(kb, result)
    if result.conflicts:
        lines += ["", "Conflicts in the knowledge base: " + "; ".join(conflict_text(c) for c in result.conflicts)]
    return "\n".join(lines) + "\n"


LEAD = " " * 14  # the indent of a continued line of the summary (after 'Threat level: ')


def _heading_lines(result: Result) -> list[str]:
    case = result.case
    heading = case.title or "Untitled case"
    if case.year:
        heading += f" ({case.year})"
    lines = [heading, "=" * len(heading)]
    if case.state or case.threat:
        lines.append(f"{case.state or '?'} facing {case.threat or '?'}")
    return lines + [""]


def _verdict_lines(kb: KnowledgeBase, result: Result) -> list[str]:
    """The verdict, how sure it is, the margin and the threat level."""
    lines = []
    if result.verdict:
        lines.append(f"Verdict:      {result.verdict_label} ({result.verdict})")
        lines += _wrapped(LEAD, kb.response(result.verdict).meaning)
        lines += _wrapped(LEAD, after_the_coalition_text(kb, result) or "")
        lines += _wrapped(LEAD, tie_note(kb, result))
    else:
        lines += _wrapped("Verdict:      ", "none: " + no_verdict_text(kb, result))
        lines += _wrapped(LEAD, next_questions_text(kb, result))
    lines += _wrapped("Confidence:   ", certainty_text(kb, result))
    if result.verdict and result.runner_up:
        lines.append(f"Margin:       {result.margin:.2f} (support over {response_label(kb, result.runner_up)})")
    elif result.verdict:
        lines.append(f"Margin:       {result.margin:.2f} ({NO_RUNNER_UP})")
    score = result.threat_score
    if score is not None and not score.settled:
        lines.append(f"Threat level: left open: the unknown sources allow {', '.join(score.bands)}")
    else:
        points = f" ({threat_points_text(result)})" if score is not None else ""
        lines.append(f"Threat level: {result.threat_level or 'unknown'}{points}")
    return lines


def _record_lines(kb: KnowledgeBase, result: Result) -> list[str]:
    """What the state did and whether the prediction matched, then the notes."""
    case = result.case
    if case.observed:
        who = f"what {case.state} did" if case.state else "what the state did"
        lines = [f"Observed:     {response_label(kb, case.observed)} ({who}, as the case records it)"]
        lines += _wrapped("Match:        ", match_text(kb, result))
    else:
        lines = ["Observed:     not recorded (a case records what the state did under `observed`)"]
    if result.world != kb.theory.default_world:
        lines.append(f"World:        {kb.world(result.world).title}")
    if result.unknown:
        names = [kb.fact_label(f) for f in result.unknown]
        lines += _wrapped("Unknown:      ", f"{listed(names)} (reasoned without {'it' if len(names) == 1 else 'them'})")
    notes = [sentence for kind, sentence in qualifiers(kb, result) if kind != "rests"]
    for n, sentence in enumerate(notes):
        lines += _wrapped("Notes:        " if n == 0 else LEAD, sentence)
    return lines


def _chain_lines(kb: KnowledgeBase, result: Result) -> list[str]:
    """The decision stage by stage, then the propositions it turns on, with their pages."""
    lines = ["", "The chain (the decision, stage by stage)"]
    for row in stage_table(kb, result):
        lines.append(f"  {row.number}. {row.title}: {row.why}")
        lines += _wrapped("     ", row.answer)
        lines += _wrapped("     Decided by: ", row.decided_by)
    props = decisive_propositions(kb, result)
    if props:
        rests = rests_on_text(kb, result) or "The propositions the deciding stages apply:"
        lines += _wrapped("  ", rests)
        lines += [f"    {proposition_pages_text(kb, p)}" for p in props]
    return lines


def _section(title: str, texts: list[str]) -> list[str]:
    """A titled list of sentences, each wrapped under a dash (nothing when empty)."""
    if not texts:
        return []
    lines = ["", title]
    for text in texts:
        lines += _wrapped("  - ", text)
    return lines


def _world_texts(result: Result) -> list[str]:
    kb = result.kb
    assert kb is not None
    worlds = result.worlds or {}
    return [
        f"{data.title}: {data.verdict_label} (support {data.confidence:.2f})"
        for world in kb.worlds
        if (data := worlds.get(world.id)) is not None
    ]


def _analogue_texts(kb: KnowledgeBase, result: Result) -> list[str]:
    out = []
    for a in result.analogues or ():
        year = f" ({a.year})" if a.year is not None else ""
        right = "right" if a.theory_right else "wrong"
        out.append(
            f"{a.title or a.file}{year}, {percent(a.similarity)} alike: chose "
            f"{response_label(kb, a.observed).lower()}, the theory predicts "
            f"{response_label(kb, a.predicted).lower()} ({right})."
        )
    return out


def _why_not_lines(kb: KnowledgeBase, result: Result) -> list[str]:
    """Each point once: the responses that part from the verdict at the same stage, by
    the same alternative, share one line (their support, where they lose), then the
    rules for them that did not fire, grouped by the answer that stopped them."""
    if not result.why_not or not result.verdict:
        return []
    parted: dict[tuple[str | None, str | None], list[str]] = {}
    for rid, info in result.why_not.items():
        if rid != result.verdict:
            parted.setdefault((info.stage, info.alternative), []).append(rid)
    lines = ["", "Why not the others"]
    said: set[str] = set()  # the answers already named: a later group says 'also'
    for rids in parted.values():
        infos = [result.why_not[r] for r in rids]
        supports = {signed(i.support) for i in infos}
        if len(supports) == 1:
            who = f"{listed([response_label(kb, r) for r in rids])} ({supports.pop()})"
        else:
            who = listed([f"{response_label(kb, r)} ({signed(i.support)})" for r, i in zip(rids, infos)])
        lines += _wrapped("  ", f"{who}. {why_not_stage_text(kb, result, rids[0])}".strip())
        blocked = {b.rule: b for i in infos for b in i.blocked}
        for reason in blocked_reasons(kb, list(blocked.values()), said):
            lines += _wrapped("      ", reason)
    return lines


def blocked_reasons(kb: KnowledgeBase, blocked: Any, said: set[str]) -> list[str]:
    """The rules that did not fire, one sentence per answer that stopped them:
    'Allied support usable is yes: R7-BALANCE-ALONE needs no, R7-OWN-RESOURCES no or doubtful.'
    An answer in ``said`` (named by an earlier sentence) is not stated again: 'Also
    allied support usable: ...'. ``said`` gains the answers named here."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for item in blocked:
        if not item.failed:
            groups.setdefault(("", ""), []).append((item.rule, ""))
            continue
        failure = item.failed[0]
        needs = " or ".join(kb.level_label(failure.fact, lv) for lv in failure.needs)
        groups.setdefault((failure.fact, failure.value), []).append((item.rule, needs))
    out = []
    for (fact, value), rules in groups.items():
        if not fact:
            out.append(f"{listed([r for r, _ in rules])} did not fire.")
            continue
        is_ = "unknown" if value == "unknown" else kb.level_label(fact, value)
        name = kb.fact_label(fact)
        head = f"Also {name[:1].lower()}{name[1:]}" if fact in said else f"{name[:1].upper()}{name[1:]} is {is_}"
        said.add(fact)
        out.append(f"{head}: {_rules_need(rules)}.")
    return out


def _rules_need(rules: list[tuple[str, str]]) -> str:
    """'C2-A and C2-B need no or doubtful', or 'R7-A needs no, R7-B no or doubtful'."""
    levels = {needs for _, needs in rules}
    if len(levels) == 1:
        verb = "needs" if len(rules) == 1 else "need"
        return f"{listed([rule for rule, _ in rules])} {verb} {levels.pop()}"
    return ", ".join(f"{rule} needs {needs}" if n == 0 else f"{rule} {needs}" for n, (rule, needs) in enumerate(rules))


# ------------------------------------------------------------------- explain
def _shown(path: Any) -> str:
    """A path relative to the working folder where it lies below it."""
    import os

    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def render_proposition_map(kb: KnowledgeBase, found: Any) -> str:
    """``main.py explain P``: where a proposition lives and what encodes it."""
    from alliance_advisor.rules.kb import condition_text

    prop = found.proposition
    heading = f"{prop.id}: {prop.title} ({prop.citation})"
    lines = [heading, "=" * len(heading), ""]
    lines += textwrap.wrap(" ".join(prop.text.split()), 88)
    lines.append("")
    lines.append(f"Declared in   {_shown(found.file)}:{prop.line}  (group: {prop.group})")
    lines.append(f"Holds in      {', '.join(kb.world(w).title for w in found.worlds)}")
    if found.factors:
        lines.append(
            f"Cited by      the {plural(len(found.factors), 'question')} on {listed(list(found.factors))} "
            "(knowledge/questionnaire.yaml)"
        )
    if prop.mirror:
        lines.append(f"Mirror of     {prop.mirror}")
    for static in prop.statics:
        lines.append(
            f"Claims        in {kb.world(static.world).title}: raising {static.factor} never lowers support for "
            f"{static.response}" + (f" (when {condition_text(static.when)})" if static.when else "")
        )
    lines.append("")

    def rule_lines(entry: Any, indent: str) -> list[str]:
        rule = entry.rule
        out = [f"{indent}{rule.id}  [{rule.layer}]  {_shown(entry.file)}:{rule.line}"]
        out.append(f"{indent}    when  {condition_text(rule.condition)}")
        if rule.derive:
            weighed = "".join(f", weighed by {f}" for f, _ in rule.weigh_by)
            out.append(
                f"{indent}    sets  {rule.derive} from the points of {', '.join(f for f, _ in rule.score)}{weighed}"
            )
        for fact, level in rule.asserts:
            out.append(f"{indent}    sets  {fact} = {level}")
        if rule.effects:
            out.append(f"{indent}    lends " + ", ".join(f"{r} {signed(cf)}" for r, cf in rule.effects))
        return out

    lines.append(f"Encoded by {counted(len(found.encoded_by), 'rule')}")
    for entry in found.encoded_by:
        lines += rule_lines(entry, "  ")
    if found.upstream:
        lines.append("")
        lines.append("The derived facts these rules need, and the rules that derive them")
        for fact, entries in found.upstream:
            lines.append(f"  {fact}: {kb.derived_fact(fact).label}")
            for entry in entries:
                lines += rule_lines(entry, "    ")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ evaluate
def _stacked(text: str, width: int) -> list[str]:
    """A column title broken at spaces into lines no wider than ``width`` (a word
    longer than that sets the width instead: nothing is cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def evaluation_summary(table: dict[str, Any], kb: KnowledgeBase) -> list[str]:
    """The agreement overall and without the outcome-coded cases, and how stable the
    verdicts are: the lines under the table, for the terminal and the recorded page."""
    lines = []
    if table["cases"]:
        lines.append(f"Agreement: {table['agree']}/{table['cases']} = {table['agreement']:.1%}")
        plain = table.get("without_outcome_coded")
        if plain and plain["cases"]:
            excluded = listed([response_label(kb, r).lower() for r in plain["excluded"]], "or")
            lines.append(
                f"Without the cases coded as {excluded} (their answers state the outcome): "
                f"{plain['agree']}/{plain['cases']} = {plain['agreement']:.1%}"
            )
    lines += _scores_lines(table.get("scores") or {}, kb)
    st = table.get("stability")
    if st:
        lines.append(
            f"Weights moved: the verdict is kept under {st['draws']} random perturbations of every weight "
            f"(each within \u00b1{st['perturbation']:.0%}, seed {st['seed']}) in every case but those listed "
            f"(fragile: below {st['fragile_below']:.0%}): {', '.join(table['fragile']) or 'none'}. This tests the "
            "weights, not the answers, and says nothing of how sure a verdict is."
        )
        lines.append(f"Too close to call (margin): {', '.join(table['too_close']) or 'none'}")
    return lines


def _scores_lines(scores: dict[str, Any], kb: KnowledgeBase) -> list[str]:
    """How the distributions score on the library, said as it comes out."""
    if not scores.get("cases") or "log_score" not in scores:
        return []
    lines = [
        f"Confidence: the verdict's probability under the answers' uncertainty (each answer read as "
        f"{percent(1 - kb.uncertainty.reading)} sure); a close call below {percent(kb.uncertainty.close_call)}.",
        f"  Log score of what happened: {scores['log_score']:.3f} (the library's own frequencies of responses, "
        f"leave-one-out: {scores['log_score_base_rates']:.3f}; higher is better; a probability counts at least "
        f"{scores['log_floor']}).",
        f"  Brier score: {scores['brier']:.3f} (base rates: {scores['brier_base_rates']:.3f}; lower is better).",
    ]
    auc = scores.get("auc_hits_over_misses")
    if auc is not None:
        lines.append(
            f"  Does the confidence tell hits from misses? ROC-AUC {auc:.2f} over {scores['hits']} hits and "
            f"{scores['misses']} misses (0.5: no better than chance); mean confidence "
            f"{percent(scores['mean_confidence_hits'])} on hits, {percent(scores['mean_confidence_misses'])} on misses."
        )
    return lines


def render_evaluation_text(table: dict[str, Any], kb: KnowledgeBase) -> str:
    """The agreement table for people: response labels, not ids; whole column titles,
    stacked over as many lines as they need, every column aligned."""
    rows = table["rows"]
    lines = [f"Cases: {table['cases']} from {table['directory']}", ""]
    labels = {rid: response_label(kb, rid) for rid in kb.response_ids}
    file_w = max([len("Case file")] + [len(r["file"]) for r in rows])
    resp_w = max([len("Predicted"), len("no verdict")] + [len(v) for v in labels.values()])
    lines.append(
        f"{'Case file':{file_w}s}  {'Year':>5s}  {'Predicted':{resp_w}s}  {'Observed':{resp_w}s}  "
        f"{'Margin':>6s}  {'P(verdict)':>10s}"
    )
    for row in rows:
        marks = [
            m
            for m, on in (
                ("differs", not row["agree"]),
                ("close call", row.get("close_call")),
                ("too close", row.get("too_close")),
            )
            if on
        ]
        year = "" if row.get("year") is None else str(row["year"])
        sure = "" if row.get("confidence") is None else percent(row["confidence"])
        lines.append(
            f"{row['file']:{file_w}s}  {year:>5s}  {response_label(kb, row['predicted']):{resp_w}s}  "
            f"{response_label(kb, row['observed']):{resp_w}s}  {row['margin']:6.2f}  {sure:>10s}"
            + (f"  <- {', '.join(marks)}" if marks else "")
        )
    lines.append("")
    lines += evaluation_summary(table, kb)
    lines.append("")

    columns = list(kb.response_ids) + ["none"]
    titles = {rid: labels.get(rid, "no verdict") for rid in columns}
    # Each column as wide as the longest word of its title (and at least 5, for the
    # counts): a title of several words stacks over lines instead of being cut.
    widths = {rid: max([5] + [len(word) for word in titles[rid].split()]) for rid in columns}
    stacked = {rid: _stacked(titles[rid], widths[rid]) for rid in columns}
    depth = max(len(v) for v in stacked.values())
    observed = [rid for rid in kb.response_ids if any(table["confusion"][rid].values())]
    row_w = max([len("Observed")] + [len(labels[rid]) for rid in observed])
    lines.append("Confusion (rows: observed, columns: predicted)")
    for n in range(depth):
        cells = [
            stacked[rid][n - (depth - len(stacked[rid]))] if n >= depth - len(stacked[rid]) else "" for rid in columns
        ]
        left = "Observed" if n == depth - 1 else ""
        lines.append(
            (f"{left:{row_w}s}" + "".join(f"  {c:>{widths[rid]}s}" for c, rid in zip(cells, columns))).rstrip()
        )
    for rid in observed:
        counts = table["confusion"][rid]
        lines.append(f"{labels[rid]:{row_w}s}" + "".join(f"  {counts[p]:{widths[p]}d}" for p in columns))
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------- verify
def _example(finding: str, answers: dict[str, str], indent: int) -> str:
    """A finding and the combination it was found at, wrapped for the terminal."""
    at = ", ".join(f"{k}={v}" for k, v in answers.items())
    return textwrap.fill(
        f"{finding} at {at}",
        width=100,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 4),
        break_on_hyphens=False,
    )


def render_verify_text(report: dict[str, Any]) -> str:
    lines = []
    kb = report["knowledge"]
    lines.append(f"Knowledge base {kb['directory']} (version {kb['version']})")
    if report["mode"] == "full":
        lines.append(
            f"Swept all {report['space']:,} combinations of {report['factors']} factors in "
            f"{counted(len(report['worlds']), 'world')} ({counted(report['jobs'], 'worker')}, {report['seconds']} s)."
        )
    else:
        lines.append(
            f"Swept a random sample of {report['combinations']:,} of {report['space']:,} "
            f"combinations (seed {report['seed']}) in {counted(len(report['worlds']), 'world')} "
            f"({counted(report['jobs'], 'worker')}, {report['seconds']} s)."
        )
    lines.append("")

    rules = report["rules"]
    lines.append(f"Rules: {len(rules)}")
    if report["mode"] == "full":
        lines.append(f"  dead (never fire): {', '.join(report['dead']) or 'none'}")
    else:
        lines.append(f"  unseen in the sample (not proof of dead rules): {', '.join(report['unseen']) or 'none'}")
    kinds = {r["id"]: r["kind"] for r in rules}
    always = [
        rid + (" (a score rule: runs on every case by design)" if kinds[rid] == "score" else "")
        for rid in report["always"]
    ]
    lines.append(f"  always fire:       {', '.join(always) or 'none'}")
    lines.append("")

    worlds = list(report["worlds"])
    responses = list(report["worlds"][worlds[0]]["shares"])
    lines.append("Share of the space per verdict")
    lines.append(f"  {'':18s}" + "".join(f"{w:>14s}" for w in worlds))
    for rid in responses:
        lines.append(f"  {rid:18s}" + "".join(f"{report['worlds'][w]['shares'][rid]:14.1%}" for w in worlds))
    n = report["combinations"]
    lines.append(
        f"  {'no verdict (gap)':18s}" + "".join(f"{report['worlds'][w]['gaps']['count'] / n:14.1%}" for w in worlds)
    )
    lines.append(f"  {'tie':18s}" + "".join(f"{report['worlds'][w]['ties']['count'] / n:14.1%}" for w in worlds))
    c1 = report["c1"]
    lines.append(
        f"C1 (balancing is the rule): in {report['worlds'][c1['world']]['title']} balancing takes "
        f"{c1['balancing_share']:.1%} of "
        f"the space, bandwagoning {c1['bandwagoning_share']:.1%}: " + ("holds." if c1["holds"] else "CONTRADICTED.")
    )
    reach = report.get("reach")
    if reach:
        below = f"{reach['below']:.1%}"
        if reach["rare"]:
            lines.append(f"Unreachable (under {below} of the space, no reason given): {', '.join(reach['rare'])}.")
        else:
            lines.append(f"Every response takes at least {below} of the space, or the knowledge base says why not.")
        for rid, why in reach["explained"].items():
            lines += _wrapped("  ", f"{rid}: rare because {why}")
    lines.append("")

    for kind, title in (("gaps", "Gaps (no response reaches the minimum support)"), ("ties", "Ties between responses")):
        lines.append(f"{title}: " + ", ".join(f"{w} {report['worlds'][w][kind]['count']:,}" for w in worlds))
        for w in worlds:
            for ex in report["worlds"][w][kind]["examples"]:
                support = "; ".join(
                    f"{stage} " + ", ".join(f"{alt} {cf:+.2f}" for alt, cf in alts.items())
                    for stage, alts in ex["support"].items()
                )
                lines.append(_example(f"{w}: {support}", ex["answers"], 2))
    lines.append("")

    conflicts = report["conflicts"]
    lines.append(f"Conflicting derivations: {conflicts['count']:,}")
    for fact, count in conflicts["by_fact"].items():
        lines.append(f"  {fact}: {count:,}")
    for ex in conflicts["examples"]:
        what = "; ".join(
            f"{c['rule']} asserts {c['fact']}={c['levels'][1]} after {c['levels'][0]}" for c in ex["conflicts"]
        )
        lines.append(_example(what, ex["answers"], 2))
    lines.append("")

    lines.append("Comparative statics (raise the factor one level, all else fixed; the claim must hold at every step)")
    for s in report["statics"]:
        span = f"{s['over'][0]}..{s['over'][-1]}"
        when = f" when {s['when']}" if s["when"] else ""
        verdict = "ok" if not s["violations"] else f"{s['violations']:,} VIOLATIONS"
        lines += textwrap.wrap(
            f"{s['proposition']:3s} {s['world']:13s} raising {s['factor']} ({span}) "
            f"{s.get('claim') or s['response'] + ' never falls'}{when}: "
            f"{s['checked']:,} steps checked, {verdict}",
            100,
            initial_indent="  ",
            subsequent_indent=" " * 22,
            break_on_hyphens=False,
        )
        for ex in s["examples"]:
            change = (
                f"{ex['before']:+.2f} -> {ex['after']:+.2f}"
                if isinstance(ex.get("before"), (int, float))
                else f"{ex.get('before')} -> {ex.get('after')}"
            )
            what = f"{s['response']} {change}" if s.get("response") else change
            lines.append(_example(f"{s['factor']} {ex['from']} -> {ex['to']}: {what}", ex["answers"], 6))
    lines.append("")
    lines += _influence_lines(report)
    check = report["cross_check"]
    lines.append(
        f"Engines cross-checked: experta and the vectorised evaluator on {check['combinations']:,} "
        f"random combinations in {counted(check['worlds'], 'world')}: {counted(check['disagreements'], 'disagreement')}"
    )
    for ex in check["examples"]:
        lines.append(
            _example(f"{ex['world']}: experta {ex['experta']}, vectorised {ex['vectorised']}", ex["answers"], 2)
        )
    lines.append("")
    problems = []
    if report["dead"]:
        problems.append(counted(len(report["dead"]), "dead rule"))
    if report["contradictions"]:
        problems.append(f"{counted(report['contradictions'], 'contradiction')} of the theory")
    lines.append("Result: " + ("OK" if report["ok"] else "FAILED, " + ", ".join(problems)))
    return "\n".join(lines) + "\n"


def _influence_lines(report: dict[str, Any]) -> list[str]:
    """Each proposition's influence per world: the share of the space whose verdict
    changes when the support rules that encode it are left out."""
    influence = report.get("influence")
    if not influence:
        return []
    worlds = list(influence)
    table: dict[str, dict[str, Any]] = {}
    for world in worlds:
        for row in influence[world]:
            table.setdefault(row["proposition"], {})[world] = row
    lines = [
        "Influence (the share of the space whose verdict changes without the proposition's support rules;"
        " '-' where it has none in that world)",
        f"  {'':6s}" + "".join(f"{w:>14s}" for w in worlds),
    ]
    reasons = []
    for prop, rows in table.items():
        cells = []
        for world in worlds:
            row = rows.get(world)
            cells.append("-" if row is None else f"{row['share']:.1%}" if row["changed"] else "0")
            if row is not None and not row["changed"] and row.get("reason"):
                reasons.append(f"  {prop} in {world}: decides no verdict: {row['reason']}")
        lines.append(f"  {prop:6s}" + "".join(f"{c:>14s}" for c in cells))
    lines += reasons
    lines.append("")
    return lines


class Progress:
    """A one-line progress bar on stderr, drawn only for a terminal."""

    WIDTH = 30

    def __init__(self, total: int, enabled: bool, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.enabled, self.done = total, enabled, 0
        self.start = time.monotonic()
        fancy = (getattr(self.stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
        self.full, self.empty = ("█", "░") if fancy else ("#", "-")

    def advance(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        filled = int(self.WIDTH * self.done / self.total) if self.total else self.WIDTH
        elapsed = time.monotonic() - self.start
        self.stream.write(
            f"\rverify {self.full * filled}{self.empty * (self.WIDTH - filled)} "
            f"{self.done / self.total:4.0%}  {self.done:,}/{self.total:,}  {elapsed:4.0f} s "
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.stream.flush()
