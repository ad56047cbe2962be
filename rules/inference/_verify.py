"""Verify a knowledge base by sweeping the whole questionnaire space.

:func:`verify` runs every combination of levels (or a random sample) through the
vectorised evaluator (rules/inference/_vector.py) in every world and reports, as plain data,
what a rule-base verifier would:

- rules that never fire (dead; with a sample: unseen) and rules that always fire;
- combinations with no verdict (gaps) and with a tie between responses;
- the share of the space each verdict takes in each world, and whether balancing
  dominates in the default world as proposition C1 says (the responses that count as
  balancing are declared in theory.yaml);
- the comparative statics the propositions declare (``statics`` in
  propositions.yaml): raising a factor one level, all else fixed, must never lower
  the support for the response the proposition predicts;
- conflicts: two derive rules asserting different levels of one fact;
- a cross-check of the vectorised evaluator against the experta engine of record on
  a random sample of the space in every world: any disagreement fails the run.

Contradictions (statics violations, conflicting derivations, a failed C1 check, a
disagreement of the engines) and, in a full sweep, dead rules make ``ok`` false.
The space is swept in chunks, by worker processes when there are several cores.
The command line (main.py) parses arguments and renders the report; nothing here
prints.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import prod
from pathlib import Path
from typing import Any

import numpy as np

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.inference._engine import EnginePool
from alliance_advisor.rules.inference._program import Program, compile_program
from alliance_advisor.rules.inference._vector import Vector
from alliance_advisor.rules.kb import KnowledgeBase, Static, load_knowledge
from alliance_advisor.rules.kb import conditions as cond

EPSILON = 1e-9  # a support lower by less than this is not a fall
RARE = 0.005  # a response the default world gives less of the space than this is all but unreachable
EXAMPLES = 3  # examples kept per finding
CHUNK = 1 << 15  # combinations per chunk of the sweep
CROSS_CHECK = 300  # combinations the experta engine re-runs in every world
NO_VERDICT = -1


class Space:
    """Every combination of the questionnaire's levels, numbered in mixed radix with
    the first factor varying slowest."""

    def __init__(self, kb: KnowledgeBase):
        self.factors = [f.id for f in kb.factors]
        self.levels = [f.level_ids for f in kb.factors]
        self.sizes = [len(lv) for lv in self.levels]
        self.total = prod(self.sizes)
        self.strides = [prod(self.sizes[i + 1 :]) for i in range(len(self.sizes))]

    def decode(self, index: int) -> list[int]:
        return [(index // stride) % size for stride, size in zip(self.strides, self.sizes)]

    def level(self, index: Any, factor: int) -> Any:
        return (index // self.strides[factor]) % self.sizes[factor]

    def level_codes(self, indices: Any) -> Any:
        """(len(indices), factors) int8 level codes of the combinations ``indices``."""
        indices = np.asarray(indices, dtype=np.int64)
        return ((indices[:, None] // np.array(self.strides)) % np.array(self.sizes)).astype(np.int8)

    def answers(self, index: int) -> dict[str, str]:
        return {fid: levels[i] for fid, levels, i in zip(self.factors, self.levels, self.decode(index))}


@dataclass
class Sweep:
    """The arrays of a sweep, one entry per combination swept (in ``indices`` order)."""

    indices: Any  # combination numbers, ascending
    verdicts: dict[str, Any]  # world -> int8 response code (-1 none)
    ties: dict[str, Any]  # world -> bool
    supports: dict[tuple[str, str, str], Any]  # (world, stage, alternative) -> float64, the ones statics compare
    conclusions: dict[tuple[str, str], Any]  # (world, stage) -> int8 alternative code (-1 none)
    when: list[Any | None]  # per static: bool, whether its `when` holds
    held: list[Any | None]  # per static: the level codes of the facts it holds fixed
    fires: Any  # rule -> combinations where it fired (in a world it runs in)
    conflicts: Any  # derive rule -> combinations where its assertion conflicted
    conflict_examples: dict[int, list[int]]
    changed: dict[str, Any]  # world -> (combinations, propositions) bool: verdict changes without it
    stage_changed: dict[tuple[str, str], Any]  # (world, stage) -> (combinations, propositions) bool


class Sweeper:
    """Evaluates combinations in chunks. One per process."""

    def __init__(self, kb: KnowledgeBase, program: Program | None = None, ablations: bool = True):
        self.kb = kb
        self.ablations = ablations  # also each proposition's influence (verify's); False: verdicts only
        self.program = program or compile_program(kb)
        self.vector = Vector(self.program)
        self.space = Space(kb)
        self.worlds = list(self.program.worlds)
        self.statics = [(prop, static) for prop in kb.propositions for static in prop.statics]
        self.tracked = sorted(
            {(s.world, s.stage, r) for _, s in self.statics if s.stage for r in (s.response, s.against) if r}
        )
        # The influence of each proposition: the support rules that cite it, per world.
        self.influence = {
            w: [
                (p.id, np.array([p.id in r.propositions for r in self.program.support_rules]))
                for p in kb.propositions
                if any(p.id in r.propositions and w in r.worlds for r in self.program.support_rules)
            ]
            for w in self.worlds
        }
        self._when = [self.vector.condition(s.when) if s.when is not None else None for _, s in self.statics]
        self._column = {alt: i for i, alt in enumerate(self.vector.alternatives)}

    def run(self, indices: Any, without: Sequence[str] = ()) -> Sweep:
        """Evaluate the combinations ``indices`` (ascending)."""
        indices = np.asarray(indices, dtype=np.int64)
        batch = self.vector.run(self.vector.from_levels(self.space.level_codes(indices)), self.worlds, without)
        fired_any = np.zeros(len(self.program.rules), dtype=np.int64)
        union = np.zeros_like(batch.fired[self.worlds[0]])
        for world in self.worlds:
            union |= batch.fired[world]
        fired_any += union.sum(axis=0)
        examples: dict[int, list[int]] = {}
        for i in range(batch.conflicts.shape[1]):
            where = np.flatnonzero(batch.conflicts[:, i])[:EXAMPLES]
            if len(where):
                examples[i] = indices[where].tolist()
        changed, stage_changed = {}, {}
        n_derive = len(self.program.derive_rules)
        stage_slots = [(st.id, self.program.slot_index(st.fact)) for st in self.program.stages]
        for world in self.worlds:
            fired = batch.fired[world][:, n_derive:]
            flags = np.zeros((len(indices), len(self.influence[world])), dtype=bool)
            per_stage = {st: np.zeros_like(flags) for st, _ in stage_slots}
            for k, (_, mask) in enumerate(self.influence[world]):
                if not self.ablations or not fired[:, mask].any():
                    continue
                again = self.vector.stage_run(batch.codes, world, ~mask, self.vector._settled(batch.codes), batch.memo)
                flags[:, k] = again["verdict"] != batch.verdict[world]
                for st, slot in stage_slots:
                    per_stage[st][:, k] = again["facts"][:, slot] != batch.facts[world][:, slot]
            changed[world] = flags
            for st, _ in stage_slots:
                stage_changed[(world, st)] = per_stage[st]
        return Sweep(
            indices=indices,
            changed=changed,
            stage_changed=stage_changed,
            verdicts={w: batch.verdict[w].astype(np.int8) for w in self.worlds},
            ties={w: batch.tied[w] for w in self.worlds},
            supports={(w, st, r): batch.support[w][:, self._column[(st, r)]] for w, st, r in self.tracked},
            conclusions={
                (w, st): batch.facts[w][:, slot].astype(np.int8) for w in self.worlds for st, slot in stage_slots
            },
            when=[test(batch.codes) if test is not None else None for test in self._when],
            held=[
                batch.codes[:, [self.program.slot_index(f) for f in s.hold]] if s.hold else None
                for _, s in self.statics
            ],
            fires=fired_any,
            conflicts=batch.conflicts.sum(axis=0),
            conflict_examples=examples,
        )


def _merge(parts: list[Sweep]) -> Sweep:
    parts.sort(key=lambda p: int(p.indices[0]) if len(p.indices) else -1)
    cat = np.concatenate
    examples: dict[int, list[int]] = {}
    for part in parts:
        for rule, found in part.conflict_examples.items():
            examples[rule] = sorted(examples.get(rule, []) + found)[:EXAMPLES]
    return Sweep(
        indices=cat([p.indices for p in parts]),
        verdicts={w: cat([p.verdicts[w] for p in parts]) for w in parts[0].verdicts},
        ties={w: cat([p.ties[w] for p in parts]) for w in parts[0].ties},
        supports={k: cat([p.supports[k] for p in parts]) for k in parts[0].supports},
        conclusions={k: cat([p.conclusions[k] for p in parts]) for k in parts[0].conclusions},
        stage_changed={k: cat([p.stage_changed[k] for p in parts]) for k in parts[0].stage_changed},
        when=[None if w is None else cat([p.when[k] for p in parts]) for k, w in enumerate(parts[0].when)],
        held=[None if h is None else cat([p.held[k] for p in parts]) for k, h in enumerate(parts[0].held)],
        fires=sum(p.fires for p in parts),
        conflicts=sum(p.conflicts for p in parts),
        conflict_examples=examples,
        changed={w: cat([p.changed[w] for p in parts]) for w in parts[0].changed},
    )


# ------------------------------------------------------------------ workers
_WORKER: Sweeper | None = None


def _init_worker(directory: str) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _WORKER = Sweeper(load_knowledge(directory))


def _run_task(task: tuple[Any, tuple[str, ...]]) -> Sweep:
    assert _WORKER is not None
    return _WORKER.run(*task)


def sweep(
    sweeper: Sweeper,
    indices: Any,
    jobs: int = 1,
    without: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> Sweep:
    """Evaluate ``indices`` in chunks, in ``jobs`` processes (0: every core)."""
    indices = np.asarray(indices, dtype=np.int64)
    chunks = [indices[i : i + CHUNK] for i in range(0, len(indices), CHUNK)] or [indices]
    jobs = jobs or multiprocessing.cpu_count() or 1
    parts = []
    if jobs == 1 or len(chunks) == 1:
        for chunk in chunks:
            parts.append(sweeper.run(chunk, without))
            if progress:
                progress(len(chunk))
        return _merge(parts)
    global _WORKER
    context = multiprocessing.get_context()
    if context.get_start_method() == "fork":
        # Forked workers inherit this sweeper, compiled already.
        _WORKER = sweeper
        pool = context.Pool(min(jobs, len(chunks)), initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))
    else:
        pool = context.Pool(min(jobs, len(chunks)), initializer=_init_worker, initargs=(str(sweeper.kb.directory),))
    try:
        for part in pool.imap_unordered(_run_task, [(c, tuple(without)) for c in chunks]):
            parts.append(part)
            if progress:
                progress(len(part.indices))
        pool.close()
    finally:
        pool.terminate()
        pool.join()
    return _merge(parts)


# ---------------------------------------------------------------- cross-check
def cross_check(sweeper: Sweeper, indices: Sequence[int]) -> dict[str, Any]:
    """Run ``indices`` through the experta engine and the vectorised evaluator in
    every world; the combinations on which they differ in verdict, fired rules or
    derived facts."""
    program, vector, space = sweeper.program, sweeper.vector, sweeper.space
    pool = EnginePool(program)
    answers = [space.answers(int(i)) for i in indices]
    batch = vector.run(vector.encode(answers))
    found = []
    for world in sweeper.worlds:
        for row, given in enumerate(answers):
            raw = pool.run(given, world)
            order = [e["rule"] for e in raw.trace]
            settled = all(f in raw.derived for f in program.scoring.requires)
            concluded = {st.fact: d.conclusion for st, d in zip(program.stages, raw.stages) if d.conclusion}
            verdict = program.response_of(concluded)
            verdict = verdict if settled else None
            code = int(batch.verdict[world][row])
            theirs = program.responses[code] if code >= 0 else None
            derived = vector.decode(batch.facts[world][row], derived=True)
            mine = {**given, **raw.derived}
            if (verdict, order, mine) != (theirs, vector.fired_ids(batch, world, row), derived):
                found.append({"world": world, "answers": given, "experta": verdict, "vectorised": theirs})
    return {
        "combinations": len(answers),
        "worlds": len(sweeper.worlds),
        "disagreements": len(found),
        "examples": found[:EXAMPLES],
    }


# ------------------------------------------------------------------- sweep
def verify(
    directory: str | Path | None = None,
    sample: int | None = None,
    seed: int = 1987,
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Sweep a knowledge base; return the report as plain data (see module doc).
    ``progress(done, total)`` is called as chunks finish."""
    if sample is not None and sample < 1:
        raise AdvisorError(f"--sample must be at least 1, not {sample}", "verify")
    if jobs < 0:
        raise AdvisorError(f"--jobs must be 0 (all cores) or more, not {jobs}", "verify")
    started = time.monotonic()
    kb = load_knowledge(directory)
    sweeper = Sweeper(kb)
    space = sweeper.space
    full = sample is None or sample >= space.total
    rng = random.Random(seed)
    if full:
        base = np.arange(space.total, dtype=np.int64)
        wanted = base
    else:
        base = np.array(sorted(rng.sample(range(space.total), sample or 0)), dtype=np.int64)
        # The statics compare each sampled combination with its raised neighbours.
        neighbours = [base]
        for _, static in sweeper.statics:
            neighbours.append(raise_pairs(space, static, base)[1])
        wanted = np.unique(np.concatenate(neighbours))
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], len(wanted))

    swept = sweep(sweeper, wanted, jobs, progress=advance)
    checked = rng.sample(range(space.total), min(CROSS_CHECK, space.total))
    report = _report(kb, sweeper, swept, base, full, seed, cross_check(sweeper, checked))
    report["jobs"] = jobs or multiprocessing.cpu_count()
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def raise_pairs(space: Space, static: Static, indices: Any) -> tuple[Any, Any]:
    """Every place the static checks among ``indices``: (combinations, the same with
    the static's factor changed by one of its steps: one level higher for an ordered
    factor, the declared change for an unordered one)."""
    f = space.factors.index(static.factor)
    levels = space.levels[f]
    level = space.level(indices, f)
    lows, highs = [], []
    for before, after in static.steps or tuple(zip(static.over, static.over[1:])):
        at = indices[level == levels.index(before)]
        lows.append(at)
        highs.append(at + (levels.index(after) - levels.index(before)) * space.strides[f])
    return np.concatenate(lows), np.concatenate(highs)


# ------------------------------------------------------------------ report
def _report(
    kb: KnowledgeBase, sweeper: Sweeper, swept: Sweep, base: Any, full: bool, seed: int, check: dict[str, Any]
) -> dict[str, Any]:
    space, program = sweeper.space, sweeper.program
    position = np.searchsorted(swept.indices, base)
    n_base = len(base)
    in_base = np.zeros(len(swept.indices), dtype=bool)
    in_base[position] = True
    rules = []
    # Fires are counted over the whole sweep; for a sample, over what was swept.
    counted = n_base if full else len(swept.indices)
    for rule, count in zip(program.rules, swept.fires.tolist()):
        rules.append(
            {
                "id": rule.id,
                "kind": "score" if rule.score else rule.layer,
                "fires": int(count),
                "share": round(count / counted, 6),
                "worlds": sorted(rule.worlds),
            }
        )
    never = [r["id"] for r in rules if r["fires"] == 0]
    always = [r["id"] for r in rules if r["fires"] == counted]

    worlds: dict[str, dict[str, Any]] = {}
    for world in sweeper.worlds:
        codes = swept.verdicts[world][position]
        counts = {rid: int((codes == i).sum()) for i, rid in enumerate(program.responses)}
        tie_flags = swept.ties[world][position]
        gap_at = np.flatnonzero(codes == NO_VERDICT)[:EXAMPLES]
        tie_at = np.flatnonzero(tie_flags)[:EXAMPLES]
        worlds[world] = {
            "title": kb.world(world).title,
            "shares": {rid: round(c / n_base, 6) for rid, c in counts.items()},
            "counts": counts,
            "gaps": {
                "count": int((codes == NO_VERDICT).sum()),
                "examples": [_verdict_example(sweeper, int(base[p]), world) for p in gap_at],
            },
            "ties": {
                "count": int(tie_flags.sum()),
                "examples": [_verdict_example(sweeper, int(base[p]), world) for p in tie_at],
            },
        }
    theory = kb.theory
    shares: dict[str, float] = worlds[theory.default_world]["shares"]
    balancing = sum(shares.get(r, 0.0) for r in theory.balancing_responses)
    bandwagoning = sum(shares.get(r, 0.0) for r in theory.bandwagoning_responses)
    c1 = {
        "world": theory.default_world,
        "balancing_share": round(balancing, 6),
        "bandwagoning_share": round(bandwagoning, 6),
        "holds": balancing > bandwagoning,
    }
    # Every response the theory names must be reachable where the text names it: a
    # response the default world (all but) never gives is a rule base that cannot say it.
    # Only a full sweep can show that (a sample may simply miss a response).
    below = sorted(r for r in kb.response_ids if shares.get(r, 0.0) < RARE)
    rare = [r for r in below if not kb.response(r).rare]  # the ones with no reason given
    reach = {
        "world": theory.default_world,
        "below": RARE,
        "rare": rare,
        "explained": {r: kb.response(r).rare for r in below if kb.response(r).rare},
    }

    derive = program.derive_rules
    by_fact: dict[str, int] = {}
    for rule, count in zip(derive, swept.conflicts.tolist()):
        if count:
            fact = rule.score.target if rule.score else rule.asserts[0][0]
            by_fact[fact] = by_fact.get(fact, 0) + int(count)
    conflicts = {
        "count": int(swept.conflicts.sum()),
        "by_fact": dict(sorted(by_fact.items())),
        "examples": [
            _conflict_example(sweeper, index) for _, found in sorted(swept.conflict_examples.items()) for index in found
        ],
    }

    statics = [
        _check_static(sweeper, swept, prop.id, static, flags, base, held)
        for (prop, static), flags, held in zip(sweeper.statics, swept.when, swept.held)
    ]
    contradictions = (
        sum(s["violations"] for s in statics)
        + conflicts["count"]
        + (0 if c1["holds"] else 1)
        + check["disagreements"]
        + (len(rare) if full else 0)
    )
    return {
        "knowledge": {"directory": str(kb.directory), "version": kb.version},
        "mode": "full" if full else "sample",
        "space": space.total,
        "factors": len(space.factors),
        "combinations": n_base,
        "seed": None if full else seed,
        "rules": rules,
        "dead": never if full else [],
        "unseen": [] if full else never,
        "always": always,
        "worlds": worlds,
        "c1": c1,
        "reach": reach,
        "conflicts": conflicts,
        "statics": statics,
        "cross_check": check,
        "influence": _influence(sweeper, swept, position),
        "contradictions": contradictions,
        "ok": contradictions == 0 and not (full and never),
    }


def _check_static(
    sweeper: Sweeper,
    swept: Sweep,
    prop_id: str,
    static: Static,
    when: Any | None,
    base: Any,
    held: Any | None = None,
) -> dict[str, Any]:
    """Count the places where the change the static speaks of goes the wrong way."""
    space, responses = sweeper.space, sweeper.program.responses
    lows, highs = raise_pairs(space, static, base)
    at_low, at_high = np.searchsorted(swept.indices, lows), np.searchsorted(swept.indices, highs)
    holds = np.ones(len(lows), dtype=bool) if when is None else when[at_low] & when[at_high]
    if held is not None:
        holds &= (held[at_low] == held[at_high]).all(axis=1)
    names: tuple[str, ...] = responses
    if static.kind == "never_turns":
        if static.stage is not None:
            verdicts = swept.conclusions[(static.world, static.stage)]
            names = sweeper.program.stage(static.stage).alternatives
        else:
            verdicts = swept.verdicts[static.world]
        was = np.isin(verdicts[at_low], [names.index(r) for r in static.turns_from])
        now = np.isin(verdicts[at_high], [names.index(r) for r in static.turns_to])
        before = after = verdicts
        bad = was & now & holds
        falls = bad.astype(float)
    else:
        assert static.stage is not None, "a static on support names its stage"
        values = swept.supports[(static.world, static.stage, static.response)]
        if static.kind == "margin":
            values = values - swept.supports[(static.world, static.stage, static.against)]
        before = after = values
        falls = values[at_low] - values[at_high]
        if static.kind == "never_raises":
            falls = -falls
        bad = (falls > EPSILON) & holds
    worst = np.argsort(-np.where(bad, falls, -np.inf), kind="stable")[: min(EXAMPLES, int(bad.sum()))]
    examples = []
    for k in worst:
        answers = space.answers(int(lows[k]))
        raised = space.answers(int(highs[k]))
        shown: tuple[str, str] | tuple[float, float]
        if static.kind == "never_turns":
            shown = (names[int(before[at_low[k]])], names[int(after[at_high[k]])])
        else:
            shown = (round(float(before[at_low[k]]), 4), round(float(after[at_high[k]]), 4))
        examples.append(
            {
                "answers": answers,
                "from": answers[static.factor],
                "to": raised[static.factor],
                "before": shown[0],
                "after": shown[1],
            }
        )
    return {
        "proposition": prop_id,
        "world": static.world,
        "stage": static.stage,
        "factor": static.factor,
        "kind": static.kind,
        "response": static.response,
        "against": static.against or None,
        "turns": {"from": list(static.turns_from), "to": list(static.turns_to)} if static.turns_from else None,
        "claim": static.describe(),
        "over": list(static.over),
        "when": cond.condition_text(static.when) if static.when is not None else None,
        "hold": list(static.hold) or None,
        "checked": int(holds.sum()),
        "violations": int(bad.sum()),
        "examples": examples,
    }


def _influence(sweeper: Sweeper, swept: Sweep, position: Any) -> dict[str, list[dict[str, Any]]]:
    """Per world and proposition: the share of the space whose verdict changes when the
    proposition's support rules are left out, and why a proposition decides nothing."""
    out = {}
    for world in sweeper.worlds:
        rows = []
        flags = swept.changed[world][position]
        fires = dict(zip((r.id for r in sweeper.program.rules), swept.fires.tolist()))
        for k, (pid, mask) in enumerate(sweeper.influence[world]):
            changed = int(flags[:, k].sum())
            rules = [r for r, m in zip(sweeper.program.support_rules, mask) if m and world in r.worlds]
            reason = None
            if not changed:
                reason = (
                    "its rules never fire here"
                    if not any(fires[r.id] for r in rules)
                    else "its rules fire but no verdict rests on it alone"
                )
            by_stage = {
                st.id: round(int(swept.stage_changed[(world, st.id)][position][:, k].sum()) / max(len(position), 1), 6)
                for st in sweeper.program.stages
            }
            rows.append(
                {
                    "proposition": pid,
                    "share": round(changed / max(len(position), 1), 6),
                    "stages": by_stage,
                    "changed": changed,
                    "rules": [r.id for r in rules],
                    "reason": reason,
                }
            )
        out[world] = rows
    return out


def _verdict_example(sweeper: Sweeper, index: int, world: str) -> dict[str, Any]:
    answers = sweeper.space.answers(index)
    batch = sweeper.vector.run(sweeper.vector.encode([answers]), (world,))
    code = int(batch.verdict[world][0])
    support = batch.support[world][0].tolist()
    stages: dict[str, dict[str, float]] = {}
    for (stage, alt), cf in zip(sweeper.vector.alternatives, support):
        if cf:
            stages.setdefault(stage, {})[alt] = round(cf, 4)
    return {
        "answers": answers,
        "verdict": sweeper.program.responses[code] if code >= 0 else None,
        "support": stages,
    }


def _conflict_example(sweeper: Sweeper, index: int) -> dict[str, Any]:
    answers = sweeper.space.answers(index)
    raw = EnginePool(sweeper.program).run(answers, sweeper.kb.theory.default_world)
    return {
        "answers": answers,
        "conflicts": [
            {"fact": f, "levels": [known, refused], "rule": rule} for f, known, refused, rule in raw.conflicts
        ],
    }
