"""The fast evaluator agrees with the experta engine: same verdict, same support,
same rules fired, same derived facts, on random cases and on every library case."""
import itertools
import random

import pytest

from rules import Advisor, load_knowledge, load_library
from rules.fastpath import FastPath
from conftest import CASES_DIR
from test_verify import write_tiny_kb

WORLDS = ("walt", "balancing", "bandwagoning")
RANDOM_CASES = 2000          # split evenly over the three worlds


def random_answers(kb, rng):
    """Every factor answered at random, a fifth of them left unknown."""
    return {f.id: rng.choice(f.level_ids) for f in kb.factors if rng.random() >= 0.2}


def assert_same(advisor, fast, answers, world):
    raw = advisor.pool.run(answers, world)
    support = advisor._support(raw)
    verdict, margin, tie, tied, _ = advisor._verdict(support)
    outcome = fast.evaluate(answers, world)
    where = f"{world}: {answers}"
    assert outcome.verdict == verdict, where
    assert (outcome.tie, outcome.tied_with) == (tie, tied), where
    assert abs(outcome.confidence - margin) < 1e-9, where
    for response, detail in support.items():
        assert abs(outcome.support[response] - detail["cf"]) < 1e-9, (where, response)
    assert set(outcome.fired) == {entry["rule"] for entry in raw.trace}, where
    assert outcome.derived == raw.derived, where
    assert outcome.conflicts == raw.conflicts, where


@pytest.mark.parametrize("world", WORLDS)
def test_random_cases_agree_with_experta(advisor, kb, world):
    rng = random.Random(f"fastpath-{world}")
    fast = FastPath(kb)
    for _ in range(RANDOM_CASES // len(WORLDS)):
        assert_same(advisor, fast, random_answers(kb, rng), world)


def test_library_cases_agree_with_experta_in_every_world(advisor, kb):
    fast = FastPath(kb)
    for case in load_library(CASES_DIR, kb):
        for world in WORLDS:
            assert_same(advisor, fast, case.answers, world)


def test_every_answer_unknown_agrees(advisor, kb):
    fast = FastPath(kb)
    for world in WORLDS:
        assert_same(advisor, fast, {}, world)


# A derive rule that reads a fact derived only by later rules, and two later rules
# that assert different levels of that fact: the first to fire wins, the second is
# a conflict, exactly as the engine's agenda does it.
CONFLICTING = """
  - {id: D-EXPOSED-READER, layer: derive, propositions: [R3], explanation: An exposed state is in danger.,
     when: {fact: exposed, is: "yes"}, assert: {in_danger: "yes"}}
  - {id: D-EXPOSED, layer: derive, propositions: [R3], explanation: A superior threat exposes the state.,
     when: {fact: threat_power, at_least: superior}, assert: {exposed: "yes"}}
  - {id: D-SHELTERED, layer: derive, propositions: [R3], explanation: Allies shelter the state.,
     when: {fact: ally_availability, is: probable}, assert: {exposed: "no"}}
  - {id: W1-IN-DANGER, layer: support, propositions: [W1], explanation: A state in danger appeases.,
     when: {fact: in_danger, is: "yes"}, effects: {bandwagon: 0.6}}
"""
EXTRA_DERIVED = """
  - {id: exposed, label: Exposed, levels: ["yes", "no"], meaning: m}
  - {id: in_danger, label: In danger, levels: ["yes", "no"], meaning: m}
"""


def test_conflicts_and_firing_order_agree_exhaustively(tmp_path):
    kb_dir = write_tiny_kb(tmp_path / "kb", CONFLICTING)
    rules = (kb_dir / "rules.yaml").read_text()
    (kb_dir / "rules.yaml").write_text(rules.replace("rules:\n", EXTRA_DERIVED.lstrip("\n") + "rules:\n", 1))
    kb = load_knowledge(kb_dir)
    advisor, fast = Advisor(kb), FastPath(kb)
    choices = [(None,) + f.level_ids for f in kb.factors]
    conflicted = 0
    for combo in itertools.product(*choices):
        answers = {f.id: level for f, level in zip(kb.factors, combo) if level}
        for world in WORLDS:
            assert_same(advisor, fast, answers, world)
            raw = advisor.pool.run(answers, world)
            assert fast.evaluate(answers, world).fired == [e["rule"] for e in raw.trace]
        conflicted += bool(fast.evaluate(answers).conflicts)
    assert conflicted == 6     # superior or overwhelming threat, probable allies; strength any or unknown
