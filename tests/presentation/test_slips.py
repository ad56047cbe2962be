"""Text slips a lecturer would circle (issue 21): no '(s)' plurals, no doubled full
stops, labels where a reader expects words rather than ids, a sentence on a state that
names the state, and a scenario's choice table that a PDF page break does not cut."""

import re
from pathlib import Path

import pytest

from alliance_advisor.app.export import write, write_report
from alliance_advisor.presentation.case import (
    render_evaluation_text,
    render_proposition_map,
    render_text,
    render_verify_text,
)
from alliance_advisor.presentation.scenario import render_scenario_text
from alliance_advisor.reports.case import Bullets, Heading
from alliance_advisor.reports.scenario import scenario_report_blocks
from alliance_advisor.rules import load_case
from alliance_advisor.rules.case import evaluate
from alliance_advisor.rules.inference import verify
from alliance_advisor.rules.kb import proposition_map
from alliance_advisor.rules.scenario import ScenarioEngine, load_scenario
from conftest import CASES_DIR, ROOT

SCENARIOS = sorted((ROOT / "knowledge" / "scenarios").glob("*.yaml"))
CASES = sorted(CASES_DIR.glob("*.yaml"))
NORWAY = CASES_DIR / "norway_1949.yaml"
EUROPE_1936 = ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"

# "(s)" after a word: 'rule(s)', 'round(s)'; '..' not part of an ellipsis.
PAREN_PLURAL = re.compile(r"\w\(s\)")
DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def slips(text):
    """The slips of punctuation and number found in ``text``, with their context."""
    found = []
    for pattern in (PAREN_PLURAL, DOUBLE_STOP):
        for m in pattern.finditer(text):
            found.append(text[max(0, m.start() - 40) : m.end() + 20])
    return found


@pytest.fixture(scope="module")
def case_results(advisor, kb):
    return {path.name: advisor.analyze(load_case(path, kb), extras=True) for path in CASES}


@pytest.fixture(scope="module")
def scenario_results(advisor, kb):
    engine = ScenarioEngine(advisor)
    return {path.name: engine.run(load_scenario(path, kb)) for path in SCENARIOS}


# ------------------------------------------------------------------ the helper
def test_counts_agree_with_their_nouns():
    from alliance_advisor.presentation.grammar import counted, plural

    assert counted(1, "rule") == "1 rule" and counted(0, "rule") == "0 rules"
    assert counted(2, "round") == "2 rounds" and counted(12768, "tie") == "12,768 ties"
    assert plural(1, "worker") == "worker" and plural(3, "worker") == "workers"
    assert counted(2, "analysis") == "2 analyses" and counted(2, "child", "children") == "2 children"


def test_a_sentence_closes_with_one_full_stop():
    from alliance_advisor.presentation.citations import inverted_name, listed_sources
    from alliance_advisor.presentation.grammar import closed, unclosed

    assert closed("Walt, Stephen M.") == "Walt, Stephen M."
    assert closed("Walt 1987") == "Walt 1987." and closed("Why?") == "Why?"
    assert unclosed("pp. 211-233.") == "pp. 211-233" and unclosed("v7.0") == "v7.0"
    assert inverted_name("Stephen M. Walt") == "Walt, Stephen M."
    assert listed_sources(["A. 58-66.", "B (Macmillan, 1984)"]) == "A. 58-66; B (Macmillan, 1984)."
    assert listed_sources([]) == ""


# ------------------------------------------------------------ the terminal
def test_text_output_of_every_shipped_case_has_no_slips(case_results):
    for name, result in case_results.items():
        assert not slips(render_text(result)), (name, slips(render_text(result)))


def test_margin_over_names_the_runner_up_by_its_label(case_results, kb):
    labels = {kb.response(r).label for r in kb.response_ids}
    seen = 0
    for name, result in case_results.items():
        for runner in re.findall(r"support over ([^)]*)\)", render_text(result)):
            assert runner in labels, (name, runner)  # never 'internal_balance', never '-'
            seen += 1
    assert seen == len(case_results)


def test_a_verdict_with_no_runner_up_says_so_without_a_dash(case_results):
    import dataclasses

    result = dataclasses.replace(next(iter(case_results.values())), runner_up=None)
    text = render_text(result)
    assert "margin over" not in text and "(margin over -)" not in text
    assert "Confidence:" in text


def test_scenario_text_has_no_slips_and_the_anchor_reads_as_a_sentence(kb, scenario_results):
    from alliance_advisor.presentation.scenario import anchor_text

    for name, result in scenario_results.items():
        text = render_scenario_text(kb, result)
        assert not slips(text), (name, slips(text))
        assert not re.search(r"\.:", text), name  # a citation's full stop before a colon
    europe = scenario_results["europe_1936.yaml"]
    text = " ".join(render_scenario_text(kb, europe).split())
    # the rounds are the engine's: since issue 28 (help weighed against the threat itself)
    # this system ends in a cycle of two rounds, and the text says so in one sentence
    assert not europe.stable and "No stable configuration: the rounds repeat in a cycle of 2 rounds." in text
    assert anchor_text(europe).startswith("15 of 17 placed (Poland and Portugal wrong) in Axelrod")
    assert anchor_text(europe).endswith("211-233.")


def test_explain_of_every_proposition_reads_as_sentences(kb):
    for prop in kb.propositions:
        text = render_proposition_map(kb, proposition_map(kb, prop.id))
        assert not slips(text), (prop.id, slips(text))
        assert "name it" not in text
        assert not re.search(r"^Claims +in (balancing|bandwagoning|walt):", text, re.M), prop.id
    text = render_proposition_map(kb, proposition_map(kb, "B3"))
    assert "Cited by      the question on proximity (knowledge/questionnaire.yaml)" in text
    assert "Encoded by 1 rule\n" in text
    c3 = render_proposition_map(kb, proposition_map(kb, "C3"))
    assert "the questions on state_strength and ally_availability" in c3


def test_evaluate_and_verify_text_have_no_paren_plurals(advisor, kb):
    text = render_evaluation_text(evaluate(advisor, CASES_DIR), kb)
    assert not PAREN_PLURAL.search(text)
    report = verify(sample=40, seed=1, jobs=1)
    text = render_verify_text(report)
    assert not PAREN_PLURAL.search(text), slips(text)
    assert "1 worker," in text and re.search(r"\d disagreements?\b", text)


# ------------------------------------------------------------------- reports
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_case_reports_have_no_slips(case_results, tmp_path, fmt):
    for name, result in case_results.items():
        out = tmp_path / f"{Path(name).stem}.{fmt}"
        write_report(result, fmt, out)
        text = out.read_text(encoding="utf-8")
        assert not slips(text), (name, slips(text))
        assert "Walt, Stephen M. " in text  # one full stop after the initial


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_scenario_reports_have_no_slips(scenario_results, tmp_path, fmt):
    for name, result in scenario_results.items():
        out = tmp_path / f"{Path(name).stem}.{fmt}"
        write(result, out, fmt)
        text = out.read_text(encoding="utf-8")
        assert not slips(text), (name, slips(text))
        assert ".;" not in text and ".:" not in text, name
        assert "Walt, Stephen M. " in text and "Ithaca, NY" in text  # the one reference, as the case reports give it


def _not_strongest_bullets(report):
    blocks = report.blocks
    for n, blk in enumerate(blocks):
        if isinstance(blk, Heading) and blk.text == "Where the greatest threat is not the strongest power":
            assert isinstance(blocks[n + 1], Bullets)
            return ["".join(run.text for run in item) for item in blocks[n + 1].items]
    return []


def test_each_bullet_on_a_threat_not_the_strongest_names_its_state(scenario_results):
    checked = 0
    for name, result in scenario_results.items():
        bullets = _not_strongest_bullets(scenario_report_blocks(result))
        expected = [c for c in result.states.values() if c.greatest_threat != c.strongest]
        assert len(bullets) == len(expected), name
        for bullet, choice in zip(bullets, expected):
            state = result.scenario.state(choice.state).name
            threat = result.scenario.state(choice.greatest_threat).name
            assert bullet.startswith(f"For {state}, {threat} is the greater threat"), (name, bullet)
        checked += len(bullets)
    assert checked >= 8  # Europe 1936 alone has eight


def test_the_reference_to_walt_is_one_entry_with_one_full_stop_after_the_author(case_results, scenario_results):
    from alliance_advisor.reports.case import report_blocks
    from alliance_advisor.reports.markdown import render_markdown

    case = render_markdown(report_blocks(case_results["norway_1949.yaml"]), "n")
    scenario = render_markdown(scenario_report_blocks(scenario_results["europe_1936.yaml"]), "e")
    entry = "Walt, Stephen M. *The Origins of Alliances*. Ithaca, NY: Cornell University Press, 1987."
    assert case.count(entry) == 2  # the references and how to cite
    assert scenario.count(entry) == 1


# ----------------------------------------------------------------------- PDF
def _squashed(page):
    return "".join(page.extract_text().split())


def test_the_scenario_pdf_keeps_the_choice_table_on_one_page_and_loses_nothing(scenario_results, tmp_path):
    from pypdf import PdfReader

    result = scenario_results["europe_1936.yaml"]
    out = tmp_path / "e.pdf"
    write(result, out, "pdf")
    pages = [_squashed(p) for p in PdfReader(str(out)).pages]
    # The header repeats on every page a table goes on to; the threat cells '(16 of 24)'
    # are the table's alone.
    with_header = [n for n, text in enumerate(pages) if "Choiceandpartners" in text]
    assert len(with_header) == 1, with_header
    cells = [len(re.findall(r"\(\d+of\d+\)", text)) for text in pages]
    assert cells[with_header[0]] == len(result.states) == sum(cells), cells
    # Laying the table out anew must not drop what follows it.
    everything = "".join(pages)
    for choice in result.states.values():
        heading = (
            f"{result.scenario.state(choice.state).name} facing {result.scenario.state(choice.greatest_threat).name}"
        )
        assert "".join(heading.split()) in everything, heading
    for heading in ("Contestedcodings", "Sources", "Howtociteandreproduce", "Thedata"):
        assert heading in everything


def test_the_case_pdf_has_no_slips(case_results, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "n.pdf"
    write_report(case_results["norway_1949.yaml"], "pdf", out)
    text = "".join(_squashed(p) for p in PdfReader(str(out)).pages)
    assert "(s)" not in text and "Stephen M.." not in text
    assert "Walt,StephenM.TheOriginsofAlliances" in text


def test_contested_codings_name_states_not_the_files_keys(scenario_results):
    for name, result in scenario_results.items():
        sc = result.scenario
        for note in sc.contested:
            assert not re.match(r"[a-z_]+-[a-z_]+ ", note), (name, note)  # 'britain-germany ambiguous'
            assert not re.match(r"(observed|region|anchor)\b", note), (name, note)
            assert "`" not in note, (name, note)
            # 'soviet_union', though a file name may hold it (knowledge/cases/saudi_arabia_1957.yaml)
            ids = [s.id for s in sc.states if "_" in s.id]
            assert not any(re.search(rf"(?<![\w/]){i}(?!\w)", note) for i in ids), (name, note)
