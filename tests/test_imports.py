"""Every module imports on its own, in a fresh interpreter.

A module that only works because some other module happened to be imported first (a
hidden import-order dependency, or a cycle broken by luck) fails here, one module per
test, with the interpreter's own error.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rules", "app", "presentation", "reports", "gui")


def _modules():
    """Every module, by the name it is installed and imported under (alliance_advisor.*),
    and the benchmarks, which stay beside the package."""
    names = ["alliance_advisor", "alliance_advisor.main"]
    for package in (*PACKAGES, "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            names.append(name if package == "bench" else f"alliance_advisor.{name}")
    return names


MODULES = _modules()


@pytest.fixture(scope="module")
def outcomes():
    """Import every module in its own interpreter, two at a time."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}

    def one(name):
        run = subprocess.run(
            [sys.executable, "-c", f"import {name}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        return name, run.returncode, run.stderr.strip().splitlines()[-1:] or [""]

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {name: (code, err[0]) for name, code, err in pool.map(one, MODULES)}


def test_every_package_is_covered():
    assert {m.split(".")[1] for m in MODULES if m.startswith("alliance_advisor.")} == {"main", *PACKAGES}
    assert any(m.startswith("bench") for m in MODULES)
    assert len(MODULES) > 40


@pytest.mark.slow
@pytest.mark.parametrize("name", MODULES)
def test_module_imports_alone(outcomes, name):
    code, last = outcomes[name]
    assert code == 0, f"import {name} failed in a fresh interpreter: {last}"
