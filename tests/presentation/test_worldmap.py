"""The world map's geometry (presentation/worldmap.py), without Qt: the projection puts
capitals where an atlas has them, a region's frame holds its capitals, labels never pile up."""

import math

import pytest

from alliance_advisor.presentation.figures import text_width
from alliance_advisor.presentation.worldmap import (
    coastlines,
    fit_view,
    place_labels,
    project,
    region_box,
    state_at,
    world_layout,
)

CAPITALS = {  # COW code: (name, lat, lng)
    2: ("United States of America", 38.9, -77.0),
    200: ("United Kingdom", 51.5, -0.13),
    220: ("France", 48.9, 2.35),
    255: ("Germany", 52.5, 13.4),
    365: ("Russia", 55.8, 37.6),
    651: ("Egypt", 30.0, 31.2),
    710: ("China", 39.9, 116.4),
    740: ("Japan", 35.7, 139.7),
    900: ("Australia", -35.3, 149.1),
    140: ("Brazil", -15.8, -47.9),
    560: ("South Africa", -25.7, 28.2),
}


def _states():
    return {
        name.lower().replace(" ", "_"): {
            "name": name,
            "cow_code": code,
            "capability": 0.2 if code in (2, 365, 710) else 0.01,
            "greatest_threat": "russia" if code != 365 else "united_states_of_america",
            "partners": [],
        }
        for code, (name, _lat, _lng) in CAPITALS.items()
    }


def test_the_projection_puts_capitals_where_an_atlas_has_them():
    x, y = project(0.0, 0.0)
    assert abs(x) < 1e-12 and abs(y) < 1e-12
    london, washington, tokyo, canberra = (project(*CAPITALS[c][1:]) for c in (200, 2, 740, 900))
    assert abs(london[0]) < 0.01 and london[1] > 0.9  # on the prime meridian, far north
    assert washington[0] < 0 < tokyo[0] and canberra[1] < 0 < tokyo[1]  # west, east, south
    assert washington[0] < london[0] < project(30.0, 31.2)[0] < tokyo[0]  # west to east
    # Equal Earth's published extent: the equator spans about +-2.7066, the poles +-1.3173.
    assert project(0.0, 180.0)[0] == pytest.approx(2.7066, abs=1e-3)
    assert project(90.0, 0.0)[1] == pytest.approx(1.3173, abs=1e-3)


@pytest.mark.parametrize(
    ("region", "inside", "outside"),
    [
        ("europe", (200, 220, 255, 365), (2, 710, 900)),
        ("americas", (2, 140), (200, 710)),
        ("asia", (710, 740, 900), (2, 200)),
        ("africa", (560, 651), (2, 740)),
        ("middle_east", (651,), (2, 740, 200)),
    ],
)
def test_a_regions_frame_holds_its_capitals(region, inside, outside):
    x0, y0, x1, y1 = region_box(region)

    def held(code):
        x, y = project(*CAPITALS[code][1:])
        return x0 <= x <= x1 and y0 <= y <= y1

    assert all(held(c) for c in inside) and not any(held(c) for c in outside)


def test_the_layout_places_every_state_with_a_capital_and_names_the_rest():
    states = _states()
    states["nowhere"] = {"name": "Nowhere", "cow_code": 999, "capability": 0.0, "greatest_threat": "russia"}
    capitals = {c: (lat, lng) for c, (_n, lat, lng) in CAPITALS.items()}
    layout = world_layout(states, capitals, [["united_kingdom", "france"], ["russia"]])
    assert len(layout.states) == len(CAPITALS) and layout.missing == ("Nowhere",)
    assert (
        layout.states["france"].bloc == 0 and layout.states["russia"].bloc == 1 and layout.states["japan"].bloc is None
    )
    big, small = layout.states["russia"], layout.states["japan"]
    assert big.r / small.r == pytest.approx(math.sqrt(0.2 / 0.01))  # area by capability
    view = fit_view(region_box(None), 800, 400)
    x, y = view.to_px(big.x, big.y)
    assert state_at(layout, view, x, y) == "russia"


def test_labels_never_overlap_and_the_wanted_come_first():
    capitals = {c: (lat, lng) for c, (_n, lat, lng) in CAPITALS.items()}
    layout = world_layout(_states(), capitals, [])
    view = fit_view(region_box(None), 600, 300)
    labels = place_labels(layout, view, lambda t: text_width(t, 12), wanted=["france"])
    assert labels[0].id == "france"  # the selected state's, though small and crowded
    for n, a in enumerate(labels):
        for b in labels[n + 1 :]:
            assert not a.overlaps((b.left, b.top, b.left + b.width, b.top + b.height)), (a, b)
        assert 0 <= a.left and a.left + a.width <= view.width
    # At world zoom a small state is not labelled unless asked for.
    assert "japan" not in {label.id for label in labels}


def test_coastlines_are_shipped_for_offline_use():
    shores = coastlines()
    assert len(shores) > 50 and all(s.shape[1] == 2 for s in shores)
    x0, y0, x1, y1 = region_box(None)
    assert all(x0 - 0.01 <= s[:, 0].min() and s[:, 0].max() <= x1 + 0.01 for s in shores)
