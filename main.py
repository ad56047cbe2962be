"""Alliance Advisor: the one entry point.

    python main.py                      the desktop app
    python main.py analyze CASE.yaml    analyse cases (text, json, md, html, pdf)
    python main.py evaluate [DIR]       agreement with the historical library
    python main.py validate [DIR]       check a knowledge base
    python main.py verify [DIR]         sweep the questionnaire space
    python main.py gui --screenshot OUT render the main window to a PNG

Bad input of any kind ends with one line on stderr naming the file and the
problem, and exit code 2. The command line never imports Qt unless asked for
the app, a screenshot or a PDF.
"""
import argparse
import json
import sys

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, exit 2, like every other bad input.
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def _advisor(args):
    from rules import Advisor, load_knowledge
    return Advisor(load_knowledge(getattr(args, "knowledge", None)))


def _emit(text, output):
    if output:
        from rules.fileio import atomic_write_text
        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)


def cmd_analyze(args):
    from rules import load_case
    from rules.textreport import render_text
    advisor = _advisor(args)
    cases = [load_case(path, advisor.kb) for path in args.cases]   # validate all first
    if args.format in ("md", "html", "pdf"):
        if len(cases) != 1 or not args.output:
            raise _usage(f"--format {args.format} takes one case and -o OUT")
        from reports import write_report
        result = advisor.analyze(cases[0], world=args.world, extras=True)
        write_report(result, args.format, args.output, paper=args.paper)
        return 0
    extras = args.format == "json"
    results = [advisor.analyze(case, world=args.world, extras=extras) for case in cases]
    if args.format == "json":
        data = [r.to_dict() for r in results]
        payload = data[0] if len(data) == 1 else data
        _emit(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", args.output)
    else:
        _emit("\n".join(render_text(r) for r in results), args.output)
    return 0


def cmd_evaluate(args):
    from rules.evaluation import evaluate, render_evaluation_text
    advisor = _advisor(args)
    table = evaluate(advisor, args.directory)
    if args.format == "json":
        _emit(json.dumps(table, indent=2) + "\n", None)
    else:
        _emit(render_evaluation_text(table, advisor.kb), None)
    return 0


def cmd_validate(args):
    from rules import load_knowledge, load_library
    kb = load_knowledge(args.directory)
    counts = kb.counts()
    cases_dir = kb.directory / "cases"
    counts["cases"] = len(load_library(cases_dir, kb)) if cases_dir.is_dir() else 0
    print(f"{kb.directory}: valid (version {kb.version})")
    for name, count in counts.items():
        print(f"  {name:14s} {count}")
    return 0


def cmd_verify(args):
    from rules.verify import run_verify_command
    return run_verify_command(args)


def cmd_gui(args):
    from gui.app import run_app
    return run_app(args)


class _UsageError(Exception):
    pass


def _usage(message):
    return _UsageError(message)


def build_parser():
    parser = _Parser(prog="main.py", description="Alliance Advisor: Walt's balance-of-threat theory "
                                                 "as an expert system.")
    parser.add_argument("--knowledge", metavar="DIR", help="knowledge base directory (default: shipped)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("analyze", help="analyse one or more case files")
    p.add_argument("cases", nargs="+", metavar="CASE.yaml")
    p.add_argument("--format", choices=("text", "json", "md", "html", "pdf"), default="text")
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument("--world", choices=("walt", "balancing", "bandwagoning"), default="walt",
                   help="which hypotheses hold (default: walt, the conditions decide)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("evaluate", help="agreement of predictions with observed responses")
    p.add_argument("directory", nargs="?", metavar="DIR", help="case directory (default: the library)")
    p.add_argument("--format", choices=("text", "json"), default="text")
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
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("gui", help="the desktop app (also the default)")
    p.add_argument("--screenshot", metavar="OUT.png", help="render the main window to a PNG and exit")
    p.add_argument("--case", metavar="CASE.yaml", help="open this case")
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1024x700 (default 1400x900 for screenshots)")
    p.add_argument("--dark", action="store_true", help="use the dark colour scheme whatever the system's")
    p.add_argument("--smoke", action="store_true",
                   help="show the window, open --case, wait for the analysis and quit (exit 0): a CI check")
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"] + (["--knowledge", args.knowledge] if args.knowledge else []))
    from rules.errors import AdvisorError
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
        if "--debug" in sys.argv or __import__("os").environ.get("ALLIANCE_DEBUG"):
            raise
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
