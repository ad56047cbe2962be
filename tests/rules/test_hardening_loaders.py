"""Hostile or broken input: refused fast, with one clear line naming the file;
nothing executes, nothing is half-accepted."""

import os

import pytest

from alliance_advisor.rules import CaseError, KnowledgeError, load_case, load_knowledge
from alliance_advisor.rules.yamlio import MAX_DEPTH, MAX_FILE_BYTES
from conftest import CASES_DIR

BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


def refused(tmp_path, content, name="case.yaml", mode="w"):
    path = tmp_path / name
    if mode == "w":
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    with pytest.raises(CaseError) as info:
        load_case(path, load_knowledge())
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


@pytest.mark.parametrize(
    "content, expected",
    [
        ("title: !!python/object/apply:os.system ['touch /tmp/alliance_pwned']\n", "could not determine a constructor"),
        ("title: !!python/name:os.system\n", "could not determine a constructor"),
        (BOMB, "alias bomb"),
        (
            "a:\n" + "".join("  " * (i + 1) + "- b:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 7) + "1\n",
            "nesting",
        ),
        ("[" * 5000 + "]" * 5000, "nesting"),
        ("title: a\ntitle: b\n", "duplicate key 'title'"),
        ("titel: a\n", "unknown key 'titel'"),
        ("answers:\n  state_strength: [weak]\n", "level must be text"),
        ("answers:\n  state_strength: mighty\n", "unknown level 'mighty'"),
        ("answers: weak\n", "'answers' must be a mapping"),
        ("year: soon\n", "'year' must be a whole number"),
        ("title: {a: 1}\n", "'title' must be text"),
        ("observed: conquer\n", "'observed' must be one of"),
        ("sources: {a: 1}\n", "'sources' must be a list of text"),
        ("", "file is empty"),
        ("   \n\n", "file is empty"),
        ("42\n", "must be a mapping"),
        ("title: x\n  bad: indent\n", "not valid YAML"),
    ],
)
def test_hostile_and_broken_case_files(tmp_path, content, expected):
    message = refused(tmp_path, content)
    assert expected in message
    assert not os.path.exists("/tmp/alliance_pwned")


def test_huge_file_is_refused_before_reading_it_all(tmp_path, monkeypatch):
    from alliance_advisor.rules import yamlio

    kb = load_knowledge()
    path = tmp_path / "huge.yaml"
    path.write_text("notes: " + "x" * (MAX_FILE_BYTES + 10))
    monkeypatch.setattr(yamlio, "parse_yaml_text", lambda *a, **k: pytest.fail("parsed a huge file"))
    with pytest.raises(CaseError, match="larger than"):
        load_case(path, kb)


def test_long_lists_are_refused(tmp_path):
    # How long refusals take is measured in the benchmark, not asserted here.
    message = refused(tmp_path, "sources:\n" + "  - s\n" * 60_000)
    assert "more than 100 sources" in message


def test_a_title_over_the_cap_is_refused_with_its_line(tmp_path):
    from alliance_advisor.rules.case import MAX_TITLE

    message = refused(tmp_path, "year: 1949\ntitle: " + "Norway " * 103 + "\n")
    assert message.startswith(f"{tmp_path / 'case.yaml'}:2: ") and f"more than {MAX_TITLE}" in message
    path = tmp_path / "ok.yaml"
    path.write_text("title: " + "x" * MAX_TITLE + "\n", encoding="utf-8")
    assert len(load_case(path, load_knowledge()).title) == MAX_TITLE


def test_every_library_title_is_within_the_cap():
    from alliance_advisor.rules import load_library
    from alliance_advisor.rules.case import MAX_TITLE

    assert all(len(case.title) <= MAX_TITLE for case in load_library(CASES_DIR, load_knowledge()))


def test_bad_encoding(tmp_path):
    message = refused(tmp_path, b"title: \xff\xfe caf\xe9\n", mode="b")
    assert "not UTF-8" in message


def test_directory_and_unreadable_paths(tmp_path):
    with pytest.raises(CaseError, match="is a directory"):
        load_case(tmp_path, load_knowledge())
    with pytest.raises(CaseError, match="no such file"):
        load_case(tmp_path / "absent.yaml", load_knowledge())
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(CaseError, match="cannot read"):
        load_case(blocker / "case.yaml", load_knowledge())


def test_yes_no_and_unknown_are_accepted_forms(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("answers:\n  pivotal: no\n  state_strength: unknown\n  proximity:\n")
    case = load_case(path, load_knowledge())
    assert case.answers == {"pivotal": "no"}


def test_utf8_bom_and_non_ascii_text_are_fine(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftitle: Österreich und Preußen\nstate: Österreich\n".encode("utf-8"))
    assert load_case(path, load_knowledge()).title == "Österreich und Preußen"


def test_knowledge_pack_with_python_tag_is_refused(tmp_path):
    import shutil

    target = tmp_path / "kb"
    shutil.copytree(CASES_DIR.parent, target)
    rules = target / "rules.yaml"
    rules.write_text(
        rules.read_text().replace(
            "explanation: A state facing a real threat aligns",
            "explanation: !!python/object/apply:os.system ['id']\n    x: A",
            1,
        )
    )
    assert "!!python/object" in rules.read_text()  # the tag is really planted
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(target)
    assert "rules.yaml" in str(info.value)


@pytest.mark.parametrize(
    "written, read",
    [
        ("balance", "balance"),
        ("internal_balance", "internal_balance"),
        ("Balance internally", "internal_balance"),
        ('"  balance   INTERNALLY "', "internal_balance"),
        ("Pass the buck", "buck_pass"),
        ("BANDWAGON", "bandwagon"),
    ],
)
def test_observed_is_read_by_id_or_by_the_label_the_app_shows_and_saved_as_the_id(tmp_path, written, read):
    from alliance_advisor.rules import case_to_yaml

    kb = load_knowledge()
    path = tmp_path / "case.yaml"
    path.write_text(f"title: labelled\nobserved: {written}\n", encoding="utf-8")
    case = load_case(path, kb)
    assert case.observed == read
    assert f"\nobserved: {read}\n" in case_to_yaml(case, kb)


def test_an_observed_that_names_no_response_lists_the_ids_and_says_labels_are_read(tmp_path):
    message = refused(tmp_path, "observed: Balance externally\n")
    assert "'observed' must be one of balance, internal_balance," in message
    assert "label such as 'Balance internally'" in message and "'Balance externally'" in message
