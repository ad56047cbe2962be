"""The one place experta is imported.

experta 1.9.4 pins frozendict 1.2, whose ``frozendict`` subclasses
``collections.Mapping``; that alias was removed in Python 3.10.  Rather than
install an unpinned frozendict (``pip check`` would then report a broken
requirement) or vendor a patched experta, we install exactly what experta asks
for and restore the alias, once, before the first import.  Every other module
imports experta names from here.
"""
import collections
import collections.abc

for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Hashable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

from experta import AND, AS, MATCH, NOT, OR, P, Fact, KnowledgeEngine, Rule  # noqa: E402
from experta.agenda import Agenda  # noqa: E402

__all__ = ["AND", "AS", "MATCH", "NOT", "OR", "P", "Fact", "KnowledgeEngine", "Rule", "Agenda"]
