"""The words for a scenario's choices read as the theory means them (issue 30): a state
that balances internally makes no alliance, so those who share its threat are not
called its partners; a bloc threat is told from the threat of its leading state alone."""

import pytest

from alliance_advisor.presentation.scenario import (
    baseline_rows,
    bloc_lines,
    choice_text,
    led_bloc_name,
    names_at_most,
    ranked_threat_text,
    rival_theories,
)
from alliance_advisor.rules.scenario import ScenarioEngine, load_scenario
from conftest import ROOT

EUROPE_1949 = ROOT / "knowledge" / "scenarios" / "europe_1949.yaml"


@pytest.fixture(scope="module")
def europe(advisor, kb):
    return ScenarioEngine(advisor).run(load_scenario(EUROPE_1949, kb), explanations=False)


def _internal_mode(kb):
    return {r.id for r in kb.responses if r.mode == "own_resources"}


def test_internal_balancing_is_not_said_to_be_with_partners(kb, europe):
    internal = [c for c in europe.states.values() if c.verdict in _internal_mode(kb)]
    assert internal, "the 1949 scenario has a state that balances internally"
    for choice in internal:
        text = choice_text(kb, europe, choice)
        assert ", with " not in text, text
        assert "arms on its own resources" in text, text
        if choice.partners:
            assert "the same threat" in text, text


def test_balancing_by_alliance_still_names_its_partners(kb, europe):
    allied = [c for c in europe.states.values() if c.verdict == "balance" and c.partners]
    assert allied
    assert all(", with " in choice_text(kb, europe, c) for c in allied)


def test_a_bloc_threat_and_its_leading_states_threat_read_apart(europe):
    both = [
        (c, bloc, alone)
        for c in europe.states.values()
        for bloc in c.threats
        for alone in c.threats
        if bloc.is_bloc and not alone.is_bloc and alone.power == bloc.power
    ]
    assert both, "some state faces a bloc and its leader alone"
    choice, bloc, alone = both[0]
    bloc_text, alone_text = ranked_threat_text(europe, bloc), ranked_threat_text(europe, alone)
    assert bloc_text != alone_text
    assert bloc_text.startswith(f"the bloc led by {europe.scenario.state(bloc.power).name} (with ")
    assert bloc_text.endswith(f": {bloc.threat_level}, {bloc.score}")
    assert alone_text == f"{europe.scenario.state(alone.power).name} alone: {alone.threat_level}, {alone.score}"


def test_a_large_bloc_names_a_few_members_and_counts_the_rest(europe):
    bloc = max((t for c in europe.states.values() for t in c.threats if t.is_bloc), key=lambda t: len(t.members))
    assert len(bloc.members) > 4
    text = led_bloc_name(europe, bloc)
    assert text.endswith(f" and {len(bloc.members) - 1 - 2} others)"), text


def test_a_long_list_of_states_is_shortened_to_a_few_names_and_a_count(europe):
    ours = rival_theories(europe)[0]
    big = max(ours.blocs, key=len)
    assert len(big) > 4
    assert names_at_most(europe, big) == names_at_most(europe, big, shown=None)
    first = [europe.scenario.state(s).name for s in big[:2]]
    assert names_at_most(europe, big, shown=2) == f"{first[0]}, {first[1]} and {len(big) - 2} others"
    # One name more than shown is said whole: never "and 1 others".
    assert names_at_most(europe, big[:3], shown=2) == names_at_most(europe, big[:3])
    lines = bloc_lines(europe, ours.blocs, shown=1)
    assert len(lines) == len(ours.blocs) and all(line.startswith(f"{k}. ") for k, line in enumerate(lines, 1))
    # The reports keep every name.
    assert baseline_rows(europe)[0][3] == "; ".join(bloc_lines(europe, ours.blocs))
