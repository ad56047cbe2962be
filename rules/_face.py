"""How a package of the engine shows its face: public names taken from private modules
when first used (PEP 562), so a light import never loads the engine behind it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_face(
    package: str, table: Mapping[str, tuple[str, str | None]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package face's ``__getattr__`` and ``__dir__``: each public name is taken from its
    private module (``table``: name -> (module, relative to the package, and attribute; None for the
    module itself))
    the first time it is asked for, and kept in the package's namespace."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        entry = table.get(name)
        if entry is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(entry[0], package)
        value = module if entry[1] is None else getattr(module, entry[1])
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
