"""The shared figures: the inference-chain layout, the threat profile, the SVGs."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_advisor.presentation import figures
from alliance_advisor.rules import load_case, load_library
from conftest import CASES_DIR, ROOT, make_case

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(scope="module")
def library_results(advisor, kb):
    return [advisor.analyze(case) for case in load_library(CASES_DIR, kb)]


@pytest.fixture(scope="module")
def norway(advisor, kb):
    return advisor.analyze(load_case(CASES_DIR / "norway_1949.yaml", kb))


def overlapping(a, b, gap=1.0):
    return a.x < b.x + b.w + gap and b.x < a.x + a.w + gap and a.y < b.y + b.h + gap and b.y < a.y + a.h + gap


def check_layout(result):
    layout = figures.chain_layout(result)
    ids = [n.id for n in layout.nodes]
    assert len(ids) == len(set(ids))
    for a, b in combinations(layout.nodes, 2):
        assert not overlapping(a, b), f"{a.id} overlaps {b.id}"
    for n in layout.nodes:
        assert 0 <= n.x and n.x + n.w <= layout.width and 0 <= n.y and n.y + n.h <= layout.legend_y
    for e in layout.edges:
        assert e.source in ids and e.target in ids
    support_rules = {item.rule for item in result.fired if item.layer != "derive"}
    assert support_rules == {n.rule_id for n in layout.nodes if n.kind == "rule"}
    derived = {f for item in result.fired for f in item.asserted or {}}
    # A threat the unknowns leave open is drawn too, as open.
    derived |= {result.kb.theory.threat_fact for item in result.fired if item.score and not item.score.settled}
    assert derived == {n.fact for n in layout.nodes if n.kind == "derived"}
    return layout


def test_chain_layout_of_every_library_case_has_no_overlaps_and_every_support_rule(library_results):
    for result in library_results:
        check_layout(result)


def test_chain_layout_is_deterministic(advisor, kb):
    case = load_case(CASES_DIR / "norway_1949.yaml", kb)
    first = figures.chain_layout(advisor.analyze(case))
    again = figures.chain_layout(advisor.analyze(case))
    assert first == again
    assert figures.chain_svg(advisor.analyze(case)) == figures.chain_svg(advisor.analyze(case))


def test_chain_layout_reads_left_to_right(norway):
    layout = figures.chain_layout(norway)
    x = {kind: {n.x for n in layout.nodes if n.kind == kind} for kind in ("answer", "derived", "rule", "choice")}
    assert max(x["answer"]) < min(x["derived"]) <= max(x["derived"]) < min(x["rule"]) < min(x["choice"])
    # Rules weigh on the stages' alternatives; the verdict's path is drawn as the verdict.
    path = [n for n in layout.nodes if n.emphasis]
    assert [n.id for n in path] == ["choice:direction:against", "choice:mode:alliance"]
    assert all(n.response == "balance" and n.sublabel.startswith("Balance") for n in path)
    assert not layout.node("choice:direction:with").emphasis
    edge = next(e for e in layout.edges if e.source == "rule:B1-THREAT")
    assert edge.target == "choice:direction:against" and edge.tone == "positive"
    # A derive rule is folded into the fact it asserts.
    assert layout.node("derived:threat_level").rule_id == "D-THREAT"
    assert layout.node_at(path[0].x + 2, path[0].y + 2) is path[0]


def test_unknown_answers_are_shown_distinctly(advisor):
    result = advisor.analyze(
        make_case(intentions="unknown", pivotal="unknown", threat_power="overwhelming", proximity="neighbour")
    )
    layout = check_layout(result)
    assert layout.node("answer:intentions").tone == "unknown"
    assert layout.node("answer:pivotal").tone == "unknown"
    assert layout.node("answer:proximity").tone == "neutral"
    # The threat score read the unknown source: that edge is drawn as unknown.
    assert any(e.source == "answer:intentions" and e.tone == "unknown" for e in layout.edges)


def test_opposing_rules_give_negative_edges(advisor, kb):
    result = advisor.analyze(load_case(CASES_DIR / "britain_1939.yaml", kb))
    layout = check_layout(result)
    assert any(e.tone == "negative" and e.target == "choice:direction:with" for e in layout.edges)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_case_lays_out_without_overlaps(advisor, kb, data):
    answers = {f.id: data.draw(st.sampled_from(f.level_ids + ("unknown",)), label=f.id) for f in kb.factors}
    check_layout(advisor.analyze(make_case(**answers)))


def test_threat_profile_follows_the_threat_score(norway, advisor):
    profile = figures.threat_profile(norway)
    assert [s.factor for s in profile] == ["threat_power", "proximity", "offensive_capability", "intentions"]
    score = norway.threat_score
    # The means with their points (proximity weighed by a weak state's strength), then
    # the intentions that weigh them (their own points: aggressive adds 2).
    assert [s.points for s in profile[:3]] == [score.points[s.factor] for s in profile[:3]]
    assert [s.max_points for s in profile] == [3, 3, 2, 3]
    assert profile[0].level_label == "Overwhelming" and not any(s.unknown for s in profile)
    assert profile[3].level_label == "Aggressive, means \u00d72" and profile[3].points == 2
    assert (profile.total, profile.maximum, profile.band, profile.open) == (score.total, score.maximum, "severe", False)
    assert profile.bands[0] == ("low", 0, 2) and profile.bands[-1][0] == "severe"

    left_open = figures.threat_profile(advisor.analyze(make_case(proximity="unknown", intentions="unknown")))
    assert [s.unknown for s in left_open] == [False, True, False, True]
    assert left_open[1].level_label == "unknown" and left_open.open and left_open.band is None


def test_svgs_are_valid_and_escape_user_text(advisor):
    case = make_case(title='<script>alert(1)</script> & "quotes" <img src=x onerror=alert(1)>')
    result = advisor.analyze(case)
    for render in (figures.chain_svg, figures.threat_svg, figures.support_svg):
        svg = render(result)
        root = ET.fromstring(svg)
        assert root.tag == SVG
        assert "<script" not in svg and "<img" not in svg
        assert not any(el.tag.endswith("script") for el in root.iter())
        assert "&lt;script&gt;" in svg


def test_figures_do_not_import_qt():
    code = (
        "import sys; import alliance_advisor.presentation.figures, alliance_advisor.reports.markdown, "
        "alliance_advisor.reports.html, alliance_advisor.reports.case; "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.strip() == "False", proc.stderr


def _band_label_extents(svg):
    """Each threat band's rectangle (in a <g> with its whole name as <title>) and the
    extent of the label drawn in it, estimated as the SVG's layout estimates text."""
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bands = [(g.find(f"{ns}title").text, g.find(f"{ns}rect")) for g in root.iter(f"{ns}g")]
    texts = [t for t in root.iter(f"{ns}text") if t.get("text-anchor") == "middle"]
    out = []
    for title, rect in bands:
        x0, w, y = float(rect.get("x")), float(rect.get("width")), float(rect.get("y"))
        inside = [t for t in texts if y < float(t.get("y")) < y + float(rect.get("height"))]
        inside = [t for t in inside if x0 <= float(t.get("x")) <= x0 + w]
        for t in inside:
            advance = figures.text_width(t.text, float(t.get("font-size")), t.get("font-weight") == "bold")
            out.append(
                (title, (x0, x0 + w), (float(t.get("x")) - advance / 2, float(t.get("x")) + advance / 2), t.text)
            )
    return bands, out


def test_the_threat_svgs_band_labels_stay_inside_their_bands(norway):
    svg = figures.threat_svg(norway)
    bands, labels = _band_label_extents(svg)
    assert [title.split(":")[0] for title, _ in bands] == ["low", "moderate", "high", "severe"]
    for _title, (x0, x1), (left, right), _text in labels:
        assert x0 < left and right < x1, (_title, x0, x1, left, right)
    for a, b in combinations(labels, 2):
        assert a[2][1] <= b[2][0] or b[2][1] <= a[2][0], (a, b)
    # "moderate" does not fit its three points: it is shortened, and the legend names every band whole.
    assert "moderate" not in [text for *_, text in labels]
    assert "Threat levels: low 0\u20132, moderate 3\u20135, high 6\u201311, severe 12\u201327 points" in svg


@pytest.mark.parametrize("scale", [60, 120, 200, 300, 500, 900])
def test_band_labels_never_overlap_and_name_every_band_when_there_is_room(norway, scale):
    profile = figures.threat_profile(norway)
    unit = scale / profile.maximum
    spans = [(max(f - 0.5, 0) * unit, min(t + 0.5, profile.maximum) * unit - 2) for _, f, t in profile.bands]
    labels = figures.band_label_layout(
        profile, spans, str.capitalize, lambda text, bold: figures.text_width(text, 11, bold)
    )
    for label, (x0, x1) in zip(labels, spans):
        assert label.name.startswith(label.text.rstrip("."))  # whole, shortened or left out
        if label.text:
            assert x0 < label.x and label.x + label.width < x1
    shown = [label for label in labels if label.text]
    for a, b in combinations(shown, 2):
        assert a.x + a.width <= b.x or b.x + b.width <= a.x
    if scale >= 900:
        assert [label.text for label in labels] == ["Low", "Moderate", "High", "Severe"]
