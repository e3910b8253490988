"""Output files of a scenario planned region by region, written as regions finish so that a
province's plan never sits whole in memory.

Each region's own files (what `write_outputs` writes for one region) go to `regions/<region>/`;
the top level gets plan.csv (every region's rotation moves, then every region's exchanges),
recruitment.csv, itinerant.csv, leaders.csv, coverage.csv, ledger.csv, complaints.csv and
report.json concatenated in region order, conflicts.json and
relaxations.json when any region has conflicts, and summary.json with the totals and one line per
region. Everything is written into a staging folder first and moved into place at the end:
when a region's input has problems, nothing is left half-saved.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from optimizer.io.ledger_csv import COMPLAINTS_FILE, LEDGER_FILE
from optimizer.io.outputs import write_json
from optimizer.io.plan_csv import PLAN_COLUMNS
from optimizer.io.staffing_csv import COVERAGE_FILE, ITINERANT_FILE, LEADERS_FILE, RECRUITMENT_FILE
from optimizer.plan import MOVE_KINDS

BOM = "\ufeff".encode()
STAFFING_FILES = (RECRUITMENT_FILE, ITINERANT_FILE, LEADERS_FILE, COVERAGE_FILE)
LEDGER_FILES = (LEDGER_FILE, COMPLAINTS_FILE)
"""The fairness ledger's files: a region's teachers and complaints, merged like the staffing files."""
TOP_LEVEL = (
    "plan.csv",
    *STAFFING_FILES,
    *LEDGER_FILES,
    "report.json",
    "summary.json",
    "conflicts.json",
    "relaxations.json",
)


class RegionOutputs:
    """Collects regions' output files under a staging folder beside `out_dir`."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out = Path(out_dir)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.staging = self.out.parent / f".{self.out.name}.partial"
        shutil.rmtree(self.staging, ignore_errors=True)
        (self.staging / "regions").mkdir(parents=True)
        self.regions: list[str] = []

    def add(self, region: str, files: Mapping[str, bytes]) -> None:
        folder = self.staging / "regions" / region
        folder.mkdir()
        for name, content in files.items():
            (folder / name).write_bytes(content)
        self.regions.append(region)

    def finish(self, summary: dict[str, Any]) -> list[Path]:
        """Write the merged files, then move everything into `out_dir` (replacing what the
        same files held before); returns the top-level paths."""
        order = sorted(self.regions)
        self._concatenate_plan(order)
        for name in (*STAFFING_FILES, *LEDGER_FILES):
            self._concatenate_csv(name, order)
        self._concatenate_json("report.json", order, always=True)
        self._concatenate_json("conflicts.json", order, always=False)
        self._concatenate_relaxations(order)
        write_json(self.staging / "summary.json", summary)
        self.out.mkdir(parents=True, exist_ok=True)
        for name in TOP_LEVEL:
            (self.out / name).unlink(missing_ok=True)
        shutil.rmtree(self.out / "regions", ignore_errors=True)
        names = sorted(entry.name for entry in self.staging.iterdir())
        for name in names:
            os.replace(self.staging / name, self.out / name)
        self.staging.rmdir()
        return [self.out / name for name in names if name != "regions"]

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _region_file(self, region: str, name: str) -> Path:
        return self.staging / "regions" / region / name

    def _concatenate_csv(self, name: str, order: list[str]) -> None:
        """The header once (with Excel's BOM), then each region's rows."""
        with (self.staging / name).open("wb") as merged:
            for index, region in enumerate(order):
                with self._region_file(region, name).open("rb") as part:
                    header = part.readline()
                    if index == 0:
                        merged.write(header if header.startswith(BOM) else BOM + header)
                    shutil.copyfileobj(part, merged)

    def _concatenate_plan(self, order: list[str]) -> None:
        """plan.csv: the header once, every region's rows of the first kind (rotation), then of the
        next (exchange), so that exchanges follow the rotation moves as in one region's file."""
        kind = PLAN_COLUMNS.index("kind")
        with (self.staging / "plan.csv").open("w", encoding="utf-8-sig", newline="") as merged:
            writer = csv.writer(merged)
            writer.writerow(PLAN_COLUMNS)
            for wanted in MOVE_KINDS:
                for region in order:
                    with self._region_file(region, "plan.csv").open(encoding="utf-8-sig", newline="") as part:
                        rows = csv.reader(part)
                        next(rows)
                        writer.writerows(row for row in rows if row[kind] == wanted)

    def _concatenate_json(self, name: str, order: list[str], *, always: bool) -> None:
        """A JSON list made of the regions' lists, one region in memory at a time."""
        present = [r for r in order if self._region_file(r, name).is_file()]
        if not present and not always:
            return
        with (self.staging / name).open("w", encoding="utf-8") as merged:
            merged.write("[")
            first = True
            for region in present:
                for item in json.loads(self._region_file(region, name).read_text(encoding="utf-8")):
                    merged.write("\n  " if first else ",\n  ")
                    merged.write(json.dumps(item, ensure_ascii=False))
                    first = False
            merged.write("\n]\n")

    def _concatenate_relaxations(self, order: list[str]) -> None:
        """relaxations.json: each proposal's `conflict` number is shifted to index the merged
        conflicts.json."""
        merged: list[dict[str, Any]] = []
        offset = 0
        for region in order:
            conflicts = self._region_file(region, "conflicts.json")
            relaxations = self._region_file(region, "relaxations.json")
            if relaxations.is_file():
                for item in json.loads(relaxations.read_text(encoding="utf-8")):
                    merged.append({**item, "conflict": item["conflict"] + offset})
            if conflicts.is_file():
                offset += len(json.loads(conflicts.read_text(encoding="utf-8")))
        if merged:
            write_json(self.staging / "relaxations.json", merged)
