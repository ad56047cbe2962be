"""The coalition diagram of a scenario, laid out in pure Python.

States are circles sized by capability, grouped in columns by predicted bloc (the
unaligned last); an arrow runs from each state to its greatest threat, a thin line
joins balancing partners, and a state the observed blocs place elsewhere is ringed.
:func:`coalition_layout` gives the geometry (the app can paint it with QPainter);
:func:`coalition_svg` writes it as SVG for the reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from alliance_advisor.presentation.figures import (
    INK,
    LABEL_SIZE,
    MARGIN,
    MUTED,
    SUBLABEL_SIZE,
    TITLE_SIZE,
    _svg_open,
    _text,
    escape,
    fit_text,
    text_width,
)
from alliance_advisor.rules.scenario import ScenarioResult

BLOC_COLOURS = ("#2f5d8a", "#b4493d", "#2f7d5b", "#8a5a2f", "#6a4c93", "#1f7a8c", "#8c6d1f")
UNALIGNED = "#8a94a3"
THREAT = "#b4493d"
PARTNER = "#9aa8b6"
WRONG = "#d08700"
MIN_R, MAX_R = 7.0, 30.0
ROW_GAP = 12.0
LABEL_GAP = 8.0
MAX_LABEL = 150.0
LEGEND = (
    "Circle area: capability. Red arrow: to the state's greatest threat. Grey line: balancing partners.",
    "Dashed ring: a state the observed blocs place elsewhere.",
)


@dataclass(frozen=True, kw_only=True)
class StateNode:
    id: str
    name: str
    x: float
    y: float
    r: float
    bloc: int | None  # index in result.coalitions; None: unaligned
    colour: str
    misassigned: bool


@dataclass(frozen=True, kw_only=True)
class _Column:
    """One column of the layout before it is placed: a bloc, or the unaligned states."""

    title: str
    members: tuple[str, ...]  # largest first
    bloc: int | None  # index in the coalitions shown; None: unaligned
    colour: str


@dataclass(frozen=True, kw_only=True)
class CoalitionLayout:
    width: float
    height: float
    columns: tuple[tuple[str, float, str], ...]  # (title, x of the circles' centre line, colour)
    nodes: dict[str, StateNode]
    threats: tuple[tuple[str, str], ...]  # state -> its greatest threat
    partners: tuple[tuple[str, str], ...]  # balancing partnerships (each pair once)

    def node_at(self, x: float, y: float) -> str | None:
        """The state whose circle or label is at (x, y), for clicks in the app."""
        for node in self.nodes.values():
            if math.hypot(x - node.x, y - node.y) <= node.r + 2:
                return node.id
            if node.x + node.r < x < node.x + node.r + LABEL_GAP + MAX_LABEL and abs(y - node.y) < 9:
                return node.id
        return None


def coalition_layout(
    result: ScenarioResult, blocs: Sequence[Sequence[str]] | None = None, title: str = "Bloc"
) -> CoalitionLayout:
    """The result's predicted blocs laid out; ``blocs``: other blocs of the same states
    instead (the observed ones of a year of the history), the rest unaligned, each
    column headed ``title`` and its number."""
    sc = result.scenario
    top_cap = max(s.capability for s in sc.states)

    def radius(state_id: str) -> float:
        return MIN_R + (MAX_R - MIN_R) * math.sqrt(sc.state(state_id).capability / top_cap)

    shown = [tuple(b) for b in (result.coalitions if blocs is None else blocs)]
    placed = {s for b in shown for s in b}
    rest = result.unaligned if blocs is None else tuple(s.id for s in sc.states if s.id not in placed)
    groups: list[_Column] = []
    for i, bloc in enumerate(shown):
        groups.append(
            _Column(
                title=f"{title} {i + 1}",
                members=tuple(sorted(bloc, key=lambda s: -sc.state(s).capability)),
                bloc=i,
                colour=BLOC_COLOURS[i % len(BLOC_COLOURS)],
            )
        )
    if rest:
        groups.append(
            _Column(
                title="Unaligned",
                members=tuple(sorted(rest, key=lambda s: -sc.state(s).capability)),
                bloc=None,
                colour=UNALIGNED,
            )
        )
    wrong = set(result.misassigned or ())
    nodes: dict[str, StateNode] = {}
    columns = []
    x = float(MARGIN)
    header = float(MARGIN + TITLE_SIZE + 14)
    height = header
    for group in groups:
        widest_r = max(radius(s) for s in group.members)
        label_w = min(MAX_LABEL, max(text_width(sc.state(s).name, LABEL_SIZE) for s in group.members))
        centre = x + widest_r
        columns.append((group.title, centre, group.colour))
        y = header
        for s in group.members:
            r = radius(s)
            nodes[s] = StateNode(
                id=s,
                name=sc.state(s).name,
                x=centre,
                y=y + r,
                r=r,
                bloc=group.bloc,
                colour=group.colour,
                misassigned=s in wrong,
            )
            y += 2 * r + ROW_GAP
        height = max(height, y)
        x = centre + widest_r + LABEL_GAP + label_w + 56
    threats = tuple((s, c.greatest_threat) for s, c in result.states.items())
    pairs = sorted({tuple(sorted((s, p))) for s, c in result.states.items() if c.side == "against" for p in c.partners})
    legend = max(text_width(line, SUBLABEL_SIZE) for line in LEGEND) + 2 * MARGIN
    return CoalitionLayout(
        width=max(x - 56 + MARGIN, legend),
        height=height + MARGIN + 46,
        columns=tuple(columns),
        nodes=nodes,
        threats=threats,
        partners=tuple((a, b) for a, b in pairs),
    )


def _curve(a: StateNode, b: StateNode) -> tuple[float, float, float, float, float, float]:
    """A gentle curve from the rim of a to the rim of b: start, control, end."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    sx, sy = a.x + ux * a.r, a.y + uy * a.r
    ex, ey = b.x - ux * (b.r + 4), b.y - uy * (b.r + 4)
    bend = min(60.0, 0.25 * length)
    cx, cy = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
    return sx, sy, cx, cy, ex, ey


def coalition_svg(result: ScenarioResult) -> str:
    layout = coalition_layout(result)
    width, height = round(layout.width), round(layout.height)
    out = _svg_open(width, height, f"Coalitions: {result.scenario.title or 'scenario'}")
    out.append(
        '<defs><marker id="threat-head" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{THREAT}"/>'
        "</marker></defs>"
    )
    for title, centre, colour in layout.columns:
        out.append(_text(centre - 10, MARGIN + TITLE_SIZE, title.upper(), TITLE_SIZE - 2, colour, True))
    for a, b in layout.partners:
        na, nb = layout.nodes[a], layout.nodes[b]
        out.append(
            f'<path d="M{na.x:.1f},{na.y:.1f} L{nb.x:.1f},{nb.y:.1f}" stroke="{PARTNER}" '
            'stroke-width="1" opacity="0.6" fill="none"/>'
        )
    for a, b in layout.threats:
        sx, sy, cx, cy, ex, ey = _curve(layout.nodes[a], layout.nodes[b])
        out.append(
            f'<path d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}" stroke="{THREAT}" '
            'stroke-width="1.2" opacity="0.55" fill="none" marker-end="url(#threat-head)"/>'
        )
    for node in layout.nodes.values():
        if node.misassigned:
            out.append(
                f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{node.r + 4:.1f}" fill="none" '
                f'stroke="{WRONG}" stroke-width="2" stroke-dasharray="4 3"/>'
            )
        out.append(
            f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{node.r:.1f}" fill="{node.colour}" '
            'fill-opacity="0.85" stroke="#ffffff" stroke-width="1.5">'
            f"<title>{escape(node.name)}</title></circle>"
        )
        label = fit_text(node.name, MAX_LABEL, LABEL_SIZE)
        out.append(
            _text(
                node.x + node.r + LABEL_GAP,
                node.y + 4,
                label,
                LABEL_SIZE,
                WRONG if node.misassigned else INK,
                node.misassigned,
            )
        )
    lines = LEGEND if result.misassigned else LEGEND[:1]
    for n, line in enumerate(lines):
        out.append(_text(MARGIN, height - MARGIN - 16 * (len(lines) - 1 - n), line, SUBLABEL_SIZE, MUTED))
    out.append("</svg>")
    return "\n".join(out) + "\n"
