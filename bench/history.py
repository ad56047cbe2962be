"""Benchmark of main.py history: one 1990s year, and 1816-2010 with --jobs 2.

    python -m bench.history [--data DIR] [--full | --panel]     (--data defaults to $ALLIANCE_DATA)

Prints the seconds of one year of the 1990s (target under 3 s) and either a projection
of 1816-2010 with two processes from a sample of years, or (--full) the measured run
with its peak memory (targets under 10 minutes and 2 GB), or (--panel) the run as the
command makes it by default (its sensitivity variants included) with both panel exports
(dyad-years as Parquet when pyarrow is installed, else CSV; state-years as CSV) and the
evaluation: its wall time and the peak memory of this process and of its workers
(targets under 5 minutes on 2 cores and 2 GB). Figures, never assertions.
"""

from __future__ import annotations

import argparse
import resource
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="the data folder (default: $ALLIANCE_DATA)")
    parser.add_argument("--full", action="store_true", help="run 1816-2010 with --jobs 2 and measure it")
    parser.add_argument("--panel", action="store_true", help="the full run with the panel's exports and evaluation")
    args = parser.parse_args()
    from alliance_advisor.rules.history import DATA_ENV, data_dir, history_context, run_history, year_task

    args.data = data_dir(args.data)
    if args.data is None:
        parser.error(f"name the data folder with --data DIR or the environment variable {DATA_ENV}")
    if args.panel:
        _panel(args.data)
        return

    t = time.perf_counter()
    history_context(args.data, None)
    print(f"load data, knowledge base and engine: {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    out = year_task(args.data, None, 1995, "", 0)
    print(f"one year, 1995 ({out['state_count']} states): {time.perf_counter() - t:.2f} s (target < 3 s)")
    if args.full:
        t = time.perf_counter()
        run_history(args.data, 1816, 2010, jobs=2, sensitivity_every=5)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"1816-2010, --jobs 2: {time.perf_counter() - t:.0f} s, peak worker memory {peak:.0f} MB")
        return
    total = 0.0
    sample = list(range(1816, 2011, 15))
    for year in sample:
        t = time.perf_counter()
        year_task(args.data, None, year, "", 0)
        total += time.perf_counter() - t
    per_year = total / len(sample)
    runs = 195 * (1 + 10 / 5)  # each year, and the 10 declared variants on every 5th year
    print(f"mean of {len(sample)} sampled years: {per_year:.2f} s; projected 1816-2010 with --jobs 2: "
          f"{per_year * runs / 2 / 60:.1f} min (target < 10 min)")  # fmt: skip
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _panel(data: str) -> None:
    import importlib.util
    import os
    import tempfile

    from alliance_advisor.rules.history import Exports, run_history

    suffix = ".parquet" if importlib.util.find_spec("pyarrow") else ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        dyads, states = os.path.join(tmp, f"dyads{suffix}"), os.path.join(tmp, "states.csv")
        t = time.perf_counter()
        run = run_history(
            data, 1816, 2010, jobs=2, sensitivity_every=5, exports=Exports(dyad_years=dyads, state_years=states)
        )
        wall = time.perf_counter() - t
        size = os.path.getsize(dyads) / 2**20
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"1816-2010 with exports and evaluation, --jobs 2: {wall:.0f} s (target < 300 s); "
          f"{len(run['years'])} years, dyad-years {size:.0f} MB ({suffix})")  # fmt: skip
    print(f"peak memory: this process {own:.0f} MB, largest worker {workers:.0f} MB (target < 2048 MB together)")


if __name__ == "__main__":
    main()
