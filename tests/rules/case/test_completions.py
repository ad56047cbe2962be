"""Completions of the open answers (issue 21): counted from the verdict table of the
whole space, they agree exactly with running every completion, on partial cases drawn
at random (seeded) in every world, with and without rules left out."""

import random
from collections import Counter
from itertools import product

import pytest

from alliance_advisor.rules import Advisor, load_knowledge
from alliance_advisor.rules.case import DIRECT_LIMIT, Analyst, Completions
from alliance_advisor.rules.case._analysis import _r

SEED = 21


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def advisor(kb):
    return Advisor(kb)


def _brute_force(analyst, answers, world, without=()):
    """Every completion written out as answers and run through the evaluator."""
    kb, vector = analyst.kb, analyst.vector
    open_factors = [f for f in kb.factors if f.id not in answers]
    rows = [
        {**answers, **dict(zip((f.id for f in open_factors), levels))}
        for levels in product(*(f.level_ids for f in open_factors))
    ]
    return Counter(vector.verdicts(rows, world, without)), len(rows)


def _expected(counts, total, verdict):
    shares = {("none" if v is None else v): _r(c / total) for v, c in counts.items()}
    return Completions(total, _r(counts.get(verdict, 0) / total), shares)


def _draw(rng, kb, unknown):
    answers = {f.id: rng.choice(f.level_ids) for f in kb.factors}
    for factor in rng.sample(sorted(answers), unknown):
        del answers[factor]
    return answers


def _as_dict(completions):
    return (completions.count, completions.keeps, dict(sorted(completions.shares.items())))


@pytest.mark.slow
@pytest.mark.parametrize("world", ["walt", "balancing", "bandwagoning"])
def test_the_table_agrees_with_running_every_completion(advisor, kb, world):
    assert world in {w.id for w in kb.worlds}
    analyst = advisor.analyst
    rng = random.Random(f"{SEED}-{world}")
    left_out = tuple(rng.sample([r.id for r in advisor.program.support_rules], 3))
    for trial in range(24):
        answers = _draw(rng, kb, rng.randint(0, 6))
        without = left_out if trial % 3 == 0 else ()
        counts, total = _brute_force(analyst, answers, world, without)
        table = analyst.verdict_table(world, without)
        got = analyst._count_in(table, answers)
        assert got.sum() == total
        assert {(None if i == 0 else analyst.vector.responses[i - 1]): int(c) for i, c in enumerate(got) if c} == dict(
            counts
        ), answers
        verdict = analyst.vector.verdicts([answers], world, without)[0]
        assert _as_dict(analyst.completions(answers, world, verdict, without)) == _as_dict(
            _expected(counts, total, verdict)
        )


@pytest.mark.slow
def test_large_open_spaces_agree_with_counting_directly(kb):
    analyst = Advisor(kb).analyst  # a fresh one: no table yet
    rng = random.Random(SEED)
    cases = [{}] + [_draw(rng, kb, unknown) for unknown in (7, 8, 9, 10)]
    direct = [analyst._count(answers, "walt", frozenset()) for answers in cases]
    assert not analyst._tables  # counting directly builds no table
    table = analyst.verdict_table("walt")
    for answers, counts in zip(cases, direct):
        assert analyst._count_in(table, answers).tolist() == counts.tolist(), answers


@pytest.mark.slow
def test_a_small_open_space_is_counted_without_a_table_and_a_large_one_builds_it_once(kb):
    analyst = Analyst(kb, Advisor(kb).vector)
    few = _draw(random.Random(SEED), kb, 2)
    analyst.completions(few, "walt", None)
    assert not analyst._tables
    blank = analyst.completions({}, "walt", None)
    assert blank.count > DIRECT_LIMIT and list(analyst._tables) == [("walt", frozenset())]
    table = analyst._tables[("walt", frozenset())]
    assert analyst.completions({}, "walt", None) == blank
    analyst.completions(few, "walt", None)
    assert analyst._tables[("walt", frozenset())] is table


def test_an_answer_given_as_unknown_is_open_like_an_absent_one(advisor, kb):
    analyst = advisor.analyst
    answers = _draw(random.Random(SEED + 1), kb, 3)
    given = {**answers, **{f.id: "unknown" for f in kb.factors if f.id not in answers}}
    assert analyst.completions(given, "walt", None) == analyst.completions(answers, "walt", None)
    assert analyst.completions(given, "walt", None).count == _brute_force(analyst, answers, "walt")[1]
