"""Alliance Advisor's engine: knowledge base, rule program, inference, explanation.

Pure Python: it never imports Qt, prints or parses command lines (import-linter
contracts in pyproject.toml, and tests, hold it to that).
"""

import collections as _collections
import collections.abc as _collections_abc


def _restore_collections_aliases() -> None:
    """experta 1.9.4 pins frozendict 1.2, which subclasses ``collections.Mapping``, an
    alias removed in Python 3.10. Python runs this file before any module of the
    package, so the aliases are back before rules/experta_compat.py, the one module
    that imports experta, is loaded, whatever order anything is imported in."""
    for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Hashable"):
        if not hasattr(_collections, name):
            setattr(_collections, name, getattr(_collections_abc, name))


_restore_collections_aliases()

from .advisor import Advisor  # noqa: E402
from .cases import Case, case_to_yaml, load_case, load_library, parse_case_text  # noqa: E402
from .errors import AdvisorError, CaseError, ExportError, KnowledgeError  # noqa: E402
from .knowledge import UNKNOWN, KnowledgeBase, load_knowledge  # noqa: E402
from .result import Result  # noqa: E402

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
