"""Scenarios from Correlates of War CSV files (rules/scenario/_cow.py): the figures of the real
files for Europe in 1936, the offensive-capability bands, the YAML a reader and the
scenario loader can open, and one clear line for every kind of bad input."""

import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.scenario import CONTIGUITY_CITATION, NMC_CITATION, scenario_from_cow, scenario_yaml, slug
from conftest import DATA_ENV, NO_DATA_DIR, ROOT, data_dir, require_data

NMC_FILE = "nmc-7.0.csv"
CONTIGUITY_FILE = "contiguity-3.2.csv"

MAPPING = yaml.safe_load((ROOT / "knowledge" / "derivation.yaml").read_text(encoding="utf-8"))["cow"]
EUROPE_1936 = ["UKG", "FRN", "GMY", "ITA", "POL"]


def pairs(data):
    return {frozenset(p) for p in data["neighbours"]}


def by_id(data):
    return {s["id"]: s for s in data["states"]}


# ------------------------------------------------------------------ the real files
# The real files are the user's data, never shipped: the data folder (conftest.py:
# --data-dir, ALLIANCE_DATA) holds them under cow/.
@pytest.fixture(scope="module")
def real(cow_dir):
    """(nmc, contiguity): the paths of the real COW files."""
    return cow_dir / NMC_FILE, cow_dir / CONTIGUITY_FILE


@pytest.fixture(scope="module")
def europe(real):
    return scenario_from_cow(1936, EUROPE_1936, *real, MAPPING)


def test_europe_1936_has_the_five_states_with_the_cinc_of_the_file(europe, real):
    states = by_id(europe)
    assert list(states) == ["united_kingdom", "france", "germany", "italy", "poland"]
    with real[0].open(encoding="utf-8", newline="") as handle:
        cinc = {row["stateabb"]: float(row["cinc"]) for row in csv.DictReader(handle) if row["year"] == "1936"}
    for abb, sid in zip(EUROPE_1936, states):
        assert states[sid]["capability"] == round(cinc[abb], 4)
    # the file's own figures, as read by eye: 0.0765834, 0.0530614, 0.115115, 0.039338, 0.0183474
    assert [s["capability"] for s in europe["states"]] == [0.0766, 0.0531, 0.1151, 0.0393, 0.0183]
    assert [s["cow_code"] for s in europe["states"]] == [200, 220, 255, 325, 290]
    assert states["united_kingdom"]["name"] == "United Kingdom"


def test_europe_1936_neighbours_are_the_files_contiguity_of_types_1_to_3(europe):
    found = pairs(europe)
    assert frozenset(("germany", "poland")) in found  # land, 1918-1939
    assert frozenset(("germany", "france")) in found  # land, 1816-1940
    assert frozenset(("united_kingdom", "france")) in found  # type 3: up to 24 miles of water
    assert frozenset(("united_kingdom", "germany")) not in found  # type 5 only: up to 400 miles
    assert frozenset(("germany", "italy")) not in found  # type 0 until the Anschluss of 1938
    assert found == {
        frozenset(p)
        for p in [("united_kingdom", "france"), ("france", "germany"), ("france", "italy"), ("germany", "poland")]
    }


def test_germany_and_italy_become_neighbours_with_the_anschluss(real):
    data = scenario_from_cow(1938, ["GMY", "ITA"], *real, MAPPING)
    assert pairs(data) == {frozenset(("germany", "italy"))}


def test_europe_1936_offensive_bands_are_the_mean_of_the_milex_and_milper_shares(europe):
    # 1936 milex (thousands): 892341, 995347, 2332780, 1149690, 144864; milper: 336, 588, 596, 343, 272.
    # Mean shares: Britain 0.160, France 0.228, Germany 0.351, Italy 0.185 (all >= 0.15: high);
    # Poland 0.077 (>= 0.05: moderate).
    assert {s["id"]: s["offensive_capability"] for s in europe["states"]} == {
        "united_kingdom": "high",
        "france": "high",
        "germany": "high",
        "italy": "high",
        "poland": "moderate",
    }


def test_europe_1936_carries_the_citations_and_leaves_perceptions_to_the_analyst(europe, cow_dir):
    assert europe["title"] == "COW scenario, 1936" and europe["year"] == 1936 and europe["war"] == "peace"
    assert europe["perceptions"] == {}
    assert europe["sources"] == [NMC_CITATION, CONTIGUITY_CITATION]
    readme = (cow_dir / "README.md").read_text(encoding="utf-8")
    assert NMC_CITATION in readme and CONTIGUITY_CITATION in readme
    assert "National Material Capabilities v7.0 for 1936" in europe["notes"]
    assert "left for the analyst" in europe["notes"]


def test_states_may_be_named_by_cow_code_and_in_any_case(real):
    data = scenario_from_cow(1936, ["200", "frn", " 255 "], *real, MAPPING)
    assert [s["id"] for s in data["states"]] == ["united_kingdom", "france", "germany"]


def test_the_yaml_is_ordered_readable_and_loads_as_a_scenario(europe, kb):
    from alliance_advisor.rules.scenario import parse_scenario_text

    text = scenario_yaml(europe)
    assert text.startswith("#")
    assert yaml.safe_load(text) == europe
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == ["title", "year", "states", "neighbours", "perceptions", "war", "sources", "notes"]
    assert "- {id: germany, name: Germany, capability: 0.1151, offensive_capability: high, cow_code: 255}" in text
    assert "- [germany, poland]" in text
    scenario = parse_scenario_text(text, kb, "europe.yaml")
    assert scenario.ids == ("united_kingdom", "france", "germany", "italy", "poland")


# ------------------------------------------------------------------ where the data are
def test_the_data_folder_is_the_option_else_the_environment_else_none(tmp_path):
    assert data_dir("/from/option", {DATA_ENV: "/from/env"}) == Path("/from/option")
    assert data_dir(None, {DATA_ENV: str(tmp_path)}) == tmp_path
    assert data_dir(None, {}) == NO_DATA_DIR and not NO_DATA_DIR.exists()
    assert data_dir(None, {DATA_ENV: ""}) == NO_DATA_DIR


def test_missing_data_skip_a_test_but_fail_it_where_ci_is_set(tmp_path):
    (tmp_path / "cow").mkdir()
    (tmp_path / "cow" / NMC_FILE).write_text("x")
    assert require_data(tmp_path, f"cow/{NMC_FILE}", environ={"CI": "true"}) == tmp_path
    with pytest.raises(pytest.skip.Exception, match=CONTIGUITY_FILE):
        require_data(tmp_path, f"cow/{NMC_FILE}", f"cow/{CONTIGUITY_FILE}", environ={})
    for ci in ("false", "0", ""):
        with pytest.raises(pytest.skip.Exception):
            require_data(tmp_path, "cow/absent.csv", environ={"CI": ci})
    with pytest.raises(pytest.fail.Exception, match=f"{DATA_ENV}.*CI is set"):
        require_data(tmp_path, f"cow/{CONTIGUITY_FILE}", environ={"CI": "true"})


def test_scenario_yaml_puts_the_keys_in_the_contract_order_whatever_the_dict_order():
    data = {
        "notes": "n",
        "sources": ["s"],
        "observed": [["a"], ["b"]],
        "war": "peace",
        "perceptions": {"a": {"b": "aggressive"}},
        "alignments": [["a", "b"]],
        "neighbours": [["a", "b"]],
        "regions": {"r": ["a", "b"]},
        "states": [
            {"offensive_capability": "low", "capability": 0.5, "name": "A", "id": "a"},
            {"id": "b", "name": "B", "capability": 0.5, "offensive_capability": "low"},
        ],
        "year": 1900,
        "title": "T",
        "contested": ["c"],
    }
    text = scenario_yaml(data)
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == [
        "title",
        "year",
        "states",
        "neighbours",
        "regions",
        "perceptions",
        "war",
        "alignments",
        "observed",
        "sources",
        "notes",
        "contested",
    ]
    assert "- {id: a, name: A, capability: 0.5, offensive_capability: low}" in text
    assert yaml.safe_load(text) == data


def test_slug():
    assert slug("United Kingdom") == "united_kingdom"
    assert slug("Yemen People's Republic") == "yemen_people_s_republic"
    assert slug("Côte d’Ivoire") == "cote_d_ivoire"


# ------------------------------------------------------------------ small hand-written files
NMC_HEADER = "ccode,stateabb,statenme,year,milex,milper,irst,pec,tpop,upop,cinc"
SMALL_NMC = f"""{NMC_HEADER}
1,AAA,Alpha Land,1900,600,60,0,0,0,0,0.5
2,BBB,Beta,1900,300,30,0,0,0,0,0.3
3,CCC,Gamma,1900,100,10,0,0,0,0,0.1
4,DDD,Delta,1900,0,0,0,0,0,0,0.00001
1,AAA,Alpha Land,1901,600,60,0,0,0,0,0.5
"""
SMALL_CONTIGUITY = """ccode1,ccode2,conttype,stdate,enddate
1,2,1,1850-01-01,1950-12-01
1,3,4,1850-01-01,1950-12-01
2,3,2,1901-01-01,1950-12-01
3,4,3,1890-05-01,1900-01-01
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    return write(tmp_path, "nmc.csv", SMALL_NMC), write(tmp_path, "contiguity.csv", SMALL_CONTIGUITY)


def test_small_files_give_the_bands_the_neighbours_and_the_floor(small):
    nmc, contiguity = small
    data = scenario_from_cow(1900, ["AAA", "BBB", "CCC", "DDD"], nmc, contiguity, MAPPING)
    states = by_id(data)
    # milex and milper shares alike: 0.6, 0.3, 0.1, 0.0
    assert [s["offensive_capability"] for s in data["states"]] == ["high", "high", "moderate", "low"]
    assert states["alpha_land"]["capability"] == 0.5
    assert states["delta"]["capability"] == 0.0001 and "0.0001" in data["notes"]
    # 1-2 land; 1-3 type 4 (not counted); 2-3 starts in 1901; 3-4 ends on 1 January 1900 (covers part of it)
    assert pairs(data) == {frozenset(("alpha_land", "beta")), frozenset(("gamma", "delta"))}


def test_columns_in_another_order_and_extra_columns_are_read_by_name(tmp_path):
    nmc = write(
        tmp_path,
        "nmc.csv",
        """cinc,extra,year,milper,statenme,milex,stateabb,ccode
0.5,x,1900,60,Alpha Land,600,AAA,1
0.3,y,1900,30,Beta,300,BBB,2
""",
    )
    contiguity = write(
        tmp_path,
        "contiguity.csv",
        """enddate,conttype,note,ccode2,stdate,ccode1
1950-12-01,1,z,1,1850-01-01,2
""",
    )
    data = scenario_from_cow(1900, ["BBB", "AAA"], nmc, contiguity, MAPPING)
    assert [(s["id"], s["capability"], s["offensive_capability"], s["cow_code"]) for s in data["states"]] == [
        ("beta", 0.3, "high", 2),
        ("alpha_land", 0.5, "high", 1),
    ]
    assert data["neighbours"] == [["beta", "alpha_land"]]


def test_a_missing_milex_or_milper_is_skipped_and_noted(tmp_path, small):
    _, contiguity = small
    nmc = write(
        tmp_path,
        "gaps.csv",
        f"""{NMC_HEADER}
1,AAA,Alpha Land,1900,,60,0,0,0,0,0.5
2,BBB,Beta,1900,300,-9,0,0,0,0,0.3
3,CCC,Gamma,1900,,,0,0,0,0,0.1
""",
    )
    data = scenario_from_cow(1900, ["AAA", "BBB", "CCC"], nmc, contiguity, MAPPING)
    # Alpha: milper alone, 60/60; Beta: milex alone (COW's -9 is missing too), 300/300; Gamma: nothing
    assert [s["offensive_capability"] for s in data["states"]] == ["high", "high", "low"]
    notes = data["notes"]
    assert "Alpha Land: milex is missing in 1900" in notes and "Beta: milper is missing in 1900" in notes
    assert "Gamma: no milex or milper figure in 1900" in notes


# ------------------------------------------------------------------ errors: one line, naming the file
def refused(*args, match):
    with pytest.raises(AdvisorError) as info:
        scenario_from_cow(*args)
    message = str(info.value)
    assert "\n" not in message
    assert match in message, message
    return info.value


def test_a_missing_file_is_named(tmp_path, small):
    nmc, contiguity = small
    error = refused(1900, ["AAA", "BBB"], tmp_path / "none.csv", contiguity, MAPPING, match="no such file")
    assert error.path == str(tmp_path / "none.csv")
    error = refused(1900, ["AAA", "BBB"], nmc, tmp_path / "gone.csv", MAPPING, match="no such file")
    assert error.path == str(tmp_path / "gone.csv")


def test_an_unreadable_file_is_named(tmp_path, small):
    nmc, contiguity = small
    refused(1900, ["AAA", "BBB"], tmp_path, contiguity, MAPPING, match="is a directory")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"ccode,stateabb\n\xff\xfe\x00\x81\n")
    error = refused(1900, ["AAA", "BBB"], binary, contiguity, MAPPING, match="not UTF-8")
    assert error.path == str(binary)
    empty = write(tmp_path, "empty.csv", "")
    refused(1900, ["AAA", "BBB"], nmc, empty, MAPPING, match="file is empty")


@pytest.mark.parametrize("column", ["ccode", "stateabb", "statenme", "year", "milex", "milper", "cinc"])
def test_a_missing_nmc_column_is_named(tmp_path, small, column):
    _, contiguity = small
    header = NMC_HEADER.split(",")
    keep = [i for i, name in enumerate(header) if name != column]
    lines = [",".join(line.split(",")[i] for i in keep) for line in SMALL_NMC.splitlines()]
    nmc = write(tmp_path, "nmc.csv", "\n".join(lines) + "\n")
    error = refused(1900, ["AAA", "BBB"], nmc, contiguity, MAPPING, match=f"missing column '{column}'")
    assert error.path == str(nmc)


@pytest.mark.parametrize("column", ["ccode1", "ccode2", "conttype", "stdate", "enddate"])
def test_a_missing_contiguity_column_is_named(tmp_path, small, column):
    nmc, _ = small
    header = [c for c in ["ccode1", "ccode2", "conttype", "stdate", "enddate"] if c != column]
    contiguity = write(tmp_path, "contiguity.csv", ",".join(header) + "\n")
    error = refused(1900, ["AAA", "BBB"], nmc, contiguity, MAPPING, match=f"missing column '{column}'")
    assert error.path == str(contiguity)


def test_a_state_not_in_the_year_is_named_with_the_year(small):
    nmc, contiguity = small
    refused(1900, ["AAA", "ZZZ"], nmc, contiguity, MAPPING, match="state 'ZZZ' not found in 1900")
    refused(1900, ["AAA", "99"], nmc, contiguity, MAPPING, match="state '99' not found in 1900")
    refused(
        1901,
        ["AAA", "BBB"],
        nmc,
        contiguity,
        MAPPING,
        match="state 'BBB' not found in 1901 (the file has it for 1900-1900)",
    )


def test_a_year_without_rows_is_refused(small):
    nmc, contiguity = small
    error = refused(1815, ["AAA", "BBB"], nmc, contiguity, MAPPING, match="no rows for 1815")
    assert error.path == str(nmc)


@pytest.mark.parametrize("states", [[], ["AAA"], ["AAA", " "]])
def test_fewer_than_two_states_are_refused(small, states):
    nmc, contiguity = small
    refused(1900, states, nmc, contiguity, MAPPING, match="two or more states")


def test_a_state_named_twice_is_refused(small):
    nmc, contiguity = small
    refused(1900, ["AAA", "BBB", "1"], nmc, contiguity, MAPPING, match="state '1' is named twice (also as 'AAA')")


@pytest.mark.parametrize(
    "cinc, match",
    [
        ("strong", "cinc 'strong' in 1900 is not a number"),
        ("", "cinc is missing in 1900"),
        ("-9", "cinc is missing in 1900"),
        ("nan", "cinc 'nan' in 1900 is not a number"),
        ("1.5", "cinc 1.5 in 1900 is more than 1"),
    ],
)
def test_a_bad_cinc_is_refused_naming_the_state_and_the_line(tmp_path, small, cinc, match):
    _, contiguity = small
    nmc = write(
        tmp_path,
        "nmc.csv",
        f"{NMC_HEADER}\n1,AAA,Alpha Land,1900,600,60,0,0,0,0,0.5\n2,BBB,Beta,1900,300,30,0,0,0,0,{cinc}\n",
    )
    error = refused(1900, ["AAA", "BBB"], nmc, contiguity, MAPPING, match=match)
    assert error.message.startswith("state 'BBB': ")
    assert error.path == str(nmc) and error.line == 3


def test_a_non_numeric_milex_or_year_is_refused(tmp_path, small):
    _, contiguity = small
    nmc = write(
        tmp_path,
        "nmc.csv",
        f"{NMC_HEADER}\n1,AAA,Alpha Land,1900,lots,60,0,0,0,0,0.5\n2,BBB,Beta,1900,300,30,0,0,0,0,0.3\n",
    )
    refused(1900, ["AAA", "BBB"], nmc, contiguity, MAPPING, match="state 'AAA': milex 'lots' in 1900 is not a number")
    nmc = write(tmp_path, "nmc.csv", f"{NMC_HEADER}\n1,AAA,Alpha Land,19x0,600,60,0,0,0,0,0.5\n")
    error = refused(1900, ["AAA", "BBB"], nmc, contiguity, MAPPING, match="year '19x0' is not a whole number")
    assert error.line == 2


@pytest.mark.parametrize(
    "row, match",
    [
        ("1,2,land,1850-01-01,1950-12-01", "conttype 'land' is not a whole number"),
        ("1,2,1,sometime,1950-12-01", "stdate 'sometime' is not a date"),
        ("1,2,1,1850-01-01,", "enddate '' is not a date"),
    ],
)
def test_a_bad_contiguity_row_of_the_chosen_states_is_refused(tmp_path, small, row, match):
    nmc, _ = small
    contiguity = write(tmp_path, "contiguity.csv", f"ccode1,ccode2,conttype,stdate,enddate\n5,6,x,y,z\n{row}\n")
    error = refused(1900, ["AAA", "BBB"], nmc, contiguity, MAPPING, match=match)
    assert error.path == str(contiguity) and error.line == 3  # the row of 5 and 6 is not chosen: not read


def test_a_broken_mapping_is_refused(small):
    nmc, contiguity = small
    refused(1900, ["AAA", "BBB"], nmc, contiguity, {"neighbour_types": [1]}, match="offensive_capability")
    refused(1900, ["AAA", "BBB"], nmc, contiguity, {**MAPPING, "neighbour_types": "1,2"}, match="neighbour_types")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    nmc_text=st.text(alphabet=st.sampled_from(list('ccodeyarinmlxpt,0123456789.-\n AB"')), max_size=300),
    contiguity_text=st.text(alphabet=st.sampled_from(list('ccode12ntyps,0123456789-\n"')), max_size=200),
)
def test_any_csv_text_gives_a_scenario_or_one_advisor_error(tmp_path, nmc_text, contiguity_text):
    nmc = write(tmp_path, "any_nmc.csv", NMC_HEADER + "\n" + nmc_text)
    contiguity = write(tmp_path, "any_contiguity.csv", "ccode1,ccode2,conttype,stdate,enddate\n" + contiguity_text)
    try:
        data = scenario_from_cow(1900, ["AB", "1"], nmc, contiguity, MAPPING)
    except AdvisorError as error:
        assert "\n" not in str(error)
    else:
        assert yaml.safe_load(scenario_yaml(data)) == data


# ------------------------------------------------------------------ naming a state
def test_a_state_is_named_by_abbreviation_code_or_the_years_name(real):
    by_abbreviation = scenario_from_cow(1948, ["UKG", "FRN", "RUS"], *real, MAPPING)
    by_name = scenario_from_cow(1948, ["united kingdom", "France", "365"], *real, MAPPING)
    assert by_name["states"] == by_abbreviation["states"]
    assert by_name["neighbours"] == by_abbreviation["neighbours"]


@pytest.mark.parametrize(
    ("token", "nearest"),
    [
        ("UK", "United Kingdom is UKG"),  # initials, and a common short name
        ("Britain", "United Kingdom is UKG"),
        ("USSR", "Russia is RUS"),  # COW's name for the Soviet Union
        ("Frnace", "France is FRN"),  # a typing slip
        ("Polnad", "Poland is POL"),
    ],
)
def test_a_miss_suggests_the_nearest_state_of_the_year(real, token, nearest):
    error = refused(1948, ["FRN", token], *real, MAPPING, match=f"state '{token}' not found in 1948: ")
    assert str(error).split(": ", 2)[-1].split("; ")[0] == nearest, str(error)


def test_the_uk_in_1948_reads_as_the_issue_asks(real):
    refused(1948, ["UK", "FRN"], *real, MAPPING, match="state 'UK' not found in 1948: United Kingdom is UKG")


def test_a_state_of_other_years_says_which_and_still_suggests(real):
    # West Germany (GFR) begins in 1955: in 1948 the file has it in other years only.
    error = refused(1948, ["GFR", "FRN"], *real, MAPPING, match="state 'GFR' not found in 1948 (the file has it for")
    assert "\n" not in str(error)


def test_a_name_near_nothing_gets_no_suggestion(real):
    error = refused(1948, ["FRN", "Qqqqqqqq"], *real, MAPPING, match="state 'Qqqqqqqq' not found in 1948")
    assert str(error).endswith("not found in 1948")


def test_the_command_says_the_nearest_state_in_one_line_and_exits_2(real):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "scenario-from-cow", "--year", "1948", "--states", "UK,FRN"]
        + ["--nmc", str(real[0]), "--contiguity", str(real[1])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "state 'UK' not found in 1948: United Kingdom is UKG" in proc.stderr
