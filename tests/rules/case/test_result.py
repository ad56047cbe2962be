"""The one result type: complete when built, round-trips through plain data, and every
``--format json`` output meets the published schema (docs/result.schema.json)."""

import dataclasses
import json

import jsonschema
import pytest

from alliance_advisor import main
from alliance_advisor.rules import load_library
from alliance_advisor.rules.case import Result, from_dict, json_schema, to_dict
from conftest import CASES_DIR, ROOT, make_case

SCHEMA_FILE = ROOT / "docs" / "result.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_published_schema_is_the_one_the_code_describes():
    # Regenerate with: python main.py schema -o docs/result.schema.json
    assert json.loads(SCHEMA_FILE.read_text()) == json_schema()


@pytest.mark.slow
def test_every_library_case_in_every_world_meets_the_schema_and_round_trips(advisor, kb, validator):
    for case in load_library(CASES_DIR, kb):
        for world in ("walt", "balancing", "bandwagoning"):
            result = advisor.analyze(case, world=world, extras=True)
            data = json.loads(json.dumps(to_dict(result)))
            errors = sorted(validator.iter_errors(data), key=str)
            assert not errors, f"{case.path} [{world}]: {errors[0].message} at {list(errors[0].absolute_path)}"
            again = from_dict(data, kb)
            assert again == result
            assert to_dict(again) == data


def test_results_without_extras_or_explanation_meet_the_schema(advisor, validator):
    for extras, explain in ((False, True), (False, False), (True, False)):
        result = advisor.analyze(
            make_case(ally_availability="unknown", intentions="unknown"), extras=extras, explain=explain
        )
        data = json.loads(json.dumps(result.to_dict()))
        assert list(validator.iter_errors(data)) == []
        assert from_dict(data) == dataclasses.replace(result, case=from_dict(data).case)


def test_the_schema_refuses_what_is_not_a_result(advisor, validator):
    data = advisor.analyze(make_case()).to_dict()
    broken = dict(data, verdict=3)
    assert list(validator.iter_errors(broken))
    assert list(validator.iter_errors({k: v for k, v in data.items() if k != "fired"}))
    assert list(validator.iter_errors(dict(data, surprise=True)))


def test_the_command_line_json_meets_the_schema(capsys, validator):
    paths = [str(CASES_DIR / "norway_1949.yaml"), str(CASES_DIR / "finland_1939.yaml")]
    assert main.main(["analyze", *paths, "--format", "json"]) == 0
    for item in json.loads(capsys.readouterr().out):
        assert list(validator.iter_errors(item)) == []


def test_a_result_is_frozen(advisor):
    result = advisor.analyze(make_case())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "bandwagon"
    assert isinstance(result, Result) and all(f.name in result.__dataclass_fields__ for f in dataclasses.fields(Result))
