"""Alliance Advisor: the one entry point.

    python main.py                      the desktop app
    python main.py analyze CASE.yaml    analyse cases (text, json, md, html, pdf)
    python main.py evaluate [DIR]       agreement with the historical library
    python main.py validate [DIR]       check a knowledge base
    python main.py verify [DIR]         sweep the questionnaire space
    python main.py explain B3           where a proposition lives and what encodes it
    python main.py scenario FILE        several powers: greatest threats, choices, coalitions
    python main.py scenario-from-cow    a scenario's capabilities and neighbours from COW CSV files
    python main.py history --data DIR   every year of the state system, against what happened
                                        (--data defaults to $ALLIANCE_DATA)
    python main.py schema               the JSON Schema of the result object
    python main.py schema --kind case   the JSON Schema of a case file (or scenario)
    python main.py gui --screenshot OUT render the main window to a PNG
    python main.py --version            the program's version and the knowledge base's hash

Bad input of any kind ends with one line on stderr naming the file and the
problem, and exit code 2. The command line never imports Qt unless asked for
the app, a screenshot or a PDF.
"""

import argparse
import json
import os
import sys

# The vectorised evaluator works element by element and never calls BLAS, so numpy's
# OpenBLAS need not start a thread pool on import (about 30 ms of CPU per process).
# A user's own setting stands.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, exit 2, like every other bad input.
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def _advisor(args):
    from alliance_advisor.rules.case import Advisor
    from alliance_advisor.rules.kb import load_knowledge

    advisor = Advisor(load_knowledge(getattr(args, "knowledge", None)))
    world = getattr(args, "world", None)
    worlds = [w.id for w in advisor.kb.worlds]
    if world is not None and world not in worlds:
        raise _usage(f"unknown world '{world}' (this knowledge base has {', '.join(worlds)})")
    return advisor


def _emit(text, output):
    if output:
        from alliance_advisor.rules.fileio import atomic_write_text

        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)


# An output name's extension -> the format it asks for (the reports' own, and text).
TEXT_EXTENSIONS = {".txt": "text", ".text": "text"}


def _output_format(args):
    """The format to write: --format if given, else the output name's extension,
    else text. A --format that contradicts the extension, or an extension that
    names no format when --format is not given, is refused before any work."""
    if not args.output:
        return args.format or "text"

    from alliance_advisor.app.export import EXTENSIONS

    extension = os.path.splitext(args.output)[1].lower()
    implied = {**EXTENSIONS, **TEXT_EXTENSIONS}.get(extension)
    if args.format is None:
        if implied is None:
            known = ", ".join(sorted({**EXTENSIONS, **TEXT_EXTENSIONS}))
            raise _usage(f"{args.output}: cannot tell the format from the name (use one of {known}, or give --format)")
        return implied
    if implied is not None and implied != args.format:
        raise _usage(
            f"{args.output}: --format {args.format} contradicts the name, which asks for "
            f"{implied} (drop --format, or name the file *.{_first_extension(args.format)})"
        )
    return args.format


def _first_extension(fmt):
    from alliance_advisor.app.export import EXTENSIONS

    return next((ext for ext, f in {**EXTENSIONS, **TEXT_EXTENSIONS}.items() if f == fmt), "." + fmt)[1:]


def _shipped_path(path):
    """``path`` as given if it is on disk; else a path under ``knowledge/`` is looked for in
    the knowledge base the program ships (its case library and scenarios), so that
    `analyze knowledge/cases/norway_1949.yaml` works from any folder, in an installed copy
    and in the standalone app, whose library sits inside the bundle. A file on disk always
    wins, and a path found in neither place is returned as given, for the reader to name."""
    if not path or os.path.isabs(path) or os.path.exists(path):
        return path
    from pathlib import Path

    from alliance_advisor.rules.version import KNOWLEDGE_DIR

    parts = Path(path).parts
    shipped = KNOWLEDGE_DIR.joinpath(*parts[1:]) if len(parts) > 1 and parts[0] == "knowledge" else None
    return str(shipped) if shipped is not None and shipped.is_file() else path


def _read_file_of_kind(path, kind):
    """The parsed YAML of ``path``, which ``kind`` ('case' or 'scenario') of command
    reads; a file of the other kind is refused with the command that reads it, rather
    than with the first key this kind does not know."""
    from alliance_advisor.rules.errors import CaseError
    from alliance_advisor.rules.scenario import ScenarioError, file_kind
    from alliance_advisor.rules.yamlio import read_yaml_file

    error = CaseError if kind == "case" else ScenarioError
    data = read_yaml_file(path, error)
    other = file_kind(data)
    if other is not None and other != kind:
        command = "analyze" if other == "case" else "scenario"
        raise error(f"this is a {other} file, not a {kind}: use `main.py {command}`", path)
    return data


def _record(args, title, body):
    """--record FILE.md: the measured table as a page stamped with the command, the commit,
    the machine and the date (docs/results/ holds them; nothing there is typed by hand)."""
    if args.record:
        from alliance_advisor.presentation.record import command_line, page

        _emit(page(title, command_line("python main.py", args.argv), body()), args.record)


def cmd_analyze(args):
    # Each format imports only its own renderer: json never loads the text, report
    # or figure code.
    from alliance_advisor.rules.case import case_from_data

    args.format = _output_format(args)
    advisor = _advisor(args)
    # validate all first
    paths = [_shipped_path(path) for path in args.cases]
    cases = [case_from_data(_read_file_of_kind(path, "case"), advisor.kb, path) for path in paths]
    if args.format in ("md", "html", "pdf"):
        if len(cases) != 1 or not args.output:
            raise _usage(f"--format {args.format} takes one case and -o OUT")
        from alliance_advisor.app.export import write

        result = advisor.analyze(cases[0], world=args.world, extras=True)
        write(result, args.output, args.format, paper=args.paper, length=args.report or "full")
        return 0
    if args.report is not None:
        raise _usage(f"--report takes a report (--format md, html or pdf), not {args.format}")
    results = [advisor.analyze(case, world=args.world, extras=True) for case in cases]
    if args.format == "json":
        from alliance_advisor.app.export import json_data, json_text

        data = [json_data(r) for r in results]
        payload = data[0] if len(data) == 1 else data
        _emit(json_text(payload), args.output)
    else:
        from alliance_advisor.presentation.case import render_text

        _emit("\n".join(render_text(r) for r in results), args.output)
    return 0


def cmd_evaluate(args):
    from alliance_advisor.presentation.case import render_evaluation_text
    from alliance_advisor.rules.case import evaluate

    advisor = _advisor(args)
    table = evaluate(advisor, args.directory)
    if args.record:
        from alliance_advisor.presentation.record import agreement_body

        _record(args, "Agreement with history", lambda: agreement_body(table, advisor.kb))
    if args.format == "json":
        _emit(json.dumps(table, indent=2) + "\n", None)
    else:
        _emit(render_evaluation_text(table, advisor.kb), None)
    return 0


def cmd_validate(args):
    from alliance_advisor.rules import load_knowledge, load_library

    kb = load_knowledge(args.directory)
    if (kb.directory / "derivation.yaml").exists():
        from alliance_advisor.rules.scenario import load_derivation

        load_derivation(kb)  # the scenario's mapping is checked with the rest
    from alliance_advisor.rules.history import load_state_names

    load_state_names(kb)  # the states' names by year (state_names.yaml), when the base has them
    counts = kb.counts()
    cases_dir = kb.directory / "cases"
    counts["cases"] = len(load_library(cases_dir, kb)) if cases_dir.is_dir() else 0
    print(f"{kb.directory}: valid (version {kb.version})")
    for name, count in counts.items():
        print(f"  {name:14s} {count}")
    return 0


def cmd_verify(args):
    """Sweep the knowledge base: exit 0 clean, 1 findings, 130 interrupted."""
    from alliance_advisor.presentation.case import Progress, render_verify_text
    from alliance_advisor.rules.inference import verify

    directory = args.directory or getattr(args, "knowledge", None)
    progress = Progress(0, enabled=not args.no_progress and sys.stderr.isatty())

    def advance(done, total):
        progress.total = total
        progress.advance(done - progress.done)

    try:
        report = verify(directory, sample=args.sample, seed=args.seed, jobs=args.jobs, progress=advance)
    except KeyboardInterrupt:
        print("verify: interrupted; partial results discarded", file=sys.stderr)
        return 130
    finally:
        progress.close()
    if args.record:
        from alliance_advisor.presentation.record import verification_body

        _record(args, "Verification of the knowledge base", lambda: verification_body(report))
    if args.format == "json":
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_verify_text(report))
    return 0 if report["ok"] else 1


def cmd_scenario(args):
    from alliance_advisor.presentation.scenario import render_scenario_text
    from alliance_advisor.rules.scenario import ScenarioEngine, scenario_from_data

    args.format = _output_format(args)
    if args.format in ("md", "html", "pdf") and not args.output:
        raise _usage(f"--format {args.format} takes -o OUT")
    advisor = _advisor(args)
    if len(args.files) > 1 and not args.record:
        raise _usage("several scenarios are read only with --record FILE.md")
    results = []
    for path in map(_shipped_path, args.files):
        scenario = scenario_from_data(_read_file_of_kind(path, "scenario"), advisor.kb, path)
        results.append((os.path.basename(path), ScenarioEngine(advisor).run(scenario, world=args.world)))
    if args.record:
        from alliance_advisor.presentation.record import scenarios_body

        _record(args, "The three theories on the scenarios", lambda: scenarios_body(results))
        if len(results) > 1:
            return 0
    result = results[0][1]
    if args.format in ("md", "html", "pdf"):
        from alliance_advisor.app.export import write

        write(result, args.output, args.format, paper=args.paper)
    elif args.format == "json":
        from alliance_advisor.app.export import json_data, json_text

        _emit(json_text(json_data(result)), args.output)
    else:
        _emit(render_scenario_text(advisor.kb, result), args.output)
    return 0


def cmd_scenario_from_cow(args):
    from alliance_advisor.rules import load_knowledge
    from alliance_advisor.rules.scenario import load_derivation, scenario_from_cow, scenario_yaml

    nmc, contiguity = args.nmc, args.contiguity
    if nmc is None or contiguity is None:
        from alliance_advisor.rules.history import DATASETS

        folder = _data_folder(args, "its cow/, or --nmc and --contiguity")
        paths = {d.key: os.path.join(folder, d.path) for d in DATASETS}
        nmc, contiguity = nmc or paths["nmc"], contiguity or paths["contiguity"]
    kb = load_knowledge(getattr(args, "knowledge", None))
    states = [s.strip() for s in args.states.split(",") if s.strip()]
    data = scenario_from_cow(args.year, states, nmc, contiguity, load_derivation(kb).cow)
    if args.title:
        data["title"] = args.title
    _emit(scenario_yaml(data), args.output)
    if args.output:
        print(
            f"{args.output}: {len(data['states'])} states, {len(data.get('neighbours') or [])} neighbour pairs; "
            "perceptions are left for you to code",
            file=sys.stderr,
        )
    return 0


def _data_folder(args, needed="the folder holding cow/ and history/"):
    """--data DIR, else $ALLIANCE_DATA; neither is a usage error naming both."""
    from alliance_advisor.rules.history import DATA_ENV, data_dir

    folder = data_dir(getattr(args, "data", None))
    if folder is None:
        raise _usage(f"name the data folder ({needed}) with --data DIR or the environment variable {DATA_ENV}")
    return folder


def _history_progress():
    """A bar with the year and the time left when stderr is a terminal; else one quiet line at the end."""
    if not sys.stderr.isatty():
        return None

    def show(done, total, year, seconds):
        left = seconds / done * (total - done) if done else 0
        bar = "#" * int(30 * done / total)
        sys.stderr.write(f"\r[{bar:<30}] {year} {done}/{total} {int(left) // 60}:{int(left) % 60:02d} left ")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _history_filter(args):
    """The --region or --states filter (None: the whole world), checked before the run."""
    from alliance_advisor.rules.errors import AdvisorError
    from alliance_advisor.rules.history import history_context, region_filter, states_filter

    try:
        if args.region is not None:
            return region_filter(args.region)
        if args.states is not None:
            data, mapping, _engine = history_context(args.data, getattr(args, "knowledge", None))
            return states_filter(args.states, data, mapping)
    except AdvisorError as exc:
        if exc.path is not None:  # a data or knowledge file: its own line
            raise
        raise _usage(exc.message) from None
    return None


def cmd_history(args):
    import time

    from alliance_advisor.rules.history import (
        FIRST_YEAR,
        LAST_YEAR,
        Exports,
        RunStats,
        data_guide,
        missing_data,
        run_history,
    )

    args.data = _data_folder(args)
    missing = missing_data(args.data)
    if missing:
        sys.stderr.write(data_guide(args.data, missing))
        return EXIT_BAD_INPUT
    chosen = _history_filter(args)
    args.format = _output_format(args)
    if args.format in ("md", "html", "pdf") and not args.output:
        raise _usage(f"--format {args.format} takes -o OUT")
    if args.jobs < 1:
        raise _usage("--jobs must be 1 or more")
    stats = RunStats()
    start = time.monotonic()
    run = run_history(
        args.data,
        args.first if args.first is not None else FIRST_YEAR,
        args.last if args.last is not None else LAST_YEAR,
        knowledge_dir=getattr(args, "knowledge", None),
        seed=args.seed,
        db=args.db,
        jobs=args.jobs,
        scheduler=args.scheduler,
        sensitivity_every=args.sensitivity_every,
        progress=_history_progress(),
        stats=stats,
        exports=Exports(dyad_years=args.dyad_years, state_years=args.state_years),
        evaluate=not args.no_evaluation,
    )
    if chosen is not None:
        from alliance_advisor.rules.history import filter_run, history_context

        data, mapping, _engine = history_context(args.data, getattr(args, "knowledge", None))
        run = filter_run(run, chosen, data, mapping)
    if not sys.stderr.isatty():
        print(
            f"history: {len(run['years'])} years, {len(stats.computed)} runs computed, {stats.resumed} resumed, "
            f"{time.monotonic() - start:.1f} s",
            file=sys.stderr,
        )
    if args.record:
        from alliance_advisor.presentation.record import history_body

        ran = (
            f"{len(stats.computed)} year-runs computed, {stats.resumed} resumed from --db, "
            f"{time.monotonic() - start:.0f} s of wall time"
        )
        _record(args, "History of the state system", lambda: history_body(run, ran))
    if args.format in ("md", "html", "pdf"):
        from alliance_advisor.app.export import write

        write(run, args.output, args.format, paper=args.paper)
    elif args.format == "json":
        _emit(json.dumps(run, indent=1, sort_keys=True) + "\n", args.output)
    else:
        from alliance_advisor.presentation.history import render_history_text

        _emit(render_history_text(run), args.output)
    return 0


def cmd_explain(args):
    from alliance_advisor.presentation.case import render_proposition_map
    from alliance_advisor.rules import load_knowledge
    from alliance_advisor.rules.kb import proposition_map

    kb = load_knowledge(getattr(args, "knowledge", None))
    _emit(render_proposition_map(kb, proposition_map(kb, args.proposition)), None)
    return 0


def cmd_schema(args):
    if args.kind == "result":
        from alliance_advisor.rules.case import json_schema

        schema = json_schema()
    else:
        from alliance_advisor.rules import load_knowledge
        from alliance_advisor.rules.case import case_schema
        from alliance_advisor.rules.scenario import scenario_schema

        kb = load_knowledge(getattr(args, "knowledge", None))
        schema = case_schema(kb) if args.kind == "case" else scenario_schema(kb)
    _emit(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", args.output)
    return 0


def cmd_version(args):
    # The knowledge base's hash from its files' bytes: nothing parsed or compiled
    # (main.py validate checks them), so the line costs little more than Python's start.
    from pathlib import Path

    from alliance_advisor.rules.errors import KnowledgeError
    from alliance_advisor.rules.version import KNOWLEDGE_DIR, knowledge_version, version_line

    directory = Path(args.knowledge) if args.knowledge else KNOWLEDGE_DIR
    if not directory.is_dir():
        raise KnowledgeError("knowledge base directory not found", directory)
    try:
        version = knowledge_version(directory)
    except OSError as exc:
        raise KnowledgeError(f"cannot read it ({exc.strerror or exc})", exc.filename or directory) from None
    print(version_line(version))
    return 0


def cmd_gui(args):
    from alliance_advisor.gui.app import run_app

    args.case = _shipped_path(args.case)
    args.scenario = _shipped_path(args.scenario)
    return run_app(args)


class _UsageError(Exception):
    pass


def _usage(message):
    return _UsageError(message)


def build_parser():
    parser = _Parser(
        prog="main.py", description="Alliance Advisor: Walt's balance-of-threat theory as an expert system."
    )
    parser.add_argument("--knowledge", metavar="DIR", help="knowledge base directory (default: shipped)")
    parser.add_argument(
        "--version", action="store_true", help="print the program's version and the knowledge base's hash, and exit"
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("analyze", help="analyse one or more case files")
    p.add_argument("cases", nargs="+", metavar="CASE.yaml")
    p.add_argument(
        "--format",
        choices=("text", "json", "md", "html", "pdf"),
        default=None,
        help="what to write (default: the format named by the extension of OUT, .html .htm .pdf .md "
        ".markdown .json .txt; text without -o). A --format that contradicts OUT's "
        "extension is refused, and so is an OUT whose extension names no format "
        "unless --format says which",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument(
        "--world",
        metavar="WORLD",
        help="which hypotheses hold: a world of the knowledge base (responses.yaml), "
        "by default its own (theory.yaml: walt, where Walt's conditions decide)",
    )
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    p.add_argument(
        "--report",
        choices=("full", "brief"),
        default=None,
        help="with an md, html or pdf report: full (default: the summary, what-if, worlds and analogues, "
        "the rule tables in an appendix) or brief (two pages: the verdict and how sure, what the state did, "
        "the chain, the propositions with pages, what would change it)",
    )
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("evaluate", help="agreement of predictions with observed responses")
    p.add_argument("directory", nargs="?", metavar="DIR", help="case directory (default: the library)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--record", metavar="FILE.md", help="also write the agreement table as a stamped Markdown page")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("validate", help="validate a knowledge base and count its parts")
    p.add_argument("directory", nargs="?", metavar="KNOWLEDGE_DIR")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("verify", help="sweep the questionnaire space and check the knowledge base")
    p.add_argument("directory", nargs="?", metavar="KNOWLEDGE_DIR")
    p.add_argument("--sample", type=int, metavar="N", help="a random sample of N combinations")
    p.add_argument("--seed", type=int, default=1987, help="random seed for --sample")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--record", metavar="FILE.md", help="also write the verification summary as a stamped Markdown page")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("explain", help="where a proposition lives, the rules that encode it and what they need")
    p.add_argument("proposition", metavar="PROPOSITION", help="a proposition id, e.g. B3 or C2")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser(
        "scenario",
        help="a scenario of several powers: each state's greatest threat, its choice and partners, and the coalitions",
    )
    p.add_argument("files", nargs="+", metavar="SCENARIO.yaml", help="one scenario; several with --record")
    p.add_argument(
        "--format",
        choices=("text", "json", "md", "html", "pdf"),
        default=None,
        help="what to write (default: the format OUT's extension names; text without -o)",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument("--world", metavar="WORLD", help="which hypotheses hold (default: walt)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    p.add_argument(
        "--record", metavar="FILE.md", help="also write the three theories' placements as a stamped Markdown page"
    )
    p.set_defaults(func=cmd_scenario)

    p = sub.add_parser(
        "scenario-from-cow",
        help="write a scenario's capabilities, offensive capability estimates and neighbours from COW CSV files",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument(
        "--states",
        required=True,
        metavar="A,B,...",
        help="COW abbreviations, codes or the year's names, e.g. UKG,France,255",
    )
    p.add_argument(
        "--nmc", metavar="NMC.csv", help="COW National Material Capabilities (v7.0 columns; default: the data folder's)"
    )
    p.add_argument("--contiguity", metavar="CONTIGUITY.csv", help="COW Direct Contiguity (default: the data folder's)")
    p.add_argument(
        "--data", metavar="DIR", help="the data folder whose cow/ holds both files (default: $ALLIANCE_DATA)"
    )
    p.add_argument("--title", help="the scenario's title")
    p.add_argument("-o", "--output", metavar="FILE", help="write the scenario here (default: stdout)")
    p.set_defaults(func=cmd_scenario_from_cow)

    p = sub.add_parser(
        "history", help="every year of the state system from the data of the field, against what happened"
    )
    p.add_argument(
        "--data",
        metavar="DIR",
        help="the folder holding cow/ and history/ (the data are not shipped; default: $ALLIANCE_DATA)",
    )
    chosen = p.add_mutually_exclusive_group()
    chosen.add_argument(
        "--region",
        metavar="NAME",
        help="report only this region's states: americas, europe, africa, middle_east, asia (the run is the world)",
    )
    chosen.add_argument(
        "--states",
        metavar="A,B,...",
        help="report only these states: names, abbreviations or COW codes, e.g. 'UKG,France,365'",
    )
    p.add_argument("--from", dest="first", type=int, metavar="YEAR", help="first year (default 1816)")
    p.add_argument("--to", dest="last", type=int, metavar="YEAR", help="last year (default 2010)")
    p.add_argument("--format", choices=("text", "json", "md", "html", "pdf"), help="output format (default: text)")
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument("--db", metavar="FILE", help="keep results in this SQLite file; a killed run resumes from it")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="years run in N processes")
    p.add_argument("--scheduler", metavar="ADDRESS", help="send the years to this Dask distributed scheduler")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the random baseline (default 0)")
    p.add_argument(
        "--sensitivity-every",
        type=int,
        default=5,
        metavar="N",
        help="run the declared variants of the mapping on every Nth year (0: none; default 5)",
    )
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    p.add_argument("--record", metavar="FILE.md", help="also write the headline table as a stamped Markdown page")
    p.add_argument(
        "--dyad-years",
        metavar="FILE",
        help="write the graded dyad-year panel here (CSV, or Parquet by .parquet; metadata in FILE.json)",
    )
    p.add_argument(
        "--state-years", metavar="FILE", help="write the state-year panel here (CSV, or Parquet by .parquet)"
    )
    p.add_argument(
        "--no-evaluation", action="store_true", help="skip the out-of-sample evaluation (summary.evaluation)"
    )
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("schema", help="print the JSON Schema of --format json output, or of a case or scenario file")
    p.add_argument(
        "--kind",
        choices=("result", "case", "scenario"),
        default="result",
        help="result: the --format json output of analyze (default); case, scenario: the files "
        "analyze and scenario read, from the knowledge base (docs/formats.md)",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("gui", help="the desktop app (also the default)")
    p.add_argument("--screenshot", metavar="OUT.png", help="render the main window to a PNG and exit")
    p.add_argument("--case", metavar="CASE.yaml", help="open this case")
    p.add_argument(
        "--scenario", metavar="SCENARIO.yaml", help="with --screenshot: open this scenario and picture its window"
    )
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1024x700 (default 1400x900 for screenshots)")
    p.add_argument("--dark", action="store_true", help="use the dark colour scheme whatever the system's")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="show the window, open --case, wait for the analysis and quit (exit 0): a CI check",
    )
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # the command as typed, for --record
    if args.version:
        args.func = cmd_version
    elif args.command is None:
        args = parser.parse_args(["gui"] + (["--knowledge", args.knowledge] if args.knowledge else []))
    from alliance_advisor.rules.errors import AdvisorError

    try:
        return args.func(args) or 0
    except AdvisorError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except _UsageError as exc:
        print(f"main.py {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still no traceback for the user
        print(f"internal error ({type(exc).__name__}): {exc}. Please report it.", file=sys.stderr)
        if "--debug" in sys.argv or os.environ.get("ALLIANCE_DEBUG"):
            raise
        return EXIT_INTERNAL


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The standalone app (packaging/alliance-advisor.spec): the worker processes of
        # verify and history --jobs start as this executable, which must run the worker,
        # not the command line, in them (spawn on Windows and macOS).
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
