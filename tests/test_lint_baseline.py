"""ruff's complexity (C901) and argument-count (PLR0913) rules, held to a baseline that
may only shrink.

ruff keeps no baseline of its own, and the code had findings of both rules when they
came in; so the two rules stay out of the select of the main ``ruff check`` (make lint)
and are checked here instead: a finding that is not in tests/lint_baseline.json fails
(split the function, or gather its arguments in a record), and so does a baselined
finding that is gone (delete its entry, so the baseline cannot grow back). A finding is
keyed by file, rule and the function's qualified name, not its line, which shifts with
every edit above it. The thresholds are ruff's settings in pyproject.toml.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import ROOT

BASELINE = ROOT / "tests" / "lint_baseline.json"
RULES = ("C901", "PLR0913")

Finding = tuple[str, str, str]  # (file, rule, function)


def _qualified_names(path: Path) -> dict[int, str]:
    """The line of each def in the file -> its qualified name (``Class.method``,
    ``outer.inner``); ruff reports these rules at the function's name, on its def line."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    names[child.lineno] = name
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return names


def findings(root: Path = ROOT) -> Counter[Finding]:
    """The C901 and PLR0913 findings under root, with ruff's settings found there."""
    root = root.resolve()
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--exit-zero", "--output-format", "json"]
        + ["--select", ",".join(RULES), "."],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    found: Counter[Finding] = Counter()
    names: dict[Path, dict[int, str]] = {}
    for item in json.loads(proc.stdout):
        path = Path(item["filename"])
        if path not in names:
            names[path] = _qualified_names(path)
        function = names[path][item["location"]["row"]]
        found[(path.relative_to(root).as_posix(), item["code"], function)] += 1
    return found


def read_baseline(path: Path = BASELINE) -> Counter[Finding]:
    return Counter((e["file"], e["rule"], e["function"]) for e in json.loads(path.read_text())["findings"])


def compare(found: Counter[Finding], baseline: Counter[Finding]) -> list[str]:
    """What is wrong with the baseline, in words for the developer (empty: nothing)."""
    problems = []
    new = found - baseline
    if new:
        problems.append(
            "new findings (split the function, or pass a record instead of many arguments):\n"
            + "\n".join(f"  {file}: {function} ({rule})" for file, rule, function in sorted(new.elements()))
        )
    gone = baseline - found
    if gone:
        problems.append(
            f"fixed, so shrink {BASELINE.relative_to(ROOT).as_posix()}: delete these entries:\n"
            + "\n".join(
                "  " + json.dumps({"file": file, "rule": rule, "function": function})
                for file, rule, function in sorted(gone.elements())
            )
        )
    return problems


def test_the_code_has_no_complexity_or_argument_finding_beyond_the_baseline():
    problems = compare(findings(), read_baseline())
    assert not problems, "\n\n".join(problems)


def test_the_baseline_is_keyed_without_line_numbers_and_sorted():
    entries = json.loads(BASELINE.read_text())["findings"]
    assert all(set(e) == {"file", "rule", "function"} for e in entries)
    assert all(e["rule"] in RULES for e in entries)
    keys = [(e["file"], e["rule"], e["function"]) for e in entries]
    assert keys == sorted(keys)


def test_a_new_long_function_is_a_new_finding_and_a_fixed_one_shrinks_the_baseline(tmp_path):
    # Under the project's own settings: a method of six arguments (and self) and eleven branches.
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    branches = "".join(f"        if a == {k}:\n            return {k}\n" for k in range(10))
    source = f"class Form:\n    def fill(self, a, b, c, d, e, f):\n{branches}        return b\n"
    (tmp_path / "form.py").write_text(source)
    found = findings(tmp_path)
    assert found == Counter({("form.py", "PLR0913", "Form.fill"): 1, ("form.py", "C901", "Form.fill"): 1})
    (new,) = compare(found, Counter())
    assert "form.py: Form.fill (C901)" in new and "form.py: Form.fill (PLR0913)" in new
    (gone,) = compare(Counter(), found)
    assert "shrink" in gone and '"function": "Form.fill"' in gone
