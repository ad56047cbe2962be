"""`main.py analyze CASE` as a student reads it (issue 30): the verdict and how sure it is,
what the state did and whether the prediction matched come first; then the chain, what
would change it, the three worlds and the analogues; "why not" says each point once, and
the whole fits in a screen or two."""

import re

import pytest

from alliance_advisor.presentation.case import render_text
from alliance_advisor.rules import load_case
from conftest import CASES_DIR

CASES = sorted(CASES_DIR.glob("*.yaml"))
TWO_SCREENS = 100  # lines


@pytest.fixture(scope="module")
def texts(advisor, kb):
    return {path.name: render_text(advisor.analyze(load_case(path, kb), extras=True)) for path in CASES}


def _at(text, label):
    return text.index(label)


def test_the_text_leads_with_verdict_confidence_observed_and_match(texts):
    text = texts["norway_1949.yaml"]
    order = ["Verdict:", "Confidence:", "Observed:", "Match:", "The chain", "What would change it"]
    order += ["Three worlds", "Historical analogues", "Why not the others"]
    positions = [_at(text, label) for label in order]
    assert positions == sorted(positions), order
    assert "Observed:     Balance (what Norway did" in text
    assert "Match:        Yes: the theory predicts balance" in text
    # The decisive propositions with their pages, in the chain.
    chain = text[_at(text, "The chain") : _at(text, "What would change it")]
    assert "B1 balancing, general form (Walt 1987, pp. 17, 32)" in chain


def test_a_miss_says_so_and_names_what_the_state_did(texts):
    text = texts["sweden_1949.yaml"]
    assert "Observed:     Balance internally (what Sweden did" in text
    assert "Match:        No: the theory predicts balance; the record says balance internally." in text
    # The unknown answer's verdict for each level is part of what would change it.
    whatif = text[_at(text, "What would change it") : _at(text, "Three worlds")]
    assert "Ally availability (unknown), if known:" in whatif


def test_every_library_case_has_the_sections_and_fits_two_screens(texts):
    for name, text in texts.items():
        assert len(text.splitlines()) <= TWO_SCREENS, (name, len(text.splitlines()))
        for label in ("Observed:", "Match:", "What would change it", "Three worlds", "Historical analogues"):
            assert label in text, (name, label)


def test_why_not_says_each_point_once(texts):
    for name, text in texts.items():
        block = text[_at(text, "Why not the others") :]
        # Sentences, joined across wrapped lines: none twice.
        sentences = [s.strip() for s in re.split(r"(?<=\.)\s+", " ".join(block.split())) if s.strip()]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, (name, repeated)
        # Each rule that did not fire is named once, and each stopping answer stated once.
        rules = re.findall(r"\b[A-Z]\d+-[A-Z-]+\b", block)
        assert len(rules) == len(set(rules)), (name, [r for r in rules if rules.count(r) > 1])
        stated = re.findall(r"^\s{6}(\S[^:]* is [^:]*):", block, re.M)
        assert len(stated) == len(set(stated)), (name, stated)


def test_a_case_without_a_record_says_nothing_was_observed(advisor, kb, tmp_path):
    path = tmp_path / "mine.yaml"
    text = (CASES_DIR / "norway_1949.yaml").read_text(encoding="utf-8")
    path.write_text(re.sub(r"^observed:.*\n", "", text, flags=re.M), encoding="utf-8")
    out = render_text(advisor.analyze(load_case(path, kb), extras=True))
    assert "Observed:     not recorded" in out and "Match:" not in out
