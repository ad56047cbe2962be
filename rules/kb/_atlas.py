"""A newcomer's map of the knowledge base: where a proposition lives, the rules that
encode it, the derived facts they need and the rules that derive those."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.kb import _conditions as cond
from alliance_advisor.rules.kb._model import KnowledgeBase, Proposition, RuleSpec


@dataclass(frozen=True, kw_only=True)
class RuleEntry:
    rule: RuleSpec
    file: Path
    reads: tuple[str, ...]  # the facts its condition reads
    derived_reads: tuple[str, ...]  # of those, the derived facts


@dataclass(frozen=True, kw_only=True)
class PropositionMap:
    proposition: Proposition
    file: Path
    encoded_by: tuple[RuleEntry, ...]  # the rules that cite it
    upstream: tuple[tuple[str, tuple[RuleEntry, ...]], ...]  # derived fact -> the rules that derive it
    worlds: tuple[str, ...]  # the worlds it holds in
    factors: tuple[str, ...]  # the questionnaire factors that name it


def _entry(kb: KnowledgeBase, rule: RuleSpec) -> RuleEntry:
    reads = rule.facts_read()
    derived = tuple(f for f in reads if f not in kb.factor_ids)
    return RuleEntry(rule=rule, file=kb.directory / "rules.yaml", reads=reads, derived_reads=derived)


def derivers(kb: KnowledgeBase, fact: str) -> tuple[RuleSpec, ...]:
    """The rules that derive ``fact``."""
    return tuple(r for r in kb.rules if r.derive == fact or any(f == fact for f, _ in r.asserts))


def proposition_map(kb: KnowledgeBase, proposition_id: str) -> PropositionMap:
    """Everything a newcomer needs to find one proposition in the knowledge base."""
    ids = {p.id.lower(): p.id for p in kb.propositions}
    if proposition_id.lower() not in ids:
        raise AdvisorError(
            f"no proposition '{proposition_id}' (the knowledge base has {', '.join(p.id for p in kb.propositions)})",
            kb.directory / "propositions.yaml",
        )
    prop = kb.proposition(ids[proposition_id.lower()])
    encoded = tuple(_entry(kb, r) for r in kb.rules if prop.id in r.propositions)
    upstream: list[tuple[str, tuple[RuleEntry, ...]]] = []
    queue = [f for e in encoded for f in e.derived_reads]
    seen: set[str] = set()
    while queue:
        fact = queue.pop(0)
        if fact in seen:
            continue
        seen.add(fact)
        entries = tuple(_entry(kb, r) for r in derivers(kb, fact))
        upstream.append((fact, entries))
        queue += [f for e in entries for f in e.derived_reads]
    factors = tuple(f.id for f in kb.factors if prop.id in f.propositions)
    return PropositionMap(
        proposition=prop,
        file=kb.directory / "propositions.yaml",
        encoded_by=encoded,
        upstream=tuple(upstream),
        worlds=prop.worlds,
        factors=factors,
    )


def condition_text(node: cond.Condition | None) -> str:
    """A rule's condition as one line; a score rule has none."""
    return "always (a score rule)" if node is None else cond.condition_text(node)
