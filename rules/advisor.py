"""The advisor: run a case through the engine of record, explain it, and build one Result.

The trace, the support and the verdict come from the experta engine; the analyses
beyond the verdict (what-if, the three worlds, analogues) from the vectorised
evaluator, generated from the same rule program. Every analysis with extras also
checks the two against each other on the case itself: a disagreement is a bug of
ours, raised as :class:`EngineDisagreement`, never shown as a result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import conditions as cond
from .analysis import Analyst
from .cases import Case
from .engine import EnginePool, RawRun
from .knowledge import UNKNOWN, KnowledgeBase, load_knowledge
from .program import Program, compile_program, decide, support_of
from .result import (
    Ablation,
    Blocked,
    Conflict,
    Contribution,
    DerivedValue,
    Failure,
    FiredRule,
    Result,
    Support,
    ThreatScore,
    WhyNot,
)

if TYPE_CHECKING:
    from .vector import Vector


class EngineDisagreement(RuntimeError):
    """The experta engine and the vectorised evaluator concluded differently."""


def _r(x: float) -> float:
    return round(float(x), 4) + 0.0


class Advisor:
    """Runs cases through the knowledge base. Build once, reuse for many cases."""

    def __init__(self, kb: KnowledgeBase | None = None):
        self.kb = kb or load_knowledge()
        self.program: Program = compile_program(self.kb)
        self.pool = EnginePool(self.program)
        self._analyst: Analyst | None = None
        kb = self.kb
        # What the explanation quotes of each rule, worked out once per knowledge base.
        self._quoted = {
            spec.id: (tuple(kb.proposition(p).citation for p in spec.propositions), spec.explanation)
            for spec in kb.rules
        }
        self._labels = {r.id: r.label for r in kb.responses}
        self._supporters: dict[str, dict[str, list[tuple[Any, float]]]] = {}
        # Why a rule did not fire depends only on the levels of the facts it reads,
        # so its failures are remembered per those levels, never per case.
        self._failures: dict[tuple[str, tuple[str | None, ...]], tuple[Failure, ...]] = {}

    @property
    def analyst(self) -> Analyst:
        """What-if, worlds and analogues, on the vectorised evaluator. Built on first
        use, so that an engine that only explains never loads numpy."""
        if self._analyst is None:
            from .vector import Vector

            self._analyst = Analyst(self.kb, Vector(self.program))
        return self._analyst

    @property
    def vector(self) -> Vector:
        return self.analyst.vector

    @property
    def default_world(self) -> str:
        return self.kb.theory.default_world

    # ------------------------------------------------------------------ running
    def analyze(
        self,
        case: Case,
        world: str | None = None,
        explain: bool = True,
        extras: bool = False,
        without: Iterable[str] = (),
    ) -> Result:
        """Run one case in ``world`` (default: Walt's). ``extras`` adds what-if, the
        three worlds and the historical analogues; ``without`` leaves rules out."""
        world = world or self.default_world
        dropped = frozenset(without)
        raw = self.pool.run(case.answers, world, dropped)
        support = self._support(raw)
        decision = decide(self.program, {r: s[2] for r, s in support.items()}, self._settled(raw))
        analyses: dict[str, Any] = {}
        if extras:
            whatif, baseline = self.analyst.whatif(case.answers, world, dropped)
            if baseline != decision.verdict:
                raise EngineDisagreement(
                    f"the engines disagree on {case.title or 'a case'} in {world}: experta {decision.verdict}, "
                    f"vectorised {baseline}"
                )
            analyses = {
                "whatif": whatif,
                "worlds": self.analyst.worlds(case.answers),
                "analogues": self.analyst.analogues(case, world),
                "stability": self.analyst.stability(case.answers, world, decision.verdict, dropped),
                "completions": self.analyst.completions(case.answers, world, decision.verdict, dropped),
            }
        return self._result(case, raw, world, support, decision, explain, analyses)

    def _settled(self, raw: RawRun) -> bool:
        """Whether the facts the scoring requires (the threat level) are known."""
        return all(fact in raw.derived for fact in self.kb.scoring.requires)

    def _support(self, raw: RawRun) -> dict[str, tuple[float, float, float]]:
        return support_of(self.program, [e["rule"] for e in raw.trace if "effects" in e])

    # ------------------------------------------------------------- explanation
    def _result(
        self,
        case: Case,
        raw: RawRun,
        world: str,
        support: dict[str, tuple[float, float, float]],
        decision: Any,
        explain: bool,
        analyses: dict[str, Any],
    ) -> Result:
        kb = self.kb
        facts = dict(raw.answers)
        facts.update(raw.derived)
        fired = []
        threat_score = None
        derived_by: dict[str, str] = {}
        contributions: dict[str, list[tuple[str, float]]] = {r: [] for r in kb.response_ids}
        threat_fact = kb.theory.threat_fact
        for step, entry in enumerate(raw.trace, 1):
            rule_id = entry["rule"]
            spec = kb.rule(rule_id)
            citations, explanation = self._quoted[rule_id]
            score = None
            if "score" in entry:
                o = entry["score"]
                score = ThreatScore(
                    dict(o.points),
                    o.weight,
                    o.total,
                    o.maximum,
                    (o.low, o.high),
                    o.unknown,
                    o.bands,
                    o.level is not None,
                )
                if spec.derive == threat_fact:
                    threat_score = score
            for fact in entry.get("asserted", {}):
                derived_by.setdefault(fact, rule_id)
            effects = None
            if "effects" in entry:
                effects = {r: _r(cf) for r, cf in entry["effects"]}
                for response, cf in entry["effects"]:
                    contributions[response].append((rule_id, cf))
            fired.append(
                FiredRule(
                    step=step,
                    rule=rule_id,
                    layer=spec.layer,
                    propositions=spec.propositions,
                    citations=citations,
                    facts=entry["facts"],
                    fact_kinds=entry["fact_kinds"],
                    bindings=entry["bindings"],
                    explanation=explanation,
                    asserted=entry.get("asserted"),
                    effects=effects,
                    score=score,
                )
            )
        support_detail = {
            r: Support(
                cf=_r(cf),
                mb=_r(mb),
                md=_r(md),
                for_=tuple(Contribution(rid, _r(c)) for rid, c in contributions[r] if c > 0),
                against=tuple(Contribution(rid, _r(c)) for rid, c in contributions[r] if c < 0),
            )
            for r, (mb, md, cf) in support.items()
        }
        verdict = decision.verdict
        why_not = self._why_not(raw, facts, support_detail, world) if explain else None
        fired_support = [e["rule"] for e in raw.trace if "effects" in e]
        ablations = self._ablations(fired_support, decision, self._settled(raw))
        decisive, jointly = self._decisive(fired_support, decision, ablations, self._settled(raw))
        no_verdict = None
        next_questions: tuple[str, ...] = ()
        if verdict is None:
            no_verdict = "threat_open" if threat_fact not in raw.derived else "no_support"
            if threat_score is not None and no_verdict == "threat_open":
                next_questions = self.analyst.next_questions(case.answers, threat_score.unknown)
        return Result(
            kb=kb,
            case=case,
            world=world,
            knowledge_version=kb.version,
            verdict=verdict,
            verdict_label=self._labels[verdict] if verdict else "No verdict",
            confidence=_r(decision.margin),
            tie=decision.tie,
            tied_with=decision.tied_with,
            runner_up=decision.ranking[1] if verdict is not None else None,
            threat_level=raw.derived.get(threat_fact),
            threat_score=threat_score,
            support={r: s.cf for r, s in support_detail.items()},
            support_detail=support_detail,
            unknown=tuple(fid for fid in kb.factor_ids if fid not in raw.answers),
            facts=facts,
            derived={d.id: DerivedValue(raw.derived.get(d.id), derived_by.get(d.id)) for d in kb.derived},
            fired=tuple(fired),
            why_not=why_not,
            conflicts=tuple(Conflict(fact, (known, refused), rule) for fact, known, refused, rule in raw.conflicts),
            decisive=decisive,
            decisive_jointly=jointly,
            ablations=ablations,
            too_close=verdict is not None and decision.margin < kb.scoring.close_call,
            no_verdict=no_verdict,
            next_questions=next_questions,
            **analyses,
        )

    def _decisive(
        self, fired: list[str], decision: Any, ablations: tuple[Ablation, ...], settled: bool
    ) -> tuple[tuple[str, ...], bool]:
        """What the verdict rests on: every proposition without which it changes, most
        decisive first; when no single one is needed (the verdict is carried by several),
        the fewest propositions, largest contributions first, without which together it
        changes. Returns (propositions, whether they decide only jointly)."""
        singles = sorted((a for a in ablations if a.verdict != decision.verdict), key=lambda a: -a.margin_drop)
        if singles or decision.verdict is None:
            return tuple(a.proposition for a in singles), False
        removed: list[str] = []
        for ablation in sorted((a for a in ablations if a.margin_drop > 0), key=lambda a: -a.margin_drop):
            removed.append(ablation.proposition)
            kept = [r for r in fired if not set(self.program.rule(r).propositions) & set(removed)]
            support = {r: s[2] for r, s in support_of(self.program, kept).items()}
            if decide(self.program, support, settled).verdict != decision.verdict:
                return tuple(removed), True
        return (), False

    def _ablations(self, fired: list[str], decision: Any, settled: bool) -> tuple[Ablation, ...]:
        """For every proposition cited by a fired support rule, the verdict with that
        proposition's support rules left out (derivations stay: they state the case's
        facts, not a claim about what states do). The derive layer does not depend on
        the support rules, so the verdict is recombined from the same trace."""
        if decision.verdict is None:
            return ()
        cited: list[str] = []
        for rule_id in fired:
            cited += [p for p in self.program.rule(rule_id).propositions if p not in cited]
        order = {p.id: i for i, p in enumerate(self.kb.propositions)}
        out = []
        for prop in sorted(cited, key=order.__getitem__):
            kept = [r for r in fired if prop not in self.program.rule(r).propositions]
            support = {r: s[2] for r, s in support_of(self.program, kept).items()}
            other = decide(self.program, support, settled)
            best_other = max(cf for r, cf in support.items() if r != decision.verdict)
            drop = decision.margin - (support[decision.verdict] - max(best_other, 0.0))
            out.append(Ablation(prop, other.verdict, _r(drop)))
        return tuple(out)

    def _supporters_in(self, world: str) -> dict[str, list[tuple[Any, float]]]:
        """{response: [(rule, rounded cf)]}: the rules of the world that support it."""
        if world not in self._supporters:
            in_world = self.kb.rules_in_world(world)
            self._supporters[world] = {
                response: [(spec, _r(spec.effect_on(response))) for spec in in_world if spec.effect_on(response) > 0]
                for response in self.kb.response_ids
            }
        return self._supporters[world]

    def _why_not(
        self, raw: RawRun, facts: dict[str, str], support: dict[str, Support], world: str
    ) -> dict[str, WhyNot]:
        fired_ids = {entry["rule"] for entry in raw.trace}
        out = {}
        for response, supporters in self._supporters_in(world).items():
            blocked = tuple(
                Blocked(spec.id, cf, spec.propositions, self._failures_of(spec, facts))
                for spec, cf in supporters
                if spec.id not in fired_ids
            )
            detail = support[response]
            out[response] = WhyNot(
                support=detail.cf,
                for_=tuple(c.rule for c in detail.for_),
                against=tuple(c.rule for c in detail.against),
                blocked=blocked,
            )
        return out

    def _failures_of(self, spec: Any, facts: dict[str, str]) -> tuple[Failure, ...]:
        """Why ``spec`` did not fire: its first failed conditions."""
        if spec.condition is None:
            return ()
        key = (spec.id, tuple(map(facts.get, spec.facts_read())))
        if key not in self._failures:
            self._failures[key] = tuple(
                self._failure(leaf, facts) for leaf in cond.first_failure(spec.condition, facts)
            )
        return self._failures[key]

    def _failure(self, leaf: cond.Leaf, facts: dict[str, str]) -> Failure:
        levels = self.program.slot(leaf.fact).levels
        return Failure(
            fact=leaf.fact,
            value=facts.get(leaf.fact, UNKNOWN),
            needs=tuple(lv for lv in levels if lv in leaf.allowed),
            condition=leaf.text,
        )
