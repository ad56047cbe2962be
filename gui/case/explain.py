"""Explanation views: the reasoning (rules in firing order, one rule in detail)
and "why not" for any response. Both only format what the Result holds; the
condition tree comes from the knowledge base and is evaluated on the Result's
facts only to mark which parts held."""

from collections.abc import Iterable, Mapping
from typing import Protocol

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QWidget

from alliance_advisor.gui.style import document_css, esc, fact_levels, fact_title, named, response_colour, theme
from alliance_advisor.presentation.citations import merge_citations
from alliance_advisor.presentation.wording import effect_label, failure_text, why_not_stage_detail, why_not_summary
from alliance_advisor.rules.case import FiredRule, Result
from alliance_advisor.rules.kb import KnowledgeBase, RuleSpec
from alliance_advisor.rules.kb import conditions as cond

RULE_SCHEME = "rule"


class _Share(Protocol):
    """A rule's share in a response's support (a Support's ``for_`` and ``against``)."""

    @property
    def rule(self) -> str: ...

    @property
    def cf(self) -> float: ...


def _mark(held: bool | None) -> str:
    colour, sign = {True: (theme.GOOD, "✓"), False: (theme.BAD, "✗"), None: (theme.FAINT, "?")}[held]
    return f"<span style='color:{colour}'>{sign}</span>"


def rule_link(rule_id: str) -> str:
    return f"<a href='{RULE_SCHEME}:{esc(rule_id)}'>{esc(rule_id)}</a>"


def facts_text(kb: KnowledgeBase, facts: Mapping[str, str]) -> str:
    return ", ".join(f"{kb.fact_label(name)} = {kb.level_label(name, level)}" for name, level in facts.items())


def outcome_text(kb: KnowledgeBase, item: FiredRule) -> str:
    if item.asserted is not None:
        return "⇒ " + ", ".join(f"{kb.fact_label(f)} = {kb.level_label(f, lv)}" for f, lv in item.asserted.items())
    return ", ".join(f"{effect_label(kb, item.layer, r)} {cf:+.2f}" for r, cf in (item.effects or {}).items())


def make_browser() -> QTextBrowser:
    browser = QTextBrowser()
    browser.setOpenLinks(False)
    browser.document().setDefaultStyleSheet(document_css())
    browser.document().setDocumentMargin(12)
    return browser


# ---------------------------------------------------------------- rule detail


def condition_html(kb: KnowledgeBase, node: cond.Condition, facts: Mapping[str, str | None]) -> str:
    """A condition tree as nested lists, each part marked held / failed / unknown."""
    mark = _mark(cond.evaluate(node, facts))
    if isinstance(node, cond.Leaf):
        wanted = [kb.level_label(node.fact, lv) for lv in fact_levels(kb, node.fact) if lv in node.allowed]
        now = kb.level_label(node.fact, facts.get(node.fact))
        return (
            f"<li>{mark} <b>{esc(fact_title(kb, node.fact))}</b> is {esc(' or '.join(wanted))} "
            f"<span class='faint'>(now: {esc(now)})</span><br><span class='code'>{esc(node.text)}</span></li>"
        )
    joiner = "all of" if isinstance(node, cond.All) else "any of"
    children = "".join(condition_html(kb, child, facts) for child in node.children)
    return f"<li>{mark} {joiner}:<ul>{children}</ul></li>"


def _score_html(kb: KnowledgeBase, spec: RuleSpec, fired: FiredRule | None) -> str:
    points = fired.score.points if fired is not None and fired.score is not None else {}
    rows: list[str] = []
    for factor, table in spec.score:
        scale = ", ".join(f"{esc(kb.level_label(factor, lv))} {p}" for lv, p in table)
        got = points.get(factor)
        rows.append(
            f"<tr><td><b>{esc(fact_title(kb, factor))}</b></td>"
            f"<td align='right'>{'' if got is None else got}</td>"
            f"<td class='muted'>{scale}</td></tr>"
        )
    bands = ", ".join(f"{esc(b.level)} up to {b.up_to}" for b in spec.bands)
    return (
        "<table cellspacing='0' cellpadding='3'><tr><th align='left'>Source</th><th>Points</th>"
        "<th align='left'>Scale</th></tr>" + "".join(rows) + "</table>"
        f"<p class='muted'>Bands: {bands}.</p>"
    )


def rule_html(kb: KnowledgeBase, rule_id: str, result: Result) -> str:
    spec = kb.rule(rule_id)
    fired = next((item for item in result.fired if item.rule == rule_id), None)
    status = f"fired at step {fired.step}" if fired else "<span class='bad'>did not fire</span> for this case"
    parts = [
        f"<h2>{esc(rule_id)}</h2>",
        f"<p class='muted'>{esc(spec.kind.capitalize())} rule · {status}</p>",
        f"<p>{esc(spec.explanation)}</p>",
        "<h3>Propositions</h3>",
    ]
    for pid in spec.propositions:
        prop = kb.proposition(pid)
        parts.append(
            f"<p><b>{esc(pid)} · {esc(prop.title)}</b><br>{esc(prop.text)} "
            f"<span class='muted'>({esc(prop.citation)})</span></p>"
        )
    if spec.derive:
        parts.append(f"<h3>Scores {esc(kb.fact_label(spec.derive))} from</h3>")
        parts.append(_score_html(kb, spec, fired))
    else:
        assert spec.condition is not None  # every rule but a score rule has one
        parts.append("<h3>When</h3><ul>" + condition_html(kb, spec.condition, result.facts) + "</ul>")
    if fired:
        parts.append("<h3>Matched</h3><p>" + esc(facts_text(kb, fired.facts)) + "</p>")
        parts.append("<h3>Concluded</h3><p>" + esc(outcome_text(kb, fired)) + "</p>")
    elif spec.effects:
        effects = ", ".join(f"{effect_label(kb, spec.layer, r)} {cf:+.2f}" for r, cf in spec.effects)
        parts.append(f"<h3>Would have lent</h3><p>{esc(effects)}</p>")
    return "".join(parts)


# ------------------------------------------------------------------ reasoning


class ReasoningView(QSplitter):
    """Every fired rule in firing order; the selected rule in detail below."""

    COLUMNS = ("#", "Rule", "Matched facts", "Concluded", "Source")

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.kb = kb
        self.result: Result | None = None
        self._shown_rule: str | None = None
        self.table = named(QTreeWidget(), "reasoningTable")
        self.table.setHeaderLabels(self.COLUMNS)
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        header = self.table.header()
        header.setStretchLastSection(False)
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Interactive,
                QHeaderView.ResizeMode.Interactive,
            )
        ):
            header.setSectionResizeMode(column, mode)
        header.resizeSection(3, 230)
        header.resizeSection(4, 170)
        self._shares_given: tuple[int, int] | None = None
        self.table.currentItemChanged.connect(self._current_changed)
        self.detail = make_browser()
        self.detail.anchorClicked.connect(self._link)
        self.addWidget(self.table)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Fixed widths for "Concluded" and "Source" left the matched facts a sliver in a
        # small window: give them shares of the width instead (until the user drags them).
        header = self.table.header()
        width = self.table.viewport().width()
        if self._shares_given is None or (header.sectionSize(3), header.sectionSize(4)) == self._shares_given:
            shares = (max(140, min(230, int(width * 0.3))), max(110, min(170, int(width * 0.2))))
            header.resizeSection(3, shares[0])
            header.resizeSection(4, shares[1])
            self._shares_given = shares

    def show_result(self, result: Result) -> None:
        kept = self.selected_rule()
        self.result = result
        self.table.blockSignals(True)
        self.table.clear()
        for item in result.fired:
            row = QTreeWidgetItem(
                [
                    str(item.step),
                    item.rule,
                    facts_text(self.kb, item.facts),
                    outcome_text(self.kb, item),
                    merge_citations(item.citations),
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, item.rule)
            row.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column in (2, 3, 4):
                row.setToolTip(column, row.text(column))
            if item.layer == "derive":
                row.setForeground(1, QColor(theme.MUTED))
            for response, cf in (item.effects or {}).items():
                if cf > 0:
                    row.setForeground(3, response_colour(self.kb, response))
                    break
            self.table.addTopLevelItem(row)
        self.table.blockSignals(False)
        self.select_rule(kept or (result.fired[0].rule if result.fired else None))

    def selected_rule(self) -> str | None:
        item = self.table.currentItem()
        rule: str | None = item.data(0, Qt.ItemDataRole.UserRole) if item else self._shown_rule
        return rule

    def select_rule(self, rule_id: str | None) -> None:
        """Select a fired rule's row, or show any rule's detail (it may not have fired)."""
        self._shown_rule = rule_id
        if self.result is None or rule_id is None:
            self.detail.clear()
            return
        rows = (self.table.topLevelItem(i) for i in range(self.table.topLevelItemCount()))
        matches = [row for row in rows if row is not None and row.data(0, Qt.ItemDataRole.UserRole) == rule_id]
        self.table.blockSignals(True)
        if matches:
            self.table.setCurrentItem(matches[0])
            self.table.scrollToItem(matches[0])
        else:
            self.table.setCurrentItem(None)  # type: ignore[call-overload]  # the stubs miss None: no current row
            self.table.clearSelection()
        self.table.blockSignals(False)
        self.detail.setHtml(rule_html(self.kb, rule_id, self.result))

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None:
            self.select_rule(current.data(0, Qt.ItemDataRole.UserRole))

    def _link(self, url: QUrl) -> None:
        if url.scheme() == RULE_SCHEME:
            self.select_rule(url.path())


# -------------------------------------------------------------------- why not


def why_not_html(kb: KnowledgeBase, result: Result, response_id: str) -> str:
    assert result.why_not is not None  # asked only of an explained result
    info = result.why_not[response_id]
    detail = result.support_detail[response_id]
    label = kb.response(response_id).label
    question = f"Why {label}?" if response_id == result.verdict else f"Why not {label}?"
    colour = response_colour(kb, response_id).name()
    parts = [
        f"<h2 style='color:{colour}'>{esc(question)}</h2>",
        f"<p>{esc(why_not_summary(result, response_id))}</p>",
        *([f"<p>{esc(d)}</p>"] if (d := why_not_stage_detail(kb, result, response_id)) else []),
        f"<p class='muted'>{esc(kb.response(response_id).meaning)} Support {detail.cf:+.2f} "
        f"(belief {detail.mb:.2f}, disbelief {detail.md:.2f}).</p>",
    ]

    def rules(title: str, entries: Iterable[_Share], sign_class: str) -> None:
        if not entries:
            return
        parts.append(f"<h3>{title}</h3><ul>")
        for entry in entries:
            spec = kb.rule(entry.rule)
            cites = "; ".join(kb.proposition(p).citation for p in spec.propositions)
            parts.append(
                f"<li>{rule_link(entry.rule)} <span class='{sign_class}'>{entry.cf:+.2f}</span> "
                f"{esc(spec.explanation)} <span class='muted'>({esc(cites)})</span></li>"
            )
        parts.append("</ul>")

    rules("Rules that fired for it", detail.for_, "good")
    rules("Rules that fired against it", detail.against, "bad")
    if info.blocked:
        parts.append("<h3>Rules that would support it but did not fire</h3><ul>")
        for blocked in info.blocked:
            reasons = "; ".join(failure_text(kb, f) for f in blocked.failed) or "its condition does not hold"
            parts.append(
                f"<li>{rule_link(blocked.rule)} <span class='faint'>{blocked.cf:+.2f}</span> — {esc(reasons)}</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


class WhyNotView(QSplitter):
    """Pick any response: its support, the rules for and against, what blocked the rest."""

    ruleRequested = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.kb = kb
        self.result: Result | None = None
        self.responses = named(QTreeWidget(), "whyNotResponses")
        self.responses.setHeaderLabels(("Response", "Support"))
        self.responses.setRootIsDecorated(False)
        self.responses.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.responses.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.responses.header().setStretchLastSection(False)
        self.responses.setMaximumWidth(260)
        self.responses.currentItemChanged.connect(self._current_changed)
        self.detail = make_browser()
        self.detail.anchorClicked.connect(
            lambda url: self.ruleRequested.emit(url.path()) if url.scheme() == RULE_SCHEME else None
        )
        self.addWidget(self.responses)
        self.addWidget(self.detail)
        self.setStretchFactor(1, 1)

    def show_result(self, result: Result) -> None:
        self.result = result
        kept = self.selected_response() or result.runner_up or result.verdict
        self.responses.blockSignals(True)
        self.responses.clear()
        for rid in sorted(self.kb.response_ids, key=lambda r: -result.support[r]):
            item = QTreeWidgetItem([self.kb.response(rid).label, f"{result.support[rid]:+.2f}"])
            item.setData(0, Qt.ItemDataRole.UserRole, rid)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, self.kb.response(rid).meaning)
            for column in (0, 1):
                item.setForeground(column, response_colour(self.kb, rid))
                if rid == result.verdict:
                    font = item.font(column)
                    font.setBold(True)
                    item.setFont(column, font)
            self.responses.addTopLevelItem(item)
        self.responses.blockSignals(False)
        self.select_response(kept)

    def selected_response(self) -> str | None:
        item = self.responses.currentItem()
        response: str | None = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        return response

    def select_response(self, response_id: str | None) -> None:
        for i in range(self.responses.topLevelItemCount()):
            item = self.responses.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == response_id:
                self.responses.blockSignals(True)
                self.responses.setCurrentItem(item)
                self.responses.blockSignals(False)
        result = self.result
        if (
            result is not None
            and result.why_not is not None
            and response_id is not None
            and response_id in result.why_not
        ):
            self.detail.setHtml(why_not_html(self.kb, result, response_id))

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None:
            self.select_response(current.data(0, Qt.ItemDataRole.UserRole))
