"""How much of gui/ is annotated: a share that may only grow.

mypy's strict flags hold a module only once it is listed in pyproject.toml, and
mypy's defaults skip an unannotated function's body; so the share of functions with
every parameter and the return annotated says how much of the Qt wing the checker
actually reads, and a listed module must stay annotated throughout.
"""

import ast

from conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency reads TOML
    import tomli as tomllib

GUI = ROOT / "gui"
PACKAGE = "alliance_advisor"
MIN_SHARE = 0.80


def _functions(tree):
    """(function, whether it is defined directly in a class body) for every def."""
    found = []

    def visit(node, in_class):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((child, in_class))
                visit(child, False)
            else:
                visit(child, in_class or isinstance(child, ast.ClassDef))  # a class's if-blocks too

    visit(tree, False)
    return found


def _annotated(function, in_class):
    """Every parameter but a method's self or cls, and the return, annotated."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
    if in_class and not static and positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    params = positional + args.kwonlyargs + [p for p in (args.vararg, args.kwarg) if p is not None]
    return function.returns is not None and all(p.annotation is not None for p in params)


def _unannotated(path):
    """The names (with their lines) of the functions in ``path`` not fully annotated, and how many it has."""
    functions = _functions(ast.parse(path.read_text(encoding="utf-8")))
    missing = [f"{f.name}:{f.lineno}" for f, in_class in functions if not _annotated(f, in_class)]
    return missing, len(functions)


def _module_path(module):
    """The file of a dotted module name of the package (its __init__.py for a package)."""
    parts = module.split(".")[1:]
    base = ROOT.joinpath(*parts)
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _strict_gui_modules():
    """The gui modules pyproject.toml holds to mypy's strict flags."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules = []
    for override in config["tool"]["mypy"].get("overrides", []):
        if not override.get("disallow_untyped_defs"):
            continue
        names = override["module"]
        for name in [names] if isinstance(names, str) else names:
            if name == f"{PACKAGE}.gui" or name.startswith(f"{PACKAGE}.gui."):
                modules.append(name)
    return modules


def test_most_of_gui_is_annotated():
    total = annotated = 0
    for path in sorted(GUI.rglob("*.py")):
        missing, count = _unannotated(path)
        total += count
        annotated += count - len(missing)
    assert total > 0
    assert annotated / total >= MIN_SHARE, f"{annotated} of {total} gui functions annotated"


def test_every_module_of_gui_is_held_to_the_strict_flags():
    """Every gui module is listed in the strict block, so none slips back unchecked."""
    listed = set(_strict_gui_modules())
    modules = {
        ".".join([PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]).removesuffix(".__init__")
        for path in GUI.rglob("*.py")
    }
    assert modules - listed == set()


def test_every_strict_gui_module_is_fully_annotated():
    modules = _strict_gui_modules()
    assert modules, "no gui module is held to the strict flags"
    wildcard = [m for m in modules if m.endswith(".*")]
    paths = {_module_path(m) for m in modules if not m.endswith(".*")}
    for pattern in wildcard:
        paths |= set(_module_path(pattern[:-2]).parent.rglob("*.py"))
    assert [p for p in paths if not p.is_file()] == []
    gaps = {p.relative_to(ROOT).as_posix(): m for p in sorted(paths) if (m := _unannotated(p)[0])}
    assert gaps == {}


def test_the_count_sees_a_missing_annotation():
    # The measure itself: a method lacking one annotation does not count, self does not need one.
    source = (
        "class A:\n"
        "    def good(self, x: int) -> None: ...\n"
        "    def no_return(self, x: int): ...\n"
        "    @staticmethod\n"
        "    def static(self) -> None: ...\n"
        "def kwargs(*a: int, **k) -> None: ...\n"
        "def outer() -> None:\n"
        "    def inner(y): ...\n"
    )
    functions = _functions(ast.parse(source))
    assert {f.name: _annotated(f, in_class) for f, in_class in functions} == {
        "good": True,
        "no_return": False,
        "static": False,
        "kwargs": False,
        "outer": True,
        "inner": False,
    }
