"""``main.py verify``: the sweep finds dead rules, contradictions of the theory,
gaps and ties, on small knowledge bases built for it and on the shipped one."""

import json
import os
import signal
import subprocess
import sys
import time
from io import StringIO

import numpy as np
import pytest

from alliance_advisor import main
from alliance_advisor.presentation.case import Progress
from alliance_advisor.rules import load_knowledge
from alliance_advisor.rules.inference import Space, raise_pairs, verify
from alliance_advisor.rules.kb import Static
from conftest import ROOT

QUESTIONNAIRE = """
sections:
  - {id: situation, title: Situation}
factors:
  - id: state_strength
    section: situation
    question: How strong is the state?
    help: Its own capabilities.
    ordered: true
    levels:
      - {id: weak, label: Weak, meaning: Adds little to a coalition.}
      - {id: strong, label: Strong, meaning: Can tip a contest.}
  - id: threat_power
    section: situation
    question: How powerful is the threat?
    help: Relative to the state.
    ordered: true
    levels:
      - {id: lesser, label: Lesser, meaning: Weaker than the state.}
      - {id: superior, label: Superior, meaning: Clearly stronger.}
      - {id: overwhelming, label: Overwhelming, meaning: Dwarfs the state.}
  - id: ally_availability
    section: situation
    question: Are allies available?
    help: Outside support.
    ordered: true
    levels:
      - {id: none, label: None, meaning: Nobody helps.}
      - {id: probable, label: Probable, meaning: Help is likely.}
"""

RESPONSES = """
weights:
  - {id: tenth, cf: 0.1, meaning: m}
  - {id: fifth, cf: 0.2, meaning: m}
  - {id: third, cf: 0.3, meaning: m}
  - {id: half, cf: 0.5, meaning: m}
  - {id: most, cf: 0.6, meaning: m}
  - {id: nearly, cf: 0.9, meaning: m}
responses:
  - {id: balance, label: Balance, meaning: Ally against the threat., direction: against, mode: alliance}
  - {id: bandwagon, label: Bandwagon, meaning: Align with the threat., direction: with, mode: alliance,
     rare: In this knowledge base balancing always outweighs appeasement in Walt's world.}
  - {id: no_alignment, label: Stay unaligned, meaning: The threat is too small., direction: none}
scoring:
  method: mycin
  min_support: 0.05
  tie_tolerance: 0.0005
  tie_order: [balance, no_alignment, bandwagon]
worlds:
  - {id: balancing, title: A balancing world, description: d, propositions: [], advice: a, risk: r}
  - {id: bandwagoning, title: A bandwagoning world, description: d, propositions: [], advice: a, risk: r}
  - {id: walt, title: Walt's world, description: d, propositions: [C1], advice: a, risk: r}
"""

PROPOSITIONS = """
propositions:
  - {id: B1, group: balancing, title: Balancing, text: t, pages: "32", worlds: [balancing, walt]}
  - id: B2
    group: balancing
    title: Power provokes balancing
    text: t
    pages: "32"
    worlds: [balancing, walt]
    statics:
      - {world: balancing, stage: direction, factor: threat_power, response: against}
  - {id: W1, group: bandwagoning, title: Bandwagoning, text: t, pages: "32", worlds: [bandwagoning, walt]}
  - {id: C1, group: conditions, title: Balancing is the rule, text: t, pages: "32", worlds: [walt]}
  - {id: R3, group: reasoning, title: Threat, text: t, pages: "21", worlds: [balancing, bandwagoning, walt]}
"""

THEORY = """
default_world: walt
threat_fact: significant_threat
balancing_responses: [balance]
bandwagoning_responses: [bandwagon]
source: {short: Walt 1987, author: Stephen M. Walt, title: The Origins of Alliances, publisher: Cornell University
         Press, place: Ithaca, year: 1987, pages: 17-33, bibliography: Walt 1987.}
"""

# One rule per line: id, layer, propositions, explanation, condition, conclusion.
RULES = """
derived:
  - {id: significant_threat, label: Significant threat, levels: ["yes", "no"], meaning: m}
  - {id: direction, label: Direction, levels: [against, with, none], meaning: m}
  - {id: mode, label: Mode, levels: [alliance, own_resources], meaning: m}
stages:
  - {id: threat, layer: derive, concludes: significant_threat, question: How great a threat?}
  - {id: direction, layer: direction, concludes: direction, question: Against it or with it?}
  - {id: mode, layer: mode, concludes: mode, question: How?}
rules:
  - {id: D-SIGNIFICANT, layer: derive, propositions: [R3], explanation: A superior power threatens.,
     when: {fact: threat_power, at_least: superior}, assert: {significant_threat: "yes"}}
  - {id: D-NOT-SIGNIFICANT, layer: derive, propositions: [R3], explanation: A lesser power does not.,
     when: {fact: threat_power, is: lesser}, assert: {significant_threat: "no"}}
  - {id: R3-LOW, layer: direction, propositions: [R3], explanation: Little threat means little reason to align.,
     when: {fact: significant_threat, is: "no"}, effects: {none: +most}}
  - {id: B1-THREAT, layer: direction, propositions: [B1], explanation: A real threat is balanced.,
     when: {fact: significant_threat, is: "yes"}, effects: {against: +half}}
  - {id: B2-POWER, layer: direction, propositions: [B2], explanation: Overwhelming power provokes more.,
     when: {fact: threat_power, is: overwhelming}, effects: {against: +fifth}}
  - {id: W1-THREAT, layer: direction, propositions: [W1], explanation: A weak state appeases a real threat.,
     when: {all: [{fact: significant_threat, is: "yes"}, {fact: state_strength, is: weak}]},
     effects: {with: +third}}
  - {id: C1-RULE, layer: direction, propositions: [C1], explanation: Balancing is the rule.,
     when: {fact: significant_threat, is: "yes"}, effects: {against: +fifth}}
"""

# Passes the loader (each leaf can hold) but can never fire: a lesser threat is
# never significant.
DEAD_RULE = """
  - {id: NEVER, layer: direction, propositions: [W1], explanation: Planted dead rule.,
     when: {all: [{fact: significant_threat, is: "no"}, {fact: threat_power, at_least: superior}]},
     effects: {with: +tenth}}
"""

# Contradicts B2: overwhelming power lowers the support for balancing.
BACKFIRE_RULE = """
  - {id: B2-BACKFIRES, layer: direction, propositions: [B2], explanation: Planted contradiction of B2.,
     when: {fact: threat_power, is: overwhelming}, effects: {against: -nearly}}
"""


def write_tiny_kb(directory, extra_rules="", extra_factors=0):
    """A three-factor knowledge base (12 combinations) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    questionnaire = QUESTIONNAIRE + "".join(
        f"  - {{id: extra_{n}, section: situation, question: q, help: h, ordered: true, levels: "
        f"[{{id: low, label: L, meaning: m}}, {{id: high, label: H, meaning: m}}]}}\n"
        for n in range(extra_factors)
    )
    for name, text in (
        ("questionnaire.yaml", questionnaire),
        ("responses.yaml", RESPONSES),
        ("propositions.yaml", PROPOSITIONS),
        ("rules.yaml", RULES + extra_rules),
        ("theory.yaml", THEORY),
    ):
        (directory / name).write_text(text.lstrip())
    return directory


def run_verify(capsys, *args):
    code = main.main(["verify", "--no-progress", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_knowledge_base_passes(tmp_path, capsys):
    kb_dir = write_tiny_kb(tmp_path / "kb")
    code, out, err = run_verify(capsys, str(kb_dir), "--jobs", "1")
    assert code == 0, out
    assert "Swept all 12 combinations of 3 factors" in out
    assert "dead (never fire): none" in out
    assert "Result: OK" in out and err == ""


def test_json_report_of_a_full_sweep(tmp_path, capsys):
    kb_dir = write_tiny_kb(tmp_path / "kb")
    code, out, _ = run_verify(capsys, str(kb_dir), "--format", "json", "--jobs", "1")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["mode"] == "full"
    assert report["combinations"] == report["space"] == 12
    walt = report["worlds"]["walt"]
    # 4 lesser threats stay unaligned, 8 real threats are balanced in Walt's world.
    assert walt["counts"] == {"balance": 8, "bandwagon": 0, "no_alignment": 4}
    # With only the bandwagoning rules, nothing speaks for or against a strong state
    # facing a real threat: four gaps.
    bandwagoning = report["worlds"]["bandwagoning"]
    assert bandwagoning["counts"]["bandwagon"] == 4 and bandwagoning["gaps"]["count"] == 4
    assert bandwagoning["gaps"]["examples"][0]["answers"]["state_strength"] == "strong"
    for world in report["worlds"].values():
        assert sum(world["counts"].values()) + world["gaps"]["count"] == 12
    assert report["c1"]["holds"] and report["dead"] == [] and report["always"] == []
    fires = {r["id"]: r["fires"] for r in report["rules"]}
    assert fires["D-SIGNIFICANT"] == 8 and fires["B2-POWER"] == 4 and fires["W1-THREAT"] == 4
    (static,) = report["statics"]
    assert (static["proposition"], static["checked"], static["violations"]) == ("B2", 8, 0)


def test_planted_dead_rule_is_found(tmp_path, capsys):
    kb_dir = write_tiny_kb(tmp_path / "kb", DEAD_RULE)
    code, out, _ = run_verify(capsys, str(kb_dir), "--format", "json", "--jobs", "1")
    report = json.loads(out)
    assert code == 1
    assert report["dead"] == ["NEVER"] and not report["ok"]


def test_planted_contradiction_of_a_proposition_is_found(tmp_path, capsys):
    kb_dir = write_tiny_kb(tmp_path / "kb", BACKFIRE_RULE)
    code, out, _ = run_verify(capsys, str(kb_dir), "--jobs", "1")
    assert code == 1
    flat = " ".join(out.split())  # the line wraps at the terminal's width
    assert (
        "B2 balancing raising threat_power (lesser..overwhelming) against never falls at the direction stage: "
        "8 steps checked, 4 VIOLATIONS"
    ) in flat
    assert "threat_power superior -> overwhelming: against +0.50 -> -0.75" in out
    assert "Result: FAILED" in out


def test_sample_reports_unseen_not_dead(tmp_path, capsys):
    kb_dir = write_tiny_kb(tmp_path / "kb", DEAD_RULE)
    code, out, _ = run_verify(capsys, str(kb_dir), "--sample", "5", "--seed", "3", "--format", "json")
    report = json.loads(out)
    assert code == 0, report
    assert report["mode"] == "sample" and report["combinations"] == 5
    assert "NEVER" in report["unseen"] and report["dead"] == []


def test_workers_agree_with_a_single_process(tmp_path):
    kb_dir = write_tiny_kb(tmp_path / "kb", BACKFIRE_RULE + DEAD_RULE)
    alone = verify(kb_dir, jobs=1)
    pooled = verify(kb_dir, jobs=2)
    for report in (alone, pooled):
        del report["seconds"], report["jobs"]
    assert pooled == alone


@pytest.mark.slow
def test_shipped_knowledge_base_contradicts_no_proposition_in_a_sample(capsys):
    code, out, _ = run_verify(capsys, "--sample", "1500", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["contradictions"] == 0 and report["conflicts"]["count"] == 0
    assert report["c1"]["holds"]
    assert {s["proposition"] for s in report["statics"]} >= {
        "B2",
        "B3",
        "B4",
        "B5",
        "W2",
        "W3",
        "W4",
        "W5",
        "C2",
        "C3",
        "C4",
    }
    assert all(s["checked"] > 0 for s in report["statics"])


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--sample", "0"], "--sample must be at least 1"),
        (["--jobs", "-1"], "--jobs must be 0"),
        (["/nonexistent/knowledge"], "knowledge base directory not found"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, args, expected):
    code, out, err = run_verify(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err


def test_progress_bar_draws_and_clears_one_line():
    stream = StringIO()
    bar = Progress(200, enabled=True, stream=stream)
    bar.advance(50)
    bar.advance(150)
    bar.close()
    text = stream.getvalue()
    assert "\rverify " in text and " 25%" in text and "200/200" in text and "\n" not in text
    assert text.endswith("\r")
    quiet = StringIO()
    Progress(10, enabled=False, stream=quiet).advance(10)
    assert quiet.getvalue() == ""


def test_ctrl_c_stops_the_sweep_cleanly(tmp_path):
    # A knowledge base whose space (3 million combinations) takes far longer to sweep
    # than the wait. Like a terminal, deliver SIGINT to the whole process group.
    kb_dir = write_tiny_kb(tmp_path / "kb", extra_factors=18)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "verify", str(kb_dir), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    time.sleep(2.0)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert out == "" and "Traceback" not in err
    assert "interrupted" in err


@pytest.mark.parametrize("factor", ["state_strength", "threat_power", "ally_availability"])
def test_raising_a_factor_visits_every_raise_once(tmp_path, factor):
    # Every combination whose level of the factor can rise is paired, once, with the
    # combination one level higher in that factor and the same in every other.
    kb = load_knowledge(write_tiny_kb(tmp_path / "kb"))
    space = Space(kb)
    levels = kb.factor(factor).level_ids
    static = Static(world="walt", factor=factor, response="balance", over=levels, when=None)
    lows, highs = raise_pairs(space, static, np.arange(space.total))
    pairs = sorted(zip(lows.tolist(), highs.tolist()))
    assert len(set(pairs)) == len(pairs) == space.total // len(levels) * (len(levels) - 1)
    for low, high in pairs:
        before, after = space.answers(low), space.answers(high)
        assert levels.index(after[factor]) == levels.index(before[factor]) + 1
        assert {k: v for k, v in before.items() if k != factor} == {k: v for k, v in after.items() if k != factor}
