"""The advisor: run a case through the engine of record, explain it, and build one Result.

The trace, the support and the verdict come from the experta engine; the analyses
beyond the verdict (what-if, the three worlds, analogues, and which responses the
runner-up and tied alternatives lead to) from the vectorised evaluator, generated from
the same rule program. Every analysis checks the two against each other on the case
itself: a disagreement is a bug of ours, raised as :class:`EngineDisagreement`, never
shown as a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance_advisor.rules.case._analysis import Analyst
from alliance_advisor.rules.case._model import Case
from alliance_advisor.rules.case._result import (
    Ablation,
    Blocked,
    Conflict,
    Contribution,
    DerivedValue,
    Failure,
    FiredRule,
    Result,
    StageOutcome,
    Support,
    ThreatScore,
    WhyNot,
)
from alliance_advisor.rules.inference import (
    EnginePool,
    Program,
    RawRun,
    StagedDecision,
    compile_program,
    staged_decision,
)
from alliance_advisor.rules.kb import UNKNOWN, KnowledgeBase, Stage, load_knowledge
from alliance_advisor.rules.kb import conditions as cond

if TYPE_CHECKING:
    from alliance_advisor.rules.inference import Vector


class EngineDisagreement(RuntimeError):
    """The experta engine and the vectorised evaluator concluded differently."""


def _r(x: float) -> float:
    return round(float(x), 4) + 0.0


class Advisor:
    """Runs cases through the knowledge base. Build once, reuse for many cases."""

    def __init__(self, kb: KnowledgeBase | None = None, program: Program | None = None):
        """``program``: the knowledge base's compiled program, when another Advisor (of
        another thread) already compiled it; it is immutable, the engines are not."""
        self.kb = kb or load_knowledge()
        self.program: Program = program if program is not None else compile_program(self.kb)
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
        # Per proposition and per stage layer: which of the vectorised evaluator's
        # support rules they hold (built on first use).
        self._masks: tuple[dict[str, Any], dict[str, Any]] | None = None

    @property
    def analyst(self) -> Analyst:
        """What-if, worlds and analogues, on the vectorised evaluator, which also runs
        the explanation's ablations (a batch per set size). Built on first use."""
        if self._analyst is None:
            from alliance_advisor.rules.inference import Vector

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
        again = self._leave_out(raw, world, dropped)
        decision = self._staged(raw, world, again)
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
            analyses.update(self.analyst.certainty(case, world, decision.verdict, dropped))
        return self._result(case, raw, world, decision, explain, analyses, again)

    def _settled(self, raw: RawRun) -> bool:
        """Whether the facts the scoring requires (the threat level) are known."""
        return all(fact in raw.derived for fact in self.kb.scoring.requires)

    def _staged(self, raw: RawRun, world: str, again: _LeaveOut) -> StagedDecision:
        """The verdict from the engine's own stage decisions, the runner-up's and the
        tied alternatives' responses from the vectorised evaluator with the deciding
        stage held at each. The two must have concluded alike at every stage."""
        decision = staged_decision(self.program, raw.stages, self._settled(raw), again.forced)
        engine = {d.stage: d.conclusion for d in raw.stages}
        vector = again.conclusions()
        if engine != vector or again.verdict() != decision.verdict:
            raise EngineDisagreement(
                f"the staged decision in {world} differs between the engines: experta {engine} "
                f"({decision.verdict}), vectorised {vector} ({again.verdict()})"
            )
        return decision

    # ------------------------------------------------------------- explanation
    def _result(
        self,
        case: Case,
        raw: RawRun,
        world: str,
        decision: StagedDecision,
        explain: bool,
        analyses: dict[str, Any],
        again: _LeaveOut,
    ) -> Result:
        kb = self.kb
        facts = dict(raw.answers)
        facts.update(raw.derived)
        fired = []
        threat_score = None
        derived_by: dict[str, str] = {}
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
        verdict = decision.verdict
        chosen = self._chosen(decision)
        support_detail = {r: self._support_of(decision, stage, alt) for r, (stage, alt) in chosen.items()}
        why_not = self._why_not(raw, facts, support_detail, chosen, world) if explain else None
        fired_support = [e["rule"] for e in raw.trace if "effects" in e]
        ablations = self._ablations(fired_support, decision, again)
        decisive, jointly, sets = self._decisive(fired_support, decision, ablations, again)
        stages = self._stage_outcomes(raw, decision, again)
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
            margin=_r(decision.margin),
            tie=decision.tie,
            tied_with=decision.tied_with,
            runner_up=decision.runner_up if verdict is not None else None,
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
            stages=stages,
            decisive=decisive,
            decisive_jointly=jointly,
            decisive_sets=sets,
            ablations=ablations,
            too_close=verdict is not None and decision.margin < kb.scoring.close_call,
            no_verdict=no_verdict,
            next_questions=next_questions,
            **analyses,
        )

    # ------------------------------------------------------------- the stages
    def _chosen(self, decision: StagedDecision) -> dict[str, tuple[str | None, str | None]]:
        """For every response, the stage that decides it and the alternative it takes
        there: where its path leaves the verdict's, or for the verdict itself its
        closest contested stage. (None, None) without a verdict's path to compare."""
        concluded = decision.facts
        out: dict[str, tuple[str | None, str | None]] = {}
        stages = self.program.stages
        for response, path in self.program.paths:
            steps = dict(path)
            if response == decision.verdict:
                stage_id = decision.deciding or next((st.id for st in stages if st.fact in steps), None)
                alt = steps.get(self.program.stage(stage_id).fact) if stage_id else None
                out[response] = (stage_id, alt)
                continue
            parting = next((st for st in stages if st.fact in steps and steps[st.fact] != concluded.get(st.fact)), None)
            if parting is not None:
                out[response] = (parting.id, steps[parting.fact])
            elif decision.deciding is not None:
                # Its path is taken, but a later stage overrides it (a war's change):
                # it stands as that stage's `otherwise`.
                stage = self.program.stage(decision.deciding)
                out[response] = (stage.id, stage.otherwise)
            else:
                out[response] = (None, None)
        return out

    def _support_of(self, decision: StagedDecision, stage_id: str | None, alt: str | None) -> Support:
        """The support one alternative had at one stage, rule by rule."""
        if stage_id is None or alt is None:
            return Support(0.0, 0.0, 0.0, (), ())
        stage = next(d for d in decision.stages if d.stage == stage_id)
        mb, md, cf = stage.support.get(alt, (0.0, 0.0, 0.0))
        lent = [(rid, self.program.rule(rid).effects) for rid in stage.fired]
        contributions = [(rid, c) for rid, effects in lent for a, c in effects if a == alt]
        return Support(
            cf=_r(cf),
            mb=_r(mb),
            md=_r(md),
            for_=tuple(Contribution(rid, _r(c)) for rid, c in contributions if c > 0),
            against=tuple(Contribution(rid, _r(c)) for rid, c in contributions if c < 0),
        )

    def _cited(self, fired: Iterable[str]) -> list[str]:
        """The propositions the fired rules cite, in the knowledge base's order."""
        cited = {p for rule_id in fired for p in self.program.rule(rule_id).propositions}
        return [p.id for p in self.kb.propositions if p.id in cited]

    def _leave_out(self, raw: RawRun, world: str, dropped: frozenset[str]) -> _LeaveOut:
        """The case ready to be run again, many times at once, with propositions left out."""
        vector = self.vector
        batch = vector.run(vector.encode([raw.answers]), (world,), dropped)
        if self._masks is None:
            rules = vector.support_rules
            self._masks = (
                {p.id: np.array([p.id in r.propositions for r in rules], dtype=bool) for p in self.kb.propositions},
                {st.layer: np.array([r.layer == st.layer for r in rules], dtype=bool) for st in self.program.stages},
            )
        keep = np.array([r.id not in dropped for r in vector.support_rules], dtype=bool)
        return _LeaveOut(vector, world, batch, keep, *self._masks)

    def _stage_outcomes(self, raw: RawRun, decision: StagedDecision, again: _LeaveOut) -> tuple[StageOutcome, ...]:
        """Each stage in order, with the smallest sets of propositions that, left out of
        that stage's rules (the earlier stages' conclusions held), change its conclusion."""
        threat_fact = self.kb.theory.threat_fact
        derive_fired = tuple(e["rule"] for e in raw.trace if "effects" not in e)
        out = [
            StageOutcome(
                stage=self.kb.stages[0].id,
                conclusion=raw.derived.get(threat_fact),
                runner_up=None,
                margin=None,
                rules=derive_fired,
                decisive=(),
                support={},
            )
        ]
        held: dict[int, int] = {}
        for k, d in enumerate(decision.stages):
            stage = self.program.stages[k]
            sets: tuple[tuple[str, ...], ...] = ()
            if d.margin is not None and d.conclusion is not None:
                slot = self.program.slot_index(stage.fact)
                was = stage.alternatives.index(d.conclusion)

                def changes(
                    combos: list[tuple[str, ...]], layer: str = stage.layer, slot: int = slot, was: int = was
                ) -> Any:
                    return again.run(combos, layer, dict(held))["facts"][:, slot] != was

                sets = _smallest_sets(self._cited(d.fired), changes)
            out.append(
                StageOutcome(
                    stage=d.stage,
                    conclusion=d.conclusion,
                    runner_up=d.runner_up,
                    margin=None if d.margin is None else _r(d.margin),
                    rules=d.fired,
                    decisive=sets,
                    support={a: _r(cf) for a, (_, _, cf) in d.support.items()},
                    tie=d.tie,
                )
            )
            if d.conclusion is not None:
                held[k] = stage.alternatives.index(d.conclusion)
        return tuple(out)

    def _decisive(
        self, fired: list[str], decision: StagedDecision, ablations: tuple[Ablation, ...], again: _LeaveOut
    ) -> tuple[tuple[str, ...], bool, tuple[tuple[str, ...], ...]]:
        """What the verdict rests on: every proposition without which it changes, most
        decisive first; when no single one is needed, the smallest sets of propositions
        without which together it changes: one set (they decide jointly) or several (the
        verdict is carried equally by each, and none is named as *the* reason). Returns
        (propositions, whether they decide only jointly, the sets)."""
        singles = sorted((a for a in ablations if a.verdict != decision.verdict), key=lambda a: -a.margin_drop)
        if singles or decision.verdict is None:
            return tuple(a.proposition for a in singles), False, tuple((a.proposition,) for a in singles)
        code = self.program.responses.index(decision.verdict)
        sets = _smallest_sets(self._cited(fired), lambda combos: again.run(combos)["verdict"] != code, start=2)
        if len(sets) == 1:
            return sets[0], True, sets
        return (), False, sets

    def _ablations(self, fired: list[str], decision: StagedDecision, again: _LeaveOut) -> tuple[Ablation, ...]:
        """For every proposition cited by a fired rule of the weighed stages, the
        verdict with that proposition's rules left out (derivations stay: they state
        the case's facts, not a claim about what states do), the stages run again: a
        stage that concludes otherwise changes which rules of the next ones fire."""
        if decision.verdict is None:
            return ()
        cited = self._cited(fired)
        if not cited:
            return ()
        out = again.run([(p,) for p in cited])
        code = self.program.responses.index(decision.verdict)
        ablations = []
        for prop, verdict, margin in zip(cited, out["verdict"].tolist(), out["margin"].tolist()):
            kept = margin if verdict == code else -margin
            other = self.program.responses[verdict] if verdict >= 0 else None
            ablations.append(Ablation(prop, other, _r(decision.margin - kept)))
        return tuple(ablations)

    def _supporters_in(self, world: str) -> dict[str, list[tuple[Any, float]]]:
        """{alternative: [(rule, rounded cf)]}: the rules of the world that support it
        (alternatives are unique across the stages but for a war's `otherwise`)."""
        if world not in self._supporters:
            in_world = [spec for spec in self.kb.rules_in_world(world) if spec.effects]
            alternatives = {a for st in self.program.stages for a in st.alternatives}
            self._supporters[world] = {
                alt: [(spec, _r(spec.effect_on(alt))) for spec in in_world if spec.effect_on(alt) > 0]
                for alt in alternatives
            }
        return self._supporters[world]

    def _why_not(
        self,
        raw: RawRun,
        facts: dict[str, str],
        support: dict[str, Support],
        chosen: dict[str, tuple[str | None, str | None]],
        world: str,
    ) -> dict[str, WhyNot]:
        fired_ids = {entry["rule"] for entry in raw.trace}
        out = {}
        supporters = self._supporters_in(world)
        for response in self.kb.response_ids:
            stage_id, alt = chosen[response]
            layer = self.program.stage(stage_id).layer if stage_id else None
            blocked = tuple(
                Blocked(spec.id, cf, spec.propositions, self._failures_of(spec, facts))
                for spec, cf in (supporters.get(alt, []) if alt else [])
                if spec.id not in fired_ids and spec.layer == layer
            )
            detail = support[response]
            out[response] = WhyNot(
                stage=stage_id,
                alternative=alt,
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


MAX_SET = 3  # the largest set of propositions searched for what a verdict rests on


def _smallest_sets(
    props: list[str], changes: Any, start: int = 1, largest: int = MAX_SET
) -> tuple[tuple[str, ...], ...]:
    """Every smallest set of ``props`` (of ``start`` to ``largest`` members) for which
    the conclusion changes: all the sets of the least size that has any. ``changes``
    takes a list of sets and returns a mask over them; every size goes in one batch,
    since a batched run costs little more for more rows than for fewer."""
    from itertools import combinations

    combos = [c for size in range(start, min(largest, len(props)) + 1) for c in combinations(props, size)]
    if not combos:
        return ()
    hits = [combo for combo, hit in zip(combos, changes(combos).tolist()) if hit]
    if not hits:
        return ()
    least = min(len(c) for c in hits)
    return tuple(c for c in hits if len(c) == least)


class _LeaveOut:
    """One case, run again by the vectorised evaluator with sets of propositions left
    out, or with a stage held at other alternatives: a row per set or alternative,
    every row at once."""

    def __init__(
        self,
        vector: Vector,
        world: str,
        batch: Any,
        keep: Any,
        by_proposition: dict[str, Any],
        by_layer: dict[str, Any],
    ) -> None:
        self.vector, self.world, self.batch, self.codes, self.keep = vector, world, batch, batch.codes, keep
        self.by_proposition, self.by_layer = by_proposition, by_layer

    def _memo(self, n: int) -> dict[str, dict[Any, Any]]:
        """The case's run's results of the conditions on its answers and derived facts,
        a row for each of ``n`` runs again: every row has the same facts, and only the
        stages' conclusions, which may differ, are tested anew."""
        memo = self.batch.memo
        return {
            shelf: {k: v if n == 1 else np.repeat(v, n, axis=0) for k, v in memo[shelf].items()}
            for shelf in ("answers", "derived")
        } | {"stages": {}}

    def conclusions(self) -> dict[str, str | None]:
        """{stage: conclusion} as the vectorised evaluator ran the case."""
        row = self.batch.facts[self.world][0]
        out = {}
        for stage in self.vector.stages:
            code = int(row[self.vector.program.slot_index(stage.fact)])
            out[stage.id] = stage.alternatives[code] if code >= 0 else None
        return out

    def verdict(self) -> str | None:
        """The verdict as the vectorised evaluator ran the case."""
        code = int(self.batch.verdict[self.world][0])
        return self.vector.responses[code] if code >= 0 else None

    def forced(self, stage: Stage, alternatives: Sequence[str]) -> list[str | None]:
        """The verdict with ``stage`` held at each of ``alternatives`` in turn (a row
        each): the later stages run on it, their rules firing on the case's facts."""
        n = len(alternatives)
        codes = np.repeat(self.codes, n, axis=0)
        held = np.array([stage.alternatives.index(a) for a in alternatives], dtype=np.int64)
        out = self.vector.stage_run(
            codes,
            self.world,
            self.keep,
            self.vector._settled(codes),
            self._memo(n),
            force={self.vector.stages.index(stage): held},
        )
        return [self.vector.responses[v] if v >= 0 else None for v in out["verdict"].tolist()]

    def run(
        self, sets: list[tuple[str, ...]], layer: str | None = None, force: dict[int, int] | None = None
    ) -> dict[str, Any]:
        """The stages for each set of propositions left out (of ``layer``'s rules only,
        if given), with the stages in ``force`` held at the conclusions given."""
        n = len(sets)
        names = sorted({p for props in sets for p in props})
        masks = np.array([self.by_proposition[p] for p in names], dtype=bool).reshape(len(names), -1)
        if layer:
            masks &= self.by_layer[layer]
        index = {p: i for i, p in enumerate(names)}
        width = max((len(props) for props in sets), default=0)
        drop = np.zeros((n, masks.shape[1]), dtype=bool)
        for k in range(width):
            column = np.array([index[props[k]] if k < len(props) else -1 for props in sets])
            held = column >= 0
            drop[held] |= masks[column[held]]
        keep = self.keep[None, :] & ~drop
        codes = np.repeat(self.codes, n, axis=0)
        return self.vector.stage_run(codes, self.world, keep, self.vector._settled(codes), force=force)
