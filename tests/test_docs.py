"""The documentation names only what exists: every `main.py SUB` and its options, every
`make TARGET`, every relative link; and the README stays short enough to be read to the end.

A page that names an option which was renamed, or links a page which moved, sends a
newcomer nowhere; these checks make such a page fail the suite instead.
"""

import argparse
import re
from pathlib import Path

import pytest

from alliance_advisor.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
MEASURED = sorted((ROOT / "docs" / "results").glob("*.md"))
README_MAX_LINES = 100

# `main.py SUB ... --option`: a command runs to the end of its line (or over lines that end
# with a backslash) and stops at a closing backquote, a table's cell border or a comment.
COMMAND = re.compile(r"main\.py((?:[^\n]*\\\n)*[^\n]*)")
END = re.compile(r"`| \| | #")
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
# `make TARGET` in backquotes, or a line of a code block that starts with it (not prose:
# "make it")
MAKE = re.compile(r"(?:`|^\s*)make ([a-z][\w.-]*)", re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Options a page names apart from a command line, by the subcommand its section is about.
SECTION = re.compile(r"^#+ (?:`?main\.py )?`?([a-z-]+)`?\s*$", re.M)


def _subcommands():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    top = {opt for a in parser._actions for opt in a.option_strings}
    return top, {name: {opt for a in p._actions for opt in a.option_strings} for name, p in sub.choices.items()}


TOP, SUBS = _subcommands()


def _page_ids(page):
    return page.relative_to(ROOT).as_posix()


def _commands(text):
    """(subcommand or None, options) of every `main.py ...` the text names."""
    for match in COMMAND.finditer(text):
        command = END.split(match.group(1).replace("\\\n", " "), maxsplit=1)[0]
        words = command.split()
        sub = next((w for w in words if not w.startswith(("-", "["))), None)
        if sub is not None and sub not in SUBS:
            if words[0] == sub:
                continue  # prose after "main.py" ("main.py makes the same check"), not a command
        yield sub, set(OPTION.findall(command))


def test_pages_are_found():
    names = {p.name for p in PAGES}
    for page in ("install.md", "app.md", "cli.md", "formats.md", "reasoning.md", "scenarios.md"):
        assert page in names
    for page in ("history.md", "performance.md", "architecture.md", "development.md"):
        assert page in names


@pytest.mark.parametrize("page", PAGES, ids=_page_ids)
def test_every_subcommand_and_option_named_exists(page):
    text = page.read_text(encoding="utf-8")
    seen = 0
    for sub, options in _commands(text):
        seen += 1
        if sub is not None and sub not in SUBS:
            pytest.fail(f"{page.name}: `main.py {sub}` is no subcommand (there are {', '.join(SUBS)})")
        known = TOP | (SUBS[sub] if sub else set())
        unknown = sorted(o for o in options if o not in known)
        assert not unknown, f"{page.name}: `main.py {sub or ''}` has no option {', '.join(unknown)}"
    if page == README:
        assert seen >= 6, "the README shows the six example commands"


@pytest.mark.parametrize("page", PAGES, ids=_page_ids)
def test_every_option_a_section_names_belongs_to_its_subcommand(page):
    """In a section about one subcommand (`## verify`), every `--option` in backquotes is
    one of its options, the program's own, or another subcommand's named with it."""
    text = page.read_text(encoding="utf-8")
    parts = SECTION.split(text)
    for title, body in zip(parts[1::2], parts[2::2]):
        if title not in SUBS:
            continue
        for quoted in re.findall(r"`([^`]+)`", body):
            if "main.py" in quoted or "pytest" in quoted or "bench" in quoted:
                continue  # a command of its own, checked above
            words = quoted.split()
            sub = words[0] if words[0] in SUBS else title  # `analyze --format json` in another's section
            known = TOP | SUBS[sub] | {"--help"}
            for word in words:
                m = OPTION.fullmatch(word.split("=")[0])
                if m and m.group(1).startswith("--"):
                    assert m.group(1) in known, f"{page.name}, section {title}: {m.group(1)} is not an option of {sub}"


def test_the_checks_can_fail():
    """The parser holds what the pages name, and refuses what they do not."""
    assert "--record" in SUBS["evaluate"] and "--record" in SUBS["history"]
    assert list(_commands("python main.py verify --recrod x.md")) == [("verify", {"--recrod"})]
    assert "--recrod" not in SUBS["verify"]
    assert MAKE.findall("we make it so; run `make lint`\n    make test  # all") == ["lint", "test"]
    assert list(_commands("main.py makes the same check")) == []
    assert list(_commands("main.py scenario-from-cow --year 1936 \\\n    --nmc a.csv -o b  # --not")) == [
        ("scenario-from-cow", {"--year", "--nmc", "-o"})
    ]
    assert list(_commands("| `main.py history --data DIR` | every --year |")) == [("history", {"--data"})]
    assert list(_commands("main.py history [--from YEAR] [--format text|json] [-o OUT]")) == [
        ("history", {"--from", "--format", "-o"})
    ]


def _make_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([\w./-]+):", makefile, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=_page_ids)
def test_every_make_target_named_exists(page):
    targets = _make_targets()
    named = set(MAKE.findall(page.read_text(encoding="utf-8")))
    assert named <= targets, f"{page.name} names make {', '.join(sorted(named - targets))}, not in the Makefile"


def test_readme_names_the_two_commands_that_set_everything_up():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    assert {"run", "test"} <= _make_targets()


@pytest.mark.parametrize("page", PAGES + MEASURED, ids=_page_ids)
def test_every_relative_link_points_to_an_existing_file(page):
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        path = (page.parent / target.split("#")[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert not broken, f"{page.name} links to missing files: {', '.join(broken)}"


def test_the_readme_stays_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines < README_MAX_LINES, f"README.md has {lines} lines; what a user needs beyond a first run goes in docs/"


def test_the_readme_indexes_every_page_of_docs():
    text = README.read_text(encoding="utf-8")
    missing = [p.name for p in PAGES[1:] if f"docs/{p.name}" not in text]
    assert not missing, f"README.md's index lacks {', '.join(missing)}"


@pytest.mark.parametrize("page", MEASURED, ids=_page_ids)
def test_measured_pages_are_stamped(page):
    """A page of docs/results/ was written by a command, which stamps it."""
    text = page.read_text(encoding="utf-8")
    assert "do not edit by hand" in text
    assert re.search(r"^    python (main\.py|-m bench)\b", text, re.M), f"{page.name} does not say how to regenerate it"
    for field in ("Commit", "Machine", "Date"):
        assert re.search(rf"^- {field}: \S", text, re.M), f"{page.name} lacks its {field.lower()}"


def test_record_writes_a_stamped_page_with_the_measured_table(tmp_path, capsys):
    """`--record` writes what docs/results/ holds: the stamp, then the table in Markdown."""
    from alliance_advisor.main import main

    out = tmp_path / "scenarios.md"
    scenario = str(ROOT / "knowledge" / "scenarios" / "middle_east_1957.yaml")
    assert main(["scenario", scenario, "--record", str(out)]) == 0
    assert "Rival theories" in capsys.readouterr().out  # the usual output still goes to stdout
    text = out.read_text(encoding="utf-8")
    assert "do not edit by hand" in text and "--record" in text
    assert re.search(r"^- Commit: ([0-9a-f]{4,}|unknown)$", text, re.M)
    assert "| Balance of threat (Walt) | this run |" in text
    assert main(["scenario", scenario, scenario]) == 2  # several scenarios only for a page


def test_a_recorded_command_names_the_users_paths_by_their_kind():
    from alliance_advisor.presentation.record import command_line

    shown = command_line("python main.py", ["history", "--data", "/home/me/data", "--db=/tmp/r.sqlite", "--jobs", "2"])
    assert shown == "python main.py history --data DIR --db=FILE --jobs 2"
