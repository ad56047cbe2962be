"""The program's version: on the command line, in every report, in About, in CITATION.cff."""

import configparser
import json
import subprocess
import sys

import pytest
import yaml

from alliance_advisor.rules import load_case
from alliance_advisor.rules import version as version_module
from alliance_advisor.rules.version import app_version
from conftest import CASES_DIR, ROOT
from guifixtures import *  # noqa: F401,F403 (the window and the prompts that never block)

NORWAY = CASES_DIR / "norway_1949.yaml"


def _declared_version():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return parser.get("metadata", "version")


def test_app_version_is_the_declared_one():
    assert app_version() == _declared_version()


def test_app_version_falls_back_to_setup_cfg_when_not_installed(monkeypatch, tmp_path):
    def not_installed(name):
        raise version_module.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version_module.metadata, "version", not_installed)
    assert app_version() == _declared_version()
    monkeypatch.setattr(version_module, "_SETUP_CFG", tmp_path / "absent.cfg")
    assert app_version() == version_module.UNKNOWN_VERSION


def test_an_installed_copy_without_setup_cfg_reads_the_package_metadata(monkeypatch, tmp_path):
    monkeypatch.setattr(version_module.metadata, "version", lambda name: "9.8.7" if name == "alliance-advisor" else "")
    assert app_version() == _declared_version()  # a source tree: its own declaration
    monkeypatch.setattr(version_module, "_SETUP_CFG", tmp_path / "absent.cfg")
    assert app_version() == "9.8.7"
    other = tmp_path / "setup.cfg"
    other.write_text("[metadata]\nname = another-program\nversion = 1.2.3\n", encoding="utf-8")
    monkeypatch.setattr(version_module, "_SETUP_CFG", other)
    assert app_version() == "9.8.7"  # a setup.cfg that is not ours is not read


def test_version_option_prints_program_and_knowledge_versions(kb):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"Alliance Advisor {_declared_version()} (knowledge base {kb.version})"
    assert proc.stderr == ""


def test_version_with_a_bad_knowledge_directory_is_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--knowledge", str(tmp_path / "none"), "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def _hash_as_the_loader_made_it(directory):
    """The knowledge hash as load_knowledge has always computed it (issue 21 keeps it)."""
    import hashlib

    digest = hashlib.sha256()
    for name in ("questionnaire.yaml", "propositions.yaml", "responses.yaml", "rules.yaml", "theory.yaml"):
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()[:12]


def test_the_knowledge_hash_from_the_files_is_the_one_the_loader_made(kb, tmp_path):
    import shutil

    from alliance_advisor.rules.kb import DEFAULT_DIR, load_knowledge

    assert version_module.knowledge_version() == _hash_as_the_loader_made_it(DEFAULT_DIR) == kb.version
    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, copy)
    with (copy / "theory.yaml").open("a", encoding="utf-8") as out:
        out.write("\n# a comment changes the bytes, and so the hash\n")
    changed = version_module.knowledge_version(copy)
    assert changed == _hash_as_the_loader_made_it(copy) == load_knowledge(copy).version != kb.version
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--knowledge", str(copy), "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.strip().endswith(f"(knowledge base {changed})")


def test_version_option_neither_parses_nor_compiles_the_knowledge_base():
    probe = (
        "import sys; from alliance_advisor import main; main.main(['--version']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'numpy', 'experta', 'PySide6') "
        "or m.removeprefix('alliance_advisor.') in "
        "('rules.kb._load', 'rules.kb._model', 'rules.inference._program', 'rules.inference._engine')))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.fixture(scope="module")
def norway(advisor, kb):
    return advisor.analyze(load_case(NORWAY, kb), extras=True)


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "json"])
def test_every_report_names_the_program_version_and_knowledge_hash(norway, tmp_path, fmt):
    from alliance_advisor.app.export import write_report

    out = tmp_path / f"norway.{fmt}"
    write_report(norway, fmt, out)
    if fmt == "pdf":
        from pypdf import PdfReader

        text = "".join("".join(p.extract_text().split()) for p in PdfReader(str(out)).pages)
        assert f"AllianceAdvisor{app_version()}" in text and norway.knowledge_version in text
    elif fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["app_version"] == app_version()
        assert data["knowledge_version"] == norway.knowledge_version
    else:
        text = out.read_text(encoding="utf-8")
        assert f"Alliance Advisor {app_version()}" in text and norway.knowledge_version in text


@pytest.mark.slow
def test_about_box_shows_version_and_knowledge_hash(window, prompts, kb):
    window.actions_["about"].trigger()
    kind, html = prompts.errors[-1]
    assert app_version() in html and kb.version in html


def test_citation_cff_is_valid_yaml_with_the_required_fields():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert data[key]
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in data["authors"])
    assert str(data["version"]) == _declared_version()
    walt = [r for r in data.get("references", []) if "Walt" in str(r.get("authors"))]
    assert walt and walt[0]["year"] == 1987
