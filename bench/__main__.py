"""The benchmark: experta against CLIPS on the same knowledge base, and the
figures that keep the app instant (issue 6).

    python -m bench [--quick] [--json FILE]

Prints one table with the machine's details. Every figure is the median of
repeated runs after a warm-up, all measured in this one run so that ratios hold
on a noisy machine; the experta and CLIPS passes alternate. A part of the product
that is not there yet prints "n/a (not built yet)". Nothing here asserts a time.
"""

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance_advisor.rules import Advisor, load_knowledge  # noqa: E402
from alliance_advisor.rules.fileio import atomic_write_text  # noqa: E402
from bench.workload import CASES, SEED, generated_cases  # noqa: E402

try:
    from bench.clips_backend import ClipsBackend
except ImportError:
    sys.exit("python -m bench needs clipspy: pip install -e '.[bench]'")

NOT_BUILT = "n/a (not built yet)"
SAMPLE_CASE = ROOT / "knowledge" / "cases" / "norway_1949.yaml"


class Plan:
    """How many repetitions each figure gets."""

    def __init__(self, quick):
        self.quick = quick
        self.engine_repeats = 3 if quick else 9
        self.whatif_repeats = 5 if quick else 21
        self.process_repeats = 3 if quick else 9
        self.verify_sample = 3000 if quick else 20000


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "experta": _version("experta"),
        "clipspy": _version("clipspy"),
    }


def median_ms(run, repeats):
    """Median wall time of ``run()`` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# ---------------------------------------------------------------- the engines


def engines_side_by_side(kb, cases, repeats):
    """ms per case through experta and through CLIPS, passes alternating, and
    the cases on which the two disagree (verdict or set of fired rules)."""
    advisor = Advisor(kb)
    clips = ClipsBackend(advisor.program)
    disagreements = 0
    for case in cases:  # warm-up, and the comparison (untimed)
        result, run = advisor.analyze(case), clips.run(case.answers)
        disagreements += result.verdict != run.verdict or [f.rule for f in result.fired] != run.fired
    experta_ms, clips_ms = [], []
    for _ in range(repeats):
        # Results are dropped as they come, as in the app: kept, they would make
        # the collector's passes over a growing heap part of the figure.
        experta_ms.append(_pass_ms(lambda case: advisor.analyze(case, explain=True), cases))
        # A CLIPS environment slows down as it ages (about 0.12 -> 0.25 ms per
        # case over 4,000 resets here), so each pass gets a fresh one, built
        # outside the timing: the comparison errs in CLIPS's favour.
        fresh = ClipsBackend(advisor.program)
        clips_ms.append(_pass_ms(lambda case, backend=fresh: backend.run(case.answers), cases))
    return {
        "experta_ms_per_case": statistics.median(experta_ms),
        "clips_ms_per_case": statistics.median(clips_ms),
        "ratio_experta_clips": statistics.median(experta_ms) / statistics.median(clips_ms),
        "disagreements": disagreements,
    }


def _pass_ms(run, cases):
    gc.collect()
    start = time.perf_counter()
    for case in cases:
        run(case)
    return (time.perf_counter() - start) * 1000 / len(cases)


def whatif_ms(kb, plan):
    """A full what-if (every single-answer change) on a library case."""
    from alliance_advisor.rules import load_case

    advisor = Advisor(kb)
    answers = load_case(SAMPLE_CASE, kb).answers
    return median_ms(lambda: advisor.analyst.whatif(answers, advisor.default_world), plan.whatif_repeats)


# ------------------------------------------------------------ whole processes


def _process_seconds(argv, repeats, ready=None):
    """Median wall time and median CPU time (user + system) of a child process, in
    seconds; with ``ready`` (a line the child prints), until that line appears, then
    the child is ended. Each child is reaped with ``os.wait4`` for its own CPU time."""

    # Bytecode cached as a user's interpreter caches it (the warm-up run writes it),
    # whatever the calling shell says.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"QT_QPA_PLATFORM": "offscreen"}

    def once():
        # the user's settings untouched; stderr to a file, so that no pipe can fill up
        with tempfile.TemporaryDirectory() as settings, tempfile.TemporaryFile("w+") as errors:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                env=env | {"XDG_CONFIG_HOME": settings},
            )
            if ready is None:
                proc.stdout.read()
                elapsed = None
            else:
                elapsed = next((time.perf_counter() - start for line in proc.stdout if line.strip() == ready), None)
                os.kill(proc.pid, signal.SIGKILL)  # not proc.kill(): its poll() could reap the child first
            _, status, usage = os.wait4(proc.pid, 0)  # the child's own CPU time
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - start if elapsed is None else elapsed
            proc.stdout.close()
            errors.seek(0)
            if ready is None and proc.returncode != 0:
                raise RuntimeError(f"{' '.join(argv[1:])} failed: {errors.read().strip()[-300:]}")
            if ready is not None and elapsed is None:
                raise RuntimeError(f"{' '.join(argv[1:])} ended without printing {ready!r}")
            return wall, usage.ru_utime + usage.ru_stime

    once()  # warm-up: disk cache, .pyc files
    runs = [once() for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def interpreter_start(plan):
    """``python -c pass``: the interpreter's own start, the unit of every process figure."""
    wall, cpu = _process_seconds([sys.executable, "-c", "pass"], plan.process_repeats)
    return {"python_start_s": wall, "python_start_cpu_s": cpu}


def version_s(plan):
    wall, cpu = _process_seconds([sys.executable, "main.py", "--version"], plan.process_repeats)
    return {"version_s": wall, "version_cpu_s": cpu}


def cli_analyze_s(plan):
    wall, cpu = _process_seconds(
        [sys.executable, "main.py", "analyze", str(SAMPLE_CASE), "--format", "json"], plan.process_repeats
    )
    return {"cli_analyze_s": wall, "cli_analyze_cpu_s": cpu}


def window_shown_s(plan):
    if not (ROOT / "gui" / "app.py").exists():
        return {}
    wall, cpu = _process_seconds([sys.executable, "-m", "bench.window_probe"], plan.process_repeats, ready="shown")
    return {"window_shown_s": wall, "window_shown_cpu_s": cpu}


# ---------------------------------------------------------------- live edits


def edit_figures(kb, plan):
    """What the app's worker does per edit (``analyze(extras=True)``), from the start of
    a New Case (every answer unknown, as the app opens) through answering question after
    question, and on random partial cases with 0 to 11 unknown answers: the slowest
    edit, once the app has built its verdict table after the first analysis."""
    import random

    from alliance_advisor.rules import Case

    advisor = Advisor(kb)
    out = {}
    start = time.perf_counter()
    advisor.analyze(Case(), extras=True)  # the first analysis, of the blank case
    out["edit_first_ms"] = (time.perf_counter() - start) * 1000
    if hasattr(advisor.analyst, "verdict_table"):  # what the app's worker builds next, if not yet
        from alliance_advisor.rules.case import Analyst

        fresh = Analyst(kb, advisor.vector)
        start = time.perf_counter()
        fresh.verdict_table(advisor.default_world)
        out["verdict_table_s"] = time.perf_counter() - start
        advisor.analyst.verdict_table(advisor.default_world)

    def timed(answers):
        case = Case(answers=dict(answers))
        begin = time.perf_counter()
        advisor.analyze(case, extras=True)
        return (time.perf_counter() - begin) * 1000

    rng = random.Random(SEED)
    target = {f.id: rng.choice(f.level_ids) for f in kb.factors}
    sequence, answers = [], {}
    for factor in kb.factors:  # New Case, answered in questionnaire order
        answers[factor.id] = target[factor.id]
        sequence.append(timed(answers))
    out["edit_new_case_ms"] = max(sequence)
    worst = []
    for unknown in range(len(kb.factors) + 1):
        times = []
        for _ in range(plan.engine_repeats * 3):
            drawn = {f.id: rng.choice(f.level_ids) for f in kb.factors}
            for factor in rng.sample(sorted(drawn), unknown):
                del drawn[factor]
            times.append(timed(drawn))
        worst.append(statistics.median(times))
    out["edit_worst_ms"] = max(worst)
    out["edit_worst_unknown"] = worst.index(max(worst))
    return out


# Runs a command and prints its wall time and the peak resident memory of its
# processes (ru_maxrss of the children it waited for: the sweep and its workers).
_MEASURE = """import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, proc.returncode)
print(proc.stdout if proc.returncode in (0, 1) else proc.stderr[-300:])
"""


def _sweep(*args):
    argv = [
        sys.executable,
        "-c",
        _MEASURE,
        sys.executable,
        "main.py",
        "verify",
        "--jobs",
        "2",
        "--no-progress",
        "--format",
        "json",
        *args,
    ]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    head, _, body = proc.stdout.partition("\n")
    seconds, peak_kb, code = head.split()
    if code not in ("0", "1"):  # 1: the sweep found something, still a sweep
        raise RuntimeError(f"main.py verify failed: {body.strip()}")
    return float(seconds), int(peak_kb) / 1024, json.loads(body)


def verify_sweep(kb, plan, clips_ms_per_case):
    """The sweep on the vectorised evaluator: combinations (each in every world) per
    second over the whole space on every core, and the same on one core; against
    CLIPS's cases per second in this run (``sweep_vs_clips``); an ablation sweep
    that removes each proposition's rules in turn; the full run also times the
    whole ``main.py verify --jobs 2`` and takes its peak memory (with --quick, the
    peak memory of a sampled sweep)."""
    import numpy as np

    from alliance_advisor.rules.inference import Sweeper, sweep

    sweeper = Sweeper(kb)  # as verify runs it: each proposition's ablation too
    plain = Sweeper(kb, ablations=False)  # the verdicts of every combination only
    every = np.arange(sweeper.space.total)
    cores = os.cpu_count() or 1
    whole = median_ms(lambda: sweep(plain, every, jobs=cores), plan.process_repeats) / 1000
    with_ablations = median_ms(lambda: sweep(sweeper, every, jobs=cores), plan.process_repeats) / 1000
    one = median_ms(lambda: plain.run(every[: plan.verify_sample]), plan.process_repeats) / 1000
    figures = {
        "sweep_per_s": sweeper.space.total / whole,
        "verify_cases_per_s": plan.verify_sample / one,
        "sweep_full_s": whole,
        "sweep_ablations_s": with_ablations,
    }
    if clips_ms_per_case:
        figures["sweep_vs_clips"] = figures["sweep_per_s"] / (1000 / clips_ms_per_case)
    propositions = [p.id for p in kb.propositions]
    start = time.perf_counter()
    for pid in propositions:
        without = [r.id for r in kb.rules if pid in r.propositions]
        sweep(sweeper, every, jobs=cores, without=without)
    figures["ablation_sweep_s"] = time.perf_counter() - start
    if plan.quick:
        _, figures["verify_peak_mb"], _ = _sweep("--sample", str(plan.verify_sample))
    else:
        seconds, figures["verify_peak_mb"], _ = _sweep()
        figures["verify_full_min"] = seconds / 60
    return figures


def scenario_figures(plan):
    """``main.py scenario FILE --format json`` end to end (every state's whole
    explanation in the json), with the peak memory: Europe 1936 as shipped (17 states;
    a synthetic 17-state system when it is absent) and a synthetic 60-state system."""
    from alliance_advisor.rules.scenario import ScenarioEngine, parse_scenario_text
    from bench.scenarios import synthetic_scenario

    out = {}
    # In process, as the app reruns it on every edit: the quick run (verdicts and blocs)
    # and the run with every state's explanation.
    shipped_1936 = ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"
    kb = load_knowledge()
    engine = ScenarioEngine(Advisor(kb))
    text = shipped_1936.read_text(encoding="utf-8") if shipped_1936.exists() else synthetic_scenario(17)
    scenario = parse_scenario_text(text, kb)
    repeats = plan.engine_repeats * 3
    out["scenario_live_ms"] = median_ms(lambda: engine.run(scenario, explanations=False), repeats)
    out["scenario_explained_ms"] = median_ms(lambda: engine.run(scenario), repeats)
    with tempfile.TemporaryDirectory() as folder:
        shipped = ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"
        files = {"scenario_17": shipped, "scenario_60": Path(folder) / "synthetic_60.yaml"}
        if not shipped.exists():
            files["scenario_17"] = Path(folder) / "synthetic_17.yaml"
            files["scenario_17"].write_text(synthetic_scenario(17), encoding="utf-8")
        files["scenario_60"].write_text(synthetic_scenario(60), encoding="utf-8")
        for key, path in files.items():
            runs = []
            for _ in range(plan.process_repeats + 1):  # the first is a warm-up
                argv = [
                    sys.executable,
                    "-c",
                    _MEASURE,
                    sys.executable,
                    "main.py",
                    "scenario",
                    str(path),
                    "--format",
                    "json",
                ]
                proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
                head, _, body = proc.stdout.partition("\n")
                seconds, peak_kb, code = head.split()
                if code != "0":
                    raise RuntimeError(f"main.py scenario {path.name} failed: {body.strip()[-300:]}")
                runs.append((float(seconds), int(peak_kb) / 1024))
            out[f"{key}_s"] = statistics.median(r[0] for r in runs[1:])
            out[f"{key}_peak_mb"] = max(r[1] for r in runs[1:])
    return out


# ---------------------------------------------------------------- the table

# key, part of the product, label, unit, format, target (text), met(value)
ROWS = [
    ("experta_ms_per_case", "engines", "experta: ms per case (analyze, trace and why-not)", "ms", "{:.3f}", "", None),
    ("clips_ms_per_case", "engines", "CLIPS via clipspy: ms per case (same rules)", "ms", "{:.3f}", "", None),
    ("ratio_experta_clips", "engines", "ratio experta / CLIPS", "x", "{:.1f}", "<= 5", lambda v: v <= 5),
    ("disagreements", "engines", "cases where experta and CLIPS disagree", "", "{:d}", "0", lambda v: v == 0),
    ("whatif_ms", "what-if", "what-if, all single-answer changes of a case", "ms", "{:.1f}", "< 60", lambda v: v < 60),
    (
        "verify_cases_per_s",
        "verify",
        "sweep: combinations per second (3 worlds each), one core",
        "/s",
        "{:,.0f}",
        "",
        None,
    ),
    ("sweep_per_s", "verify", "sweep: combinations per second, whole space, all cores", "/s", "{:,.0f}", "", None),
    (
        "sweep_vs_clips",
        "verify",
        "sweep combinations per second / CLIPS cases per second",
        "x",
        "{:.0f}",
        ">= 100",
        lambda v: v >= 100,
    ),
    ("sweep_full_s", "verify", "sweep: whole space (331,776 x 3 worlds), all cores", "s", "{:.2f}", "", None),
    (
        "sweep_ablations_s",
        "verify",
        "the same, with every proposition's ablation in every world (verify's)",
        "s",
        "{:.2f}",
        "< 60",
        lambda v: v < 60,
    ),
    (
        "ablation_sweep_s",
        "verify",
        "rerunning the whole program without each proposition in turn",
        "s",
        "{:.1f}",
        "",
        None,
    ),
    (
        "verify_full_min",
        "verify",
        "main.py verify, full space, 2 cores, end to end",
        "min",
        "{:.2f}",
        "< 5",
        lambda v: v < 5,
    ),
    (
        "verify_peak_mb",
        "verify",
        "verify sweep: peak memory of one process (a)",
        "MB",
        "{:.0f}",
        "< 300",
        lambda v: v < 300,
    ),
    ("python_start_s", "processes", "python -c pass: the interpreter's own start (= 1x)", "s", "{:.3f}", "", None),
    ("python_start_cpu_s", "processes", "  CPU (user + system)", "s", "{:.3f}", "", None),
    ("version_s", "start", "main.py --version, end to end", "s", "{:.3f}", "", None),
    ("version_cpu_s", "start", "  CPU (user + system)", "s", "{:.3f}", "< 0.1", lambda v: v < 0.1),
    (
        "window_shown_s",
        "window",
        "app window shown (offscreen), from process start",
        "s",
        "{:.2f}",
        "< 1.0",
        lambda v: v < 1.0,
    ),
    ("window_shown_cpu_s", "window", "  CPU (user + system)", "s", "{:.2f}", "", None),
    (
        "cli_analyze_s",
        "cli",
        "main.py analyze CASE --format json, end to end",
        "s",
        "{:.2f}",
        "< 0.6",
        lambda v: v < 0.6,
    ),
    ("cli_analyze_cpu_s", "cli", "  CPU (user + system)", "s", "{:.2f}", "< 0.4", lambda v: v < 0.4),
    ("edit_first_ms", "edit", "the app's first analysis (New Case: 11 unknown answers)", "ms", "{:.0f}", "", None),
    ("verdict_table_s", "edit", "the verdict table of the whole space, once per world", "s", "{:.2f}", "", None),
    (
        "edit_new_case_ms",
        "edit",
        "an edit: New Case answered question by question, slowest",
        "ms",
        "{:.1f}",
        "< 20",
        lambda v: v < 20,
    ),
    (
        "edit_worst_ms",
        "edit",
        "an edit: random cases, 0-11 unknown, slowest median",
        "ms",
        "{:.1f}",
        "< 20",
        lambda v: v < 20,
    ),
    ("edit_worst_unknown", "edit", "  at this many unknown answers", "", "{:d}", "", None),
    (
        "scenario_live_ms",
        "scenario",
        "scenario rerun after an edit, 17 states, in process (quick)",
        "ms",
        "{:.0f}",
        "< 100",
        lambda v: v < 100,
    ),
    ("scenario_explained_ms", "scenario", "  the same with every state's explanation", "ms", "{:.0f}", "", None),
    (
        "scenario_17_s",
        "scenario",
        "main.py scenario, 17 states (Europe 1936), json, end to end",
        "s",
        "{:.2f}",
        "< 1.0",
        lambda v: v < 1.0,
    ),
    ("scenario_17_peak_mb", "scenario", "  peak memory", "MB", "{:.0f}", "", None),
    (
        "scenario_60_s",
        "scenario",
        "main.py scenario, 60 synthetic states, json, end to end",
        "s",
        "{:.2f}",
        "< 10",
        lambda v: v < 10,
    ),
    ("scenario_60_peak_mb", "scenario", "  peak memory", "MB", "{:.0f}", "", None),
]


# Parts that start processes; their figures are also read as a ratio to python_start_s.
PROCESS_PARTS = {"start", "window", "cli", "scenario"}
RATIO_TO_START = {"version_s", "window_shown_s", "cli_analyze_s", "scenario_17_s", "scenario_60_s"}


def table_rows(report):
    """(figure, value, target, met) for every row of the table, as words."""
    rows = []
    for key, part, label, unit, fmt, target, met in ROWS:
        value = report["figures"].get(key)
        if part == "processes":
            part = next(iter(set(report.get("parts", [])) & PROCESS_PARTS), part)
        if part in report["failed"]:
            text, verdict = "failed (b)", ""
        elif part not in report.get("parts", [part]):
            text, verdict = "not measured (--only)", ""
        elif key in report["skipped"]:
            text, verdict = "not run with --quick", ""
        elif value is None:
            text, verdict = NOT_BUILT, ""
        else:
            text = f"{fmt.format(value)} {unit}".strip()
            start = report["figures"].get("python_start_s")
            if key in RATIO_TO_START and start:
                text = f"{text} ({value / start:.0f}x)"
            verdict = "" if met is None else ("yes" if met(value) else "NO")
        rows.append((label, text, target, verdict))
    return rows


def heading_lines(report):
    m = report["machine"]
    return [
        f"Alliance Advisor benchmark ({'quick' if report['quick'] else 'full'}): "
        f"{report['cases']} generated cases (seed {SEED}), knowledge base {report['knowledge_version']}",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['os']}; Python {m['python']}, "
        f"experta {m['experta']}, clipspy {m['clipspy']}",
        f"Each figure: median of {report['engine_repeats']} passes (engines) or "
        f"{report['process_repeats']} runs (processes) after a warm-up.",
    ]


def notes_lines(report):
    lines = [f"(a) of the full sweep; with --quick, of a sweep of {report['verify_sample']:,} sampled combinations"]
    return lines + [f"(b) {part}: {message}" for part, message in report["failed"].items()]


def render_table(report):
    lines = [*heading_lines(report), ""]
    width = max(len(label) for _, _, label, *_ in ROWS)
    lines.append(f"{'figure':{width}}  {'value':>22}  {'target':>7}  met")
    lines.append("-" * (width + 40))
    for label, text, target, verdict in table_rows(report):
        lines.append(f"{label:{width}}  {text:>22}  {target:>7}  {verdict}")
    lines += notes_lines(report)
    return "\n".join(lines) + "\n"


def record_page(report, argv):
    """The table as a stamped Markdown page (--record), for docs/results/performance.md."""
    from alliance_advisor.presentation.record import command_line, markdown_table, page

    body = [f"- {line}" for line in heading_lines(report)]
    body += ["", *markdown_table(["figure", "value", "target", "met"], table_rows(report)), ""]
    body += [f"- {line}" for line in notes_lines(report)]
    return page("Performance", command_line("python -m bench", argv), body)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (under a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as json")
    parser.add_argument("--record", metavar="FILE.md", help="also write the table as a stamped Markdown page")
    parser.add_argument(
        "--only",
        metavar="PART,...",
        help="measure only these parts: engines, what-if, verify, start, window, cli, edit, scenario",
    )
    args = parser.parse_args(argv)
    plan = Plan(args.quick)
    kb = load_knowledge()
    parts = {
        "engines": lambda: engines_side_by_side(kb, generated_cases(kb), plan.engine_repeats),
        "what-if": lambda: {"whatif_ms": whatif_ms(kb, plan)},
        "verify": lambda: verify_sweep(kb, plan, figures.get("clips_ms_per_case")),
        "start": lambda: version_s(plan),
        "window": lambda: window_shown_s(plan),
        "cli": lambda: cli_analyze_s(plan),
        "edit": lambda: edit_figures(kb, plan),
        "scenario": lambda: scenario_figures(plan),
    }
    if args.only:
        chosen = [p.strip() for p in args.only.split(",") if p.strip()]
        unknown = [p for p in chosen if p not in parts]
        if unknown:
            parser.error(f"unknown part(s) {', '.join(unknown)} (one of {', '.join(parts)})")
        parts = {p: parts[p] for p in chosen}
    figures, failed = {}, {}
    if set(parts) & PROCESS_PARTS:  # every process figure beside the interpreter's own start
        figures.update(interpreter_start(plan))
    for part, measure in parts.items():
        try:
            figures.update(measure())
        except Exception as exc:  # one broken part must not hide the other figures
            failed[part] = f"{type(exc).__name__}: {exc}"
    report = {
        "machine": machine(),
        "quick": plan.quick,
        "cases": CASES,
        "seed": SEED,
        "knowledge_version": kb.version,
        "engine_repeats": plan.engine_repeats,
        "process_repeats": plan.process_repeats,
        "verify_sample": plan.verify_sample,
        "figures": figures,
        "parts": list(parts),
        "skipped": ["verify_full_min"] if plan.quick else [],
        "failed": failed,
        "ratio_experta_clips": figures.get("ratio_experta_clips"),
    }
    print(render_table(report), end="")
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=2) + "\n")
    if args.record:
        atomic_write_text(args.record, record_page(report, sys.argv[1:] if argv is None else argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
