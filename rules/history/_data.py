"""The data of the field, read by column name from the folder the user names.

Layout (``DIR``): ``cow/`` (COW capabilities, contiguity, state system, major powers) and
``history/`` (ATOP alliances, strategic rivalries, militarised disputes, inter-state
wars), as :data:`DATASETS` lists them. Every file is read whole once; a row that is cut
short, a cell that is not a number, a year outside the state system's range: one
:class:`AdvisorError` line naming the file and the line. Plain data, no printing.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.scenario import (
    CONTIGUITY_CITATION,
    CONTIGUITY_COLUMNS,
    NMC_CITATION,
    NMC_COLUMNS,
    CsvTable,
    cell_code,
    cell_number,
    read_table,
    year_of,
)

FIRST_YEAR, LAST_YEAR = 1816, 2010
_YEAR_RANGE = (1400, 2100)  # a year outside: a damaged file (rivalries start in 1494)


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """One data set the command reads: where it lives in the folder and how to get it."""

    key: str
    path: str  # relative to the data folder
    release: str
    where: str  # the official source
    citation: str
    columns: tuple[str, ...]


ATOP_CITATION = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
    '"Alliance Treaty Obligations and Provisions, 1815-1944." *International Interactions* 28: 237-260.'
)
STATES_CITATION = 'Correlates of War Project. 2017. "State System Membership List, v2016."'
PEACESCIENCER_CITATION = (
    'Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science Research." '
    "*Conflict Management and Peace Science* 39(6): 755-779."
)
CAPITALS_CITATION = (
    PEACESCIENCER_CITATION.removesuffix(".") + " (its table of COW state capitals and their coordinates)."
)
DEMOCRACY_CITATION = (
    'Marquez, Xavier. 2016. "A Quick Method for Extending the Unified Democracy Scores." SSRN 2753830 '
    "(its extension of Pemstein, Meserve and Melton's Unified Democracy Scores, xm_qudsest)."
)
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        key="nmc",
        path="cow/nmc-7.0.csv",
        release="COW National Material Capabilities v7.0",
        where="https://correlatesofwar.org/data-sets/national-material-capabilities/",
        citation=NMC_CITATION,
        columns=NMC_COLUMNS,
    ),
    Dataset(
        key="contiguity",
        path="cow/contiguity-3.2.csv",
        release="COW Direct Contiguity v3.2",
        where="https://correlatesofwar.org/data-sets/direct-contiguity/",
        citation=CONTIGUITY_CITATION,
        columns=CONTIGUITY_COLUMNS,
    ),
    Dataset(
        key="states",
        path="cow/states-2016.csv",
        release="COW State System Membership v2016",
        where="https://correlatesofwar.org/data-sets/state-system-membership/",
        citation=STATES_CITATION,
        columns=("ccode", "stateabb", "statenme", "styear", "endyear"),
    ),
    Dataset(
        key="majors",
        path="cow/major-powers-2016.csv",
        release="COW State System Membership v2016 (major powers)",
        where="https://correlatesofwar.org/data-sets/state-system-membership/",
        citation=STATES_CITATION,
        columns=("ccode", "styear", "endyear"),
    ),
    Dataset(
        key="atop",
        path="history/atop-5.1-dyad-year.csv",
        release="ATOP v5.1 dyad-years",
        where="http://www.atopdata.org/ (or the R package peacesciencer, which bundles it)",
        citation=ATOP_CITATION,
        columns=(
            "ccode1",
            "ccode2",
            "year",
            "atop_defense",
            "atop_offense",
            "atop_neutral",
            "atop_nonagg",
            "atop_consul",
        ),
    ),
    Dataset(
        key="treaties",
        path="history/atop-4.01-member-level.csv",
        release="ATOP v4.01 member-level",
        where="http://www.atopdata.org/",
        citation=ATOP_CITATION + " (ATOP codebook v4.01)",
        columns=("atopid", "member", "yrent", "yrexit", "bilat", "defense", "offense"),
    ),
    Dataset(
        key="rivalries",
        path="history/td-rivalries-2012.csv",
        release="Thompson and Dreyer strategic rivalries, 1494-2010",
        where="Thompson and Dreyer 2012 (CQ Press); as CSV in the R package peacesciencer (td_rivalries)",
        citation="Thompson, William R., and David Dreyer. 2012. *Handbook of International Rivalries, 1494-2010*. "
        "Washington, DC: CQ Press.",
        columns=("rivalryno", "rivalryname", "ccode1", "ccode2", "styear", "endyear"),
    ),
    Dataset(
        key="mids",
        path="history/gml-mid-2.2.1-directed-dispute-year.csv",
        release="Gibler-Miller-Little MID v2.2.1 directed dispute-years",
        where="https://github.com/svmiller/gml-mid-data (or peacesciencer's gml_dirdisp)",
        citation='Gibler, Douglas M., Steven V. Miller, and Erin K. Little. 2016. "An Analysis of the Militarized '
        'Interstate Dispute (MID) Dataset, 1816-2001." *International Studies Quarterly* 60(4): 719-730.',
        columns=("dispnum", "ccode1", "ccode2", "year", "sidea1", "sidea2", "hostlev1", "hostlev2"),
    ),
    Dataset(
        key="wars",
        path="history/cow-interstate-war-4.0-dyad-year.csv",
        release="COW Inter-State War v4.0 dyad-years",
        where="https://correlatesofwar.org/data-sets/cow-war/",
        citation=(
            "Sarkees, Meredith Reid, and Frank Wayman. 2010. *Resort to War: 1816-2007*. Washington, DC: CQ Press."
        ),
        columns=("warnum", "ccode1", "ccode2", "year", "sidea1", "sidea2"),
    ),
    Dataset(
        key="capitals",
        path="history/cow-capitals-2024.csv",
        release="COW state capitals with coordinates (peacesciencer, 2024)",
        where="the R package peacesciencer (cow_capitals)",
        citation=CAPITALS_CITATION,
        columns=("ccode", "capital", "stdate", "enddate", "lat", "lng"),
    ),
    Dataset(
        key="democracy",
        path="history/democracy-ccode-year.csv",
        release="Democracy by state-year (V-Dem, Polity, Marquez's extended UDS), as bundled by peacesciencer",
        where="the R package peacesciencer (ccode_democracy)",
        citation=DEMOCRACY_CITATION,
        columns=("ccode", "year", "xm_qudsest"),
    ),
)


def missing_data(folder: str | os.PathLike[str]) -> list[Dataset]:
    """The data sets absent from the folder."""
    root = Path(folder)
    return [d for d in DATASETS if not (root / d.path).is_file()]


def data_guide(folder: str | os.PathLike[str], missing: Sequence[Dataset]) -> str:
    """What to get and where to put it, for a machine without the data (several lines)."""
    lines = [
        f"{os.fspath(folder)}: the history command needs the data sets of the field, which are not shipped "
        f"({len(missing)} of {len(DATASETS)} missing).",
        "Get each from its official source (free for academic use with citation):",
    ]
    for d in DATASETS:
        mark = "missing" if d in missing else "found"
        lines.append(f"  {d.path:<48} {d.release} [{mark}]\n      {d.where}")
    lines += [
        "The ATOP dyad-years, rivalries, disputes and wars can be taken as CSV from the R package",
        "peacesciencer (Miller 2022). Layout expected under the folder named by --data:",
        "  DIR/cow/      nmc-7.0.csv contiguity-3.2.csv states-2016.csv major-powers-2016.csv",
        "  DIR/history/  atop-5.1-dyad-year.csv atop-4.01-member-level.csv td-rivalries-2012.csv",
        "                gml-mid-2.2.1-directed-dispute-year.csv cow-interstate-war-4.0-dyad-year.csv",
        "                cow-capitals-2024.csv democracy-ccode-year.csv",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ records
@dataclass(frozen=True, kw_only=True)
class Rivalry:
    a: int
    b: int
    start: int
    end: int
    name: str


@dataclass(frozen=True, kw_only=True)
class Dispute:
    """One directed dispute-year: ``a`` facing ``b``."""

    dispnum: int
    a: int
    b: int
    year: int
    b_initiator: bool  # b on the side that acted first
    b_hostility: int  # b's hostility level (1-5), coded for the whole dispute (its peak)
    # The dispute's last year in the file (0: still running as far as the data read go).
    # The hostility is the dispute's peak, so it may be read only from this year on.
    ended: int = 0


@dataclass(frozen=True, kw_only=True)
class WarDyad:
    warnum: int
    a: int
    b: int
    year: int


@dataclass(frozen=True, kw_only=True)
class TreatyMember:
    atopid: int
    member: int
    entered: int
    left: int  # 0: in force at the end of the data
    pledge: bool  # defence or offence


@dataclass(frozen=True, kw_only=True)
class Capability:
    cinc: float
    milex: float | None
    milper: float | None


@dataclass(frozen=True, kw_only=True)
class Contiguity:
    a: int
    b: int
    kind: int
    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class Capital:
    """A state's capital over the years it served (a state that moved it has several)."""

    ccode: int
    name: str
    start: int  # first and last year it served
    end: int
    lat: float
    lng: float


@dataclass(frozen=True, kw_only=True)
class HistoryData:
    """Every file of the folder, as records (COW codes throughout)."""

    folder: str
    names: dict[int, tuple[str, str]]  # code -> (abbreviation, name)
    membership: tuple[tuple[int, int, int], ...]  # (code, first year, last year) per period
    majors: tuple[tuple[int, int, int], ...]
    nmc: dict[int, dict[int, Capability]]  # year -> code -> capability
    contiguity: tuple[Contiguity, ...]
    atop: dict[int, dict[tuple[int, int], tuple[int, ...]]]  # year -> (a < b) -> the five 0/1 obligations
    treaties: tuple[TreatyMember, ...]
    rivalries: tuple[Rivalry, ...]
    mids: dict[int, tuple[Dispute, ...]]  # year -> directed dispute-years
    wars: dict[int, tuple[WarDyad, ...]]  # year -> war dyads ongoing
    capitals: dict[int, tuple[Capital, ...]] = field(default_factory=dict)  # code -> its capitals, oldest first
    democracy: dict[int, dict[int, float]] = field(default_factory=dict)  # year -> code -> xm_qudsest
    digests: dict[str, str] = field(default_factory=dict)  # data set key -> sha256 (first 16)

    def until(self, year: int) -> HistoryData:
        """The data as a statesman of ``year`` had them: no row of a later year, and what
        ended later shown as still running (the leakage test builds a year from this and
        from the whole data and asks for the same scenario)."""
        return replace(
            self,
            nmc={y: v for y, v in self.nmc.items() if y <= year},
            contiguity=tuple(replace(c, end=min(c.end, year)) for c in self.contiguity if c.start <= year),
            atop={y: v for y, v in self.atop.items() if y <= year},
            treaties=tuple(
                replace(t, left=0 if t.left == 0 or t.left > year else t.left)
                for t in self.treaties
                if t.entered <= year
            ),
            rivalries=tuple(replace(r, end=min(r.end, year)) for r in self.rivalries if r.start <= year),
            mids={
                y: tuple(d if d.ended <= year else replace(d, ended=0) for d in v)
                for y, v in self.mids.items()
                if y <= year
            },
            democracy={y: v for y, v in self.democracy.items() if y <= year},
            wars={y: v for y, v in self.wars.items() if y <= year},
            membership=tuple((c, s, min(e, year)) for c, s, e in self.membership if s <= year),
            majors=tuple((c, s, min(e, year)) for c, s, e in self.majors if s <= year),
        )


def capital_at(data: HistoryData, ccode: int, year: int) -> Capital | None:
    """The state's capital in the year (in a year it moved, the one it had in January),
    or None when the table has none for it."""
    held = [c for c in data.capitals.get(ccode, ()) if c.start <= year <= c.end]
    return held[0] if held else None


# ------------------------------------------------------------------ reading
def _rows(table: CsvTable, columns: Sequence[str]) -> list[tuple[int, list[str]]]:
    """Each row's cells of the named columns; a row cut short is refused with its line."""
    width = max(table.columns[c] for c in columns) + 1
    out = []
    for line, row in table.rows:
        if len(row) < width:
            raise AdvisorError(
                f"row has {len(row)} cells, the header {len(table.columns)}: the file is cut short or damaged",
                table.path,
                line,
            )
        out.append((line, [table.cell(row, c) for c in columns]))
    return out


def _int(text: str, column: str, path: str, line: int, low: int | None = None, high: int | None = None) -> int:
    try:
        value = float(text)
        if not value.is_integer():
            raise ValueError(text)
    except (ValueError, OverflowError):
        raise AdvisorError(f"{column} {text!r} is not a whole number", path, line) from None
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise AdvisorError(f"{column} {number} is outside {low}-{high}", path, line)
    return number


def _ccode(text: str, column: str, path: str, line: int) -> int:
    return _int(cell_code(text), column, path, line, 0, 9999)


def _year(text: str, column: str, path: str, line: int) -> int:
    return _int(text, column, path, line, *_YEAR_RANGE)


def _span(start: str, end: str, path: str, line: int) -> tuple[int, int]:
    """The first and last year of a row's ``stdate`` and ``enddate`` (YYYY-MM-DD)."""
    years = []
    for column, text in (("stdate", start), ("enddate", end)):
        try:
            years.append(year_of(text))
        except ValueError:
            raise AdvisorError(f"{column} {text!r} is not a date (YYYY-MM-DD)", path, line) from None
    return years[0], years[1]


def _flag(text: str, column: str, path: str, line: int) -> int:
    return _int(text or "0", column, path, line, 0, 1)


def _table(folder: Path, d: Dataset) -> tuple[CsvTable, str]:
    path = folder / d.path
    if not path.is_file():
        raise AdvisorError(f"missing: {d.release} ({d.where})", path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise AdvisorError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        table = read_table(path, d.columns)
    except AdvisorError as exc:
        # csv's own errors carry no line: find it, so the user knows where to look.
        if exc.line is None and "CSV" in exc.message:
            raise AdvisorError(exc.message, path, _bad_line(path)) from None
        raise
    return table, digest


def _bad_line(path: Path) -> int | None:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            for _row in reader:
                pass
        except csv.Error:
            return reader.line_num or None
    return None


def read_history_data(folder: str | os.PathLike[str]) -> HistoryData:
    """Read every data set of the folder (:data:`DATASETS`)."""
    root = Path(folder)
    tables = {}
    digests = {}
    for d in DATASETS:
        tables[d.key], digests[d.key] = _table(root, d)

    t = tables["states"]
    names: dict[int, tuple[str, str]] = {}
    membership = []
    for line, (code, abb, name, st, end) in _rows(t, ("ccode", "stateabb", "statenme", "styear", "endyear")):
        c = _ccode(code, "ccode", t.path, line)
        names.setdefault(c, (abb, name or abb or f"state {c}"))
        membership.append((c, _year(st, "styear", t.path, line), _year(end, "endyear", t.path, line)))
    t = tables["majors"]
    majors = [
        (_ccode(c, "ccode", t.path, line), _year(s, "styear", t.path, line), _year(e, "endyear", t.path, line))
        for line, (c, s, e) in _rows(t, ("ccode", "styear", "endyear"))
    ]

    t = tables["nmc"]
    nmc: dict[int, dict[int, Capability]] = {}
    for line, (code, year, milex, milper, cinc) in _rows(t, ("ccode", "year", "milex", "milper", "cinc")):
        c, y = _ccode(code, "ccode", t.path, line), _year(year, "year", t.path, line)
        values = []
        for column, text in (("cinc", cinc), ("milex", milex), ("milper", milper)):
            try:
                values.append(cell_number(text))
            except (ValueError, OverflowError):
                raise AdvisorError(f"{column} {text!r} is not a number", t.path, line) from None
        if values[0] is not None and values[0] > 1:
            raise AdvisorError(f"cinc {cinc} is more than 1 (a share of the system)", t.path, line)
        if c in nmc.setdefault(y, {}):
            raise AdvisorError(f"state {c} has a second row for {y}", t.path, line)
        if values[0] is not None:
            nmc[y][c] = Capability(cinc=values[0], milex=values[1], milper=values[2])

    t = tables["contiguity"]
    contiguity = []
    for line, (a, b, kind, st, end) in _rows(t, CONTIGUITY_COLUMNS):
        span = _span(st, end, t.path, line)
        ca, cb = _ccode(a, "ccode1", t.path, line), _ccode(b, "ccode2", t.path, line)
        contiguity.append(
            Contiguity(
                a=min(ca, cb),
                b=max(ca, cb),
                kind=_int(kind, "conttype", t.path, line, 0, 5),
                start=span[0],
                end=span[1],
            )
        )

    t = tables["atop"]
    kinds = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
    atop: dict[int, dict[tuple[int, int], tuple[int, ...]]] = {}
    for line, cells in _rows(t, ("ccode1", "ccode2", "year", *kinds)):
        ca, cb = _ccode(cells[0], "ccode1", t.path, line), _ccode(cells[1], "ccode2", t.path, line)
        y = _year(cells[2], "year", t.path, line)
        flags = tuple(_flag(v, k, t.path, line) for k, v in zip(kinds, cells[3:]))
        atop.setdefault(y, {})[(min(ca, cb), max(ca, cb))] = flags

    t = tables["treaties"]
    treaties = []
    for line, (tid, member, ent, ext, defense, offense) in _rows(
        t, ("atopid", "member", "yrent", "yrexit", "defense", "offense")
    ):
        left = _int(ext, "yrexit", t.path, line)
        if left != 0:
            left = _year(ext, "yrexit", t.path, line)
        treaties.append(
            TreatyMember(
                atopid=_int(tid, "atopid", t.path, line, 0),
                member=_ccode(member, "member", t.path, line),
                entered=_year(ent, "yrent", t.path, line),
                left=left,
                pledge=bool(_flag(defense, "defense", t.path, line) or _flag(offense, "offense", t.path, line)),
            )
        )

    t = tables["rivalries"]
    rivalries = []
    for line, (name, a, b, st, end) in _rows(t, ("rivalryname", "ccode1", "ccode2", "styear", "endyear")):
        ca, cb = _ccode(a, "ccode1", t.path, line), _ccode(b, "ccode2", t.path, line)
        rivalries.append(
            Rivalry(
                a=min(ca, cb),
                b=max(ca, cb),
                start=_year(st, "styear", t.path, line),
                end=_year(end, "endyear", t.path, line),
                name=name,
            )
        )

    t = tables["mids"]
    mids: dict[int, list[Dispute]] = {}
    for line, (num, a, b, year, _sa, sb, _ha, hb) in _rows(
        t, ("dispnum", "ccode1", "ccode2", "year", "sidea1", "sidea2", "hostlev1", "hostlev2")
    ):
        y = _year(year, "year", t.path, line)
        mids.setdefault(y, []).append(
            Dispute(
                dispnum=_int(num, "dispnum", t.path, line, 0),
                a=_ccode(a, "ccode1", t.path, line),
                b=_ccode(b, "ccode2", t.path, line),
                year=y,
                b_initiator=bool(_flag(sb, "sidea2", t.path, line)),
                b_hostility=_int(hb, "hostlev2", t.path, line, 1, 5),
            )
        )

    t = tables["wars"]
    wars: dict[int, list[WarDyad]] = {}
    for line, (num, a, b, year) in _rows(t, ("warnum", "ccode1", "ccode2", "year")):
        y = _year(year, "year", t.path, line)
        wars.setdefault(y, []).append(
            WarDyad(
                warnum=_int(num, "warnum", t.path, line, 0),
                a=_ccode(a, "ccode1", t.path, line),
                b=_ccode(b, "ccode2", t.path, line),
                year=y,
            )
        )

    ends: dict[int, int] = {}
    for dispute_years in mids.values():
        for dy in dispute_years:
            ends[dy.dispnum] = max(ends.get(dy.dispnum, 0), dy.year)
    capitals = _capitals(tables["capitals"])
    return HistoryData(
        democracy=_democracy(tables["democracy"]),
        folder=os.fspath(folder),
        capitals=capitals,
        names=names,
        membership=tuple(membership),
        majors=tuple(majors),
        nmc=nmc,
        contiguity=tuple(contiguity),
        atop=atop,
        treaties=tuple(treaties),
        rivalries=tuple(rivalries),
        mids={y: tuple(replace(dy, ended=ends[dy.dispnum]) for dy in v) for y, v in mids.items()},
        wars={y: tuple(v) for y, v in wars.items()},
        digests=digests,
    )


def _capitals(t: CsvTable) -> dict[int, tuple[Capital, ...]]:
    out: dict[int, list[Capital]] = {}
    for line, (code, name, st, end, lat, lng) in _rows(t, ("ccode", "capital", "stdate", "enddate", "lat", "lng")):
        span = _span(st, end, t.path, line)
        coords = []
        for column, text, limit in (("lat", lat, 90.0), ("lng", lng, 180.0)):
            try:
                value = float(text)
            except ValueError:
                raise AdvisorError(f"{column} {text!r} is not a number", t.path, line) from None
            if not -limit <= value <= limit:
                raise AdvisorError(f"{column} {value} is outside -{limit:g} to {limit:g}", t.path, line)
            coords.append(value)
        c = _ccode(code, "ccode", t.path, line)
        out.setdefault(c, []).append(
            Capital(ccode=c, name=name, start=span[0], end=span[1], lat=coords[0], lng=coords[1])
        )
    return {c: tuple(sorted(v, key=lambda x: x.start)) for c, v in out.items()}


def _democracy(t: CsvTable) -> dict[int, dict[int, float]]:
    """Marquez's extended UDS by year and state; a blank cell is no figure."""
    out: dict[int, dict[int, float]] = {}
    for line, (code, year, score) in _rows(t, ("ccode", "year", "xm_qudsest")):
        if not score.strip() or score.strip().upper() == "NA":
            continue
        try:
            value = float(score)  # a scale centred on 0: negative figures are real
        except ValueError:
            raise AdvisorError(f"xm_qudsest {score!r} is not a number", t.path, line) from None
        if not math.isfinite(value):
            raise AdvisorError(f"xm_qudsest {score!r} is not a finite number", t.path, line)
        out.setdefault(_year(year, "year", t.path, line), {})[_ccode(code, "ccode", t.path, line)] = value
    return out
