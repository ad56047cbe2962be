"""Property-based tests: any input either loads and analyses deterministically,
or fails with the project's own error type."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_advisor.rules import AdvisorError, CaseError, KnowledgeError, load_knowledge, parse_case_text
from alliance_advisor.rules.case import case_from_data
from conftest import CASES_DIR, ROOT, make_case

KB = load_knowledge()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=30)
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
factor_ids = st.sampled_from(KB.factor_ids + ("bogus",))
level_values = st.one_of(st.sampled_from(sorted({lv for f in KB.factors for lv in f.level_ids} | {"unknown"})), junk)
answers = st.dictionaries(factor_ids, level_values, max_size=12)
case_data = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(st.text(max_size=40), junk),
        "year": st.one_of(st.integers(-6000, 4000), junk),
        "state": st.text(max_size=20),
        "threat": st.text(max_size=20),
        "answers": st.one_of(answers, junk),
        "observed": st.one_of(st.sampled_from(KB.response_ids), junk),
        "sources": st.one_of(st.lists(st.text(max_size=20), max_size=3), junk),
        "notes": st.text(max_size=50),
    },
)


@pytest.mark.slow
@SETTINGS
@given(st.text(max_size=400))
def test_any_text_loads_or_fails_with_case_error(text):
    try:
        parse_case_text(text, KB, "fuzz.yaml")
    except CaseError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)


@pytest.mark.slow
@SETTINGS
@given(st.one_of(case_data, junk))
def test_any_structure_loads_or_fails_with_case_error(data):
    try:
        case = case_from_data(data, KB, "fuzz.yaml")
    except CaseError:
        return
    for factor, level in case.answers.items():
        assert level in KB.factor(factor).level_ids


@pytest.mark.slow
@SETTINGS
@given(case_data)
def test_round_trip_through_yaml_text(data):
    try:
        case = case_from_data(data, KB, "a.yaml")
    except CaseError:
        return
    from alliance_advisor.rules import case_to_yaml

    again = parse_case_text(case_to_yaml(case, KB), KB, "b.yaml")
    assert again.answers == case.answers and again.title == case.title and again.notes == case.notes


valid_answers = st.fixed_dictionaries({f.id: st.sampled_from(f.level_ids + ("unknown",)) for f in KB.factors})


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(valid_answers)
def test_engine_is_deterministic_on_any_valid_case(advisor, answers):
    case = make_case(**answers)
    first = json.dumps(advisor.analyze(case).to_dict())
    advisor.analyze(make_case(state_strength="weak"))  # something else in between
    assert json.dumps(advisor.analyze(case).to_dict()) == first
    data = json.loads(first)
    assert data["verdict"] in KB.response_ids + (None,)


def _mutate(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield prefix + (index,)
            yield from _paths(value, prefix + (index,))


KB_FILES = ("questionnaire.yaml", "propositions.yaml", "responses.yaml", "rules.yaml")
KB_DATA = {name: yaml.safe_load((ROOT / "knowledge" / name).read_text()) for name in KB_FILES}
KB_PATHS = [(name, path) for name in KB_FILES for path in _paths(KB_DATA[name])]


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KB_PATHS), junk)
def test_any_corrupted_knowledge_base_loads_or_fails_with_knowledge_error(where, value):
    import copy

    name, path = where
    data = copy.deepcopy(KB_DATA[name])
    _mutate(data, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "kb"
        target.mkdir()
        for other in KB_FILES:
            shutil.copy(ROOT / "knowledge" / other, target / other)
        (target / name).write_text(yaml.safe_dump(data))
        try:
            kb = load_knowledge(target)
        except KnowledgeError as exc:
            assert ".yaml" in str(exc) and "\n" not in str(exc)
            return
        from alliance_advisor.rules import Advisor

        Advisor(kb).analyze(make_case())  # a knowledge base that loads also runs


@pytest.mark.slow
def test_same_case_under_different_hash_seeds_gives_the_same_json():
    outputs = set()
    for seed in ("0", "1", "12345"):
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "analyze",
                str(CASES_DIR / "turkey_1947.yaml"),
                str(CASES_DIR / "romania_1944.yaml"),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        assert proc.returncode == 0, proc.stderr
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_error_types_share_one_base():
    assert issubclass(CaseError, AdvisorError) and issubclass(KnowledgeError, AdvisorError)


def test_a_next_line_character_in_the_notes_survives_a_round_trip():
    # Found by hypothesis: YAML reads NEL (U+0085) in a plain or single-quoted
    # scalar as a line break.
    from alliance_advisor.rules import case_to_yaml

    case = case_from_data({"notes": "\x850", "title": "caf\u00e9"}, KB, "a.yaml")
    again = parse_case_text(case_to_yaml(case, KB), KB, "b.yaml")
    assert again.notes == case.notes and again.title == "caf\u00e9"
