"""Compare two cases side by side: the answers that differ, the verdicts, the support.

``compare_rows`` is the data (from two Results); ``CompareWindow`` only shows it."""

from html import escape
from typing import Any

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from alliance_advisor.gui.case.explain import make_browser
from alliance_advisor.gui.style import response_colour, theme
from alliance_advisor.rules.case import Result
from alliance_advisor.rules.kb import KnowledgeBase


def compare_rows(kb: KnowledgeBase, left: Result, right: Result) -> dict[str, Any]:
    """{'answers': [(question, left label, right label)] for answers that differ,
    'verdicts': (left, right), 'margin': (left, right),
    'threat': (left, right), 'support': [(response label, left cf, right cf)]}."""
    answers: list[tuple[str, str, str]] = []
    for factor in kb.factors:
        a, b = left.case.answer(factor.id), right.case.answer(factor.id)
        if a != b:
            answers.append((factor.question, factor.label_of(a), factor.label_of(b)))

    def label(result: Result) -> str:
        return kb.response(result.verdict).label if result.verdict else "No verdict"

    def threat(result: Result) -> str:
        return kb.level_label(kb.theory.threat_fact, result.threat_level) if result.threat_level else "unknown"

    return {
        "answers": answers,
        "verdicts": (label(left), label(right)),
        "margin": (left.margin, right.margin),
        "threat": (threat(left), threat(right)),
        "support": [(kb.response(r).label, left.support[r], right.support[r]) for r in kb.response_ids],
    }


def _name(result: Result) -> str:
    case = result.case
    title = case.title or "Untitled case"
    return title + (f" ({case.year})" if case.year is not None else "")


def compare_html(kb: KnowledgeBase, left: Result, right: Result) -> str:
    """One table, so the two cases' columns line up from the verdict to the support."""
    rows = compare_rows(kb, left, right)

    def section(title: str) -> str:
        return f"<tr><td colspan='3'><h3>{escape(title)}</h3></td></tr>"

    def verdict_cell(result: Result, text: str) -> str:
        colour = response_colour(kb, result.verdict).name()
        return f"<td><b style='color:{colour}'>{escape(text)}</b></td>"

    out = [
        "<h2>Two cases side by side</h2><table class='compare' cellspacing='0' width='100%'>",
        f"<tr><th width='34%'></th><th align='left' width='33%'>{escape(_name(left))}</th>"
        f"<th align='left' width='33%'>{escape(_name(right))}</th></tr>",
        "<tr><td><b>Verdict</b></td>",
        verdict_cell(left, rows["verdicts"][0]),
        verdict_cell(right, rows["verdicts"][1]),
        "</tr>",
        f"<tr><td>Margin</td><td>{rows['margin'][0]:.2f}</td><td>{rows['margin'][1]:.2f}</td></tr>",
        f"<tr><td>Threat level</td><td>{escape(rows['threat'][0])}</td><td>{escape(rows['threat'][1])}</td></tr>",
        section(f"Answers that differ ({len(rows['answers'])} of {len(kb.factors)})"),
    ]
    if rows["answers"]:
        out += [f"<tr><td>{escape(q)}</td><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for q, a, b in rows["answers"]]
    else:
        out.append("<tr><td colspan='3' class='muted'>Every answer is the same.</td></tr>")
    out.append(section("Support per response"))
    for response, a, b in rows["support"]:
        mark = "" if round(a - b, 2) == 0 else f" <span style='color:{theme.MUTED}'>({b - a:+.2f})</span>"
        out.append(f"<tr><td>{escape(response)}</td><td>{a:+.2f}</td><td>{b:+.2f}{mark}</td></tr>")
    out.append("</table>")
    return "".join(out)


class CompareWindow(QDialog):
    def __init__(self, kb: KnowledgeBase, left: Result, right: Result, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareWindow")
        self.setWindowTitle(f"Compare: {_name(left)} · {_name(right)}")
        self.resize(720, 620)
        self.setMinimumSize(420, 320)
        self.rows = compare_rows(kb, left, right)
        self.browser = make_browser()
        self.browser.setHtml(compare_html(kb, left, right))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.browser)
