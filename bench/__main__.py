"""Benchmark: milliseconds per case through the reused experta engine.

    python -m bench [--cases N] [--repeat R]

Prints figures only; nothing here asserts a time.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rules import Advisor, Case, load_knowledge  # noqa: E402


def generated_cases(kb, n, seed=1987):
    rng = random.Random(seed)
    return [Case(title=f"generated {i}", answers={f.id: rng.choice(f.level_ids) for f in kb.factors})
            for i in range(n)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    kb = load_knowledge()
    advisor = Advisor(kb)
    cases = generated_cases(kb, args.cases)
    for case in cases[:50]:                      # warm-up (builds the RETE network)
        advisor.analyze(case)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for case in cases:
            advisor.analyze(case, explain=False)
        timings.append((time.perf_counter() - start) * 1000 / len(cases))
    print(f"experta, reused engine, trace included: {statistics.median(timings):.2f} ms/case "
          f"(median of {args.repeat} runs over {len(cases)} generated cases)")


if __name__ == "__main__":
    main()
