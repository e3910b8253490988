"""Same input, same settings, one worker and a fixed seed: the same plan, byte for byte; the
summary records what an inspector needs to re-run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from optimizer.generate import CountyParams, generate_county
from optimizer.io.plan_csv import write_plan_csv
from optimizer.options import EngineSettings
from optimizer.solve import solve

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo-county"


def test_same_input_and_seed_give_the_same_plan_file(tmp_path: Path) -> None:
    county = generate_county(CountyParams(seed=3, teachers=200, schools=10, name="repro"))
    options = EngineSettings(time_limit=60, workers=1, seed=7)
    files = []
    for run in range(2):
        result = solve(county, options)
        assert result.summary.status == "optimal"
        path = tmp_path / f"plan{run}.csv"
        write_plan_csv(result.plan, path)
        files.append(path.read_bytes())
    assert files[0] == files[1]


def test_summary_records_input_hash_settings_and_versions() -> None:
    county = generate_county(CountyParams(seed=3, teachers=120, schools=8, name="repro"))
    summary = solve(county, EngineSettings(time_limit=30, workers=1, seed=7)).summary
    # HiGHS proves this small county optimal in the warm start; CP-SAT stops on reaching its bound.
    assert summary.status == "optimal" and summary.bound_source == "highs"
    assert summary.settings["engine"] == "auto" and "highspy" in summary.versions
    alone = solve(county, EngineSettings(time_limit=30, workers=1, seed=7, engine="cp-sat")).summary
    assert alone.bound_source == "cp-sat" and alone.objective == summary.objective
    assert len(summary.input_hash) == 64
    assert summary.settings["workers"] == 1 and summary.settings["seed"] == 7
    assert {"ortools", "python", "teacher-rotation"} <= set(summary.versions)
    changed = county.policy.with_overrides(["rotation_quota.rate=0.2"])
    from dataclasses import replace

    other = solve(replace(county, policy=changed), EngineSettings(time_limit=30, workers=1, seed=7)).summary
    assert other.input_hash != summary.input_hash


def test_the_report_does_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    """Two processes with different PYTHONHASHSEED write the same plan.csv and report.json (no
    row lists teachers in set-iteration order); only the timings differ."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"hash{seed}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "optimizer.cli",
                "solve",
                str(DEMO),
                "--out",
                str(out),
                "--workers",
                "1",
                "--seed",
                "7",
                "--quiet",
            ],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        outputs.append(((out / "plan.csv").read_bytes(), report))
    assert outputs[0] == outputs[1]
