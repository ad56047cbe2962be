"""Verify a knowledge base by sweeping the whole questionnaire space (issue 5).

``python main.py verify [KNOWLEDGE_DIR]`` runs every combination of levels (or a
random sample with ``--sample N``) through the fast evaluator in all three worlds
and reports what a rule-base verifier would:

- rules that never fire (dead; with a sample: unseen) and rules that always fire;
- combinations with no verdict (gaps) and with a tie between responses;
- the share of the space each verdict takes in each world, and whether balancing
  dominates in Walt's world as proposition C1 says;
- the comparative statics the propositions declare (``statics`` in
  propositions.yaml): raising a factor one level, all else fixed, must never lower
  the support for the response the proposition predicts; every place it does is a
  contradiction of the theory;
- conflicts: two derive rules asserting different levels of one fact.

Contradictions (statics violations, conflicting derivations, a failed C1 check)
and, in a full sweep, dead rules make the exit status 1. A sample cannot prove a
rule dead: rules it never saw fire are reported as unseen.

The space is split into chunks by its slowest-varying factors and swept by worker
processes, each with its own knowledge base and evaluator; the parent keeps only
compact arrays (a verdict code per combination and world, the supports the statics
need), so memory stays modest.
"""
import heapq
import json
import multiprocessing
import os
import random
import signal
import sys
import textwrap
import time
from array import array
from math import prod

from .errors import AdvisorError
from .fastpath import FastPath
from .knowledge import load_knowledge
from . import conditions as cond

EPSILON = 1e-9          # a support lower by less than this is not a fall
EXAMPLES = 3            # examples kept per finding
NO_VERDICT = -1
EXIT_OK, EXIT_FINDINGS, EXIT_INTERRUPTED = 0, 1, 130
BALANCING_RESPONSES = ("balance", "internal_balance")   # C1 counts both ways of balancing (p. 30)


class Space:
    """Every combination of the questionnaire's levels, numbered in mixed radix with
    the first factor varying slowest."""

    def __init__(self, kb):
        self.factors = [f.id for f in kb.factors]
        self.levels = [f.level_ids for f in kb.factors]
        self.sizes = [len(lv) for lv in self.levels]
        self.total = prod(self.sizes)
        self.strides = [prod(self.sizes[i + 1:]) for i in range(len(self.sizes))]

    def decode(self, index):
        return [(index // stride) % size for stride, size in zip(self.strides, self.sizes)]

    def level(self, index, factor):
        return (index // self.strides[factor]) % self.sizes[factor]

    def answers(self, index):
        return {fid: levels[i] for fid, levels, i in zip(self.factors, self.levels, self.decode(index))}

    def chunks_by_prefix(self, wanted):
        """Contiguous ranges, one per setting of the slowest-varying factors, at least
        ``wanted`` of them where the space allows."""
        count, size = 1, self.total
        for factor_size in self.sizes:
            if count >= wanted:
                break
            count *= factor_size
            size //= factor_size
        return [range(start, start + size) for start in range(0, self.total, size)]


class Sweeper:
    """Evaluates combinations into compact arrays. One per process."""

    def __init__(self, kb):
        self.kb = kb
        self.fast = FastPath(kb)
        self.space = Space(kb)
        self.worlds = [w.id for w in kb.worlds]
        self.response_index = {rid: i for i, rid in enumerate(kb.response_ids)}
        self.statics = [(prop, static) for prop in kb.propositions for static in prop.statics]
        # Only the supports the statics compare are kept per combination.
        self.tracked = sorted({(s.world, s.response) for _, s in self.statics})
        self.when_tests = [self.fast.compile(s.when) if s.when is not None else None
                           for _, s in self.statics]
        self.n_rules = len(self.fast.derive_ids) + len(self.fast.support_ids)

    def run(self, indices, counted):
        """Evaluate the combinations ``indices``. Rule firings and conflicts are
        counted only when ``counted`` (a sample's neighbours serve the statics only)."""
        fast, space = self.fast, self.space
        n = len(indices)
        verdicts = {w: array("b", bytes(n)) for w in self.worlds}
        ties = {w: array("b", bytes(n)) for w in self.worlds}
        supports = {pair: array("d", bytes(8 * n)) for pair in self.tracked}
        when = [array("b", bytes(n)) if test else None for test in self.when_tests]
        fires = [0] * self.n_rules
        n_derive = len(fast.derive_ids)
        conflicts = {}          # fact -> [count, example indices]
        tracked_by_world = {w: [(pair, self.response_index[pair[1]]) for pair in self.tracked if pair[0] == w]
                            for w in self.worlds}
        for k, index in enumerate(indices):
            v = fast.encode_levels(space.decode(index))
            fired_derive, clashes = fast.derive(v)
            fired_support = fast.support_fired(v)
            if counted:
                for i in fired_derive:
                    fires[i] += 1
                for i in fired_support:
                    fires[n_derive + i] += 1
                for _, slot, _, _ in clashes:
                    entry = conflicts.setdefault(fast.names[slot], [0, []])
                    entry[0] += 1
                    if len(entry[1]) < EXAMPLES:
                        entry[1].append(index)
            for world in self.worlds:
                support = fast.support(fired_support, world)
                verdict, _, tie, _, _ = fast.decide(support)
                verdicts[world][k] = self.response_index[verdict] if verdict else NO_VERDICT
                ties[world][k] = tie
                for pair, r in tracked_by_world[world]:
                    supports[pair][k] = support[r]
            for flags, test in zip(when, self.when_tests):
                if test:
                    flags[k] = 1 if test(v) else 0
        return {"n": n, "verdicts": verdicts, "ties": ties, "supports": supports, "when": when,
                "fires": fires if counted else None, "conflicts": conflicts if counted else None}


# ------------------------------------------------------------------ workers
_WORKER = None


def _init_worker(directory):
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    _WORKER = Sweeper(load_knowledge(directory))


def _run_task(task):
    position, indices, counted = task
    return position, _WORKER.run(indices, counted)


class Progress:
    """A one-line progress bar on stderr, drawn only for a terminal."""

    WIDTH = 30

    def __init__(self, total, enabled, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.enabled, self.done = total, enabled, 0
        self.start = time.monotonic()
        fancy = (getattr(self.stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
        self.full, self.empty = ("█", "░") if fancy else ("#", "-")

    def advance(self, n):
        self.done += n
        if not self.enabled:
            return
        filled = int(self.WIDTH * self.done / self.total) if self.total else self.WIDTH
        elapsed = time.monotonic() - self.start
        self.stream.write(f"\rverify {self.full * filled}{self.empty * (self.WIDTH - filled)} "
                          f"{self.done / self.total:4.0%}  {self.done:,}/{self.total:,}  {elapsed:4.0f} s ")
        self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.stream.flush()


# ------------------------------------------------------------------- sweep
def verify(directory=None, sample=None, seed=1987, jobs=0, progress=False):
    """Sweep a knowledge base; return the report as plain data (see module doc)."""
    started = time.monotonic()
    kb = load_knowledge(directory)
    sweeper = Sweeper(kb)
    space = sweeper.space
    full = sample is None or sample >= space.total
    jobs = jobs or os.cpu_count() or 1
    if full:
        base = range(space.total)
        tasks = [(chunk.start, chunk, True) for chunk in space.chunks_by_prefix(16 * jobs)]
        evaluated = space.total
        position = None
    else:
        base = sorted(random.Random(seed).sample(range(space.total), sample))
        neighbours = sorted({up for _, static in sweeper.statics
                             for _, ups in _raise_segments(space, static, base) for up in ups} - set(base))
        order = base + neighbours
        position = {index: p for p, index in enumerate(order)}
        size = max(250, len(order) // (8 * jobs) + 1)
        tasks = [(p, base[p:p + size], True) for p in range(0, len(base), size)]
        tasks += [(len(base) + p, neighbours[p:p + size], False) for p in range(0, len(neighbours), size)]
        evaluated = len(order)
    store = _Store(sweeper, evaluated)
    bar = Progress(evaluated, progress)
    try:
        for p, chunk in _execute(tasks, jobs, kb.directory, sweeper):
            store.put(p, chunk)
            bar.advance(chunk["n"])
    finally:
        bar.close()
    report = _report(kb, sweeper, store, base, position, full, seed)
    report["jobs"] = jobs
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def _execute(tasks, jobs, directory, sweeper):
    """Yield (position, chunk) as tasks finish: in this process for one job, else in
    a pool whose workers build their own knowledge base."""
    if jobs == 1 or len(tasks) == 1:
        for position, indices, counted in tasks:
            yield position, sweeper.run(indices, counted)
        return
    pool = multiprocessing.get_context().Pool(min(jobs, len(tasks)), initializer=_init_worker,
                                              initargs=(str(directory),))
    try:
        yield from pool.imap_unordered(_run_task, tasks)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


class _Store:
    """The parent's compact arrays, one slot per evaluated combination."""

    def __init__(self, sweeper, n):
        self.verdicts = {w: array("b", bytes(n)) for w in sweeper.worlds}
        self.ties = {w: array("b", bytes(n)) for w in sweeper.worlds}
        self.supports = {pair: array("d", bytes(8 * n)) for pair in sweeper.tracked}
        self.when = [array("b", bytes(n)) if test else None for test in sweeper.when_tests]
        self.fires = [0] * sweeper.n_rules
        self.conflicts = {}

    def put(self, p, chunk):
        end = p + chunk["n"]
        for world, codes in chunk["verdicts"].items():
            self.verdicts[world][p:end] = codes
            self.ties[world][p:end] = chunk["ties"][world]
        for pair, values in chunk["supports"].items():
            self.supports[pair][p:end] = values
        for mine, theirs in zip(self.when, chunk["when"]):
            if mine is not None:
                mine[p:end] = theirs
        if chunk["fires"] is not None:
            self.fires = [a + b for a, b in zip(self.fires, chunk["fires"])]
            for fact, (count, examples) in chunk["conflicts"].items():
                entry = self.conflicts.setdefault(fact, [0, []])
                entry[0] += count
                entry[1] = sorted(entry[1] + examples)[:EXAMPLES]


def _raise_segments(space, static, base):
    """Every place the static checks, as pairs (combinations, the same combinations
    with the static's factor one level higher), for the combinations in ``base``
    whose level of the factor lies within ``over``, below its top.

    For the whole space the pairs come as aligned ranges, so the arrays can be
    sliced (long runs, whichever way the factor's stride falls); for a sample,
    as lists."""
    factor = space.factors.index(static.factor)
    levels = space.levels[factor]
    low, high = levels.index(static.over[0]), levels.index(static.over[-1])
    stride = space.strides[factor]
    if isinstance(base, range):
        block = stride * space.sizes[factor]
        for level in range(low, high):
            if stride >= space.total // block:      # long runs inside each block
                runs = (range(start, start + stride) for start in range(level * stride, space.total, block))
            else:                                   # long runs across the blocks
                runs = (range(offset, space.total, block)
                        for offset in range(level * stride, (level + 1) * stride))
            for run in runs:
                yield run, range(run.start + stride, run.stop + stride, run.step)
        return
    lows = [index for index in base if low <= space.level(index, factor) < high]
    yield lows, [index + stride for index in lows]


# ------------------------------------------------------------------ report
def _report(kb, sweeper, store, base, position, full, seed):
    space, fast = sweeper.space, sweeper.fast
    n_base = len(base)
    rule_ids = fast.derive_ids + fast.support_ids
    runs_in = {rid: [w for w in sweeper.worlds if rid in {r.id for r in kb.rules_in_world(w)}]
               for rid in rule_ids}
    rules = []
    for rid, count in zip(rule_ids, store.fires):
        count = count if runs_in[rid] else 0        # a rule in no world never fires
        rules.append({"id": rid, "kind": kb.rule(rid).kind, "fires": count,
                      "share": round(count / n_base, 6), "worlds": runs_in[rid]})
    never = [r["id"] for r in rules if r["fires"] == 0]
    always = [r["id"] for r in rules if r["fires"] == n_base]

    worlds = {}
    for world in sweeper.worlds:
        codes = store.verdicts[world][:n_base]
        counts = {rid: codes.count(i) for i, rid in enumerate(kb.response_ids)}
        gaps = codes.count(NO_VERDICT)
        tie_flags = store.ties[world][:n_base]
        gap_at = [p for p in range(n_base) if codes[p] == NO_VERDICT][:EXAMPLES]
        tie_at = [p for p in range(n_base) if tie_flags[p]][:EXAMPLES]
        worlds[world] = {
            "title": kb.world(world).title,
            "shares": {rid: round(c / n_base, 6) for rid, c in counts.items()},
            "counts": counts,
            "gaps": {"count": gaps, "examples": [_verdict_example(fast, space, base[p], world) for p in gap_at]},
            "ties": {"count": sum(tie_flags),
                     "examples": [_verdict_example(fast, space, base[p], world) for p in tie_at]},
        }
    walt = worlds["walt"]["shares"]
    balancing = sum(walt.get(r, 0.0) for r in BALANCING_RESPONSES)
    c1 = {"balancing_share": round(balancing, 6), "bandwagoning_share": walt.get("bandwagon", 0.0),
          "holds": balancing > walt.get("bandwagon", 0.0)}

    conflicts = {"count": sum(c for c, _ in store.conflicts.values()),
                 "by_fact": {fact: c for fact, (c, _) in sorted(store.conflicts.items())},
                 "examples": [_conflict_example(fast, space, index)
                              for _, examples in sorted(store.conflicts.items()) for index in examples]}

    statics = [_check_static(sweeper, store, prop, static, flags, base, position)
               for (prop, static), flags in zip(sweeper.statics, store.when)]
    contradictions = sum(s["violations"] for s in statics) + conflicts["count"] + (0 if c1["holds"] else 1)
    return {
        "knowledge": {"directory": str(kb.directory), "version": kb.version},
        "mode": "full" if full else "sample",
        "space": space.total, "factors": len(space.factors), "combinations": n_base,
        "seed": None if full else seed,
        "rules": rules,
        "dead": never if full else [],
        "unseen": [] if full else never,
        "always": always,
        "worlds": worlds,
        "c1": c1,
        "conflicts": conflicts,
        "statics": statics,
        "contradictions": contradictions,
        "ok": contradictions == 0 and not (full and never),
    }


def _check_static(sweeper, store, prop, static, when, base, position):
    """Count the places where raising the factor lowers the support (see module doc)."""
    values = store.supports[(static.world, static.response)]

    def take(array_, indices):
        if position is None:        # the whole space: indices are ranges
            return array_[indices.start:indices.stop:indices.step]
        return [array_[position[i]] for i in indices]

    checked = violations = 0
    worst = []          # the largest falls, kept as a small heap
    for lows, highs in _raise_segments(sweeper.space, static, base):
        before, after = take(values, lows), take(values, highs)
        holds = None if when is None else [a and b for a, b in zip(take(when, lows), take(when, highs))]
        checked += len(lows) if holds is None else sum(holds)
        for k in [k for k, (x, y) in enumerate(zip(before, after))
                  if x - y > EPSILON and (holds is None or holds[k])]:
            violations += 1
            item = (before[k] - after[k], -lows[k], before[k], after[k])
            if len(worst) < EXAMPLES:
                heapq.heappush(worst, item)
            else:
                heapq.heappushpop(worst, item)
    space = sweeper.space
    examples = []
    for _, neg_low, before, after in sorted(worst, reverse=True):
        answers = space.answers(-neg_low)
        raised = space.answers(-neg_low + space.strides[space.factors.index(static.factor)])
        examples.append({"answers": answers, "from": answers[static.factor], "to": raised[static.factor],
                         "before": round(before, 4), "after": round(after, 4)})
    return {"proposition": prop.id, "world": static.world, "factor": static.factor,
            "response": static.response, "over": list(static.over),
            "when": condition_text(static.when) if static.when is not None else None,
            "checked": checked, "violations": violations, "examples": examples}


def condition_text(node):
    if isinstance(node, cond.Leaf):
        return node.text
    joiner = " and " if isinstance(node, cond.All) else " or "
    return "(" + joiner.join(condition_text(child) for child in node.children) + ")"


def _verdict_example(fast, space, index, world):
    answers = space.answers(index)
    outcome = fast.evaluate(answers, world)
    top = outcome.ranking[:1 + len(outcome.tied_with)] if outcome.tie else outcome.ranking[:2]
    return {"answers": answers, "verdict": outcome.verdict,
            "support": {r: round(outcome.support[r], 4) for r in top}}


def _conflict_example(fast, space, index):
    answers = space.answers(index)
    return {"answers": answers, "conflicts": fast.evaluate(answers).conflicts}


# ---------------------------------------------------------------- rendering
def _example(finding, answers, indent):
    """A finding and the combination it was found at, wrapped for the terminal."""
    at = ", ".join(f"{k}={v}" for k, v in answers.items())
    return textwrap.fill(f"{finding} at {at}", width=100, initial_indent=" " * indent,
                         subsequent_indent=" " * (indent + 4), break_on_hyphens=False)


def render_verify_text(report):
    lines = []
    kb = report["knowledge"]
    lines.append(f"Knowledge base {kb['directory']} (version {kb['version']})")
    if report["mode"] == "full":
        lines.append(f"Swept all {report['space']:,} combinations of {report['factors']} factors in "
                     f"{len(report['worlds'])} worlds ({report['jobs']} worker(s), {report['seconds']} s).")
    else:
        lines.append(f"Swept a random sample of {report['combinations']:,} of {report['space']:,} "
                     f"combinations (seed {report['seed']}) in {len(report['worlds'])} worlds "
                     f"({report['jobs']} worker(s), {report['seconds']} s).")
    lines.append("")

    rules = report["rules"]
    lines.append(f"Rules: {len(rules)}")
    if report["mode"] == "full":
        lines.append(f"  dead (never fire): {', '.join(report['dead']) or 'none'}")
    else:
        lines.append(f"  unseen in the sample (not proof of dead rules): {', '.join(report['unseen']) or 'none'}")
    kinds = {r["id"]: r["kind"] for r in rules}
    always = [rid + (" (a score rule: runs on every case by design)" if kinds[rid] == "score" else "")
              for rid in report["always"]]
    lines.append(f"  always fire:       {', '.join(always) or 'none'}")
    lines.append("")

    worlds = list(report["worlds"])
    responses = list(report["worlds"][worlds[0]]["shares"])
    lines.append("Share of the space per verdict")
    lines.append(f"  {'':18s}" + "".join(f"{w:>14s}" for w in worlds))
    for rid in responses:
        lines.append(f"  {rid:18s}" + "".join(f"{report['worlds'][w]['shares'][rid]:14.1%}" for w in worlds))
    n = report["combinations"]
    lines.append(f"  {'no verdict (gap)':18s}" + "".join(
        f"{report['worlds'][w]['gaps']['count'] / n:14.1%}" for w in worlds))
    lines.append(f"  {'tie':18s}" + "".join(f"{report['worlds'][w]['ties']['count'] / n:14.1%}" for w in worlds))
    c1 = report["c1"]
    lines.append(f"C1 (balancing is the rule): in Walt's world balancing takes {c1['balancing_share']:.1%} of "
                 f"the space, bandwagoning {c1['bandwagoning_share']:.1%}: "
                 + ("holds." if c1["holds"] else "CONTRADICTED."))
    lines.append("")

    for kind, title in (("gaps", "Gaps (no response reaches the minimum support)"),
                        ("ties", "Ties between responses")):
        lines.append(f"{title}: " + ", ".join(f"{w} {report['worlds'][w][kind]['count']:,}" for w in worlds))
        for w in worlds:
            for ex in report["worlds"][w][kind]["examples"]:
                support = ", ".join(f"{r} {cf:+.2f}" for r, cf in ex["support"].items())
                lines.append(_example(f"{w}: {support}", ex["answers"], 2))
    lines.append("")

    conflicts = report["conflicts"]
    lines.append(f"Conflicting derivations: {conflicts['count']:,}")
    for fact, count in conflicts["by_fact"].items():
        lines.append(f"  {fact}: {count:,}")
    for ex in conflicts["examples"]:
        what = "; ".join(f"{c['rule']} asserts {c['fact']}={c['levels'][1]} after {c['levels'][0]}"
                         for c in ex["conflicts"])
        lines.append(_example(what, ex["answers"], 2))
    lines.append("")

    lines.append("Comparative statics (raise the factor one level, all else fixed; "
                 "support for the response must not fall)")
    for s in report["statics"]:
        span = f"{s['over'][0]}..{s['over'][-1]}"
        when = f" when {s['when']}" if s["when"] else ""
        verdict = "ok" if not s["violations"] else f"{s['violations']:,} VIOLATIONS"
        lines.append(f"  {s['proposition']:3s} {s['world']:13s} {s['factor']} ({span}) -> {s['response']}{when}: "
                     f"{s['checked']:,} checked, {verdict}")
        for ex in s["examples"]:
            lines.append(_example(f"{s['factor']} {ex['from']} -> {ex['to']}: {s['response']} "
                                  f"{ex['before']:+.2f} -> {ex['after']:+.2f}", ex["answers"], 6))
    lines.append("")
    problems = []
    if report["dead"]:
        problems.append(f"{len(report['dead'])} dead rule(s)")
    if report["contradictions"]:
        problems.append(f"{report['contradictions']:,} contradiction(s) of the theory")
    lines.append("Result: " + ("OK" if report["ok"] else "FAILED, " + ", ".join(problems)))
    return "\n".join(lines) + "\n"


def run_verify_command(args):
    """``main.py verify``: returns the exit code (0 clean, 1 findings, 130 interrupted)."""
    if args.sample is not None and args.sample < 1:
        raise AdvisorError(f"--sample must be at least 1, not {args.sample}", "verify")
    if args.jobs < 0:
        raise AdvisorError(f"--jobs must be 0 (all cores) or more, not {args.jobs}", "verify")
    directory = args.directory or getattr(args, "knowledge", None)
    progress = not args.no_progress and sys.stderr.isatty()
    try:
        report = verify(directory, sample=args.sample, seed=args.seed, jobs=args.jobs, progress=progress)
    except KeyboardInterrupt:
        print("verify: interrupted; partial results discarded", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.format == "json":
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_verify_text(report))
    return EXIT_OK if report["ok"] else EXIT_FINDINGS
