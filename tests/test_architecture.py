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
