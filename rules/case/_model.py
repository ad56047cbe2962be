"""Cases: a situation described by the questionnaire, read from and written to YAML."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alliance_advisor.rules.errors import AdvisorError, CaseError
from alliance_advisor.rules.kb import UNKNOWN, KnowledgeBase
from alliance_advisor.rules.yamlio import parse_yaml_text, read_yaml_file

CASE_KEYS = ("title", "year", "state", "threat", "answers", "observed", "sources", "notes")
MAX_TEXT = 20_000  # characters in one text field
MAX_TITLE = 200  # a title is a line in a list and a report's heading, not a paragraph
MAX_SOURCES = 100


@dataclass
class Case:
    title: str = ""
    year: int | None = None
    state: str = ""
    threat: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # factor id -> level id (unknown left out)
    observed: str | None = None
    sources: list[str] = field(default_factory=list)
    notes: str = ""
    path: str | None = None  # where it was read from, if anywhere
    # Answers the coder is not sure of (issue 28): factor id -> {level: probability},
    # summing to 1; ``answers`` holds each one's most likely level, at which the verdict
    # is reached. A factor not listed here carries the knowledge base's declared
    # reading uncertainty (rules.case.answer_distributions).
    uncertain: dict[str, dict[str, float]] = field(default_factory=dict)

    def answer(self, factor_id: str) -> str:
        return self.answers.get(factor_id, UNKNOWN)

    def with_uncertain(self, factor_id: str, weights: Mapping[str, float]) -> "Case":
        """A copy whose answer to ``factor_id`` is spread over levels (weights, any
        positive scale); a single level is a plain answer."""
        spread = normalised(weights)
        if len(spread) <= 1:
            return self.with_answer(factor_id, next(iter(spread), UNKNOWN))
        copy = self.with_answer(factor_id, most_likely(spread))
        copy.uncertain[factor_id] = spread
        return copy

    def with_answer(self, factor_id: str, level: str) -> "Case":
        """A copy with one answer changed (``unknown`` removes it)."""
        answers = dict(self.answers)
        if level == UNKNOWN:
            answers.pop(factor_id, None)
        else:
            answers[factor_id] = level
        uncertain = {f: dict(spread) for f, spread in self.uncertain.items() if f != factor_id}
        return Case(
            self.title,
            self.year,
            self.state,
            self.threat,
            answers,
            self.observed,
            list(self.sources),
            self.notes,
            self.path,
            uncertain,
        )

    def to_dict(self, kb: KnowledgeBase | None = None) -> dict[str, Any]:
        """Plain data in the case file format; every factor listed, in questionnaire order."""
        order = kb.factor_ids if kb else sorted(self.answers)
        data: dict[str, Any] = {
            "title": self.title,
            "year": self.year,
            "state": self.state,
            "threat": self.threat,
            "answers": {
                fid: dict(self.uncertain[fid]) if fid in self.uncertain else self.answers.get(fid, UNKNOWN)
                for fid in order
            },
        }
        if self.observed:
            data["observed"] = self.observed
        data["sources"] = list(self.sources)
        data["notes"] = self.notes
        return data


def _text(data: Mapping[Any, Any], key: str, path: str, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise CaseError(f"missing '{key}'", path, getattr(data, "line", None))
        return ""
    if isinstance(value, (dict, list)):
        raise CaseError(f"'{key}' must be text", path, data.line_of(key) if hasattr(data, "line_of") else None)
    text = str(value)
    if key == "title" and len(text.strip()) > MAX_TITLE:
        raise CaseError(
            f"'title' is {len(text.strip())} characters long, more than {MAX_TITLE}: "
            "shorten it (put the rest in 'notes')",
            path,
            data.line_of(key) if hasattr(data, "line_of") else None,
        )
    if len(text) > MAX_TEXT:
        raise CaseError(
            f"'{key}' is longer than {MAX_TEXT} characters",
            path,
            data.line_of(key) if hasattr(data, "line_of") else None,
        )
    return text.strip() if key != "notes" else text.rstrip()


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights over levels as probabilities (the levels with no weight left out)."""
    total = sum(w for w in weights.values() if w > 0)
    return {level: round(w / total, 6) for level, w in weights.items() if w > 0} if total > 0 else {}


def most_likely(spread: Mapping[str, float]) -> str:
    """The level of greatest probability; of equals, the first given."""
    best = max(spread.values())
    return next(level for level, p in spread.items() if p == best)


def _spread(
    factor_id: str, value: Mapping[Any, Any], levels: tuple[str, ...], where: str, line: int | None
) -> dict[str, float]:
    """An answer given as a mapping of levels to weights ("not sure: between probable
    and certain"), checked and made probabilities, in the questionnaire's level order."""
    weights: dict[str, float] = {}
    for level, weight in value.items():
        if isinstance(level, bool):
            level = "yes" if level else "no"
        if level not in levels:
            raise CaseError(
                f"factor '{factor_id}': unknown level '{level}' (expected one of {', '.join(levels)})", where, line
            )
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight < float("inf"):
            raise CaseError(f"factor '{factor_id}': the weight of '{level}' must be a number of 0 or more", where, line)
        weights[str(level)] = float(weight)
    spread = normalised({level: weights[level] for level in levels if level in weights})
    if not spread:
        raise CaseError(f"factor '{factor_id}': give at least one level a weight above 0", where, line)
    return spread


def response_id(value: object, kb: KnowledgeBase) -> str | None:
    """The response ``value`` names, by its id or by the label the app shows ("Balance
    internally" is ``internal_balance``), in any case and spacing; None if it names none.
    A file written by the program always carries the id."""
    if not isinstance(value, str):
        return None
    if value in kb.response_ids:
        return value
    folded = " ".join(value.split()).casefold()
    for response in kb.responses:
        if folded in (response.id.casefold(), " ".join(response.label.split()).casefold()):
            return response.id
    return None


def case_from_data(data: object, kb: KnowledgeBase, path: str | None = None) -> Case:
    """Validate plain data against the questionnaire and build a Case."""
    where = path or "<case>"
    line_of = data.line_of if hasattr(data, "line_of") else (lambda key: None)
    if not isinstance(data, dict):
        raise CaseError("a case must be a mapping with title, answers, ...", where, getattr(data, "line", None))
    for key in data:
        if key not in CASE_KEYS:
            raise CaseError(f"unknown key '{key}' (expected {', '.join(CASE_KEYS)})", where, line_of(key))
    answers_raw = data.get("answers")
    if answers_raw is None:
        answers_raw = {}
    if not isinstance(answers_raw, dict):
        raise CaseError("'answers' must be a mapping of factor to level", where, line_of("answers"))
    answers: dict[str, str] = {}
    uncertain: dict[str, dict[str, float]] = {}
    factor_ids = set(kb.factor_ids)
    for factor_id, level in answers_raw.items():
        aline = answers_raw.line_of(factor_id) if hasattr(answers_raw, "line_of") else None
        if factor_id not in factor_ids:
            raise CaseError(f"unknown factor '{factor_id}'", where, aline)
        if isinstance(level, bool):  # YAML reads bare yes/no as booleans
            level = "yes" if level else "no"
        if level is None:
            level = UNKNOWN
        if isinstance(level, dict):
            spread = _spread(factor_id, level, kb.factor(factor_id).level_ids, where, aline)
            answers[factor_id] = most_likely(spread)
            if len(spread) > 1:
                uncertain[factor_id] = spread
            continue
        if not isinstance(level, str):
            raise CaseError(f"factor '{factor_id}': level must be text, not {type(level).__name__}", where, aline)
        levels = kb.factor(factor_id).level_ids
        if level != UNKNOWN and level not in levels:
            raise CaseError(
                f"factor '{factor_id}': unknown level '{level}' (expected one of {', '.join(levels)}, unknown)",
                where,
                aline,
            )
        if level != UNKNOWN:
            answers[factor_id] = level
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not -5000 <= year <= 3000):
        raise CaseError("'year' must be a whole number", where, line_of("year"))
    observed = data.get("observed")
    if observed is not None:
        observed = response_id(observed, kb)
        if observed is None:
            example = next((r.label for r in kb.responses if r.label.casefold() != r.id.replace("_", " ")), "")
            raise CaseError(
                f"'observed' must be one of {', '.join(kb.response_ids)}"
                + (f", or a response's label such as '{example}'" if example else "")
                + f" (not {data.get('observed')!r})",
                where,
                line_of("observed"),
            )
    sources = data.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or any(isinstance(s, (dict, list)) or s is None for s in sources):
        raise CaseError("'sources' must be a list of text", where, line_of("sources"))
    if len(sources) > MAX_SOURCES:
        raise CaseError(f"more than {MAX_SOURCES} sources", where, line_of("sources"))
    sources = [str(s).strip() for s in sources]
    if any(len(s) > MAX_TEXT for s in sources):
        raise CaseError(f"a source is longer than {MAX_TEXT} characters", where, line_of("sources"))
    return Case(
        title=_text(data, "title", where),
        year=year,
        state=_text(data, "state", where),
        threat=_text(data, "threat", where),
        answers=answers,
        observed=observed,
        sources=sources,
        notes=_text(data, "notes", where),
        path=str(path) if path else None,
        uncertain=uncertain,
    )


def load_case(path: str | os.PathLike[str], kb: KnowledgeBase) -> Case:
    data = read_yaml_file(path, CaseError)
    return case_from_data(data, kb, os.fspath(path))


def parse_case_text(text: str, kb: KnowledgeBase, path: str = "<text>") -> Case:
    data = parse_yaml_text(text, path, CaseError)
    if data is None:
        raise CaseError("case is empty", path)
    return case_from_data(data, kb, path)


def case_to_yaml(case: Case, kb: KnowledgeBase) -> str:
    """The case as YAML text, readable, and read back exactly: a text holding a
    character YAML takes for a line break (NEL, U+0085) would come back changed in
    the readable form, so that case is written with escapes instead."""
    data = case.to_dict(kb)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    if yaml.safe_load(text) != data:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=88)
    return text


def load_library(directory: str | os.PathLike[str], kb: KnowledgeBase) -> list[Case]:
    """Every case file in a directory, sorted by file name."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CaseError("case directory not found", directory)
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    return [load_case(p, kb) for p in files]


def read_case_folder(directory: str | os.PathLike[str], kb: KnowledgeBase) -> tuple[list[Case], list[tuple[str, str]]]:
    """Every case file in a folder, sorted by file name, and (file name, the one-line
    error) for each file that is not a valid case: a class's folder is read whole even
    when one file in it is broken. A folder that is not there is a CaseError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CaseError("case directory not found", directory)
    cases: list[Case] = []
    failures: list[tuple[str, str]] = []
    for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
        try:
            cases.append(load_case(path, kb))
        except AdvisorError as exc:
            failures.append((path.name, str(exc)))
    return cases, failures


def default_library_dir(kb: KnowledgeBase) -> Path:
    return Path(kb.directory) / "cases"
