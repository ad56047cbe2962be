"""What the app's Help menu shows, built from the knowledge base: the guide, the glossary
of propositions with the rules that encode them. Pure Python (no Qt), so the
command line's explanation of a proposition can print the same data.

``proposition_entry(kb, "B3")`` is the one place that gathers a proposition's data.
"""

from html import escape
from typing import Any

from alliance_advisor.presentation.wording import effect_label
from alliance_advisor.rules.kb import KnowledgeBase, proposition_map

GROUP_TITLES = {
    "balancing": "Balancing hypotheses",
    "bandwagoning": "Bandwagoning hypotheses",
    "conditions": "Conditions",
    "reasoning": "Further reasoning of the text",
}

# The tabs' titles in a window too narrow for the full ones.
SHORT_TAB_TITLES = {"Why / why not": "Why not", "Three worlds": "Worlds"}

# How to read each tab of the results (the app's own words; the theory's are in knowledge/).
TABS = (
    (
        "Overview",
        "The inference chain runs left to right: your answers, the facts the derive rules "
        "work out from them (the threat level among them), the support rules that fired, "
        "and the responses they push up or down. Green lines support, red lines oppose, "
        "dashed boxes are unknown answers. Click a rule to read it, an answer to jump to "
        "its question, a response to see why it won or lost. Below: the four sources of "
        "threat as points on the threat bands, and the combined support for each response. "
        "The chain opens fitted to the window; the buttons beside its title (or Ctrl+wheel) "
        "zoom out and in, and at 100% its labels are at least 9 pt and it scrolls sideways. "
        "Double-click it to go between the fit and 100%.",
    ),
    (
        "Reasoning",
        "Every rule that fired, in firing order, with the facts it matched and what it "
        "concluded. Select one to read its proposition, page and condition tree, each part "
        "marked as held, failed or unknown.",
    ),
    (
        "Why / why not",
        "Pick any response: the rules that lent it support, those that opposed it, "
        "and for each supporting rule that did not fire, the first condition it failed on.",
    ),
    (
        "What if",
        "Each single change of one answer that would change the verdict, and what each "
        "unknown answer could do. Double-click a row to try it; Undo takes it back.",
    ),
    (
        "Three worlds",
        "The prediction if only the balancing hypotheses held, if only the bandwagoning "
        "ones did, and under Walt's conditions, with each world's policy advice and the "
        "cost of mistaking one world for another.",
    ),
    (
        "Analogues",
        "The recorded historical cases most like this one, what those states did and "
        "whether the theory got them right. Double-click one to open it.",
    ),
)

THEORY = (
    "Alliance Advisor encodes the balance-of-threat account of alliance formation that "
    "{author} set out in <i>{title}</i> ({year}). Its starting point: a state "
    "choosing partners reacts to <b>threat</b> rather than to raw power. Four things make a foreign "
    "power threatening: how much power it has in all, how close it is, how well it could attack, and "
    "how aggressive its aims appear.",
    "Faced with a threat, a state may <b>balance</b>, lining up with others against the threatening "
    "power, or <b>bandwagon</b>, lining up with it. The book argues that balancing is far more common, "
    "and names the conditions that make bandwagoning likelier: a weak state, an overwhelming and "
    "nearby power, no allies to be had, or a war whose winner already seems clear. Certain help "
    "from others can also tempt a state to let them carry the load.",
    "The app turns each proposition into declared rules. Your answers become facts; derive rules "
    "work out the threat level and the state's situation; support rules lend weight for or against "
    "each response, and the weights combine as certainty factors. The response with the most support "
    "is the verdict, and every step can be traced back to a proposition and its page.",
)


def proposition_entry(kb: KnowledgeBase, prop_id: str) -> dict[str, Any]:
    """Everything the knowledge base says about one proposition, and the rules that
    encode it, as plain data (dicts, lists, str, float), in the app's words. The
    gathering is rules.kb._atlas.proposition_map, the same map ``main.py explain`` prints.
    KeyError for an unknown id."""
    if prop_id not in {p.id for p in kb.propositions}:
        raise KeyError(prop_id)
    found = proposition_map(kb, prop_id)
    prop = found.proposition
    rules = []
    for entry in found.encoded_by:
        rule = entry.rule
        rules.append(
            {
                "id": rule.id,
                "kind": rule.kind,
                "explanation": rule.explanation,
                "other_propositions": [p for p in rule.propositions if p != prop_id],
                "asserts": [(kb.fact_label(fact), kb.level_label(fact, level)) for fact, level in rule.asserts],
                "derives": kb.fact_label(rule.derive) if rule.derive else None,
                "effects": [(effect_label(kb, rule.layer, r), cf) for r, cf in rule.effects],
            }
        )
    return {
        "id": prop.id,
        "group": prop.group,
        "group_title": GROUP_TITLES.get(prop.group, prop.group.capitalize()),
        "title": prop.title,
        "text": " ".join(prop.text.split()),
        "citation": prop.citation,
        "worlds": [kb.world(w).title for w in found.worlds],
        "mirror": prop.mirror,
        "questions": [kb.factor(f).question for f in found.factors],
        "rules": rules,
    }


def glossary(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [proposition_entry(kb, prop.id) for prop in kb.propositions]


def _effects_text(entry: dict[str, Any]) -> str:
    parts = [f"{label} {cf:+.2f}" for label, cf in entry["effects"]]
    parts += [f"{fact} = {level}" for fact, level in entry["asserts"]]
    if entry["derives"]:
        parts.append(f"scores {entry['derives']}")
    return ", ".join(parts)


def glossary_html(kb: KnowledgeBase) -> str:
    out = [
        "<h2>Glossary of propositions</h2>",
        "<p class='muted'>Each proposition of the theory in the knowledge base's words, with the "
        "page it comes from and every rule that encodes it. Click a rule to read it in the "
        "Reasoning tab.</p>",
    ]
    group = None
    for entry in glossary(kb):
        if entry["group"] != group:
            group = entry["group"]
            out.append(f"<h3>{escape(entry['group_title'])}</h3>")
        out.append(
            f"<p><a name='prop-{escape(entry['id'])}'></a><b>{escape(entry['id'])} · "
            f"{escape(entry['title'])}</b><br>{escape(entry['text'])} "
            f"<span class='muted'>({escape(entry['citation'])}; holds in "
            f"{escape(', '.join(entry['worlds']) or 'no world')})</span></p>"
        )
        if entry["rules"]:
            out.append("<ul>")
            for rule in entry["rules"]:
                out.append(
                    f"<li><a href='rule:{escape(rule['id'])}'>{escape(rule['id'])}</a> "
                    f"<span class='muted'>{escape(rule['kind'])}</span> {escape(rule['explanation'])} "
                    f"<span class='faint'>{escape(_effects_text(rule))}</span></li>"
                )
            out.append("</ul>")
        else:
            out.append("<p class='faint'>No rule encodes it directly.</p>")
    return "".join(out)


def guide_html(kb: KnowledgeBase) -> str:
    out = ["<a name='top'></a><h2>Alliance Advisor guide</h2>", "<h3>What the theory says</h3>"]
    source = kb.theory.source  # the book is named once, in knowledge/theory.yaml
    named = {"author": escape(source.author), "title": escape(source.title), "year": source.year}
    out += [f"<p>{paragraph.format(**named) if '{' in paragraph else paragraph}</p>" for paragraph in THEORY]
    out.append(
        "<h3>How to answer the questions</h3>"
        "<p>Describe the situation as the deciding state's leaders saw it at the time. Any "
        "question may stay <i>Unknown</i>: the engine then reasons without it, a rule that needs "
        "it does not fire, and the explanation says which unknown answer blocked it. Press F1 in "
        "a question to jump to its entry here.</p>"
    )
    for section in kb.sections:
        factors = [f for f in kb.factors if f.section == section.id]
        if not factors:
            continue
        out.append(f"<h3>{escape(section.title)}</h3>")
        for factor in factors:
            levels = "".join(
                f"<li><b>{escape(level.label)}</b>: {escape(level.meaning)}</li>" for level in factor.levels
            )
            props = ", ".join(f"<a href='#prop-{escape(p)}'>{escape(p)}</a>" for p in factor.propositions)
            out.append(
                f"<p><a name='q-{escape(factor.id)}'></a><b>{escape(factor.question)}</b><br>"
                f"{escape(factor.help)}"
                + (f" <span class='muted'>Propositions: {props}.</span>" if props else "")
                + f"</p><ul>{levels}</ul>"
            )
    out.append("<h3>How to read the results</h3>")
    out.append(
        "<p>The banner on top gives the predicted response, its confidence (how far its "
        "support is ahead of the runner-up), the threat level, and for a historical case what "
        "the state actually did.</p>"
    )
    for title, text in TABS:
        short = SHORT_TAB_TITLES.get(title)
        also = f" (<b>{escape(short)}</b> in a narrow window)" if short else ""
        out.append(f"<p><a name='tab-{escape(title)}'></a><b>{escape(title)}</b>{also}: {escape(text)}</p>")
    out.append(
        "<p>The Case Library lists the historical cases with the prediction beside what happened; "
        "sort by any column, and double-click a case to open it read-only.</p>"
    )
    return "".join(out)
