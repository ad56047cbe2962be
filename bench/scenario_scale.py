"""How the scenario engine scales with the number of states (issue 19).

    python -m bench.scenario_scale [--sizes 60,120,200,300] [--seed 1987] [--repeats 3]

For each size, a synthetic system (bench/scenarios.py: a ring of neighbours with
chords, Pareto capabilities, random perceptions, a fixed seed) is run in process,
quick (``explanations=False``, as the app's live run and the history command run it)
and end to end with every state's explanation. Prints n, the median CPU seconds of
this process (the machine may be shared, so not wall time), the rounds, and the ratio
to the targets (quick: 100 ms at 60 states, 0.5 s at 200; explained: 3 s at 200); a
ratio under 1 meets the target. Nothing is asserted.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance_advisor.rules import Advisor, load_knowledge  # noqa: E402
from alliance_advisor.rules.scenario import ScenarioEngine, parse_scenario_text  # noqa: E402
from bench.scenarios import synthetic_scenario  # noqa: E402

QUICK_TARGETS = {60: 0.1, 200: 0.5}  # seconds
EXPLAINED_TARGETS = {200: 3.0}


def median_seconds(run, repeats):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,60,120,200,300")
    parser.add_argument("--seed", type=int, default=1987)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--explained-up-to", type=int, default=200, help="skip the explained run above this size")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    engine = ScenarioEngine(Advisor(kb))
    print(f"{'n':>5}  {'quick s':>9}  {'ratio':>6}  {'rounds':>6}  {'explained s':>11}  {'ratio':>6}")
    for n in (int(x) for x in args.sizes.split(",")):
        sc = parse_scenario_text(synthetic_scenario(n, args.seed), kb, f"synthetic_{n}.yaml")
        quick = median_seconds(lambda sc=sc: engine.run(sc, explanations=False), args.repeats)
        rounds = engine.run(sc, explanations=False).rounds
        target = QUICK_TARGETS.get(n)
        ratio = f"{quick / target:6.2f}" if target else f"{'':6s}"
        explained = ""
        eratio = ""
        if n <= args.explained_up_to:
            seconds = median_seconds(lambda sc=sc: engine.run(sc), 1)
            explained = f"{seconds:11.2f}"
            if n in EXPLAINED_TARGETS:
                eratio = f"{seconds / EXPLAINED_TARGETS[n]:6.2f}"
        print(f"{n:5d}  {quick:9.3f}  {ratio}  {rounds:6d}  {explained:>11s}  {eratio:>6s}", flush=True)


if __name__ == "__main__":
    main()
