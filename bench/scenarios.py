"""Synthetic scenarios for the benchmark: ``n`` states on a ring of neighbours with
random capabilities and perceptions (a fixed seed), in the scenario file format."""

import random

import yaml

LEVELS = ("benign", "ambiguous", "aggressive", "unalterably_aggressive")


def synthetic_scenario(n: int, seed: int = 1987) -> str:
    rng = random.Random(seed)
    ids = [f"s{i:02d}" for i in range(n)]
    raw = [rng.paretovariate(1.2) for _ in ids]
    total = sum(raw)
    states = [
        {
            "id": sid,
            "name": f"State {i}",
            "capability": round(max(x / total, 0.0005), 4),
            "offensive_capability": rng.choice(("low", "moderate", "high")),
        }
        for i, (sid, x) in enumerate(zip(ids, raw))
    ]
    neighbours = [[ids[i], ids[(i + 1) % n]] for i in range(n)]
    neighbours += [[ids[i], ids[(i + 7) % n]] for i in range(0, n, 5)]
    perceptions = {a: {b: rng.choice(LEVELS) for b in rng.sample([x for x in ids if x != a], 6)} for a in ids}
    data = {
        "title": f"Synthetic system of {n} states",
        "year": 2000,
        "states": states,
        "neighbours": neighbours,
        "perceptions": perceptions,
        "war": "peace",
        "observed": [ids[: n // 2], ids[n // 2 :]],
        "sources": ["bench/scenarios.py, seed %d" % seed],
    }
    return yaml.safe_dump(data, sort_keys=False)
