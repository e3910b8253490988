"""Solve generated counties of 3,000 and 10,000 teachers (fixed seeds) and print the figures.

Targets on 2 cores: 3,000 teachers optimal or gap ≤ 0.5 % within 30 s; 10,000 teachers gap ≤ 1 %
within 120 s. Each run is a fresh subprocess so peak RSS is its own. The baseline in the same run
is CP-SAT with its default worker count (one per core, 2 here) on the same model.

    .venv/bin/python benchmarks/solve_county.py            # both sizes
    .venv/bin/python benchmarks/solve_county.py --sizes 3000 --time-scale 0.5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

TIME_LIMITS = {3000: 30.0, 10000: 120.0}
CONFIGS = {"ours (8 workers)": 8, "baseline (CP-SAT default: 1 per core)": 0}


def run_one(size: int, workers: int, time_limit: float) -> dict:
    """Generate, build, solve in this process; return the figures."""
    from optimizer.generate import benchmark, generate_county
    from optimizer.options import EngineSettings
    from optimizer.solve import solve

    started = time.monotonic()
    scenario = generate_county(benchmark(size))
    generate_seconds = time.monotonic() - started
    result = solve(scenario, EngineSettings(time_limit=time_limit, workers=workers, seed=0))
    summary = result.summary
    return {
        "teachers": len(scenario.teachers),
        "schools": len(scenario.schools),
        "regions": len(scenario.regions),
        "generate_s": round(generate_seconds, 2),
        "build_s": summary.build_seconds,
        "solve_s": summary.solve_seconds,
        "status": summary.status,
        "objective": summary.objective,
        "bound": summary.bound,
        "gap": summary.gap,
        "variables": summary.variables,
        "rotating": summary.rotating,
        "shortage": f"{summary.shortage_filled}/{summary.shortage_total}",
        "hard_violations": summary.hard_violations,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(TIME_LIMITS))
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply the time limits")
    parser.add_argument("--child", nargs=3, type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size, workers, time_limit = args.child
        print(json.dumps(run_one(int(size), int(workers), time_limit)))
        return
    print(f"cores: {os.cpu_count()}")
    header = f"{'teachers':>8} {'config':<40} {'build s':>7} {'solve s':>7} {'status':<9} "
    header += f"{'objective':>10} {'bound':>10} {'gap':>7} {'vars':>7} {'shortage':>9} {'RSS MB':>7}"
    print(header)
    for size in args.sizes:
        limit = TIME_LIMITS.get(size, 60.0) * args.time_scale
        for label, workers in CONFIGS.items():
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(size), str(workers), str(limit)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(child.stdout.strip().splitlines()[-1])
            gap = "-" if r["gap"] is None else f"{r['gap']:.2%}"
            print(
                f"{r['teachers']:>8} {label:<40} {r['build_s']:>7.2f} {r['solve_s']:>7.2f} {r['status']:<9} "
                f"{r['objective'] or 0:>10.1f} {r['bound'] or 0:>10.1f} {gap:>7} {r['variables']:>7} "
                f"{r['shortage']:>9} {r['peak_rss_mb']:>7.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
