import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from alliance_advisor.rules import Advisor, Case, load_knowledge  # noqa: E402

CASES_DIR = ROOT / "knowledge" / "cases"

# The data sets of the field (Correlates of War, alliance histories) are the user's and
# are not shipped: a folder holding cow/ and history/ is named by --data-dir or by
# ALLIANCE_DATA (no default: the user's folder is the user's). Where CI is set, a test
# that needs them fails rather than skips when they are missing.
DATA_ENV = "ALLIANCE_DATA"
NO_DATA_DIR = ROOT / "no-data-folder-given"


def pytest_addoption(parser):
    parser.addoption(
        "--data-dir",
        metavar="DIR",
        default=None,
        help=f"the folder holding the data sets cow/ and history/ (default: ${DATA_ENV})",
    )


def data_dir(option=None, environ=os.environ):
    """The data folder: the --data-dir option, else $ALLIANCE_DATA; without either, a
    folder that holds nothing, so the tests that need the data skip (or fail in CI)."""
    chosen = option or environ.get(DATA_ENV)
    return Path(chosen).expanduser() if chosen else NO_DATA_DIR


def in_ci(environ=os.environ):
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_data(folder, *names, environ=os.environ):
    """``folder`` once every file ``names`` (relative to it) is there; else skip the
    test, or fail it where CI is set."""
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        message = (
            f"{', '.join(missing)} not in {folder}: the data sets are not shipped; give --data-dir "
            f"or set {DATA_ENV} to the folder holding cow/ and history/"
        )
        if in_ci(environ):
            pytest.fail(f"{message} (CI is set, so this fails rather than skips)", pytrace=False)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def data_folder(pytestconfig):
    return data_dir(pytestconfig.getoption("--data-dir"))


@pytest.fixture(scope="session")
def cow_dir(data_folder):
    """The Correlates of War extracts (cow/ of the data folder)."""
    return require_data(data_folder, "cow/nmc-7.0.csv", "cow/contiguity-3.2.csv", "cow/README.md") / "cow"


@pytest.fixture(scope="session")
def history_dir(data_folder):
    """The data folder with every data set the history command reads."""
    from alliance_advisor.rules.history import DATASETS

    return require_data(data_folder, *(d.path for d in DATASETS))


@pytest.fixture(scope="session")
def context(history_dir):
    """The history's context over the data folder (the data, the mapping, a scenario
    engine), made once per process."""
    from alliance_advisor.rules.history import history_context

    return history_context(os.fspath(history_dir), None)


# A plain peacetime case: a middle power, a comparable, distant, benign neighbour.
BASE_ANSWERS = {
    "state_strength": "middle",
    "threat_power": "comparable",
    "proximity": "distant",
    "offensive_capability": "low",
    "intentions": "benign",
    "ally_availability": "probable",
    "communication": "effective",
    "war_status": "peace",
    "winning_side": "unclear",
    "current_alignment": "unaligned",
    "pivotal": "no",
}


def make_case(title="test case", **answers):
    merged = dict(BASE_ANSWERS)
    merged.update(answers)
    merged = {k: v for k, v in merged.items() if v != "unknown"}
    return Case(title=title, state="State", threat="Threat", answers=merged)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()


@pytest.fixture(scope="session")
def advisor(kb):
    return Advisor(kb)
