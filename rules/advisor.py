"""The advisor: run a case, score the support, explain, and return one Result.

The Result is the single object that the command line, the app and every report
render; none of them re-derives any reasoning.
"""
from . import conditions as cond
from .cases import Case
from .engine import EnginePool, RawRun
from .knowledge import UNKNOWN, KnowledgeBase, load_knowledge

RESULT_SCHEMA = 1


def combine_mycin(cfs):
    """MYCIN/EMYCIN combination of certainty factors (order independent)."""
    keep_for, keep_against = 1.0, 1.0
    for cf in cfs:
        if cf > 0:
            keep_for *= 1.0 - cf
        elif cf < 0:
            keep_against *= 1.0 + cf
    mb, md = 1.0 - keep_for, 1.0 - keep_against
    low = min(mb, md)
    cf = 0.0 if low >= 1.0 else (mb - md) / (1.0 - low)
    return mb, md, cf


def decide(kb: KnowledgeBase, cf):
    """The verdict from the combined support ``cf`` {response: CF}, as declared in
    responses.yaml: (verdict or None, margin, tie, tied responses, ranking)."""
    scoring = kb.scoring
    rank = {rid: i for i, rid in enumerate(scoring.tie_order)}
    ordered = sorted(kb.response_ids, key=lambda r: (-cf[r], rank[r]))
    best = ordered[0]
    top = cf[best]
    if top < scoring.min_support:
        return None, 0.0, False, [], ordered
    tied = [r for r in ordered[1:] if top - cf[r] <= scoring.tie_tolerance]
    margin = top - max(cf[ordered[1]], 0.0)
    return best, margin, bool(tied), tied, ordered


def _r(x):
    return round(x, 4) + 0.0


class Result:
    """Everything the engine concluded about one case, in one world."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def to_dict(self, with_case=True):
        data = {
            "schema": RESULT_SCHEMA,
            "knowledge_version": self.knowledge_version,
            "world": self.world,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "confidence": self.confidence,
            "tie": self.tie,
            "runner_up": self.runner_up,
            "threat_level": self.threat_level,
            "threat_score": self.threat_score,
            "support": self.support,
            "support_detail": self.support_detail,
            "unknown": self.unknown,
            "derived": self.derived,
            "fired": self.fired,
            "why_not": self.why_not,
            "conflicts": self.conflicts,
        }
        for extra in ("whatif", "worlds", "analogues"):
            if getattr(self, extra, None) is not None:
                data[extra] = getattr(self, extra)
        if with_case:
            data = {"case": self.case.to_dict(self.kb), **data}
        return data


class Advisor:
    """Runs cases through the knowledge base. Build once, reuse for many cases."""

    def __init__(self, kb: KnowledgeBase = None):
        self.kb = kb or load_knowledge()
        self.pool = EnginePool(self.kb)
        # What the explanation quotes of each rule, worked out once per knowledge
        # base instead of once per case (the profile showed it per fired rule).
        kb = self.kb
        self._quoted = {spec.id: ([kb.proposition(p).citation for p in spec.propositions], spec.explanation,
                                  spec.derive) for spec in kb.rules}
        self._effects = {spec.id: {k: _r(v) for k, v in spec.effects} for spec in kb.rules}
        self._labels = {r.id: r.label for r in kb.responses}
        self._supporters = {}       # world -> {response: [(rule, rounded cf)]}
        # Why a rule did not fire depends only on the levels of the facts it reads,
        # so each rule's described failures are remembered per those levels (at
        # most the product of their level counts per rule), never per case.
        self._reads = {spec.id: spec.facts_read() for spec in kb.rules if spec.condition is not None}
        self._failures = {}         # (rule, levels of the facts it reads) -> described failures

    # ------------------------------------------------------------------ running
    def analyze(self, case: Case, world="walt", explain=True, extras=False) -> Result:
        """Run one case. ``extras`` adds the analyses beyond the verdict (what-if,
        the three worlds, historical analogues) to the result."""
        raw = self.pool.run(case.answers, world)
        result = self.build_result(case, raw, world, explain)
        if extras:
            from .analysis import add_extras
            add_extras(self, result)
        return result

    def _support(self, raw: RawRun):
        contributions = {rid: [] for rid in self.kb.response_ids}
        for entry in raw.trace:
            for response, cf in entry.get("effects", {}).items():
                contributions[response].append((entry["rule"], cf))
        support = {}
        for response, items in contributions.items():
            mb, md, cf = combine_mycin(cf for _, cf in items)
            support[response] = {"cf": cf, "mb": mb, "md": md, "items": items}
        return support

    def _verdict(self, support):
        return decide(self.kb, {r: s["cf"] for r, s in support.items()})

    # ------------------------------------------------------------- explanation
    def build_result(self, case: Case, raw: RawRun, world="walt", explain=True) -> Result:
        kb = self.kb
        support = self._support(raw)
        verdict, margin, tie, tied, ordered = self._verdict(support)
        facts = dict(raw.answers)
        facts.update(raw.derived)
        fired = []
        threat_score = None
        derived_by = {}
        quoted = self._quoted
        for step, entry in enumerate(raw.trace, 1):
            rule_id = entry["rule"]
            citations, explanation, derives = quoted[rule_id]
            item = {"step": step, "rule": rule_id, "layer": entry["layer"],
                    "propositions": entry["propositions"], "citations": list(citations),
                    "facts": entry["facts"], "fact_kinds": entry["fact_kinds"],
                    "bindings": entry["bindings"], "explanation": explanation}
            if "asserted" in entry:
                item["asserted"] = entry["asserted"]
                for fact in entry["asserted"]:
                    derived_by.setdefault(fact, rule_id)
            if "effects" in entry:
                item["effects"] = dict(self._effects[rule_id])
            if "score" in entry:
                item["score"] = entry["score"]
                threat_score = entry["score"] if derives == "threat_level" else threat_score
            fired.append(item)
        derived = {d.id: {"level": raw.derived.get(d.id), "rule": derived_by.get(d.id)}
                   for d in kb.derived}
        support_detail = {
            r: {"cf": _r(s["cf"]), "mb": _r(s["mb"]), "md": _r(s["md"]),
                "for": [{"rule": rid, "cf": _r(cf)} for rid, cf in s["items"] if cf > 0],
                "against": [{"rule": rid, "cf": _r(cf)} for rid, cf in s["items"] if cf < 0]}
            for r, s in support.items()}
        runner_up = None
        if verdict is not None:
            runner_up = ordered[1]
        why_not = self.why_not_all(raw, facts, support, world, verdict) if explain else None
        return Result(
            kb=kb, case=case, world=world, knowledge_version=kb.version,
            verdict=verdict,
            verdict_label=self._labels[verdict] if verdict else "No verdict",
            confidence=_r(margin), tie=tie, tied_with=tied, runner_up=runner_up,
            threat_level=raw.derived.get("threat_level"), threat_score=threat_score,
            support={r: s["cf"] for r, s in support_detail.items()},
            support_detail=support_detail,
            unknown=[fid for fid in kb.factor_ids if fid not in raw.answers],
            derived=derived, fired=fired, why_not=why_not, conflicts=raw.conflicts,
            facts=facts,
        )

    def _supporters_in(self, world):
        """{response: [(rule, rounded cf)]}: the rules of the world that support it."""
        if world not in self._supporters:
            in_world = self.kb.rules_in_world(world)
            self._supporters[world] = {
                response: [(spec, _r(spec.effect_on(response))) for spec in in_world
                           if spec.effect_on(response) > 0]
                for response in self.kb.response_ids}
        return self._supporters[world]

    def why_not_all(self, raw, facts, support, world, verdict):
        fired_ids = {entry["rule"] for entry in raw.trace}
        failed = {}                 # rule -> its first failed conditions, once per case
        out = {}
        for response, supporters in self._supporters_in(world).items():
            blocked = []
            for spec, cf in supporters:
                if spec.id in fired_ids:
                    continue
                described = failed.get(spec.id)
                if described is None:
                    described = failed[spec.id] = self._failures_of(spec, facts)
                blocked.append({"rule": spec.id, "cf": cf, "propositions": list(spec.propositions),
                                "failed": [dict(f, needs=list(f["needs"])) for f in described]})
            items = support[response]["items"]
            backing = [rid for rid, cf in items if cf > 0]
            opposing = [rid for rid, cf in items if cf < 0]
            out[response] = {
                "support": _r(support[response]["cf"]),
                "for": backing,
                "against": opposing,
                "blocked": blocked,
                "summary": self._why_not_summary(response, verdict, support, blocked, len(backing), len(opposing)),
            }
        return out

    def _failures_of(self, spec, facts):
        """Why ``spec`` did not fire: its first failed conditions, described."""
        if spec.condition is None:
            return []
        key = (spec.id, tuple(map(facts.get, self._reads[spec.id])))
        if key not in self._failures:
            self._failures[key] = [self.describe_failure(leaf, facts)
                                   for leaf in cond.first_failure(spec.condition, facts)]
        return self._failures[key]

    def describe_failure(self, leaf: cond.Leaf, facts):
        kb = self.kb
        value = facts.get(leaf.fact)
        needs = [lv for lv in self._levels(leaf.fact) if lv in leaf.allowed]
        needs_text = " or ".join(kb.level_label(leaf.fact, lv) for lv in needs)
        name = kb.fact_label(leaf.fact)
        if value is None:
            text = f"{name} is unknown; the rule needs {needs_text}"
        else:
            text = f"{name} is {kb.level_label(leaf.fact, value)}; the rule needs {needs_text}"
        return {"fact": leaf.fact, "value": value if value is not None else UNKNOWN,
                "needs": needs, "condition": leaf.text, "text": text}

    def _levels(self, fact):
        if fact in self.kb._factor_index:
            return self.kb.factor(fact).level_ids
        return self.kb.derived_fact(fact).levels

    def _why_not_summary(self, response, verdict, support, blocked, n_for, n_against):
        label = self._labels[response]
        cf = support[response]["cf"]
        if verdict is None:
            return f"No response reached the minimum support; {label} has {cf:+.2f}."
        if response == verdict:
            return f"{label} is the verdict with support {cf:+.2f}."
        top = support[verdict]["cf"]
        parts = [f"{label} has support {cf:+.2f} against {top:+.2f} for "
                 f"{self._labels[verdict]}"]
        parts.append(f"{n_for} rule(s) fired for it and {n_against} against it")
        if blocked:
            parts.append(f"{len(blocked)} rule(s) that would support it did not fire")
        return "; ".join(parts) + "."
