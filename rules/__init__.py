"""Alliance Advisor's engine: knowledge base, rule program, inference, explanation.

Pure Python: it never imports Qt, prints or parses command lines (import-linter
contracts in pyproject.toml, and tests, hold it to that).
"""

import collections as _collections
import collections.abc as _collections_abc
from typing import TYPE_CHECKING


def _restore_collections_aliases() -> None:
    """experta 1.9.4 pins frozendict 1.2, which subclasses ``collections.Mapping``, an
    alias removed in Python 3.10. Python runs this file before any module of the
    package, so the aliases are back before rules/inference/_experta.py, the one module
    that imports experta, is loaded, whatever order anything is imported in."""
    for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Hashable"):
        if not hasattr(_collections, name):
            setattr(_collections, name, getattr(_collections_abc, name))


_restore_collections_aliases()

# The package's names are loaded when first used (PEP 562), so that importing one
# light module (rules.errors, rules.version, a case file's model) loads neither experta
# nor numpy: `main.py --version` and the app's first paint do not pay for the engine.
# Every kind's face (rules.kb, rules.inference, rules.case, rules.scenario, rules.history)
# is made the same way, by lazy_face.


from alliance_advisor.rules._face import lazy_face  # noqa: E402

__getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Advisor": (".case", "Advisor"),
        "Case": (".case", "Case"),
        "case_to_yaml": (".case", "case_to_yaml"),
        "load_case": (".case", "load_case"),
        "load_library": (".case", "load_library"),
        "parse_case_text": (".case", "parse_case_text"),
        "AdvisorError": (".errors", "AdvisorError"),
        "CaseError": (".errors", "CaseError"),
        "ExportError": (".errors", "ExportError"),
        "KnowledgeError": (".errors", "KnowledgeError"),
        "UNKNOWN": (".kb", "UNKNOWN"),
        "KnowledgeBase": (".kb", "KnowledgeBase"),
        "load_knowledge": (".kb", "load_knowledge"),
        "Result": (".case", "Result"),
    },
)

if TYPE_CHECKING:
    from alliance_advisor.rules.case import (
        Advisor,
        Case,
        Result,
        case_to_yaml,
        load_case,
        load_library,
        parse_case_text,
    )
    from alliance_advisor.rules.errors import AdvisorError, CaseError, ExportError, KnowledgeError
    from alliance_advisor.rules.kb import UNKNOWN, KnowledgeBase, load_knowledge

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
