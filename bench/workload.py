"""The fixed workload the benchmark and the CLIPS oracle test share."""

import random

from alliance_advisor.rules import Case

SEED = 1987
CASES = 2000
UNKNOWN_SHARE = 0.1  # of answers left unknown in the generated cases


def generated_cases(kb, n=CASES, seed=SEED):
    """A fixed set of cases: every answer drawn at random, about one in ten unknown."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        answers = {f.id: rng.choice(f.level_ids) for f in kb.factors if rng.random() >= UNKNOWN_SHARE}
        cases.append(Case(title=f"generated {i}", answers=answers))
    return cases
