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
                if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "gui"):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_importing_the_engine_loads_no_qt():
    code = (
        "import sys, rules; rules.Advisor(); "
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'gui'))])"
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
