"""The case and scenario file formats: the published JSON Schemas (docs/case.schema.json,
docs/scenario.schema.json) are the ones the knowledge base generates, every shipped
file meets them, what the program writes meets them, and docs/formats.md names every
key the loaders read."""

import json
import re

import jsonschema
import pytest

from alliance_advisor import main
from alliance_advisor.rules import case_to_yaml, load_case
from alliance_advisor.rules.case import CASE_KEYS, MAX_TITLE, case_schema
from alliance_advisor.rules.scenario import SCENARIO_KEYS, STATE_KEYS, load_scenario, scenario_schema
from alliance_advisor.rules.yamlio import parse_yaml_text, read_yaml_file
from conftest import CASES_DIR, ROOT, make_case

DOCS = ROOT / "docs"
SCENARIOS_DIR = ROOT / "knowledge" / "scenarios"
CASES = sorted(CASES_DIR.glob("*.yaml"))
SCENARIOS = sorted(SCENARIOS_DIR.glob("*.yaml"))

TRIANGLE = """
title: Textbook triangle
year: 1900
states:
  - {id: giant, name: Giant, capability: 0.30, offensive_capability: moderate}
  - {id: raider, name: Raider, capability: 0.10, offensive_capability: high}
  - {id: middle, name: Middle, capability: 0.02, offensive_capability: low}
neighbours:
  - [raider, middle]
perceptions:
  middle: {raider: aggressive, giant: benign}
war: peace
"""


def validator(kind):
    schema = json.loads((DOCS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def case_validator():
    return validator("case")


@pytest.fixture(scope="module")
def scenario_validator():
    return validator("scenario")


# ---------------------------------------------------------------- current
@pytest.mark.parametrize("kind, generate", [("case", case_schema), ("scenario", scenario_schema)])
def test_the_published_schema_is_the_one_the_knowledge_base_generates(kb, kind, generate):
    # Regenerate with: python main.py schema --kind KIND -o docs/KIND.schema.json
    assert json.loads((DOCS / f"{kind}.schema.json").read_text(encoding="utf-8")) == generate(kb)


@pytest.mark.parametrize("kind", ["case", "scenario", "result"])
def test_the_schema_command_writes_each_kind_and_result_stays_the_default(kind, tmp_path, capsys):
    out = tmp_path / f"{kind}.json"
    assert main.main(["schema", "--kind", kind, "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        (DOCS / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    assert main.main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Alliance Advisor result"


def test_the_case_schema_takes_levels_from_the_questionnaire_and_responses_from_responses(kb):
    schema = case_schema(kb)
    answers = schema["properties"]["answers"]["properties"]
    assert list(answers) == list(kb.factor_ids)
    for factor in kb.factors:
        one, spread = answers[factor.id]["anyOf"]  # a level, or levels with weights (issue 28)
        assert [v for v in one["enum"] if isinstance(v, str)] == [*factor.level_ids, "unknown"]
        assert spread["propertyNames"]["enum"] == list(factor.level_ids)
        assert factor.question in answers[factor.id]["description"]
    assert schema["properties"]["observed"]["enum"] == list(kb.response_ids)
    assert list(schema["properties"]) == list(CASE_KEYS)
    offensive = scenario_schema(kb)["properties"]["states"]["items"]["properties"]["offensive_capability"]
    assert offensive["enum"] == list(kb.factor("offensive_capability").level_ids)


# ---------------------------------------------------------------- shipped files
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_shipped_case_meets_the_case_schema(case_validator, path):
    errors = [e.message for e in case_validator.iter_errors(read_yaml_file(path))]
    assert errors == []


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_meets_the_scenario_schema(scenario_validator, path):
    errors = [e.message for e in scenario_validator.iter_errors(read_yaml_file(path))]
    assert errors == []


def test_the_library_is_there_to_check():
    assert len(CASES) == 40 and len(SCENARIOS) >= 3


def test_a_file_of_one_kind_does_not_meet_the_other_kinds_schema(case_validator, scenario_validator):
    assert not case_validator.is_valid(read_yaml_file(SCENARIOS[0]))
    assert not scenario_validator.is_valid(read_yaml_file(CASES[0]))


# ---------------------------------------------------------------- what the program writes
def test_a_case_the_program_saves_meets_the_schema(kb, case_validator):
    case = make_case("saved", intentions="unknown", pivotal="yes")
    case.observed = "internal_balance"
    case.sources = ["Walt 1987, p. 19"]
    case.notes = "two lines\nof notes\n"
    data = parse_yaml_text(case_to_yaml(case, kb), "<saved>")
    assert data["answers"]["intentions"] == "unknown"  # every factor written, unknown ones as unknown
    assert list(case_validator.iter_errors(data)) == []


def test_a_scenario_from_cow_meets_the_schema(kb, scenario_validator, tmp_path):
    from alliance_advisor.rules.scenario import load_derivation, scenario_from_cow, scenario_yaml

    nmc = tmp_path / "nmc.csv"
    nmc.write_text(
        "ccode,stateabb,statenme,year,milex,milper,irst,pec,tpop,upop,cinc\n"
        "2,USA,United States of America,1950,100,100,0,0,0,0,0.3\n"
        "365,RUS,Russia,1950,50,50,0,0,0,0,0.2\n",
        encoding="utf-8",
    )
    contiguity = tmp_path / "contiguity.csv"
    contiguity.write_text("ccode1,ccode2,conttype,stdate,enddate\n2,365,4,192001,201612\n", encoding="utf-8")
    data = scenario_from_cow(1950, ["USA", "RUS"], nmc, contiguity, load_derivation(kb).cow)
    text = scenario_yaml(data)
    assert list(scenario_validator.iter_errors(parse_yaml_text(text, "<cow>"))) == []
    assert "docs/formats.md" in text  # the perceptions left to code point to the format


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "text",
    [
        "answers:\n  state_strength: mighty\n",
        "answers:\n  strength: weak\n",
        "observed: conquer\n",
        "year: 1949.5\n",
        "titel: a\n",
        f"title: {'x' * (MAX_TITLE + 1)}\n",
        "sources: {a: 1}\n",
    ],
)
def test_the_case_schema_refuses_what_the_loader_refuses(kb, case_validator, tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match=str(path)):
        load_case(path, kb)
    assert not case_validator.is_valid(read_yaml_file(path))


@pytest.mark.parametrize(
    "old, new",
    [
        ("capability: 0.30", "capability: 1.5"),
        ("capability: 0.30", "capability: 0"),
        ("giant: benign", "giant: hostile"),
        ("offensive_capability: high", "offensive_capability: huge"),
        ("id: raider", "id: Raider!"),
        ("war: peace", "war: cold"),
        ("war: peace", "war: peace\nwar_leader: raider"),
        ("war: peace", "war: early_war\ndefeated: [raider]"),
        ("war: peace", "war: peace\ncolour: red"),
        ("war: peace", "war: peace\nalignments: [giant, raider]"),
        ("war: peace", "war: peace\noverrides:\n  middle: {raider: {intentions: evil}}"),
        ("war: peace", "war: peace\nobserved: [[giant, giant]]"),
        ("title: Textbook triangle", "title: " + "x" * (MAX_TITLE + 1)),
    ],
)
def test_the_scenario_schema_refuses_what_the_loader_refuses(kb, scenario_validator, tmp_path, old, new):
    assert old in TRIANGLE
    path = tmp_path / "bad.yaml"
    path.write_text(TRIANGLE.replace(old, new), encoding="utf-8")
    with pytest.raises(Exception, match=str(path)):
        load_scenario(path, kb)
    assert not scenario_validator.is_valid(read_yaml_file(path))


def test_one_state_is_no_system_for_either(kb, scenario_validator, tmp_path):
    path = tmp_path / "alone.yaml"
    path.write_text("states:\n  - {id: a, capability: 0.1, offensive_capability: low}\n", encoding="utf-8")
    with pytest.raises(Exception, match="two or more states"):
        load_scenario(path, kb)
    assert not scenario_validator.is_valid(read_yaml_file(path))


def test_the_triangle_meets_the_scenario_schema(kb, scenario_validator):
    assert list(scenario_validator.iter_errors(parse_yaml_text(TRIANGLE, "<triangle>"))) == []


# ---------------------------------------------------------------- the document
def test_formats_md_names_every_key_the_loaders_read_and_the_schemas():
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for key in (*CASE_KEYS, *SCENARIO_KEYS, *STATE_KEYS):
        assert f"`{key}`" in text, key
    assert "case.schema.json" in text and "scenario.schema.json" in text


def test_formats_md_lists_every_factor_with_its_levels(kb):
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for factor in kb.factors:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{factor.id}`")), None)
        assert row is not None, factor.id
        assert re.findall(r"`([a-z_]+)`", row.split("|")[2]) == list(factor.level_ids), factor.id


def test_the_examples_in_formats_md_load(kb, tmp_path):
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(examples) >= 2
    from alliance_advisor.rules import parse_case_text
    from alliance_advisor.rules.scenario import file_kind, parse_scenario_text

    kinds = []
    for example in examples:
        data = parse_yaml_text(example, "<example>")
        kind = file_kind(data)
        kinds.append(kind)
        if kind == "scenario":
            parse_scenario_text(example, kb, "<example>")
        else:
            parse_case_text(example, kb, "<example>")
    assert "case" in kinds and "scenario" in kinds
