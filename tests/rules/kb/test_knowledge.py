"""The shipped knowledge base loads, is complete, and bad ones are refused precisely."""

import shutil

import pytest

from alliance_advisor.rules import KnowledgeError, load_knowledge, load_library
from conftest import CASES_DIR, ROOT


def test_shipped_knowledge_base_is_complete(kb):
    assert len(kb.factors) == 11
    cited = {p for rule in kb.rules for p in rule.propositions}
    for group in ("B", "W"):
        for n in range(1, 7):
            assert f"{group}{n}" in cited
    for n in range(1, 6):
        assert f"C{n}" in cited
    for prop in kb.propositions:
        assert prop.pages and prop.text


def test_questionnaire_contract(kb):
    contract = {
        "state_strength": ("weak", "middle", "strong", "great_power"),
        "threat_power": ("lesser", "comparable", "superior", "overwhelming"),
        "proximity": ("distant", "regional", "neighbour"),
        "offensive_capability": ("low", "moderate", "high"),
        "intentions": ("benign", "ambiguous", "aggressive", "unalterably_aggressive"),
        "ally_availability": ("none", "doubtful", "probable", "certain"),
        "communication": ("effective", "impaired"),
        "war_status": ("peace", "early_war", "late_war", "threat_defeated"),
        "winning_side": ("threat", "threat_opponents", "unclear"),
        "current_alignment": ("unaligned", "with_threat", "against_threat"),
        "pivotal": ("yes", "no"),
    }
    # The contract grows only by addition, at the end of a factor's levels (issue 28: a
    # victorious coalition, whichever power is named as the threat); nothing is renamed.
    added = {"war_status": ("coalition_victory",)}
    assert {f.id: f.level_ids for f in kb.factors} == {k: v + added.get(k, ()) for k, v in contract.items()}


def test_library_covers_every_verdict(kb):
    cases = load_library(CASES_DIR, kb)
    assert len(cases) >= 25
    observed = {c.observed for c in cases}
    assert observed == set(kb.response_ids)
    assert all(c.sources for c in cases)


@pytest.fixture
def kb_copy(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        (
            "rules.yaml",
            "{fact: state_strength, is: weak}",
            "{fact: state_strenght, is: weak}",
            "unknown fact 'state_strenght'",
        ),
        (
            "rules.yaml",
            "{fact: state_strength, is: weak}",
            "{fact: state_strength, is: feeble}",
            "unknown level 'feeble'",
        ),
        ("rules.yaml", "propositions: [B2]", "propositions: [B99]", "dangling proposition 'B99'"),
        ("rules.yaml", "id: B3-PROXIMITY", "id: B2-POWER", "duplicate rule id 'B2-POWER'"),
        (
            "rules.yaml",
            '{fact: threat_power, at_least: superior}\n    assert: {alliance_too_late: "yes"}',
            "{fact: threat_power, at_least: superior}\n        - {fact: threat_power, is: lesser}\n"
            '    assert: {alliance_too_late: "yes"}',
            "can never fire",
        ),
        (
            "rules.yaml",
            "effects: {against: +moderate}",
            "effects: {againts: +moderate}",
            "'againts' is no alternative of the direction stage",
        ),
        # A direction rule may not weigh the mode stage's alternatives.
        (
            "rules.yaml",
            "effects: {against: +moderate}",
            "effects: {alliance: +moderate}",
            "'alliance' is no alternative of the direction stage",
        ),
        ("rules.yaml", "effects: {against: +moderate}", "effects: {against: 0.25}", "not a number"),
        ("rules.yaml", "effects: {against: +moderate}", "effects: {against: +huge}", "unknown weight class 'huge'"),
        # A stage reads only what the stages before it concluded.
        (
            "rules.yaml",
            'when: {fact: significant_threat, is: "yes"}\n    effects: {against: +moderate}',
            "when: {fact: mode, is: alliance}\n    effects: {against: +moderate}",
            "reads 'mode', which its stage or a later one concludes",
        ),
        ("responses.yaml", "    cf: 0.2\n", "    cf: 1.5\n", "'cf' must be a number in (0, 1]"),
        (
            "rules.yaml",
            "{fact: communication, is: effective}",
            "{fact: communication, at_least: effective}",
            "not ordered",
        ),
        ("propositions.yaml", "worlds: [balancing, walt]", "worlds: [balancing, narnia]", "unknown world 'narnia'"),
        ("questionnaire.yaml", "id: proximity\n", "id: state_strength\n", "duplicate factor id 'state_strength'"),
        (
            "rules.yaml",
            "layer: direction\n    propositions: [B1]\n",
            "layer: direction\n    propositions: [B1]\n    python: x\n",
            "unknown key 'python'",
        ),
    ],
)
def test_invalid_knowledge_is_refused_with_file_line_and_id(kb_copy, file, old, new, expected):
    _edit(kb_copy / file, old, new)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb_copy)
    message = str(info.value)
    assert expected in message
    assert file in message
    assert message.split(file, 1)[1].startswith(":"), message  # a line number follows the file


def test_duplicate_yaml_key_is_refused(kb_copy):
    _edit(kb_copy / "rules.yaml", "    layer: direction\n", "    layer: direction\n    layer: derive\n")
    with pytest.raises(KnowledgeError, match="duplicate key 'layer'"):
        load_knowledge(kb_copy)


def test_uncited_proposition_is_refused(kb_copy):
    _edit(kb_copy / "rules.yaml", "propositions: [B6, R10]", "propositions: [R10]")
    _edit(kb_copy / "rules.yaml", "propositions: [B6]", "propositions: [R10]")
    _edit(kb_copy / "rules.yaml", "propositions: [B6]", "propositions: [R10]")
    with pytest.raises(KnowledgeError, match="'B6'"):
        load_knowledge(kb_copy)


def test_missing_directory(tmp_path):
    with pytest.raises(KnowledgeError, match="not found"):
        load_knowledge(tmp_path / "nothing")
