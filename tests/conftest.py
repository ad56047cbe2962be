import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from rules import Advisor, Case, load_knowledge  # noqa: E402

CASES_DIR = ROOT / "knowledge" / "cases"

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
