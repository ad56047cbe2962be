"""The declarative condition language of rules, in negation normal form.

A condition from rules.yaml is parsed into a tree of :class:`Leaf` (one fact,
a set of levels that satisfy it), :class:`All` and :class:`Any`. ``not`` is
pushed down to the leaves (De Morgan), where it becomes the complement *within
the known levels*: a negated condition on an unknown fact is still unknown.
That gives three-valued (Kleene) logic without negation as failure, so the
experta network and the explanation agree on what blocks a rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import TypeAlias

OPERATORS = ("is", "in", "at_least", "at_most")


@dataclass(frozen=True)
class Leaf:
    fact: str
    allowed: frozenset[str]
    text: str  # how the condition reads, e.g. "threat_level at least high"

    def value(self, facts: Mapping[str, str | None]) -> bool | None:
        level = facts.get(self.fact)
        if level is None:
            return None
        return level in self.allowed


@dataclass(frozen=True)
class All:
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class Any:
    children: tuple[Condition, ...]


# A condition tree (``Any`` above is the disjunction, not typing.Any).
Condition: TypeAlias = Leaf | All | Any


class ConditionSyntaxError(ValueError):
    """Raised with a message and the line of the offending condition."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def parse_leaf(
    raw: object, fact_levels: Mapping[str, Sequence[str]], ordered: Collection[str], line: int | None = None
) -> Leaf:
    """Parse one ``{fact: F, <operator>: ...}`` condition into a :class:`Leaf`.

    ``fact_levels`` maps every fact name (factor or derived) to its level list;
    ``ordered`` is the set of facts whose levels form a scale.
    """
    if not isinstance(raw, dict) or not raw:
        raise ConditionSyntaxError("a condition must be a mapping", line)
    keys = set(raw)
    if "fact" not in keys:
        raise ConditionSyntaxError(f"unknown condition keys {sorted(map(str, keys))}; expected fact/all/any/not", line)
    fact = raw["fact"]
    ops = keys - {"fact"}
    if len(ops) != 1 or not ops <= set(OPERATORS):
        raise ConditionSyntaxError(f"condition on '{fact}' needs exactly one of {', '.join(OPERATORS)}", line)
    (op,) = ops
    if not isinstance(fact, str) or fact not in fact_levels:
        raise ConditionSyntaxError(f"unknown fact '{fact}'", line)
    levels = fact_levels[fact]
    operand = raw[op]
    if op == "in":
        if not isinstance(operand, list) or not operand:
            raise ConditionSyntaxError(f"'in' on '{fact}' needs a non-empty list of levels", line)
        wanted = [str(v) for v in operand]
    else:
        wanted = [_level_text(operand)]
    for level in wanted:
        if level not in levels:
            raise ConditionSyntaxError(f"unknown level '{level}' for '{fact}'", line)
    if op in ("at_least", "at_most"):
        if fact not in ordered:
            raise ConditionSyntaxError(f"'{op}' needs an ordered fact; '{fact}' is not ordered", line)
        index = levels.index(wanted[0])
        allowed: Sequence[str]
        allowed = levels[index:] if op == "at_least" else levels[: index + 1]
        text = f"{fact} {op.replace('_', ' ')} {wanted[0]}"
    elif op == "is":
        allowed = wanted
        text = f"{fact} is {wanted[0]}"
    else:
        allowed = wanted
        text = f"{fact} in {', '.join(wanted)}"
    return Leaf(fact, frozenset(allowed), text)


def _level_text(value: object) -> str:
    # YAML turns bare yes/no into booleans; levels are text.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def parse_condition(
    raw: object, fact_levels: Mapping[str, Sequence[str]], ordered: Collection[str], line: int | None = None
) -> Condition:
    """Parse a raw condition (plain data) into a tree; ``not`` becomes complements."""

    def _negate(node: Condition) -> Condition:
        if isinstance(node, Leaf):
            universe = fact_levels[node.fact]
            allowed = frozenset(level for level in universe if level not in node.allowed)
            return Leaf(node.fact, allowed, f"not ({node.text})")
        if isinstance(node, All):
            return Any(tuple(_negate(c) for c in node.children))
        return All(tuple(_negate(c) for c in node.children))

    def _parse(item: object, outer_line: int | None) -> Condition:
        item_line = getattr(item, "line", None) or outer_line
        if isinstance(item, dict) and set(item) == {"not"}:
            return _negate(_parse(item["not"], item_line))
        if isinstance(item, dict) and set(item) in ({"all"}, {"any"}):
            kind = next(iter(item))
            items = item[kind]
            if not isinstance(items, list) or not items:
                raise ConditionSyntaxError(f"'{kind}' needs a non-empty list of conditions", item_line)
            children = tuple(_parse(child, item_line) for child in items)
            return All(children) if kind == "all" else Any(children)
        return parse_leaf(item, fact_levels, ordered, item_line)

    return _parse(raw, line)


def evaluate(node: Condition, facts: Mapping[str, str | None]) -> bool | None:
    """Kleene three-valued evaluation: True, False, or None (blocked by an unknown)."""
    if isinstance(node, Leaf):
        return node.value(facts)
    results = [evaluate(child, facts) for child in node.children]
    if isinstance(node, All):
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


def leaves(node: Condition) -> Iterator[Leaf]:
    if isinstance(node, Leaf):
        yield node
    else:
        for child in node.children:
            yield from leaves(child)


def facts_used(node: Condition) -> set[str]:
    return {leaf.fact for leaf in leaves(node)}


def first_failure(node: Condition, facts: Mapping[str, str | None]) -> list[Leaf]:
    """The first condition, in declaration order, that keeps ``node`` from holding.

    Returns a list of failing leaves: one for a conjunction (its first failing
    part), one per alternative for a disjunction, or [] if the node holds.
    """
    if isinstance(node, Leaf):
        return [] if node.value(facts) else [node]
    if isinstance(node, All):
        for child in node.children:
            if evaluate(child, facts) is not True:
                return first_failure(child, facts)
        return []
    if evaluate(node, facts) is True:
        return []
    failed: list[Leaf] = []
    for child in node.children:
        failed.extend(first_failure(child, facts))
    return failed


def dnf(node: Condition) -> list[list[Leaf]]:
    """Disjunctive normal form: a list of conjunctions, each a list of leaves."""
    if isinstance(node, Leaf):
        return [[node]]
    if isinstance(node, Any):
        return [conj for child in node.children for conj in dnf(child)]
    parts = [dnf(child) for child in node.children]
    return [[leaf for conj in combo for leaf in conj] for combo in product(*parts)]


def satisfiable_conjunction(conjunction: Iterable[Leaf]) -> bool:
    """Whether a conjunction of leaves can hold: per fact the allowed sets must meet."""
    allowed: dict[str, frozenset[str]] = {}
    for leaf in conjunction:
        allowed[leaf.fact] = allowed.get(leaf.fact, leaf.allowed) & leaf.allowed
        if not allowed[leaf.fact]:
            return False
    return True


def condition_text(node: Condition) -> str:
    """A condition tree as one line, as declared ("(a and (b or c))")."""
    if isinstance(node, Leaf):
        return node.text
    joiner = " and " if isinstance(node, All) else " or "
    return "(" + joiner.join(condition_text(child) for child in node.children) + ")"
