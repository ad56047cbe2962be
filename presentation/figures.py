"""Figures of a result, laid out in pure Python and shared by the app and the reports.

The app paints the layouts with QPainter; the reports turn them into standalone SVG.
Nothing here imports Qt, and nothing re-derives reasoning: every node, edge and bar
comes from the Result.

API (coordinates in pixels at 96 dpi, origin top left; a node's x, y is its top left):

- ``chain_layout(result) -> ChainLayout``: the inference chain, left to right.
  ``ChainLayout(width=, height=, nodes=, edges=, columns=, legend_y=)``, with
  ``.node(id)`` and ``.node_at(x, y)`` (hit testing for clicks and tooltips).
  ``Node(id=, kind=, label=, sublabel=, x=, y=, w=, h=, rule_id=, fact=, response=,
  emphasis=, tone=, tooltip=)``; ``kind`` is 'answer' | 'derived' | 'rule' | 'choice' | 'response';
  ids are 'answer:<factor>', 'derived:<fact>', 'rule:<rule id>',
  'choice:<stage>:<alternative>' (a stage's alternative: rules weigh on these; the
  verdict's path is emphasised). A choice node's ``response`` is the response a click
  explains (the verdict on its path, or the response that leaves it there).
  ``rule_id`` is the rule to show when the node is selected (a derived fact carries
  the derive rule folded into it). ``node.compact`` (rule nodes): label left and
  sublabel right on one line; other nodes: label over sublabel.
  ``Edge(source, target, tone, skips)``: node ids; ``skips`` edges pass behind a
  column, draw them fainter (``edge_opacity``). ``edge_path(layout, edge)`` gives the
  cubic curve (x0, y0, c1x, c1y, c2x, c2y, x1, y1); ``edge_colour(edge)``,
  ``node_colours(node) -> (stroke, fill, text)`` and ``PALETTE`` keep the app and
  the reports in the same colours. ``Column(title, x, w)`` are the column headings.
- ``threat_profile(result) -> ThreatProfile``: iterates over
  ``ThreatSource(factor=, label=, level_label=, points=, max_points=, unknown=)`` and has
  ``total``, ``maximum``, ``band`` (the threat level), ``estimated``, ``range`` and
  ``bands`` [(level, first point, last point)]; ``threat_caption(profile)`` in words.
- ``chain_svg(result)``, ``threat_svg(result)``, ``support_svg(result)``: standalone
  SVG documents (str), all text XML-escaped, SVG Tiny features only so that QtSvg
  renders them as browsers do.
- ``text_width(text, size, bold)`` and ``fit_text(text, width, size, bold)``: the
  estimates the layout uses (the app may measure with QFontMetrics instead).
"""

from dataclasses import dataclass, field
from html import escape as _html_escape

from alliance_advisor.presentation.citations import merge_citations
from alliance_advisor.presentation.style import FONT_FAMILY, INK, MUTED
from alliance_advisor.rules.case import ThreatScore
from alliance_advisor.rules.inference import score_parts
from alliance_advisor.rules.kb import DERIVE, UNKNOWN


def escape(text):
    """XML-escape text for SVG (quotes too). html.escape rather than xml.sax's,
    which drags urllib and http.client into the app's start-up."""
    return _html_escape(str(text), quote=True)


# One calm palette for every figure (and for the app, so screen and paper agree):
# tone -> (stroke, fill, text).
PALETTE = {
    "positive": ("#2f7d5b", "#e7f3ec", "#1d4d38"),
    "negative": ("#b4493d", "#f8e9e6", "#7a2c23"),
    "neutral": ("#5b6b7a", "#f1f4f7", "#1f2933"),
    "unknown": ("#9aa5b1", "#ffffff", "#6b7785"),
    "derived": ("#4c6a92", "#eaf0f7", "#1f2933"),
    "verdict": ("#1d4e89", "#dce8f6", "#0f2c4f"),
}
GRID = "#d5dce3"
EDGE = "#9aa8b6"
# Threat bands from calm to alarming, by band position (low .. severe).
BAND_COLOURS = ("#d9e7d3", "#f3e6bf", "#f1cfb0", "#e7b3aa")

LABEL_SIZE = 12  # px, node titles
SUBLABEL_SIZE = 11  # px, node second lines
TITLE_SIZE = 13  # px, column headings


# The layout records are keyword-only but not frozen: the layout places and sizes
# its nodes and marks its edges after building them.
@dataclass(kw_only=True)
class Node:
    id: str
    kind: str  # 'answer' | 'derived' | 'rule' | 'choice' | 'response'
    label: str
    sublabel: str
    x: float
    y: float
    w: float
    h: float
    rule_id: str | None = None  # the rule to show when the node is selected
    fact: str | None = None
    response: str | None = None
    emphasis: bool = False  # the verdict
    tone: str = "neutral"  # 'positive' | 'negative' | 'neutral' | 'unknown'
    tooltip: str = ""
    lines: tuple = ()  # the label wrapped onto at most two lines (empty: the label on one)

    @property
    def label_lines(self):
        return self.lines or (self.label,)

    @property
    def compact(self):
        """Compact nodes (fired support rules) put label and sublabel on one line."""
        return self.kind == "rule"

    def contains(self, px, py):
        return self.x <= px <= self.x + self.w and self.y <= py <= self.y + self.h


@dataclass
class Edge:
    source: str
    target: str
    tone: str = "neutral"  # 'positive' | 'negative' | 'neutral' | 'unknown'
    skips: bool = False  # passes behind a column between its ends: draw it fainter


@dataclass
class Column:
    title: str
    x: float
    w: float


@dataclass(kw_only=True)
class ChainLayout:
    width: float
    height: float
    nodes: list
    edges: list
    columns: list = field(default_factory=list)
    legend_y: float = 0.0  # top of the legend row

    def node(self, node_id) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def node_at(self, px, py) -> Node | None:
        return next((n for n in self.nodes if n.contains(px, py)), None)


@dataclass(kw_only=True)
class ThreatSource:
    factor: str
    label: str
    level_label: str
    points: int
    max_points: int
    unknown: bool


@dataclass(kw_only=True)
class ThreatProfile:
    """The four sources of threat; iterates over its sources like a list."""

    sources: list
    total: int
    maximum: int
    band: str | None  # the threat level
    open: bool  # the unknown sources leave the level open
    range: tuple  # (lowest, highest) total the unknowns allow
    bands: list  # [(level, first point, last point)]

    def __iter__(self):
        return iter(self.sources)

    def __len__(self):
        return len(self.sources)

    def __getitem__(self, index):
        return self.sources[index]


# ------------------------------------------------------------------ text sizes

_NARROW = set("ijlI.,:;'|!()[] ")
_WIDE = set("MWmw@%")


def text_width(text, size=LABEL_SIZE, bold=False):
    """Approximate advance of ``text`` in a sans-serif face (no font metrics in pure
    Python; generous so labels fit in Helvetica, Arial and DejaVu alike)."""
    units = 0.0
    for ch in text:
        if ch in _NARROW:
            units += 0.30
        elif ch in _WIDE:
            units += 0.85
        elif ch.isupper() or ch.isdigit() or ch in "-+_":
            units += 0.66
        else:
            units += 0.56
    return units * size * (1.13 if bold else 1.0)


def fit_text(text, width, size=LABEL_SIZE, bold=False):
    """``text`` cut with an ellipsis so that it fits in ``width``."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap_text(text, width, size=LABEL_SIZE, bold=False, max_lines=2):
    """``text`` broken at spaces into at most ``max_lines`` lines of ``width``; the
    last line is cut with an ellipsis only if the words do not fit."""
    lines, words = [], text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size, bold) <= width:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        lines[-1] = fit_text(f"{lines[-1]} {' '.join(words)}", width, size, bold)
    lines[-1] = fit_text(lines[-1], width, size, bold)
    return tuple(lines)


def capital(text):
    return text[:1].upper() + text[1:]


def signed(value):
    """A weight or support in words: +0.25, −0.10 (a true minus sign), 0.00."""
    return f"{value:+.2f}".replace("-", "\u2212") if round(value, 2) else "0.00"


# ------------------------------------------------------------- chain layout

MARGIN = 24
HEADER = 34  # room for the column titles
COLUMN_GAP = 44  # horizontal room for the edges between columns
NODE_H = 38
LINE_H = 14  # a second line of a node's label
WRAP_W = 180  # px: a node's label longer than this goes onto a second line
RULE_H = 24
V_GAP = 8
RULE_GAP = 5
LEGEND_H = 40


def response_order(result):
    """Responses in the diagram's order: the verdict, then by support."""
    order = {rid: i for i, rid in enumerate(result.kb.response_ids)}
    return sorted(result.support, key=lambda r: (r != result.verdict, -result.support[r], order[r]))


def _main_effect(item):
    """The response a support rule weighs on most (it is grouped under it)."""
    return max(item.effects.items(), key=lambda kv: (abs(kv[1]), kv[0]))[0]


def _tone(value):
    return "positive" if value > 0 else "negative" if value < 0 else "neutral"


def chain_layout(result) -> ChainLayout:
    """The inference chain as a left-to-right layered diagram.

    Columns: the answers the fired rules read (and the unknown answers), the derived
    facts (a derive rule is folded into the fact it asserts; facts derived from other
    facts get a column further right), the fired stage rules grouped by the stage
    alternative they weigh on most, the stage alternatives that received support
    (each stage's conclusion marked chosen, those on the verdict's path drawn as the
    verdict and named after it).
    """
    kb = result.kb
    fired = result.fired
    support_items = [item for item in fired if item.layer != DERIVE and item.effects]
    derive_items = [item for item in fired if item.asserted or (item.score and not item.score.settled)]

    # --- nodes, by column, before placement
    edges = []
    derived_nodes: dict[str, Node] = {}
    depth: dict[str, int] = {}
    for item in derive_items:
        # A score the unknowns leave open asserts nothing; its fact is drawn as open.
        claims = item.asserted.items() if item.asserted else [(kb.theory.threat_fact, None)]
        for fact, level in claims:
            if fact in derived_nodes:
                continue
            reads = [f for f, kind in item.fact_kinds.items() if kind == "derived"]
            depth[fact] = 1 + max((depth.get(f, 0) for f in reads), default=0)
            score = item.score
            sub = (
                kb.level_label(fact, level)
                if level is not None
                else f"left open: {' to '.join((score.bands[0], score.bands[-1]))}"
                if score
                else "unknown"
            )
            derived_nodes[fact] = Node(
                id=f"derived:{fact}",
                kind="derived",
                label=kb.fact_label(fact),
                sublabel=f"{sub} \u00b7 {item.rule}",
                x=0,
                y=0,
                w=0,
                h=NODE_H,
                rule_id=item.rule,
                fact=fact,
                tone="neutral",
                tooltip=f"{kb.fact_label(fact)}: {sub}\nDerived by {item.rule}: {item.explanation}",
            )
            edges += _fact_edges(item, f"derived:{fact}")

    answers_read: set[str] = set()
    for item in fired:
        answers_read.update(f for f, kind in item.fact_kinds.items() if kind == "answer")
    answer_nodes = {}
    for factor in kb.factors:
        known = factor.id in result.case.answers
        if not known:
            label = "unknown"
        elif factor.id in answers_read:
            label = factor.label_of(result.case.answers[factor.id])
        else:
            continue  # answered, but no fired rule read it
        answer_nodes[factor.id] = Node(
            id=f"answer:{factor.id}",
            kind="answer",
            label=capital(kb.fact_label(factor.id)),
            sublabel=label,
            x=0,
            y=0,
            w=0,
            h=NODE_H,
            fact=factor.id,
            tone="neutral" if known else "unknown",
            tooltip=f"{factor.question}\n{label}" + ("" if known else " (the engine reasoned without it)"),
        )

    # The rules of the weighed stages lend support to a stage's alternatives (against,
    # by alliance, ...), not to responses: they feed the stage choices, and the choices
    # on the verdict's path are drawn as the verdict (a column of its own would widen
    # the chain past legibility in the reports).
    stage_rank = {st.id: i for i, st in enumerate(kb.stages)}
    stage_of_fact = {st.fact: st for st in kb.stages}
    outcomes = {o.stage: o for o in result.stages}
    choice_key: dict[str, tuple[str, str]] = {}  # alternative id -> (stage id, alternative)
    for st in kb.weighed_stages:
        for alt in st.alternatives:
            choice_key.setdefault(alt, (st.id, alt))

    def choice_of(alternative):
        return choice_key.get(alternative, ("", alternative))

    def choice_rank(key):
        stage, alt = key
        st = kb.stage(stage) if stage in stage_rank else None
        alts = st.alternatives if st else ()
        return (stage_rank.get(stage, 99), alts.index(alt) if alt in alts else 99)

    support_items.sort(key=lambda item: (choice_rank(choice_of(_main_effect(item))), item.step))
    rule_nodes = []
    for item in support_items:
        effects = item.effects
        signs = {_tone(cf) for cf in effects.values()}
        sub = " ".join(signed(cf) for cf in effects.values())
        tip = "; ".join(f"{signed(cf)} {_choice_text(kb, *choice_of(a))}" for a, cf in effects.items())
        rule_nodes.append(
            Node(
                id=f"rule:{item.rule}",
                kind="rule",
                label=item.rule,
                sublabel=sub,
                x=0,
                y=0,
                w=0,
                h=RULE_H,
                rule_id=item.rule,
                tone=signs.pop() if len(signs) == 1 else "neutral",
                tooltip=f"{item.rule} ({merge_citations(item.citations)}): {item.explanation}\n{tip}",
            )
        )
        edges += _fact_edges(item, f"rule:{item.rule}")
        for alternative, cf in effects.items():
            stage, alt = choice_of(alternative)
            edges.append(Edge(f"rule:{item.rule}", f"choice:{stage}:{alt}", _tone(cf)))

    touched = {choice_of(a) for item in support_items for a in item.effects}
    verdict_path = set()
    if result.verdict is not None:
        for fact, level in kb.response(result.verdict).path.items():
            st = stage_of_fact.get(fact)
            if st is not None:
                verdict_path.add((st.id, level))
    for stage, outcome in outcomes.items():
        if stage in stage_rank and kb.stage(stage).weighed and outcome.conclusion is not None:
            if (stage, outcome.conclusion) in verdict_path:
                touched.add((stage, outcome.conclusion))
    explained: dict[tuple[str, str], str] = {}
    for rid, info in (result.why_not or {}).items():
        if info.stage is not None and info.alternative is not None:
            explained.setdefault((info.stage, info.alternative), rid)
    choice_nodes = []
    for stage, alt in sorted(touched, key=choice_rank):
        outcome = outcomes.get(stage)
        cf = outcome.support.get(alt, 0.0) if outcome else 0.0
        chosen = outcome is not None and outcome.conclusion == alt
        on_path = (stage, alt) in verdict_path and chosen
        text = _choice_text(kb, stage, alt)
        choice_nodes.append(
            Node(
                id=f"choice:{stage}:{alt}",
                kind="choice",
                label=text,
                sublabel=(
                    f"{kb.response(result.verdict).label} \u00b7 {signed(cf)}"
                    if on_path and result.verdict
                    else ("chosen \u00b7 " if chosen else "") + f"support {signed(cf)}"
                ),
                x=0,
                y=0,
                w=0,
                h=NODE_H,
                response=result.verdict if on_path else explained.get((stage, alt)),
                emphasis=on_path,  # the verdict's path: drawn as the verdict
                tone=_tone(cf),
                tooltip=(kb.stage(stage).question if stage in stage_rank else text)
                + f"\n{text}: support {signed(cf)}"
                + (" (the stage's conclusion)" if chosen else ""),
            )
        )
    deepest = max(depth.values(), default=0)
    derived_columns = [[derived_nodes[f] for f in derived_nodes if depth[f] == d] for d in range(1, deepest + 1)]
    columns = [list(answer_nodes.values())] + derived_columns + [rule_nodes, choice_nodes]
    titles = ["Answers"] + ["Derived facts"] + [""] * (deepest - 1) + ["Rules that fired", "Stage choices"]
    if not derived_columns:
        titles.remove("Derived facts")

    # Edges between nodes that exist (a derived fact read but asserted elsewhere is
    # always present; an answer read by a rule always is).
    ids = {n.id for col in columns for n in col}
    edges = _unique(e for e in edges if e.source in ids and e.target in ids)

    for n in (n for col in columns for n in col if not n.compact):
        if text_width(n.label, LABEL_SIZE, True) > WRAP_W:
            n.lines = wrap_text(n.label, WRAP_W, LABEL_SIZE, True)
            n.h += (len(n.lines) - 1) * LINE_H
    column_of = {n.id: i for i, col in enumerate(columns) for n in col}
    for e in edges:
        e.skips = column_of[e.target] - column_of[e.source] > 1
    _order_columns(columns, edges)
    xs = _place_columns(columns)
    height = _place_rows(columns, edges)
    width = xs[-1][0] + xs[-1][1] + MARGIN if xs else 2 * MARGIN
    column_list = []
    for title, (x, w) in zip(titles, xs):
        if title:
            column_list.append(Column(title, x, w))
        else:  # a further derived column shares the heading of the first
            prev = column_list[-1]
            column_list[-1] = Column(prev.title, prev.x, x + w - prev.x)
    nodes = [n for col in columns for n in col]
    return ChainLayout(
        width=round(width),
        height=round(height + LEGEND_H + MARGIN / 2),
        nodes=nodes,
        edges=edges,
        columns=column_list,
        legend_y=round(height + 8),
    )


def _choice_text(kb, stage, alternative):
    """'Direction: against the threat': a stage's alternative, for a node's label."""
    if stage not in {st.id for st in kb.stages}:
        return str(alternative).replace("_", " ")
    return f"{capital(stage)}: {kb.alternative_label(stage, alternative)}"


def _fact_edges(item, target):
    """Edges from the facts a fired rule read; a threat score also reads unknown answers."""
    return [
        Edge(f"{kind}:{f}", target, "unknown" if item.facts.get(f) == UNKNOWN else "neutral")
        for f, kind in item.fact_kinds.items()
    ]


def _unique(edges):
    seen, out = set(), []
    for e in edges:
        if (e.source, e.target) not in seen:
            seen.add((e.source, e.target))
            out.append(e)
    return out


def _order_columns(columns, edges):
    """Order the left columns by the mean rank of what they feed (the barycentre
    heuristic), so edges cross as little as possible. The two right columns keep
    their order: rules grouped by stage choice, the choices by stage."""
    succ = {}
    for e in edges:
        succ.setdefault(e.source, []).append(e.target)
    rank = {}
    for col in columns[-2:]:
        for i, n in enumerate(col):
            rank[n.id] = i / max(len(col) - 1, 1)
    for col in reversed(columns[:-2]):
        keys = {}
        for i, n in enumerate(col):
            targets = [rank[t] for t in succ.get(n.id, []) if t in rank]
            # Nodes that feed nothing (an unknown answer, an unused fact) go last.
            keys[n.id] = (0, sum(targets) / len(targets), i) if targets else (1, 0, i)
        col.sort(key=lambda n: keys[n.id])
        for i, n in enumerate(col):
            rank[n.id] = keys[n.id][1] if keys[n.id][0] == 0 else 1.0 + i / 100


def _column_width(col):
    widest = max(
        (
            max(
                max(text_width(line, LABEL_SIZE, True) for line in n.label_lines),
                min(text_width(n.sublabel, SUBLABEL_SIZE, n.emphasis), WRAP_W + 20),
            )
            if not n.compact
            else text_width(n.label, SUBLABEL_SIZE, True) + text_width(n.sublabel, SUBLABEL_SIZE, True) + 16
            for n in col
        ),
        default=100,
    )
    return min(max(widest + 24, 120), 320)


def _place_columns(columns):
    xs, x = [], MARGIN
    for col in columns:
        w = _column_width(col)
        for n in col:
            n.x, n.w = x, w
        xs.append((x, w))
        x += w + COLUMN_GAP
    return xs


def _gap(n):
    return RULE_GAP if n.compact else V_GAP


def _stack_height(col):
    return sum(n.h + _gap(n) for n in col) - (_gap(col[-1]) if col else 0)


def _place_rows(columns, edges):
    """Vertical positions: stack each column, then pull every node towards the
    mean height of its neighbours, keeping order and spacing (a few sweeps)."""
    top = MARGIN + HEADER
    tallest = max((_stack_height(c) for c in columns), default=0)
    bottom = top + tallest
    pos = {}
    for col in columns:
        y = top + (tallest - _stack_height(col)) / 2
        for n in col:
            n.y = y
            pos[n.id] = n
            y += n.h + _gap(n)
    preds, succs = {}, {}
    for e in edges:
        succs.setdefault(e.source, []).append(e.target)
        preds.setdefault(e.target, []).append(e.source)

    def centre(node_id):
        n = pos[node_id]
        return n.y + n.h / 2

    def pull(col, neighbours):
        wanted = []
        for n in col:
            near = neighbours.get(n.id) or preds.get(n.id) or succs.get(n.id)
            wanted.append(sum(map(centre, near)) / len(near) - n.h / 2 if near else n.y)
        _fit(col, wanted, top, bottom)

    for _ in range(3):
        for col in columns[1:]:
            pull(col, preds)
        for col in reversed(columns[:-1]):
            pull(col, succs)
    return bottom


def _fit(col, wanted, top, bottom):
    """Place nodes as near their wanted y as order, spacing and bounds allow."""
    y = top
    for n, w in zip(col, wanted):
        n.y = max(w, y)
        y = n.y + n.h + _gap(n)
    limit = bottom
    for n in reversed(col):
        n.y = min(n.y, limit - n.h)
        limit = n.y - _gap(n)


# ------------------------------------------------------------- threat profile


def _score_rule(kb):
    return next(r for r in kb.rules if r.derive == kb.theory.threat_fact)


def threat_profile(result) -> ThreatProfile:
    """The four sources of threat with their points, from ``result.threat_score``."""
    kb = result.kb
    rule = _score_rule(kb)
    score = result.threat_score
    if score is None:
        factors = rule.score_factors
        score = ThreatScore({}, None, 0, 0, (0, 0), factors, (), False)
    sources = []
    # The means in the questionnaire's order: plain tables, and those whose points
    # depend on another answer (proximity by the state's strength: its maximum is the
    # one that answer allows, or the highest of all when it is unknown).
    tables = {factor: table for factor, table in rule.score}
    for factor, by, by_tables in rule.score_by:
        by_level = result.case.answers.get(by)
        chosen = [t for lv, t in by_tables if lv == by_level]
        tables[factor] = chosen[0] if chosen else tuple(entry for _, t in by_tables for entry in t)
    order = {f: i for i, f in enumerate(kb.factor_ids)}
    for factor in sorted(tables, key=lambda f: order.get(f, len(order))):
        table = tables[factor]
        known = factor in score.points
        sources.append(
            ThreatSource(
                factor=factor,
                label=capital(kb.fact_label(factor)),
                level_label=kb.level_label(factor, result.case.answers.get(factor)),
                points=score.points.get(factor, 0),
                max_points=max(p for _, p in table),
                unknown=not known,
            )
        )
    for factor, entries in rule.weigh_by:
        # The weighing source: its own points are its `plus` (the last of the score's
        # points per source, ScoreOutcome.parts); its `times` weighs the means.
        times = score.weight[0] if score.weight is not None else 0
        plus = dict(score_parts(score.points.items(), score.weight, factor)).get(factor, 0)
        level = kb.level_label(factor, result.case.answers.get(factor))
        sources.append(
            ThreatSource(
                factor=factor,
                label=capital(kb.fact_label(factor)),
                level_label=f"{level}, means \u00d7{times}" if score.weight is not None else level,
                points=plus,
                max_points=max(p for _, _, p in entries),
                unknown=score.weight is None,
            )
        )
    bands, start = [], 0
    for band in rule.bands:
        bands.append((band.level, start, band.up_to))
        start = band.up_to + 1
    return ThreatProfile(
        sources=sources,
        total=score.total,
        maximum=score.maximum,
        band=result.threat_level,
        open=not score.settled,
        range=score.range,
        bands=bands,
    )


# ------------------------------------------------------------------ SVG output


def _svg_open(width, height, title):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{escape(FONT_FAMILY)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _text(x, y, text, size=LABEL_SIZE, fill=INK, bold=False, anchor="start", italic=False):
    attrs = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}"'
    if bold:
        attrs += ' font-weight="bold"'
    if italic:
        attrs += ' font-style="italic"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    return f"<text {attrs}>{escape(text)}</text>"


def _rect(x, y, w, h, fill, stroke="none", width=1.0, radius=0, dash=None):
    attrs = f'x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"'
    if stroke != "none":
        attrs += f' stroke="{stroke}" stroke-width="{width}"'
    if radius:
        attrs += f' rx="{radius}" ry="{radius}"'
    if dash:
        attrs += f' stroke-dasharray="{dash}"'
    return f"<rect {attrs}/>"


def node_colours(node: Node):
    """(stroke, fill, text) of a node; the app uses the same colours."""
    if node.emphasis:
        return PALETTE["verdict"]
    if node.kind == "derived":
        return PALETTE["derived"]
    if node.kind == "answer" and node.tone != "unknown":
        return PALETTE["neutral"]
    return PALETTE[node.tone]


def label_top(node: Node):
    """The baseline of a (non-compact) node's first label line; its sublabel sits 15 px
    below its last."""
    return node.y + (node.h - (len(node.label_lines) - 1) * LINE_H) / 2 - 3


def edge_path(layout: ChainLayout, edge: Edge):
    """The edge as a cubic curve: (x0, y0, c1x, c1y, c2x, c2y, x1, y1)."""
    a, b = layout.node(edge.source), layout.node(edge.target)
    x0, y0 = a.x + a.w, a.y + a.h / 2
    x1, y1 = b.x, b.y + b.h / 2
    bend = max((x1 - x0) * 0.5, 24)
    return x0, y0, x0 + bend, y0, x1 - bend, y1, x1, y1


def edge_colour(edge: Edge):
    return {
        "positive": PALETTE["positive"][0],
        "negative": PALETTE["negative"][0],
        "unknown": PALETTE["unknown"][0],
    }.get(edge.tone, EDGE)


def edge_opacity(edge: Edge):
    return 0.4 if edge.skips else 0.8


def _svg_node(n: Node):
    stroke, fill, ink = node_colours(n)
    dash = "4 3" if n.tone == "unknown" else None
    out = [
        f"<g><title>{escape(n.tooltip or n.label)}</title>",
        _rect(n.x, n.y, n.w, n.h, fill, stroke, 2.0 if n.emphasis else 1.0, 5, dash),
    ]
    if n.compact:
        sub_w = text_width(n.sublabel, SUBLABEL_SIZE, True)
        label = fit_text(n.label, n.w - sub_w - 26, SUBLABEL_SIZE, True)
        out.append(_rect(n.x, n.y, 4, n.h, stroke, radius=2))
        out.append(_text(n.x + 12, n.y + n.h / 2 + 4, label, SUBLABEL_SIZE, ink, True))
        out.append(_text(n.x + n.w - 8, n.y + n.h / 2 + 4, n.sublabel, SUBLABEL_SIZE, stroke, True, "end"))
    else:
        top = label_top(n)
        for i, line in enumerate(n.label_lines):
            out.append(
                _text(n.x + 10, top + i * LINE_H, fit_text(line, n.w - 20, LABEL_SIZE, True), LABEL_SIZE, ink, True)
            )
        out.append(
            _text(
                n.x + 10,
                top + (len(n.label_lines) - 1) * LINE_H + 15,
                fit_text(n.sublabel, n.w - 20, SUBLABEL_SIZE),
                SUBLABEL_SIZE,
                MUTED if n.tone == "unknown" else (stroke if n.emphasis else MUTED),
                n.emphasis,
                italic=n.tone == "unknown",
            )
        )
    out.append("</g>")
    return out


def _legend_item(x, y, kind, text):
    """One legend entry at (x, y); returns (svg parts, width used)."""
    parts = []
    if kind in PALETTE:
        stroke, fill, _ = PALETTE[kind]
        parts.append(
            _rect(
                x,
                y - 9,
                18,
                12,
                fill,
                stroke,
                2.0 if kind == "verdict" else 1.0,
                3,
                "4 3" if kind == "unknown" else None,
            )
        )
    else:  # an edge sample
        colour = PALETTE[kind[5:]][0]
        parts.append(
            f'<path d="M{x:.1f},{y - 3:.1f} L{x + 18:.1f},{y - 3:.1f}" stroke="{colour}" stroke-width="2" fill="none"/>'
        )
    parts.append(_text(x + 24, y + 1, text, SUBLABEL_SIZE, MUTED))
    return parts, 24 + text_width(text, SUBLABEL_SIZE) + 20


def chain_svg(result) -> str:
    """The inference chain as a standalone SVG document."""
    layout = chain_layout(result)
    title = f"Inference chain: {result.case.title or 'untitled case'}"
    out = _svg_open(layout.width, layout.height, title)
    for c in layout.columns:
        out.append(_text(c.x, MARGIN + 12, c.title.upper(), TITLE_SIZE - 2, MUTED, True))
        out.append(
            f'<path d="M{c.x:.1f},{MARGIN + 19:.1f} L{c.x + c.w:.1f},{MARGIN + 19:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for e in layout.edges:
        x0, y0, c1x, c1y, c2x, c2y, x1, y1 = edge_path(layout, e)
        width = 1.6 if e.tone in ("positive", "negative") else 1.0
        dash = ' stroke-dasharray="4 3"' if e.tone == "unknown" else ""
        out.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{c1x:.1f},{c1y:.1f} {c2x:.1f},{c2y:.1f} {x1:.1f},{y1:.1f}" '
            f'fill="none" stroke="{edge_colour(e)}" stroke-width="{width}" '
            f'stroke-opacity="{edge_opacity(e)}"{dash}/>'
        )
    for n in layout.nodes:
        out.extend(_svg_node(n))
    x, y = MARGIN, layout.legend_y + 20
    for kind, text in (
        ("neutral", "answer"),
        ("unknown", "unknown answer"),
        ("derived", "derived fact"),
        ("edge-positive", "rule supports"),
        ("edge-negative", "rule opposes"),
        ("verdict", "verdict"),
    ):
        parts, used = _legend_item(x, y, kind, text)
        out.extend(parts)
        x += used
    out.append(
        _text(
            layout.width - MARGIN,
            y + 1,
            "rule weights are certainty factors (MYCIN)",
            SUBLABEL_SIZE,
            MUTED,
            anchor="end",
            italic=True,
        )
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def threat_caption(profile: ThreatProfile) -> str:
    """The total in words, e.g. '16 of 24 points: severe'."""
    if profile.open:
        low, high = profile.range
        return f"left open: the unknown sources allow {low} to {high} of {profile.maximum} points"
    return f"{profile.total} of {profile.maximum} points: {profile.band or 'unknown'}"


@dataclass(frozen=True, kw_only=True)
class BandLabel:
    """A threat band's label as a figure draws it: the band's whole name, shortened
    ('Mod.', 'M') or left out ('') so that it stays inside its band."""

    level: str
    name: str  # the band's whole name
    text: str  # what is drawn
    x: float  # the text's left edge
    width: float  # its advance (0 when left out)


BAND_LABEL_PAD = 3.0  # px between a band's label and the band's edges


def _shortenings(name):
    """The forms of a band's name, longest first: 'Moderate', 'Mod.', 'M'."""
    forms = [name]
    if len(name) > 4:
        forms.append(name[:3] + ".")
    if len(name) > 1:
        forms.append(name[0])
    return forms


def band_label_layout(profile: ThreatProfile, spans, name_of, measure) -> list:
    """The labels of the threat bands, laid out so that no two overlap at any width:
    each centred in its band (``spans``: each band's drawn (left, right)) when its whole
    name (``name_of(level)``) fits, else shortened, else left out; a label never leaves
    its band, and the bands do not overlap. ``measure(text, bold)`` is the text's advance
    (font metrics in the app, ``text_width`` in SVG); the current band's label is bold.
    The whole names are in ``bands_legend``."""
    labels = []
    for (level, _first, _last), (x0, x1) in zip(profile.bands, spans):
        name, bold = name_of(level), level == profile.band
        room = x1 - x0 - 2 * BAND_LABEL_PAD
        text, width = "", 0.0
        for form in _shortenings(name):
            advance = measure(form, bold)
            if advance <= room:
                text, width = form, advance
                break
        labels.append(BandLabel(level=level, name=name, text=text, x=(x0 + x1 - width) / 2, width=width))
    return labels


def bands_legend(profile: ThreatProfile, name_of) -> str:
    """The threat bands in words: 'Threat levels: low 0-2, moderate 3-5, ... points'."""
    parts = [f"{name_of(level)} {first}\u2013{last}" for level, first, last in profile.bands]
    return "Threat levels: " + ", ".join(parts) + " points"


def _band_name(result):
    kb = result.kb
    return lambda level: kb.level_label(kb.theory.threat_fact, level)


def threat_band_labels(result, spans) -> list:
    """The SVG's band labels (``band_label_layout`` with estimated text widths)."""
    return band_label_layout(
        threat_profile(result), spans, _band_name(result), lambda text, bold: text_width(text, SUBLABEL_SIZE, bold)
    )


def threat_svg(result) -> str:
    """The threat profile: the four sources as point bars, the total on the bands."""
    profile = threat_profile(result)
    label_w = max(text_width(s.label, LABEL_SIZE, True) for s in profile) + 16
    cell, gap = 34, 4
    most = max((s.max_points for s in profile), default=1)
    bar_x = MARGIN + label_w
    value_x = bar_x + most * (cell + gap) + 12
    legend = bands_legend(profile, _band_name(result))
    width = round(
        max(
            value_x + 190,
            bar_x + text_width(threat_caption(profile), SUBLABEL_SIZE),
            MARGIN + text_width(legend, SUBLABEL_SIZE),
        )
        + MARGIN
    )
    row_h = 30
    top = MARGIN + 30
    total_y = top + len(profile) * row_h + 26
    height = round(total_y + 82)
    title = f"Threat profile: {result.case.title or 'untitled case'}"
    out = _svg_open(width, height, title)
    out.append(_text(MARGIN, MARGIN + 10, "SOURCES OF THREAT", TITLE_SIZE - 2, MUTED, True))
    out.append(_text(value_x, MARGIN + 10, "POINTS \u00b7 ANSWER", TITLE_SIZE - 2, MUTED, True))
    stroke_pos, fill_pos, _ = PALETTE["derived"]
    for i, s in enumerate(profile):
        y = top + i * row_h
        out.append(_text(MARGIN, y + 15, s.label, LABEL_SIZE, INK, True))
        for p in range(s.max_points):
            cx = bar_x + p * (cell + gap)
            if s.unknown:
                out.append(_rect(cx, y + 2, cell, 18, "#ffffff", PALETTE["unknown"][0], 1, 3, "4 3"))
            elif p < s.points:
                out.append(_rect(cx, y + 2, cell, 18, stroke_pos, radius=3))
            else:
                out.append(_rect(cx, y + 2, cell, 18, fill_pos, radius=3))
        if s.unknown:
            out.append(_text(value_x, y + 15, "unknown", SUBLABEL_SIZE, MUTED, italic=True))
        else:
            out.append(_text(value_x, y + 15, f"{s.points} / {s.max_points}", SUBLABEL_SIZE, INK, True))
            out.append(_text(value_x + 42, y + 15, s.level_label, SUBLABEL_SIZE, MUTED))
    # The total on the threat bands.
    scale_w = width - MARGIN - bar_x
    unit = scale_w / max(profile.maximum, 1)
    heading = "TOTAL" + (" (LEFT OPEN)" if profile.open else "")
    out.append(_text(MARGIN, total_y + 16, heading, TITLE_SIZE - 2, MUTED, True))
    spans = [
        (bar_x + max(first - 0.5, 0) * unit, bar_x + min(last + 0.5, profile.maximum) * unit - 2)
        for _level, first, last in profile.bands
    ]
    labels = threat_band_labels(result, spans)
    for i, ((level, first, last), (x0, x1), label) in enumerate(zip(profile.bands, spans, labels)):
        current = level == profile.band
        colour = BAND_COLOURS[min(i, len(BAND_COLOURS) - 1)]
        out.append(f"<g><title>{escape(label.name)}: {first}\u2013{last} points</title>")
        out.append(_rect(x0, total_y, x1 - x0, 22, colour, INK if current else "none", 1.5))
        out.append("</g>")
        if label.text:
            out.append(
                _text(label.x + label.width / 2, total_y + 15, label.text, SUBLABEL_SIZE, INK, current, "middle")
            )
    if profile.open and profile.range[0] != profile.range[1]:
        lo, hi = (bar_x + v * unit for v in profile.range)
        out.append(
            f'<path d="M{lo:.1f},{total_y + 30:.1f} L{hi:.1f},{total_y + 30:.1f}" '
            f'stroke="{MUTED}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    mark = bar_x + profile.total * unit
    out.append(
        f'<path d="M{mark - 6:.1f},{total_y + 36:.1f} L{mark + 6:.1f},{total_y + 36:.1f} '
        f'L{mark:.1f},{total_y + 26:.1f} Z" fill="{INK}"/>'
    )
    out.append(_text(bar_x, total_y + 54, threat_caption(profile), SUBLABEL_SIZE, INK))
    if any(label.text != label.name for label in labels):  # a band's name shortened: all of them in words
        out.append(_text(MARGIN, total_y + 72, legend, SUBLABEL_SIZE, MUTED))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def support_svg(result) -> str:
    """Support per response as bars from zero, the verdict emphasised. The axis runs
    from 0 to +1, and from −1 only when some response is opposed."""
    kb = result.kb
    order = response_order(result)
    label_w = max(text_width(kb.response(r).label, LABEL_SIZE, True) for r in order) + 16
    opposed = any(result.support[r] < 0 for r in order)
    unit = 220 if opposed else 380  # pixels per 1.0 of support
    axis = MARGIN + label_w + (unit + 50 if opposed else 0)
    width = round(axis + unit + 56 + MARGIN)
    row_h = 26
    top = MARGIN + 24
    bottom = top + len(order) * row_h
    height = round(bottom + 30)
    out = _svg_open(width, height, f"Support per response: {result.case.title or 'untitled case'}")
    out.append(_text(MARGIN, MARGIN + 8, "SUPPORT (COMBINED CERTAINTY FACTOR)", TITLE_SIZE - 2, MUTED, True))
    for tick in ((-1.0, -0.5) if opposed else ()) + (0.0, 0.25, 0.5, 0.75, 1.0):
        x = axis + tick * unit
        out.append(
            f'<path d="M{x:.1f},{top - 4:.1f} L{x:.1f},{bottom:.1f}" '
            f'stroke="{GRID if tick else MUTED}" stroke-width="1"/>'
        )
        out.append(_text(x, bottom + 16, signed(tick).replace("0.00", "0"), SUBLABEL_SIZE - 1, MUTED, anchor="middle"))
    for i, rid in enumerate(order):
        y = top + i * row_h
        cf = result.support[rid]
        verdict = rid == result.verdict
        colour = PALETTE["verdict"][0] if verdict else PALETTE[_tone(cf)][0]
        out.append(_text(MARGIN, y + 15, kb.response(rid).label, LABEL_SIZE, INK if verdict else MUTED, verdict))
        x0 = axis + min(cf, 0) * unit
        if cf:
            out.append(_rect(x0, y + 4, abs(cf) * unit, 16, colour, radius=2))
        out.append(
            _text(
                axis + max(cf, 0) * unit + 6 if cf >= 0 else x0 - 6,
                y + 16,
                signed(cf),
                SUBLABEL_SIZE,
                colour if cf else MUTED,
                verdict,
                "start" if cf >= 0 else "end",
            )
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
