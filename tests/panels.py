"""A synthetic dyad-year panel for the history evaluation's tests (tests/rules/history,
tests/reports): where the answer is known, a score built to predict and one that is noise."""

import numpy as np

ERAS = ((1816, 1870), (1871, 1918), (1919, 1945), (1946, 1989), (1990, 2010))


def synthetic_panel(pairs=300, first=1900, last=1999, seed=1):
    """At-risk dyad-years of ``pairs`` pairs over the years: the controls drawn at random,
    onsets from a logit on contiguity, rivalry and the threat score (threat_12 +
    threat_21); same_bloc_power is noise. Onsets of one year share a treaty by region."""
    rng = np.random.default_rng(seed)
    years = np.arange(first, last + 1)
    n = pairs * len(years)
    pair = np.tile(np.arange(pairs), len(years))
    c1 = 2 + 2 * pair
    c2 = c1 + 1
    year = np.repeat(years, pairs)
    contiguous = (rng.random(pairs) < 0.1)[pair].astype(int)
    pair_threat = rng.normal(0, 1, pairs)  # a lasting disposition of the pair, plus noise by year
    threat = np.round(2 * (pair_threat[pair] + rng.normal(0, 1, n))).astype(int)
    t12 = threat // 2
    t21 = threat - t12
    rivalry = (rng.random(pairs) < 0.03)[pair].astype(int)
    logit = -5.0 + 0.8 * contiguous + 0.4 * rivalry + 0.5 * threat / 2.0
    onset = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    treaty = np.where(onset == 1, 1000 + (pair % 5), 0)  # five "regional" treaties a year
    treaty[(onset == 1) & (rng.random(n) < 0.3)] = 0  # and some onsets of no listed treaty
    distance = rng.lognormal(7, 1, pairs)[pair]
    distance[rng.random(n) < 0.02] = np.nan
    dem1 = rng.normal(0, 1, n)
    dem1[rng.random(n) < 0.1] = np.nan
    return {
        "year": year,
        "ccode1": c1,
        "ccode2": c2,
        "onset": onset,
        "treaty": treaty,
        "threat_12": t12,
        "threat_21": t21,
        "shared_threat": (threat > 3).astype(int),
        "same_bloc_threat": (threat > 4).astype(int),
        "same_bloc_power": (rng.random(n) < 0.3).astype(int),
        "same_bloc_landscape": (rng.random(pairs) < 0.4)[pair].astype(int),
        "contiguous": contiguous,
        "capital_distance": distance,
        "democracy_1": dem1,
        "democracy_2": rng.normal(0, 1, n),
        "cinc_1": rng.lognormal(-5, 1, n),
        "cinc_2": rng.lognormal(-5, 1, n),
        "major_1": (rng.random(pairs) < 0.05)[pair].astype(int),
        "major_2": np.zeros(n, dtype=int),
        "rivalry": rivalry,
        "mid_recent": (rng.random(n) < 0.03).astype(int),
        "other_pledge": (rng.random(n) < 0.02).astype(int),
        "peace_years": (year - first + (pair % 7)).astype(int),
        "ever_allied": (rng.random(pairs) < 0.2)[pair].astype(int),
    }
