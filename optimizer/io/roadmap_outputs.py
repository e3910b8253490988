"""A roadmap's files: per year the plan's files and the bundle it was planned on (so `rotation
check` can judge each year's plan on that year's rolled-forward bundle), `roadmap.json` (targets,
per-year indicators against them, when each is met, what stopped a year) and `roadmap.xlsx` (a
summary sheet, then one sheet of moves per year)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from optimizer.io.bundle import write_bundle
from optimizer.io.cells import as_text
from optimizer.io.outputs import write_json, write_outputs
from optimizer.roadmap import Roadmap, YearPlan
from optimizer.rules import indicator_label

SUMMARY_HEADER = ("指标 indicator", "地区 region", "目标 target", "目标年份 by", "达成年份 met in")
MOVES_HEADER = ("教师编号 teacher", "原学校 from", "交流学校 to", "岗位 post", "方式 kind", "年限 term")


def roadmap_document(roadmap: Roadmap) -> dict[str, Any]:
    """roadmap.json: what the roadmap set out to do, and per year where it stands."""
    return {
        "method": roadmap.method,
        "cost": roadmap.cost,
        "targets": [
            {
                "indicator": t.indicator,
                "label_zh": indicator_label(t.indicator)[0],
                "label_en": indicator_label(t.indicator)[1],
                "value": t.value,
                "year": t.year,
                "met_in": roadmap.met_in(t),
                "on_time": roadmap.on_time(t),
            }
            for t in roadmap.targets
        ],
        "years": [_year_document(year) for year in roadmap.years],
    }


def _year_document(year: YearPlan) -> dict[str, Any]:
    summary = year.result.summary
    return {
        "year": year.year,
        "status": summary.status,
        "objective": summary.objective,
        "bound": summary.bound,
        "moves": len(year.result.plan.moves),
        "teachers": len(year.scenario.teachers),
        "hard_rules_broken": year.hard_violations,
        "path_dropped": year.path_dropped,
        "indicators": [
            {
                "indicator": s.indicator,
                "region": s.region,
                "meeting": s.meeting,
                "members": s.members,
                "share": round(s.share, 4),
                "goal": s.goal,
                "target": s.target.value,
                "target_year": s.target.year,
                "met": s.met,
            }
            for s in year.standings
        ],
        "failure": {
            "conflicts": [c.to_dict() for c in year.failure],
            "relaxations": [r.to_dict() for r in year.relaxations],
        }
        if year.failure
        else None,
    }


def write_roadmap(roadmap: Roadmap, out_dir: str | Path) -> list[Path]:
    """Every year's plan files and bundle under `<year>/`, then roadmap.json and roadmap.xlsx."""
    out = Path(out_dir)
    paths: list[Path] = []
    for year in roadmap.years:
        folder = out / str(year.year)
        paths += write_outputs(year.result, year.scenario, folder / "plan")
        paths.append(write_bundle(year.scenario, folder / "bundle"))
    paths.append(write_json(out / "roadmap.json", roadmap_document(roadmap)))
    paths.append(_write_workbook(roadmap, out / "roadmap.xlsx"))
    return paths


def _write_workbook(roadmap: Roadmap, path: Path) -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    summary = book.create_sheet("路线图 summary")
    years = [y.year for y in roadmap.years]
    summary.append([*SUMMARY_HEADER, *(str(y) for y in years)])
    for target in roadmap.targets:
        regions = sorted(
            {s.region for y in roadmap.years for s in y.standings if s.indicator == target.indicator}
        )
        for region in regions:
            shares = []
            for year in roadmap.years:
                found = [s for s in year.standings if s.indicator == target.indicator and s.region == region]
                shares.append(round(found[0].share, 4) if found else None)
            summary.append(
                [
                    indicator_label(target.indicator)[0],
                    region,
                    target.value,
                    target.year,
                    roadmap.met_in(target),
                    *shares,
                ]
            )
    for year in roadmap.years:
        sheet = book.create_sheet(f"{year.year} 年")
        sheet.append(list(MOVES_HEADER))
        for move in year.result.plan.moves:
            sheet.append(
                [move.teacher_id, move.from_school, move.to_school, move.subject, move.kind, move.term_years]
            )
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        as_text(sheet)
    book.save(path)
    return path
