"""The scenario engine: derive each pair's answers, weigh every state and every bloc as
a threat, decide each state's choice with the single-case engine against its greatest
threat, and iterate the choices to blocs.

The system is held as arrays indexed by the states' order (``System``): the level of
each source of threat for every ordered pair, built once per run in O(n^2); a round
costs a few matrix products over them and one vectorised evaluation of the n choices.
Only the final round's pairs (each state against its greatest threat) become
:class:`DerivedAnswer` objects with their figures, and only with ``explanations`` does
each state get its single-case Result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from alliance_advisor.rules.case import Advisor, Case
from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.kb import UNKNOWN
from alliance_advisor.rules.scenario._baselines import compute_baselines
from alliance_advisor.rules.scenario._blocs import coalitions, ties
from alliance_advisor.rules.scenario._matching import match_blocs
from alliance_advisor.rules.scenario._model import Scenario, load_derivation
from alliance_advisor.rules.scenario._result import DerivedAnswer, PairThreat, ScenarioResult, StateChoice

IntArray = npt.NDArray[np.int_]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

# The four sources of threat a bloc aggregates (derivation.yaml `blocs`), by the
# questionnaire's factor each one answers.
BLOC_SOURCES = {
    "threat_power": "power",
    "proximity": "proximity",
    "offensive_capability": "offensive_capability",
    "intentions": "intentions",
}


@dataclass(frozen=True, kw_only=True)
class _ThreatFigures:
    """One set of answers on the rule program's score: named, as a PairThreat takes them."""

    threat_level: str | None
    score: int
    maximum: int
    answers: dict[str, str]  # the sources' levels
    parts: tuple[tuple[str, int], ...]  # the points each source adds


def _band_index(thresholds: FloatArray, values: FloatArray) -> IntArray:
    """For bands declared highest first by ``at_least``: the position of the first band
    each value reaches (every value reaches the last, at 0)."""
    reached = values[..., None] >= thresholds
    return np.asarray(np.argmax(reached, axis=-1), dtype=np.int_)


@dataclass(kw_only=True)
class Threat:
    """A state's greatest threat in one round: a state, or a bloc led by its member
    that threatens the deciding state most. Not frozen: it caches its ``made_by``."""

    lead: int
    members: tuple[int, ...]  # (lead,) for a single state
    levels: dict[str, str]  # the four sources' levels (and the deciding state's strength)
    score: int
    capability: float
    # bloc: source -> the members that gave its level (worked out only when asked for)
    _made_by: Callable[[], dict[str, tuple[int, ...]]] | None = None

    @property
    def is_bloc(self) -> bool:
        return len(self.members) > 1

    _made: dict[str, tuple[int, ...]] | None = None

    @property
    def made_by(self) -> dict[str, tuple[int, ...]]:
        if self._made is None:
            self._made = self._made_by() if self._made_by is not None else {}
        return self._made


@dataclass(frozen=True, kw_only=True)
class _Round:
    """What the last round concluded, for the result."""

    threats: list[Threat]
    answers: list[dict[str, str]]
    codes: list[str | None]
    sides: list[str]
    candidates: list[tuple[int, ...]]
    partners: list[tuple[int, ...]]
    ties: Sequence[frozenset[int]]  # the ties the round's choices were made under
    in_force: Sequence[frozenset[int]]
    groups: list[tuple[int, ...]]  # the blocs the round's states weighed as threats
    # each state's partners are certain to balance its threat without it, and it holds
    # no alliance in force with them (derivation.yaml `stays_out`: balanced without it)
    without_it: list[bool]


class System:
    """A scenario as arrays: each source of threat's level for every ordered pair
    (row: the deciding state, column: the other power), overrides applied."""

    def __init__(self, engine: ScenarioEngine, sc: Scenario) -> None:
        kb, d = engine.kb, engine.derivation
        self.sc = sc
        self.ids = sc.ids
        n = self.n = len(self.ids)
        self.at = {s: i for i, s in enumerate(self.ids)}
        self.cap = np.array([s.capability for s in sc.states], dtype=np.float64)
        self.levels = {f: tuple(kb.factor(f).level_ids) for f in kb.factor_ids}
        self.index = {f: {lv: i for i, lv in enumerate(lvs)} for f, lvs in self.levels.items()}
        at = self.at
        # Neighbours and regions: an adjacency matrix and a state x region matrix.
        self.adjacent = np.zeros((n, n), dtype=bool)
        for pair in sc.neighbours:
            p, q = (at[s] for s in pair)
            self.adjacent[p, q] = self.adjacent[q, p] = True
        self.neighbour_sets = [frozenset(np.flatnonzero(row).tolist()) for row in self.adjacent]
        in_region = np.zeros((n, max(1, len(sc.regions))), dtype=np.float64)
        for r, members in enumerate(sc.regions.values()):
            for m in members:
                in_region[at[m], r] = 1.0
        regional = (in_region @ in_region.T) > 0
        if d.common_neighbour_is_regional:
            adj = self.adjacent.astype(np.float64)
            regional |= (adj @ adj) > 0
        prox = self.index["proximity"]
        px = np.full((n, n), prox["distant"], dtype=np.int_)
        px[regional] = prox["regional"]
        px[self.adjacent] = prox["neighbour"]
        # The pair's own levels of every source of threat.
        strength = _band_index(np.array([b.at_least for b in d.state_strength]), self.cap)
        st_levels = np.array([self.index["state_strength"][b.level] for b in d.state_strength])
        self.power_bands = np.array([b.at_least for b in d.threat_power])
        self.power_levels = np.array([self.index["threat_power"][b.level] for b in d.threat_power])
        ratio = self.cap[None, :] / self.cap[:, None]
        off = np.array([self.index["offensive_capability"][s.offensive_capability] for s in sc.states])
        # derivation.yaml `offensive_capability`: against a distant state a power's
        # declared means to strike count lower, unless its reach is global.
        projects = np.array([d.state_strength[k].level in d.offensive_projected_by for k in strength.tolist()])
        declared = np.repeat(off[None, :], n, axis=0)
        far = (px == prox["distant"]) & ~projects[None, :]
        offensive = np.where(far, np.maximum(declared - d.offensive_distant_steps_down, 0), declared)
        self.offense_lowered = offensive < declared
        intents = self.index["intentions"]
        it = np.full((n, n), intents[d.default_intentions], dtype=np.int_)
        self.perceived = np.zeros((n, n), dtype=bool)
        for sa, seen in sc.perceptions.items():
            for sb, level in seen.items():
                it[at[sa], at[sb]] = intents[level]
                self.perceived[at[sa], at[sb]] = True
        # derivation.yaml `alliance_in_force`: partners in force see each other no worse
        # than its level where the perceptions are silent.
        allied = _tie_matrix(ties(([at[s] for s in g] for g in sc.alignments), n), n)
        self.allied_read = allied & ~self.perceived
        it[self.allied_read] = np.minimum(it[self.allied_read], intents[d.alliance_intentions])
        self.matrix: dict[str, IntArray] = {
            "state_strength": np.repeat(st_levels[strength][:, None], n, axis=1),
            "threat_power": self.power_levels[_band_index(self.power_bands, ratio)],
            "proximity": px,
            "offensive_capability": offensive,
            "intentions": it,
        }
        self.overridden: dict[tuple[int, int], dict[str, str]] = {}
        for sa, powers in sc.overrides.items():
            for sb, answers in powers.items():
                i, j = at[sa], at[sb]
                self.overridden[(i, j)] = dict(answers)
                for factor, level in answers.items():
                    if factor in self.matrix:
                        self.matrix[factor][i, j] = self.index[factor][level]
        # The threat score of every pair, from the rule program's own table.
        self.score_factors = engine.score.factors
        self.score = engine.totals[tuple(self.matrix[f] for f in self.score_factors)]
        # Each pair's combination of the score's levels as one number (few distinct ones).
        self.combo = np.ravel_multi_index(tuple(self.matrix[f] for f in self.score_factors), engine.totals.shape)
        np.fill_diagonal(self.score, np.iinfo(np.int32).min)
        # Each state's ranking of the others: score, then capability, then id.
        id_rank = np.argsort(np.argsort(np.array(self.ids, dtype=object)))
        order = np.lexsort(
            (np.broadcast_to(id_rank, (n, n)), np.broadcast_to(-self.cap, (n, n)), -self.score.astype(np.int64)),
            axis=-1,
        )
        self.order = order
        self.position = np.empty_like(order)
        rows = np.arange(n)[:, None]
        self.position[rows, order] = np.arange(n)[None, :]
        self.defeated = np.zeros(n, dtype=bool)
        for s in sc.defeated:
            self.defeated[at[s]] = True
        worth = np.array([d.allies_worth[lv] for lv in self.levels["proximity"]])
        self.worth = self.cap[None, :] * worth[px]  # a partner's worth to the deciding state
        top = sorted(range(n), key=lambda i: (self.cap[i], self.ids[i]), reverse=True)[:2]
        self.strongest = [top[1] if i == top[0] else top[0] for i in range(n)]
        # What does not change between rounds: each state's greatest single threat, and
        # each bloc weighed as a threat (blocs recur from round to round).
        best = self.order[:, 0]
        self.singles = [self.single(i, int(best[i])) for i in range(n)]
        self.single_score = np.array([t.score for t in self.singles])
        self.single_cap = np.array([t.capability for t in self.singles])
        self._blocs: dict[tuple[int, ...], tuple[IntArray, FloatArray, Callable[[int], Threat]]] = {}

    def level(self, factor: str, i: int, j: int) -> str:
        return self.levels[factor][int(self.matrix[factor][i, j])]

    # ------------------------------------------------------------ threats
    def single(self, i: int, j: int) -> Threat:
        levels = {f: self.level(f, i, j) for f in self.matrix}
        return Threat(lead=j, members=(j,), levels=levels, score=int(self.score[i, j]), capability=float(self.cap[j]))

    def bloc_threats(
        self, engine: ScenarioEngine, bloc: Sequence[int]
    ) -> tuple[IntArray, FloatArray, Callable[[int], Threat]]:
        """The bloc weighed as one threat by every state not in it: the scores (the
        lowest possible for its own members), the pooled capability each state counts,
        and the threat as state i faces it (the same for the run: kept)."""
        key = tuple(bloc)
        hit = self._blocs.get(key)
        if hit is None:
            hit = self._blocs[key] = self._bloc_threats(engine, key)
        return hit

    def _bloc_threats(
        self, engine: ScenarioEngine, bloc: Sequence[int]
    ) -> tuple[IntArray, FloatArray, Callable[[int], Threat]]:
        members = np.array(bloc)
        n = self.n
        intents = self.matrix["intentions"][:, members]
        # derivation.yaml `blocs`: the means are those of the members the deciding state
        # does not see as benign (all of them when every one is benign).
        counted = intents > self.index["intentions"]["benign"]
        counted |= ~counted.any(axis=1, keepdims=True)
        pooled = counted @ self.cap[members]  # each deciding state's view of the bloc's power
        power = self.power_levels[_band_index(self.power_bands, pooled / self.cap)]
        agg = {
            "threat_power": power,
            "proximity": np.where(counted, self.matrix["proximity"][:, members], -1).max(axis=1),
            "offensive_capability": np.where(counted, self.matrix["offensive_capability"][:, members], -1).max(axis=1),
            "intentions": intents.max(axis=1),
            "state_strength": self.matrix["state_strength"][:, 0],
        }
        scores = engine.totals[tuple(agg[f] for f in self.score_factors)]
        inside = np.zeros(n, dtype=bool)
        inside[members] = True
        scores = np.where(inside, np.iinfo(np.int32).min, scores)

        made: dict[int, Threat] = {}
        # Each deciding state's lead member (the one it ranks first) and the bloc's
        # levels as it faces it, for all states at once.
        leads = members[np.argmin(self.position[:, members], axis=1)].tolist()
        names = {f: [self.levels[f][k] for k in agg[f].tolist()] for f in agg}
        as_tuple = tuple(members.tolist())
        score_list, pooled_list = scores.tolist(), pooled.tolist()

        def threat(i: int) -> Threat:
            t = made.get(i)
            if t is None:
                levels = {f: names[f][i] for f in agg}
                t = made[i] = Threat(
                    lead=leads[i],
                    members=as_tuple,
                    levels=levels,
                    score=score_list[i],
                    capability=pooled_list[i],
                    _made_by=self._made_by(i, members, counted[i], agg),
                )
            return t

        return scores, pooled, threat

    def _made_by(
        self, i: int, members: IntArray, counted: BoolArray, agg: Mapping[str, IntArray]
    ) -> Callable[[], dict[str, tuple[int, ...]]]:
        def made_by() -> dict[str, tuple[int, ...]]:
            out = {"threat_power": tuple(members[counted].tolist())}
            for f in ("proximity", "offensive_capability", "intentions"):
                row = self.matrix[f][i, members]
                out[f] = tuple(members[counted & (row == int(agg[f][i]))].tolist())
            return out

        return made_by


def _row_columns(matrix: BoolArray) -> tuple[list[int], list[int]]:
    """The columns where each row holds, in order, as one list and each row's bounds in it
    (row a's columns: cols[ends[a]:ends[a + 1]])."""
    cols = np.nonzero(matrix)[1].tolist()
    ends = [0, *np.cumsum(matrix.sum(axis=1)).tolist()]
    return cols, ends


def _tie_matrix(tied: Sequence[frozenset[int]], n: int) -> BoolArray:
    out = np.zeros((n, n), dtype=bool)
    for i, s in enumerate(tied):
        if s:
            out[i, list(s)] = True
    return out


class ScenarioEngine:
    """Derive, rank, decide and iterate a scenario with the single-case engine."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self.kb = advisor.kb
        self.derivation = load_derivation(self.kb)
        self.score = next(
            r.score
            for r in advisor.program.rules
            if r.score is not None and r.score.target == self.kb.theory.threat_fact
        )
        # The score's total for every combination of known levels, as an array indexed
        # by the levels' positions in the questionnaire (one lookup per pair).
        dims = [tuple(self.kb.factor(f).level_ids) for f in self.score.factors]
        self.totals = np.zeros(tuple(len(x) for x in dims), dtype=np.int_)
        for combo in product(*[range(len(x)) for x in dims]):
            self.totals[combo] = self.score.outcomes[tuple(dims[k][c] for k, c in enumerate(combo))].total
        self._threat_cache: dict[tuple[str, ...], _ThreatFigures] = {}
        self._by_code: dict[int, _ThreatFigures] = {}
        self._sides = {r.id: r.side for r in self.kb.responses}
        d = self.derivation
        for group, verdicts in d.stays_out.items():
            unknown = [v for v in verdicts if v not in self._sides]
            if unknown:
                raise KnowledgeError(
                    f"'stays_out.{group}': unknown response '{unknown[0]}' (expected one of {', '.join(self._sides)})",
                    d.path,
                    d.lines.get("stays_out"),
                )

    # ------------------------------------------------------------ the threat's score
    def threat_of(self, answers: Mapping[str, str]) -> _ThreatFigures:
        """The level, score, maximum, sources and points per source of one set of answers, on
        the rule program's score (cached: a system has few combinations of levels)."""
        key = tuple(answers.get(f, UNKNOWN) for f in self.score.factors)
        hit = self._threat_cache.get(key)
        if hit is None:
            o = self.score.outcome(answers)
            sources = {f: answers[f] for f in self.score.factors if f in answers}
            hit = _ThreatFigures(
                threat_level=o.level,
                score=o.total,
                maximum=o.maximum,
                answers=sources,
                parts=o.parts(self.score.factors[-1]),
            )
            self._threat_cache[key] = hit
        return hit

    def _figures_of(self, system: System, code: int, i: int, j: int) -> _ThreatFigures:
        """threat_of for a pair, by its combination's number (cached per number)."""
        hit = self._by_code.get(code)
        if hit is None:
            hit = self._by_code[code] = self.threat_of(system.single(i, j).levels)
        return hit

    def _pair_threat(self, system: System, i: int, threat: Threat) -> PairThreat:
        figures = self.threat_of(threat.levels)
        ids = system.ids
        return PairThreat(
            power=ids[threat.lead],
            threat_level=figures.threat_level,
            score=figures.score,
            maximum=figures.maximum,
            answers=figures.answers,
            parts=figures.parts,
            members=tuple(ids[m] for m in threat.members) if threat.is_bloc else (),
            made_by=tuple((f, tuple(ids[m] for m in ms)) for f, ms in threat.made_by.items()),
        )

    def side(self, verdict: str | None) -> str:
        """Where a verdict puts a state in the system (responses.yaml `side`)."""
        return self._sides.get(verdict, "apart") if verdict else "apart"

    def place(self, verdict: str | None, row: Mapping[str, str], without_it: bool) -> tuple[str, str | None]:
        """Where a verdict puts a state, and why it stays out of every bloc when it does
        (derivation.yaml `stays_out`): ``low`` or ``far`` (the threat is too small to
        ally over, or distant), ``balanced`` (it leaves the cost to others, and
        ``without_it``: its partners' help against the threat is certain without it and
        it is bound to them by no alliance in force)."""
        d = self.derivation
        if verdict in d.stays_out["threat_too_small"]:
            far = row.get("proximity") == "distant" and self.threat_of(row).threat_level != "low"
            return "apart", "far" if far else "low"
        if verdict in d.stays_out["balanced_without_it"] and without_it:
            return "apart", "balanced"
        return self.side(verdict), None

    # ------------------------------------------------------------ a run
    def run(
        self, sc: Scenario, world: str | None = None, explain: bool = True, explanations: bool = True
    ) -> ScenarioResult:
        """The scenario's choices and blocs. Without ``explanations`` (a quick run, for
        live editing and for history) the verdicts are the vectorised evaluator's and no
        state carries its single-case Result; the verdicts are the same (every analysis
        with explanations cross-checks the two engines)."""
        world = world or self.kb.theory.default_world
        system = System(self, sc)
        ids, n = system.ids, system.n
        in_force = ties(((system.at[s] for s in g) for g in sc.alignments), n)
        partners_of = in_force
        groups = [tuple(system.at[s] for s in g) for g in sc.alignments]
        history: list[tuple[tuple[str, ...], ...]] = []
        seen: dict[tuple[tuple[str, ...], ...], int] = {}
        stable, cycle = False, None
        refused: list[int] = []
        vector = self.advisor.analyst.vector
        verdict_of: dict[tuple[tuple[str, str], ...], str | None] = {}  # a row's verdict, for this run
        for _round in range(self.derivation.max_rounds):
            used = partners_of  # the ties this round's choices are made under
            faced = [tuple(g) for g in groups]
            threats = self._greatest(system, faced)
            answers, candidates, partners, without_it = self._situational(system, threats, used, in_force)
            codes = self._verdicts(vector, answers, world, verdict_of)
            sides = [self.place(v, row, w)[0] for v, row, w in zip(codes, answers, without_it)]
            blocs, refused = coalitions(n, threats, sides, partners)
            key = tuple(tuple(ids[i] for i in b) for b in blocs)
            history.append(key)
            if key in seen:
                stable = seen[key] == len(history) - 2
                cycle = None if stable else len(history) - 1 - seen[key]
                break
            seen[key] = len(history) - 1
            partners_of = ties(blocs, n)
            groups = [b for b in blocs if len(b) > 1]
        final = _Round(
            threats=threats,
            answers=answers,
            codes=codes,
            sides=sides,
            candidates=candidates,
            partners=partners,
            ties=used,
            in_force=in_force,
            groups=faced,
            without_it=without_it,
        )
        return self._result(sc, system, world, final, history, stable, cycle, refused, explain, explanations)

    # ------------------------------------------------------------ a round
    @staticmethod
    def _verdicts(
        vector: Any,
        answers: Sequence[Mapping[str, str]],
        world: str,
        known: dict[tuple[tuple[str, str], ...], str | None],
    ) -> list[str | None]:
        """The vectorised evaluator's verdict of each row, evaluating only the rows not
        met in an earlier round of the run (a verdict depends on the answers alone)."""
        keys = [tuple(row.items()) for row in answers]
        new = {k: row for k, row in zip(keys, answers) if k not in known}
        if new:
            known.update(zip(new, vector.verdicts(new.values(), world)))
        return [known[k] for k in keys]

    def _greatest(self, system: System, groups: Sequence[Sequence[int]]) -> list[Threat]:
        """Each state's greatest threat: the first of its ranking of single states,
        unless a bloc it is not in scores higher (or as high, with more capability)."""
        out = list(system.singles)
        best_score = system.single_score
        best_cap = system.single_cap
        for bloc in groups:
            scores, pooled, threat = system.bloc_threats(self, bloc)
            wins = (scores > best_score) | ((scores == best_score) & (pooled > best_cap))
            for i in np.flatnonzero(wins).tolist():
                out[i] = threat(i)
            best_score = np.where(wins, scores, best_score)
            best_cap = np.where(wins, pooled, best_cap)
        return out

    def _situational(
        self,
        system: System,
        threats: Sequence[Threat],
        partners_of: Sequence[frozenset[int]],
        in_force: Sequence[frozenset[int]],
    ) -> tuple[list[dict[str, str]], list[tuple[int, ...]], list[tuple[int, ...]], list[bool]]:
        """Every state's answers against its greatest threat, given who is aligned with
        whom after the previous round (or the alignments in force): its partners are the
        threat's enemies, the states whose own greatest threat is on the threat's side
        (and its own allies that are not). Returns the answers, the partners counted
        for the allies answer, among them those that face the same side, and whether
        the threat is balanced without the state (``place``)."""
        d, sc, n = self.derivation, system.sc, system.n
        faces = np.zeros((n, n), dtype=np.float64)  # x -> the members of x's greatest threat
        for x, t in enumerate(threats):
            faces[x, list(t.members)] = 1.0
        tied = _tie_matrix(partners_of, n)
        # Row a: the threat's side as a faces it, its members and their allies. Against a
        # beaten power the question is the wartime alliance in force (B6): whether it
        # holds or comes apart, not the blocs the rounds have made since.
        reach = tied.astype(np.float64) + np.eye(n)
        threat_side = (faces @ reach) > 0
        beaten = np.flatnonzero([system.defeated[t.lead] for t in threats])
        tied_then = _tie_matrix(in_force, n)
        if beaten.size:
            threat_side[beaten] = (faces[beaten] @ (tied_then.astype(np.float64) + np.eye(n))) > 0
            tied[beaten] = tied_then[beaten]
        threat_side[np.arange(n), np.arange(n)] = False
        same_side = (threat_side.astype(np.float64) @ faces.T) > 0  # [a, x]: x's threat on a's threat side
        # Not a partner: a state on the threat's side, or one whose own threat is the
        # deciding state itself (it is the deciding state's enemy, not the threat's).
        eligible = ~threat_side & ~np.eye(n, dtype=bool) & ~(faces.T > 0)
        counted = eligible & (same_side | tied)
        help_cap = (counted * system.worth).sum(axis=1)
        # derivation.yaml `allies`: help is weighed against the greatest threat itself
        # (a bloc's capability pooled from the members that make it a threat), not
        # against every power its side holds.
        power_cap = np.array([t.capability for t in threats], dtype=np.float64)
        # Balanced without it (derivation.yaml `stays_out`): the help of the threat's
        # enemies and its allies in force alone, not of the bloc it sat in last round
        # (partners only because it had joined them), is certain, and no alliance in
        # force binds it to a partner.
        alone = eligible & (same_side | tied_then)
        certain = (alone * system.worth).sum(axis=1) >= d.allies[0].at_least * power_cap
        bound = (tied_then & counted).any(axis=1)
        without_it = [bool(x) for x in np.asarray(certain & ~bound)]
        ratio = help_cap / np.maximum(power_cap, 1e-12)
        allies = [b.level for b in d.allies]
        ally_level = _band_index(np.array([b.at_least for b in d.allies]), ratio)
        gap = np.abs(power_cap - help_cap)
        pivotal = system.cap >= d.pivotal_share_of_gap * gap
        with_threat: BoolArray = np.asarray((tied & (faces > 0)).any(axis=1))
        against_threat: BoolArray = np.asarray((tied & counted).any(axis=1))
        facing_all = counted & same_side
        answers, candidates, partners = [], [], []
        # Each row's columns that hold, for all rows at once (one list, sliced per row).
        cand_cols, cand_ends = _row_columns(counted)
        face_cols, face_ends = _row_columns(facing_all)
        for a, t in enumerate(threats):
            cands = tuple(cand_cols[cand_ends[a] : cand_ends[a + 1]])
            facing = tuple(face_cols[face_ends[a] : face_ends[a + 1]])
            candidates.append(cands)
            partners.append(facing)
            row = dict(t.levels)
            b = t.lead
            row["communication"] = d.default_communication
            row["war_status"] = "threat_defeated" if system.defeated[b] else sc.war
            row["ally_availability"] = allies[int(ally_level[a])]
            row["pivotal"] = "yes" if pivotal[a] else "no"
            row["winning_side"] = self._winning(system, a, t, threat_side[a], cands, partners_of)[0]
            if with_threat[a]:
                row["current_alignment"] = "with_threat"
            elif against_threat[a]:
                row["current_alignment"] = "against_threat"
            else:
                row["current_alignment"] = "unaligned"
            over = system.overridden.get((a, b))
            if over:
                row.update(over)
            answers.append(row)
        return answers, candidates, partners, without_it

    @staticmethod
    def _winning(
        system: System,
        a: int,
        t: Threat,
        side_row: BoolArray,
        candidates: Sequence[int],
        partners_of: Sequence[frozenset[int]],
    ) -> tuple[str, dict[str, Any]]:
        sc = system.sc
        if sc.war == "peace" or sc.war_leader is None:
            return "unclear", {}
        leader = system.at[sc.war_leader]
        lead = {"war_leader": sc.war_leader}
        if side_row[leader] or leader in t.members:
            return "threat", lead
        if leader == a or leader in candidates or leader in partners_of[a]:
            return "threat_opponents", lead
        return "unclear", lead

    # ------------------------------------------------------------ the result
    def _derived(
        self, system: System, a: int, t: Threat, row: Mapping[str, str], ally: Mapping[str, Any]
    ) -> tuple[DerivedAnswer, ...]:
        """The final answers of (a facing its greatest threat), each with its source,
        the key of derivation.yaml that gave it and its figures."""
        d, sc, ids = self.derivation, system.sc, system.ids
        b = t.lead
        over = system.overridden.get((a, b), {})
        own = float(system.cap[a])
        strength = next(x for x in d.state_strength if own >= x.at_least)
        out: list[DerivedAnswer] = [
            DerivedAnswer(
                factor="state_strength",
                level=row["state_strength"],
                source="data",
                rule="state_strength",
                figures={"capability": own, "at_least": strength.at_least},
            )
        ]
        power_cap = t.capability
        ratio = power_cap / own
        band = next(x for x in d.threat_power if ratio >= x.at_least)
        figures: dict[str, Any] = {
            "capability": round(power_cap, 4),
            "own": own,
            "ratio": round(ratio, 3),
            "at_least": band.at_least,
        }
        if t.is_bloc:
            figures["bloc"] = [ids[m] for m in t.members]
        out.append(
            DerivedAnswer(
                factor="threat_power",
                level=row["threat_power"],
                source="data",
                rule="blocs" if t.is_bloc else "threat_power",
                figures=figures,
            )
        )
        near = t.made_by.get("proximity", (b,))[0]
        out.append(
            DerivedAnswer(
                factor="proximity",
                level=row["proximity"],
                source="data",
                rule="proximity",
                figures=self._near(system, a, near, t),
            )
        )
        striker = t.made_by.get("offensive_capability", (b,))[0]
        lowered = bool(system.offense_lowered[a, striker])
        out.append(
            DerivedAnswer(
                factor="offensive_capability",
                level=row["offensive_capability"],
                source="data",
                rule="blocs" if t.is_bloc else "offensive_capability",
                figures={"declared": sc.states[striker].offensive_capability}
                | ({"lowered_for_distance": d.offensive_distant_steps_down} if lowered else {})
                | ({"member": ids[striker]} if t.is_bloc else {}),
            )
        )
        intender = t.made_by.get("intentions", (b,))[0]
        perceived = bool(system.perceived[a, intender])
        allied = bool(system.allied_read[a, intender])
        single_rule = "perceptions" if perceived else "alliance_in_force" if allied else "default_intentions"
        out.append(
            DerivedAnswer(
                factor="intentions",
                level=row["intentions"],
                source="data" if perceived or allied else "default",
                rule=single_rule if not t.is_bloc else "blocs",
                figures={"members": [ids[m] for m in t.made_by["intentions"]]}
                if t.is_bloc
                else {"alliance": sorted((ids[a], ids[b]))}
                if allied
                else {},
            )
        )
        out.append(
            DerivedAnswer(
                factor="communication",
                level=d.default_communication,
                source="default",
                rule="default_communication",
                figures={},
            )
        )
        if system.defeated[b]:
            out.append(
                DerivedAnswer(
                    factor="war_status",
                    level="threat_defeated",
                    source="data",
                    rule="defeated",
                    figures={"defeated": ids[b]},
                )
            )
        else:
            out.append(DerivedAnswer(factor="war_status", level=sc.war, source="data", rule="war", figures={}))
        out.append(
            DerivedAnswer(
                factor="ally_availability",
                level=row["ally_availability"],
                source="data",
                rule="allies",
                figures=dict(ally["allies"]),
            )
        )
        out.append(
            DerivedAnswer(
                factor="pivotal", level=row["pivotal"], source="data", rule="pivotal", figures=dict(ally["pivotal"])
            )
        )
        winning, lead = ally["winning"]
        out.append(
            DerivedAnswer(
                factor="winning_side",
                level=winning,
                source="data" if lead else "default",
                rule="war_leader",
                figures=lead,
            )
        )
        out.append(
            DerivedAnswer(
                factor="current_alignment",
                level=row["current_alignment"],
                source="data",
                rule="alignments",
                figures=dict(ally["aligned"]),
            )
        )
        return tuple(
            DerivedAnswer(
                factor=x.factor, level=over[x.factor], source="override", rule="overrides", figures={"derived": x.level}
            )
            if x.factor in over
            else x
            for x in out
        )

    def _near(self, system: System, a: int, b: int, t: Threat) -> dict[str, Any]:
        sc, ids = system.sc, system.ids
        extra: dict[str, Any] = {"member": ids[b]} if t.is_bloc else {}
        if system.adjacent[a, b]:
            return {"neighbours": [ids[a], ids[b]]} | extra
        for name, members in sc.regions.items():
            if ids[a] in members and ids[b] in members:
                return {"region": name} | extra
        if self.derivation.common_neighbour_is_regional:
            common = sorted(ids[c] for c in system.neighbour_sets[a] & system.neighbour_sets[b])
            if common:
                return {"common_neighbours": common} | extra
        return extra

    def _result(
        self,
        sc: Scenario,
        system: System,
        world: str,
        final: _Round,
        history: list[tuple[tuple[str, ...], ...]],
        stable: bool,
        cycle: int | None,
        refused: Sequence[int],
        explain: bool,
        explanations: bool,
    ) -> ScenarioResult:
        ids, n = system.ids, system.n
        threats, answers, codes, sides = final.threats, final.answers, final.codes, final.sides
        candidates, partners = final.candidates, final.partners
        # Who takes a state for its greatest threat (alone or leading a bloc) and sees it
        # as aggressive: the states whose aims the theory leaves aside (presentation/).
        threatens: list[list[str]] = [[] for _ in range(n)]
        aggressive = system.index["intentions"]["aggressive"]
        for x, t in enumerate(threats):
            if system.matrix["intentions"][x, t.lead] >= aggressive:
                threatens[t.lead].append(ids[x])
        # Each state's ranking: every single state, and the blocs it faced in the last round.
        bloc_rows: list[list[Threat]] = [[] for _ in range(n)]
        for bloc in final.groups:
            scores, _pooled, threat = system.bloc_threats(self, bloc)
            for i in np.flatnonzero(scores > np.iinfo(np.int32).min).tolist():
                bloc_rows[i].append(threat(i))
        states: dict[str, StateChoice] = {}
        d = self.derivation
        by_code = self._by_code
        # Every ranking's singles: one PairThreat per (power, combination of levels),
        # frozen and shared by the rankings, looked up for all pairs at once.
        ranked_by = system.order[:, : n - 1]
        keys = ranked_by * self.totals.size + np.take_along_axis(system.combo, ranked_by, axis=1)
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        table = np.empty(len(unique), dtype=object)
        for u, flat in enumerate(first.tolist()):
            a, k = divmod(flat, n - 1)
            j = int(ranked_by[a, k])
            c = int(system.combo[a, j])
            figures = by_code.get(c) or self._figures_of(system, c, a, j)
            table[u] = PairThreat(
                power=ids[j],
                threat_level=figures.threat_level,
                score=figures.score,
                maximum=figures.maximum,
                answers=figures.answers,
                parts=figures.parts,
            )
        inverse = inverse.reshape(ranked_by.shape)
        for a in range(n):
            t = threats[a]
            row_order = ranked_by[a]
            ranked = table[inverse[a]].tolist()
            if bloc_rows[a]:
                # Each bloc in its place among the singles (score, then capability, first).
                scores_a = system.score[a, row_order]
                caps_a = system.cap[row_order]
                placed = []
                for bt in bloc_rows[a]:
                    at = int(
                        np.count_nonzero((scores_a > bt.score) | ((scores_a == bt.score) & (caps_a > bt.capability)))
                    )
                    placed.append((at, -bt.score, -bt.capability, ids[bt.lead], self._pair_threat(system, a, bt)))
                for at, *_key, p in sorted(placed, key=lambda x: x[:4], reverse=True):
                    ranked.insert(at, p)
            first = (ids[t.lead], tuple(ids[m] for m in t.members) if t.is_bloc else ())
            if (ranked[0].power, ranked[0].members) != first:  # the round's greatest first, as chosen against
                k = next(k for k, p in enumerate(ranked) if (p.power, p.members) == first)
                ranked.insert(0, ranked.pop(k))
            side_row = np.zeros(n, dtype=bool)
            for m in t.members:
                side_row[m] = True
                side_row[list(final.ties[m])] = True
            side_row[a] = False
            power_cap = t.capability  # the greatest threat's own (derivation.yaml `allies`)
            help_cap = float(sum(system.worth[a, x] for x in candidates[a]))
            ally = {
                "allies": {
                    "candidates": [ids[x] for x in candidates[a]],
                    "their_worth": round(help_cap, 4),
                    "threat_members": sorted(ids[m] for m in t.made_by.get("threat_power", t.members)),
                    "power_capability": round(power_cap, 4),
                    "ratio": round(help_cap / max(power_cap, 1e-12), 3),
                    "at_least": next(b.at_least for b in d.allies if b.level == answers[a]["ally_availability"]),
                },
                "pivotal": {
                    "own": float(system.cap[a]),
                    "gap": round(abs(power_cap - help_cap), 4),
                    "share_of_gap": d.pivotal_share_of_gap,
                },
                "winning": self._winning(system, a, t, side_row, candidates[a], final.ties),
                "aligned": {"aligned_with": sorted(ids[x] for x in final.ties[a])},
            }
            derivation = self._derived(system, a, t, answers[a], ally)
            case_answers = {x.factor: x.level for x in derivation}
            name = " and ".join(sc.states[m].name for m in t.members)
            result = None
            if explanations:
                case = Case(
                    title=f"{sc.states[a].name} facing {name}" + (f", {sc.year}" if sc.year else ""),
                    year=sc.year,
                    state=sc.states[a].name,
                    threat=name,
                    answers=case_answers,
                )
                result = self.advisor.analyze(case, world=world, explain=explain)
            verdict = result.verdict if result is not None else codes[a]
            side, stays_out = self.place(verdict, answers[a], final.without_it[a])
            if side == "against":
                chosen = tuple(ids[x] for x in partners[a] if sides[x] == "against") or tuple(
                    ids[x] for x in candidates[a]
                )
            elif side == "with":
                chosen = tuple(ids[m] for m in t.members)
            else:
                chosen = ()
            states[ids[a]] = StateChoice(
                state=ids[a],
                threats=tuple(ranked),
                greatest_threat=ids[t.lead],
                strongest=ids[system.strongest[a]],
                verdict=verdict,
                side=side,
                partners=chosen,
                derivation=derivation,
                result=result,
                threat_bloc=tuple(ids[m] for m in t.members) if t.is_bloc else (),
                threatens=tuple(threatens[a]),
                stays_out=stays_out,
            )
        last = history[-1]
        coalitions_ = tuple(bloc for bloc in last if len(bloc) > 1)
        unaligned = tuple(s for bloc in last if len(bloc) == 1 for s in bloc)
        misassigned = agreement = matching = None
        if sc.observed is not None:
            misassigned, agreement, matching = match_blocs(coalitions_, sc.observed, ids)
        notes = tuple(
            f"{ids[s]}: kept out of a bloc that holds a power it balances against"
            for s in sorted(set(refused), key=lambda s: ids[s])
        )
        return ScenarioResult(
            scenario=sc,
            world=world,
            states=states,
            coalitions=coalitions_,
            unaligned=unaligned,
            rounds=len(history),
            stable=stable and cycle is None,
            cycle=cycle,
            history=tuple(history),
            misassigned=misassigned,
            agreement=agreement,
            matching=matching,
            knowledge_version=self.kb.version,
            derivation_version=self.derivation.version,
            baselines=compute_baselines(sc, self.derivation.landscape, self.derivation.default_intentions),
            notes=notes,
        )
