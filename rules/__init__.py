"""Alliance Advisor's engine: knowledge base, rule program, inference, explanation.

Pure Python: it never imports Qt, prints or parses command lines (import-linter
contracts in pyproject.toml, and tests, hold it to that).
"""

import collections as _collections
import collections.abc as _collections_abc
import importlib
from typing import TYPE_CHECKING, Any


def _restore_collections_aliases() -> None:
    """experta 1.9.4 pins frozendict 1.2, which subclasses ``collections.Mapping``, an
    alias removed in Python 3.10. Python runs this file before any module of the
    package, so the aliases are back before rules/experta_compat.py, the one module
    that imports experta, is loaded, whatever order anything is imported in."""
    for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Hashable"):
        if not hasattr(_collections, name):
            setattr(_collections, name, getattr(_collections_abc, name))


_restore_collections_aliases()

# The package's names are loaded when first used (PEP 562), so that importing one
# light module (rules.errors, rules.version, rules.cases) loads neither experta nor
# numpy: `main.py --version` and the app's first paint do not pay for the engine.
_EXPORTS = {
    "Advisor": "advisor",
    "Case": "cases",
    "case_to_yaml": "cases",
    "load_case": "cases",
    "load_library": "cases",
    "parse_case_text": "cases",
    "AdvisorError": "errors",
    "CaseError": "errors",
    "ExportError": "errors",
    "KnowledgeError": "errors",
    "UNKNOWN": "kb.model",
    "KnowledgeBase": "kb.model",
    "load_knowledge": "kb.load",
    "Result": "result",
}

if TYPE_CHECKING:
    from .advisor import Advisor
    from .cases import Case, case_to_yaml, load_case, load_library, parse_case_text
    from .errors import AdvisorError, CaseError, ExportError, KnowledgeError
    from .kb.load import load_knowledge
    from .kb.model import UNKNOWN, KnowledgeBase
    from .result import Result


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rules' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AdvisorError",
    "CaseError",
    "ExportError",
    "KnowledgeError",
    "UNKNOWN",
    "KnowledgeBase",
    "load_knowledge",
    "Case",
    "case_to_yaml",
    "load_case",
    "load_library",
    "parse_case_text",
    "Advisor",
    "Result",
]
