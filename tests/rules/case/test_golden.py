"""The engine's conclusions on a fixed workload stay exactly as recorded
(tests/golden.py) until the knowledge changes on purpose."""

import json

import pytest

from alliance_advisor.rules import load_library
from bench.workload import generated_cases
from conftest import CASES_DIR
from golden import SNAPSHOT, WORLDS, digest, reasoning


@pytest.fixture(scope="module")
def snapshot(kb):
    record = json.loads(SNAPSHOT.read_text())
    assert record["knowledge_version"] == kb.version, (
        "the knowledge base changed since the golden record was made: if on purpose, run "
        "`.venv/bin/python -m tests.golden`, read the diff, and commit it with the knowledge change"
    )
    return record


@pytest.mark.slow
def test_library_cases_reason_as_recorded(advisor, kb, snapshot):
    changed = []
    for case in load_library(CASES_DIR, kb):
        name = case.path.rsplit("/", 1)[-1]
        for world in WORLDS:
            now = reasoning(advisor.analyze(case, world=world, extras=True).to_dict(), extras=True)
            if now != snapshot["library"][name][world]:
                was = snapshot["library"][name][world]
                keys = sorted(k for k in now if now[k] != was.get(k))
                changed.append(f"{name} [{world}]: {', '.join(keys)}")
    assert changed == []


@pytest.mark.slow
@pytest.mark.parametrize("world", WORLDS)
def test_generated_cases_reason_as_recorded(advisor, kb, snapshot, world):
    changed = []
    for case, (verdict, key) in zip(generated_cases(kb), snapshot["generated"][world]):
        record = reasoning(advisor.analyze(case, world=world).to_dict())
        if digest(record) != key:
            changed.append((case.title, verdict, record["verdict"]))
    assert changed[:5] == [] and len(changed) == 0
