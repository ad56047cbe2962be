"""One direction of dependency: the engine never imports Qt (nor the app)."""

import ast
import subprocess
import sys

from conftest import ROOT


def test_rules_package_has_no_qt_or_gui_imports():
    offenders = []
    for path in (ROOT / "rules").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6") or name.startswith(
                    ("alliance_advisor.gui", "alliance_advisor.app")
                ):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_importing_the_engine_loads_no_qt():
    code = (
        "import sys; from alliance_advisor import rules; rules.Advisor(); "
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'alliance_advisor.gui'))])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_knowledge_directory_holds_data_only():
    files = [p for p in (ROOT / "knowledge").rglob("*") if p.is_file()]
    assert files and all(p.suffix == ".yaml" for p in files)


def test_no_theory_fact_is_written_in_code(kb):
    # The theory's source, its default world and the responses' sides are knowledge:
    # they are read from knowledge/, never written into the engine, the views or main.py.
    source = kb.theory.source
    facts = [source.title, source.publisher, source.author, f'"{kb.theory.default_world}"']
    facts += [f'"{r.id}": "{r.side}"' for r in kb.responses]
    code = [ROOT / "main.py"] + [
        p for d in ("rules", "presentation", "reports", "gui") for p in (ROOT / d).rglob("*.py")
    ]
    found = [
        (path.relative_to(ROOT).as_posix(), fact)
        for path in code
        for fact in facts
        if fact in path.read_text(encoding="utf-8")
    ]
    assert found == []


# ------------------------------------------------------------------ the house by kind
KINDS = ("kb", "inference", "case", "scenario", "history")
TOP_NAMES = ("rules", "app", "presentation", "reports", "gui", "main")


def _python_files(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _type_checking_only(tree):
    """The import nodes under ``if TYPE_CHECKING:``: names for the type checker only,
    never loaded when the program runs."""
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return hidden


def _imported_modules(path, at_run_time=False):
    """Every module a file imports, by its absolute name, with the line (only those
    loaded when the program runs, with ``at_run_time``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = _type_checking_only(tree) if at_run_time else set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, ()
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno, tuple(a.name for a in node.names)


def test_the_engine_keeps_at_most_six_modules_on_its_flat_level():
    flat = sorted(p.name for p in (ROOT / "rules").glob("*.py"))
    assert len(flat) <= 6, flat
    assert sorted(p.name for p in (ROOT / "rules").iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(KINDS)


def test_a_kinds_private_modules_are_reached_only_through_its_face():
    """Outside rules/<kind>/, a name of the kind comes from its __init__ (the face), never
    from a private module (rules/<kind>/_x.py); tests may look inside."""
    offenders = []
    for path in _python_files("rules", "app", "presentation", "reports", "gui", "bench"):
        rel = path.relative_to(ROOT).as_posix()
        for module, line, names in _imported_modules(path):
            for kind in KINDS:
                prefix = f"alliance_advisor.rules.{kind}"
                inside = rel.startswith(f"rules/{kind}/")
                private = module.startswith(f"{prefix}._") or (
                    module == prefix and any(n.startswith("_") for n in names)
                )
                if private and not inside:
                    offenders.append(f"{rel}:{line}: {module}")
    for path in [ROOT / "main.py"]:
        for module, line, _ in _imported_modules(path):
            if any(module.startswith(f"alliance_advisor.rules.{kind}._") for kind in KINDS):
                offenders.append(f"main.py:{line}: {module}")
    assert offenders == []


def test_every_import_of_the_project_goes_through_its_installed_name():
    """The packages install under alliance_advisor: a bare `import rules` (which only
    works from the repository's root, and loads a second copy of every module) is refused."""
    offenders = []
    for path in [*_python_files("rules", "app", "presentation", "reports", "gui", "bench", "tests"), ROOT / "main.py"]:
        for module, line, _ in _imported_modules(path):
            if module.split(".")[0] in TOP_NAMES:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert offenders == []


ENGINE_NAMES = {
    "Advisor",
    "Analyst",
    "EnginePool",
    "Vector",
    "compile_program",
    "compile_engine_class",
    "run_stages",
    "verify",
    "ScenarioEngine",
    "run_history",
    "history_year",
    "year_task",
    "evaluate",
}


def test_the_qt_wing_names_no_engine_but_through_the_application_layer():
    """gui/ reads data types from the engine's faces (a Case, a KnowledgeBase, an error);
    it runs nothing of the engine itself: the jobs of app/jobs.py do (a name it only
    annotates with, under TYPE_CHECKING, is not run)."""
    offenders = []
    for path in _python_files("gui"):
        for module, line, names in _imported_modules(path, at_run_time=True):
            if module.startswith("alliance_advisor.rules"):
                offenders += [f"{path.relative_to(ROOT)}:{line}: {n}" for n in names if n in ENGINE_NAMES]
    assert offenders == []
