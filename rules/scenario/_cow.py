"""Scenarios from Correlates of War data: capabilities, offensive capability and neighbours.

:func:`scenario_from_cow` reads COW's National Material Capabilities (NMC) and Direct
Contiguity CSV files by their column names and builds a scenario (docs/formats.md)
for the chosen states in one year: capability is the state's CINC score, offensive
capability a band (knowledge/derivation.yaml, ``cow``) of its mean share of the chosen
states' military expenditure and military personnel, and neighbours the pairs whose
contiguity type the mapping counts. Perceptions are left empty: the data carry nothing
on intentions, which is the analyst's coding. :func:`scenario_yaml` writes the result.

Plain data only; every bad input ends in one :class:`AdvisorError` line naming the file.
"""

from __future__ import annotations

import csv
import difflib
import math
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.kb import Band, band_of
from alliance_advisor.rules.scenario import SCENARIO_KEYS, STATE_KEYS

NMC_COLUMNS = ("ccode", "stateabb", "statenme", "year", "milex", "milper", "cinc")
CONTIGUITY_COLUMNS = ("ccode1", "ccode2", "conttype", "stdate", "enddate")
# The components of the offensive-capability estimate (derivation.yaml, cow).
OFFENSIVE_COMPONENTS = ("milex", "milper")

NMC_RELEASE = "COW National Material Capabilities v7.0"
# Cited exactly as the data's README asks, wherever a figure from them is used.
NMC_CITATION = (
    'Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution, Uncertainty, '
    'and Major Power War, 1820-1965." In Bruce Russett (ed.), *Peace, War, and Numbers*. Beverly Hills: '
    "Sage, 19-48; and Correlates of War Project, National Material Capabilities v7.0."
)
CONTIGUITY_CITATION = (
    "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles Gochman. "
    '2002. "The Correlates of War Project Direct Contiguity Data, Version 3.0." *Conflict '
    "Management and Peace Science* 19(2): 58-66."
)

# A capability of 0 cannot form the ratios of threat power; a CINC that rounds to 0
# is raised to the smallest figure the scenario keeps, and the notes say so.
CAPABILITY_DIGITS = 4
CAPABILITY_FLOOR = 0.0001

# The keys of a scenario and of a state in the loader's order (rules/scenario/).
# Keys written with their innermost lists and mappings inline ([a, b], {id: ...}).
_COMPACT_KEYS = frozenset(
    {"states", "neighbours", "regions", "perceptions", "alignments", "observed", "overrides", "anchor"}
)

_DATE = re.compile(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$")


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read by column name: each row with its line in the file."""

    path: str
    columns: dict[str, int]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def cell(self, row: Sequence[str], column: str) -> str:
        index = self.columns[column]
        return row[index].strip() if index < len(row) else ""


@dataclass(frozen=True, kw_only=True)
class _Selected:
    """One chosen state's row of the NMC file in the year."""

    token: str
    line: int
    code: str
    name: str
    cinc: float
    components: dict[str, float | None]


# ------------------------------------------------------------------ reading
def read_table(path: str | os.PathLike[str], required: Sequence[str]) -> CsvTable:
    where = os.fspath(path)
    try:
        if os.path.isdir(where):
            raise AdvisorError("is a directory, not a CSV file", where)
        with open(where, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            rows = []
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append((reader.line_num, tuple(row)))
    except FileNotFoundError:
        raise AdvisorError("no such file", where) from None
    except PermissionError:
        raise AdvisorError("permission denied", where) from None
    except UnicodeDecodeError as exc:
        raise AdvisorError(f"not UTF-8 text (bad byte at offset {exc.start})", where) from None
    except csv.Error as exc:
        raise AdvisorError(f"not a readable CSV file: {exc}", where) from None
    except OSError as exc:
        raise AdvisorError(f"cannot read: {exc.strerror or exc}", where) from None
    if header is None:
        raise AdvisorError("file is empty (no header row)", where)
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), index)
    missing = [c for c in required if c not in columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise AdvisorError(
            f"missing column{'s' if len(missing) > 1 else ''} {names} (needed: {', '.join(required)})", where, 1
        )
    return CsvTable(where, columns, tuple(rows))


def cell_code(text: str) -> str:
    """A COW code in one spelling ('200', ' 200', '200.0' are one state)."""
    try:
        number = float(text)
    except ValueError:
        return text.strip().upper()
    return str(int(number)) if number.is_integer() else text.strip()


def cell_number(text: str) -> float | None:
    """A figure of the NMC file; None when missing (an empty cell, or COW's -9 code)."""
    if not text:
        return None
    value = float(text)  # ValueError: the caller names the cell
    if not math.isfinite(value):
        raise ValueError(text)
    return None if value < 0 else value


def year_of(text: str) -> int:
    """The year of an ISO date (also YYYY-MM, YYYYMM or YYYY, as older COW files write it)."""
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    month = int(match.group(2) or 1)
    day = int(match.group(3) or 1)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise ValueError(text)
    return int(match.group(1))


def slug(name: str) -> str:
    """A state's id from its name: 'United Kingdom' -> 'united_kingdom'."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_")


# ------------------------------------------------------------------ the mapping
def _mapping(mapping: Mapping[str, Any]) -> tuple[tuple[Band, ...], frozenset[int]]:
    where = "derivation.yaml (cow)"
    if not isinstance(mapping, Mapping):
        raise AdvisorError("the cow mapping must be a mapping", where)
    raw = mapping.get("offensive_capability")
    if not isinstance(raw, list) or not raw:
        raise AdvisorError("'offensive_capability' must be a list of {level, at_least} bands", where)
    bands = []
    for item in raw:
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("level"), str)
            or isinstance(item.get("at_least"), bool)
            or not isinstance(item.get("at_least"), (int, float))
        ):
            raise AdvisorError("'offensive_capability': each band needs a 'level' and a number 'at_least'", where)
        bands.append(Band(item["level"], float(item["at_least"])))
    types = mapping.get("neighbour_types")
    if not isinstance(types, list) or any(isinstance(t, bool) or not isinstance(t, int) for t in types):
        raise AdvisorError("'neighbour_types' must be a list of COW contiguity types (whole numbers)", where)
    return tuple(sorted(bands, key=lambda b: -b.at_least)), frozenset(types)


def _band(bands: Sequence[Band], value: float) -> str:
    """The first (highest) band the value reaches (the same reading as the scenario
    mapping's, rules/scenario/); below them all, the lowest."""
    return band_of(bands, value).level if value >= bands[-1].at_least else bands[-1].level


# ------------------------------------------------------------------ NMC
# English short names a reader types for states whose COW name differs, by COW code:
# used only to suggest the year's state on a miss, never to pick one silently.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "2": ("US", "United States", "America"),
    "200": ("UK", "Britain", "Great Britain", "England"),
    "255": ("Prussia", "West Germany", "Federal Republic of Germany", "FRG"),
    "260": ("West Germany", "Federal Republic of Germany", "FRG"),
    "265": ("East Germany", "GDR", "DDR"),
    "300": ("Austria",),
    "365": ("Soviet Union", "USSR", "Soviet"),
    "710": ("People's Republic of China", "PRC"),
    "713": ("Republic of China", "ROC"),
    "731": ("DPRK",),
    "732": ("Korea", "Republic of Korea", "ROK"),
    "740": ("Nippon",),
}


def _folded(text: str) -> str:
    """A name as compared: no accents, no case, single spaces."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


def _row_keys(table: CsvTable, row: Sequence[str]) -> tuple[str, str, str]:
    """(code, abbreviation, folded name) of an NMC row."""
    return (
        cell_code(table.cell(row, "ccode")),
        table.cell(row, "stateabb").upper(),
        _folded(table.cell(row, "statenme")),
    )


def _matches(
    table: CsvTable, in_year: Sequence[tuple[int, tuple[str, ...]]], token: str
) -> list[tuple[int, tuple[str, ...]]]:
    """The year's rows a token names: a COW code (digits), else an abbreviation, else a name."""
    text = token.strip()
    if text.isdigit():
        return [(line, row) for line, row in in_year if _row_keys(table, row)[0] == cell_code(text)]
    by_abb = [(line, row) for line, row in in_year if _row_keys(table, row)[1] == text.upper()]
    return by_abb or [(line, row) for line, row in in_year if _row_keys(table, row)[2] == _folded(text)]


def nearest_states(table: CsvTable, in_year: Sequence[tuple[int, tuple[str, ...]]], token: str) -> list[str]:
    """'United Kingdom is UKG' for the year's states nearest a token that names none of
    them (difflib over their abbreviations, names, initials and common short names),
    nearest first, at most three."""
    keys: dict[str, tuple[str, str]] = {}  # folded key -> (name, abbreviation)
    for _line, row in in_year:
        code, abb, name = _row_keys(table, row)
        shown = (table.cell(row, "statenme") or abb, abb or code)
        initials = "".join(word[0] for word in name.split() if word not in ("of", "the"))
        for key in (abb.lower(), name, initials, *(_folded(s) for s in SHORT_NAMES.get(code, ()))):
            if len(key) > 1:
                keys.setdefault(key, shown)
    wanted = _folded(token)
    # A short name or initials that fit exactly are the answer; else the close spellings.
    exact = [k for k in keys if k == wanted]
    suggestions: list[str] = []
    for key in exact or difflib.get_close_matches(wanted, list(keys), n=6, cutoff=0.7):
        name, abb = keys[key]
        text = f"{name} is {abb}"
        if text not in suggestions:
            suggestions.append(text)
    return suggestions[:3]


def _miss(
    table: CsvTable, in_year: Sequence[tuple[int, tuple[str, ...]]], token: str, year: int, known: list[int] | None
) -> AdvisorError:
    """A token that names no state of the year: the nearest of the year's states, and the
    years the file has it when it is there in others."""
    nearest = nearest_states(table, in_year, token)
    hint = f" (the file has it for {min(known)}-{max(known)})" if known else ""
    near = f": {'; '.join(nearest)}" if nearest else ""
    return AdvisorError(f"state '{token.strip()}' not found in {year}{hint}{near}", table.path)


def _select(table: CsvTable, year: int, tokens: Sequence[str]) -> list[_Selected]:
    in_year: list[tuple[int, tuple[str, ...]]] = []
    years_of: dict[str, list[int]] = {}
    for line, row in table.rows:
        text = table.cell(row, "year")
        try:
            row_year = float(text)
            if not row_year.is_integer():
                raise ValueError(text)
        except ValueError:
            raise AdvisorError(f"year {text!r} is not a whole number", table.path, line) from None
        code, abb, name = _row_keys(table, row)
        for key in (code, abb, name):
            years_of.setdefault(key, []).append(int(row_year))
        if int(row_year) == year:
            in_year.append((line, row))
    if not in_year:
        raise AdvisorError(f"no rows for {year}", table.path)

    chosen: list[_Selected] = []
    for token in tokens:
        matches = _matches(table, in_year, token)
        if not matches:
            text = token.strip()
            key = cell_code(text) if text.isdigit() else text.upper()
            raise _miss(table, in_year, token, year, years_of.get(key) or years_of.get(_folded(text)))
        if len(matches) > 1:
            raise AdvisorError(
                f"state '{token}' has {len(matches)} rows for {year} (lines {', '.join(str(m[0]) for m in matches)})",
                table.path,
                matches[1][0],
            )
        line, row = matches[0]
        code = cell_code(table.cell(row, "ccode"))
        if not code.isdigit():
            raise AdvisorError(
                f"state '{token}': ccode {table.cell(row, 'ccode')!r} is not a COW code", table.path, line
            )
        twice = next((c for c in chosen if c.code == code), None)
        if twice is not None:
            raise AdvisorError(f"state '{token}' is named twice (also as '{twice.token}')", table.path)
        name = table.cell(row, "statenme") or table.cell(row, "stateabb") or f"state {code}"
        text = table.cell(row, "cinc")
        try:
            cinc = cell_number(text)
        except ValueError:
            raise AdvisorError(f"state '{token}': cinc {text!r} in {year} is not a number", table.path, line) from None
        if cinc is None:
            raise AdvisorError(f"state '{token}': cinc is missing in {year}", table.path, line)
        if cinc > 1:
            raise AdvisorError(
                f"state '{token}': cinc {text} in {year} is more than 1 (a share of the system)", table.path, line
            )
        components: dict[str, float | None] = {}
        for component in OFFENSIVE_COMPONENTS:
            text = table.cell(row, component)
            try:
                components[component] = cell_number(text)
            except ValueError:
                raise AdvisorError(
                    f"state '{token}': {component} {text!r} in {year} is not a number", table.path, line
                ) from None
        chosen.append(_Selected(token=token.strip(), line=line, code=code, name=name, cinc=cinc, components=components))
    return chosen


def _offensive(chosen: Sequence[_Selected], bands: Sequence[Band], year: int, notes: list[str]) -> list[str]:
    """Each state's band of its mean share of the chosen states' milex and milper."""
    totals: dict[str, float] = {}
    for component in OFFENSIVE_COMPONENTS:
        totals[component] = sum(v for s in chosen if (v := s.components[component]) is not None)
        if totals[component] <= 0:
            notes.append(f"No chosen state has any {component} in {year}: it is left out of offensive capability.")
    levels = []
    for state in chosen:
        shares = []
        for component in OFFENSIVE_COMPONENTS:
            value = state.components[component]
            if value is None:
                notes.append(
                    f"{state.name}: {component} is missing in {year}; its offensive capability rests on "
                    "the other component."
                )
            elif totals[component] > 0:
                shares.append(value / totals[component])
        if not shares:
            notes.append(
                f"{state.name}: no milex or milper figure in {year}; offensive capability set to "
                f"'{bands[-1].level}', to be checked by hand."
            )
            levels.append(bands[-1].level)
        else:
            levels.append(_band(bands, sum(shares) / len(shares)))
    return levels


# ------------------------------------------------------------------ contiguity
def _neighbours(table: CsvTable, year: int, codes: Mapping[str, int], types: frozenset[int]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of the chosen states with a counted contiguity in the year."""
    pairs: set[tuple[int, int]] = set()
    for line, row in table.rows:
        a, b = codes.get(cell_code(table.cell(row, "ccode1"))), codes.get(cell_code(table.cell(row, "ccode2")))
        if a is None or b is None or a == b:
            continue
        text = table.cell(row, "conttype")
        try:
            conttype = int(text)
        except ValueError:
            raise AdvisorError(f"conttype {text!r} is not a whole number", table.path, line) from None
        if conttype not in types:
            continue
        span = []
        for column in ("stdate", "enddate"):
            text = table.cell(row, column)
            try:
                span.append(year_of(text))
            except ValueError:
                raise AdvisorError(f"{column} {text!r} is not a date (YYYY-MM-DD)", table.path, line) from None
        if span[0] <= year <= span[1]:
            pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


# ------------------------------------------------------------------ the scenario
def scenario_from_cow(
    year: int,
    states: list[str],
    nmc_path: str | os.PathLike[str],
    contiguity_path: str | os.PathLike[str],
    mapping: dict[str, Any],
) -> dict[str, Any]:
    """A scenario (plain data, docs/formats.md) of ``states`` in ``year`` from COW files.

    ``states`` are COW abbreviations ('UKG') or codes ('200'); ``mapping`` is the ``cow``
    section of knowledge/derivation.yaml. Perceptions are left to the analyst.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise AdvisorError(f"year {year!r} is not a whole number")
    tokens = [str(s) for s in states if str(s).strip()]
    if len(tokens) < 2:
        raise AdvisorError(f"a scenario needs two or more states ({len(tokens)} given)")
    bands, types = _mapping(mapping)
    nmc = read_table(nmc_path, NMC_COLUMNS)
    contiguity = read_table(contiguity_path, CONTIGUITY_COLUMNS)
    chosen = _select(nmc, year, tokens)

    notes: list[str] = []
    ids: list[str] = []
    for state in chosen:
        sid = slug(state.name) or f"state_{state.code}"
        if sid[0].isdigit():
            sid = f"state_{sid}"
        if sid in ids:
            sid = f"{sid}_{state.code}"
        ids.append(sid)
    levels = _offensive(chosen, bands, year, notes)
    entries = []
    for sid, state, level in zip(ids, chosen, levels):
        capability = round(state.cinc, CAPABILITY_DIGITS)
        if capability < CAPABILITY_FLOOR:
            notes.append(
                f"{state.name}: cinc {state.cinc:.6g} rounds to {capability:.{CAPABILITY_DIGITS}f}; "
                f"capability set to {CAPABILITY_FLOOR}, since a capability of 0 cannot form ratios."
            )
            capability = CAPABILITY_FLOOR
        entries.append(
            {
                "id": sid,
                "name": state.name,
                "capability": capability,
                "offensive_capability": level,
                "cow_code": int(state.code),
            }
        )
    pairs = _neighbours(contiguity, year, {s.code: i for i, s in enumerate(chosen)}, types)
    counted = ", ".join(str(t) for t in sorted(types))
    summary = (
        f"Capabilities are CINC scores from {NMC_RELEASE} for {year}, rounded to {CAPABILITY_DIGITS} "
        f"decimals. Offensive capability is estimated from each state's mean share of these states' "
        f"military expenditure and military personnel in {year} (knowledge/derivation.yaml, cow). "
        f"Neighbours are the pairs of COW Direct Contiguity v3.2 of type {counted} in {year}. "
        "Perceptions are left for the analyst: a pair not coded is ambiguous."
    )
    return {
        "title": f"COW scenario, {year}",
        "year": year,
        "states": entries,
        "neighbours": [[ids[i], ids[j]] for i, j in pairs],
        "perceptions": {},
        "war": "peace",
        "sources": [NMC_CITATION, CONTIGUITY_CITATION],
        "notes": "\n".join([summary, *notes]),
    }


# ------------------------------------------------------------------ writing
class _Dumper(yaml.SafeDumper):
    """Safe YAML; multi-line text as a block (|), so notes read as written."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _ordered(data: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    first = {k: data[k] for k in order if k in data}
    return first | {k: v for k, v in data.items() if k not in first}


def scenario_yaml(data: dict[str, Any]) -> str:
    """The scenario as YAML text: a short comment header, then the keys in the order the
    loader lists them (rules/scenario/, docs/formats.md; states and pairs one to a line)."""
    ordered = _ordered(data, SCENARIO_KEYS)
    if isinstance(ordered.get("states"), list):
        ordered["states"] = [_ordered(s, STATE_KEYS) if isinstance(s, Mapping) else s for s in ordered["states"]]
    header = (
        "# A scenario of several powers, built from Correlates of War data (python main.py\n"
        "# scenario-from-cow); every key is described in Alliance Advisor's docs/formats.md.\n"
        "# Perceptions are the analyst's to code, state -> {power: intentions} (a pair left out\n"
        "# is ambiguous); cite the works relied on in 'sources'.\n"
    )
    parts = []
    for key, value in ordered.items():
        compact = key in _COMPACT_KEYS
        # Compact entries stay one to a line however long; text wraps at 100 columns.
        parts.append(
            yaml.dump(
                {key: value},
                Dumper=_Dumper,
                sort_keys=False,
                allow_unicode=True,
                width=10_000 if compact else 100,
                default_flow_style=None if compact else False,
            )
        )
    return header + "".join(parts)
