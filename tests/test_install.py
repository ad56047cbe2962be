"""The package installs under its own name: a wheel holds one top-level package,
alliance_advisor (with its knowledge base), and the installed command runs from any folder."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import CASES_DIR, ROOT

pytestmark = pytest.mark.slow


def _run(argv, cwd, **env):
    return subprocess.run(
        argv, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        cwd=out,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (path,) = out.glob("alliance_advisor-*.whl")
    return path


def test_the_wheel_installs_one_top_level_package_with_its_knowledge(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"alliance_advisor"}
    for inside in (
        "main.py",
        "rules/case/_advisor.py",
        "app/export.py",
        "knowledge/rules.yaml",
        "knowledge/cases/norway_1949.yaml",
    ):
        assert f"alliance_advisor/{inside}" in names, inside
    assert not any(name.startswith(("alliance_advisor/tests/", "alliance_advisor/bench/")) for name in names)


def test_the_installed_copy_runs_from_any_folder(wheel, tmp_path):
    target = tmp_path / "site"
    install = _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], cwd=tmp_path
    )
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(
        [sys.executable, "-c", "import alliance_advisor.main as m; print(m.__file__)"],
        cwd=elsewhere,
        PYTHONPATH=str(target),
    )
    assert Path(where.stdout.strip()).is_relative_to(target), where.stdout + where.stderr
    case = target / "alliance_advisor" / "knowledge" / "cases" / "norway_1949.yaml"
    analysed = _run(
        [sys.executable, "-m", "alliance_advisor.main", "analyze", str(case), "--format", "json"],
        cwd=elsewhere,
        PYTHONPATH=str(target),
    )
    assert analysed.returncode == 0, analysed.stderr[-2000:]
    assert '"verdict"' in analysed.stdout


def test_the_console_command_runs_from_any_folder(tmp_path):
    command = Path(sys.executable).with_name("alliance-advisor")
    assert command.exists(), "the install names the command alliance-advisor (setup.cfg console_scripts)"
    version = _run([str(command), "--version"], cwd=tmp_path)
    assert version.returncode == 0 and "knowledge base" in version.stdout, version.stdout + version.stderr
    analysed = _run([str(command), "analyze", str(CASES_DIR / "norway_1949.yaml")], cwd=tmp_path)
    assert analysed.returncode == 0 and "Verdict" in analysed.stdout, analysed.stderr[-2000:]
