"""The one place experta is imported; every other module takes experta's names from here.

experta 1.9.4, its last release, pins frozendict 1.2, whose ``frozendict``
subclasses ``collections.Mapping``, an alias Python 3.10 removed. Rather than
install an unpinned frozendict (``pip check`` would then report a broken
requirement) or vendor a patched experta, the project installs exactly what
experta asks for and restores the aliases once, in ``rules/__init__.py``, which
Python runs before any module of the package, and so before this one. Nothing in
the project imports experta by another path (ruff's banned-api rule refuses it).
"""

from experta import AND, AS, MATCH, NOT, OR, Fact, KnowledgeEngine, P, Rule, watchers
from experta.abstract import Matcher
from experta.activation import Activation
from experta.agenda import Agenda
from experta.fact import InitialFact
from experta.factlist import FactList
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, L
from experta.matchers import ReteMatcher
from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck
from experta.matchers.rete.utils import generate_checks
from experta.strategies import DepthStrategy

__all__ = [
    "AND",
    "AS",
    "MATCH",
    "NOT",
    "OR",
    "P",
    "Fact",
    "KnowledgeEngine",
    "Rule",
    "Agenda",
    "Activation",
    "DepthStrategy",
    "FactCapture",
    "FactList",
    "FeatureCheck",
    "InitialFact",
    "L",
    "Matcher",
    "TypeCheck",
    "generate_checks",
    "watchers",
    "negated_constraint",
    "ReteMatcher",
]


def negated_constraint(constraint: object) -> bool:
    """Whether a field constraint holds a negation (``~L(...)``, ``~P(...)``)."""
    return isinstance(constraint, NOTFC) or (
        isinstance(constraint, (ANDFC, ORFC)) and any(negated_constraint(part) for part in constraint)
    )
