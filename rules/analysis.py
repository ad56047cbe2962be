"""Analyses beyond the verdict: what-if, the three worlds, historical analogues.

Each is computed with the fast evaluator (rules/fastpath.py), which runs the same
rules as the experta engine, and attached to the Result the engine produced, so
the app, the command line and the reports render them without reasoning again.
"""
import weakref
from math import ceil
from pathlib import Path

from .advisor import _r
from .cases import default_library_dir, load_case
from .errors import CaseError
from .fastpath import FastPath

# A library case compared on fewer than half the questionnaire's factors ranks
# below every case compared on more: its similarity rests on too little.
MIN_COMPARED_SHARE = 0.5
ANALOGUES = 5

_analysts = weakref.WeakKeyDictionary()     # advisor -> its Analyst


def analyst(advisor):
    """The advisor's Analyst, built on first use and kept as long as the advisor."""
    if advisor not in _analysts:
        _analysts[advisor] = Analyst(advisor.kb)
    return _analysts[advisor]


def add_extras(advisor, result):
    """Attach ``whatif``, ``worlds`` and ``analogues`` to a result (issue 5)."""
    helper = analyst(advisor)
    result.whatif = helper.whatif(result.case.answers, result.world)
    result.worlds = helper.worlds(result.case.answers)
    result.analogues = helper.analogues(result.case, result.world)
    return result


class Analyst:
    """What-if, worlds and analogues for one knowledge base."""

    def __init__(self, kb):
        self.kb = kb
        self.fast = FastPath(kb)
        self._library = None        # [(case, {world: predicted verdict})], read once
        self._predicted = {}        # world -> predictions for the library, made once

    def _label(self, verdict):
        return self.kb.response(verdict).label if verdict else "No verdict"

    # ----------------------------------------------------------------- what if
    def whatif(self, answers, world="walt"):
        """Every single change of a known answer that changes the verdict, and the
        verdict under each level of every unknown factor."""
        verdict = self.fast.verdict(answers, world)
        flips, unknowns = [], {}
        for factor in self.kb.factors:
            current = answers.get(factor.id)
            outcomes = {level: self.fast.verdict({**answers, factor.id: level}, world)
                        for level in factor.level_ids if level != current}
            if current is None:
                unknowns[factor.id] = outcomes
                continue
            flips += [{"factor": factor.id, "from": current, "to": level,
                       "verdict": new, "verdict_label": self._label(new)}
                      for level, new in outcomes.items() if new != verdict]
        stable = not flips and all(v == verdict for levels in unknowns.values() for v in levels.values())
        return {"flips": flips, "unknowns": unknowns, "stable": stable}

    # ------------------------------------------------------------ three worlds
    def worlds(self, answers):
        """The verdict in each world, with the world's advice and the risk of
        misjudging which world one is in."""
        out = {}
        for world in self.kb.worlds:
            outcome = self.fast.evaluate(answers, world.id)
            out[world.id] = {"title": world.title, "verdict": outcome.verdict,
                             "verdict_label": self._label(outcome.verdict),
                             "confidence": _r(outcome.confidence),
                             "support": {r: _r(cf) for r, cf in outcome.support.items()},
                             "advice": world.advice, "risk": world.risk}
        return out

    # --------------------------------------------------------------- analogues
    def library(self):
        """The recorded cases with an observed response. A library file that does
        not load is left out here; ``main.py validate`` names it."""
        if self._library is None:
            directory = default_library_dir(self.kb)
            cases = []
            if directory.is_dir():
                for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
                    try:
                        case = load_case(path, self.kb)
                    except CaseError:
                        continue
                    if case.observed:
                        cases.append(case)
            self._library = cases
        return self._library

    def predictions(self, world):
        if world not in self._predicted:
            self._predicted[world] = [self.fast.verdict(c.answers, world) for c in self.library()]
        return self._predicted[world]

    def similarity(self, answers, other):
        """(similarity in [0, 1], factors compared, factors that differ).

        Each factor weighs what the questionnaire's ``similarity`` declares; an
        ordered factor earns partial credit by level distance. A factor unknown
        on either side is left out of both sums: no credit and no penalty."""
        earned = weight = 0.0
        compared, differences = 0, []
        for factor in self.kb.factors:
            mine, theirs = answers.get(factor.id), other.get(factor.id)
            if mine is None or theirs is None:
                continue
            compared += 1
            if mine == theirs:
                credit = 1.0
            else:
                differences.append(factor.id)
                levels = factor.level_ids
                credit = (1.0 - abs(levels.index(mine) - levels.index(theirs)) / (len(levels) - 1)
                          if factor.ordered else 0.0)
            earned += factor.similarity * credit
            weight += factor.similarity
        return (earned / weight if weight else 0.0), compared, differences

    def analogues(self, case, world="walt", count=ANALOGUES):
        """The library cases most like ``case`` (never the case's own file)."""
        own = Path(case.path).resolve() if case.path else None
        enough = ceil(MIN_COMPARED_SHARE * len(self.kb.factors))
        ranked = []
        for other, predicted in zip(self.library(), self.predictions(world)):
            if own is not None and Path(other.path).resolve() == own:
                continue
            score, compared, differences = self.similarity(case.answers, other.answers)
            ranked.append(((compared >= enough, score, compared), other, predicted, score, compared, differences))
        ranked.sort(key=lambda item: item[0], reverse=True)     # stable: ties keep file order
        return [{"file": Path(other.path).name, "title": other.title, "year": other.year,
                 "state": other.state, "threat": other.threat, "similarity": _r(score),
                 "compared": compared, "observed": other.observed,
                 "predicted": predicted, "theory_right": predicted == other.observed,
                 "differences": differences}
                for _, other, predicted, score, compared, differences in ranked[:count]]
