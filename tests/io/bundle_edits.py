"""A small good bundle written in the test, and edits that break it one way at a time.

The bundle: three schools of one county, ten teachers (a spouse pair, a principal, a teacher on
rotation), Chinese subject names in places, two pins and a policy.toml with overrides.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

Bundle = dict[str, list[list[str]] | str]
Edit = Callable[[Bundle], None]

TEACHERS = """\
teacher_id,school_id,subject,stage,gender,birth_year,years_at_school,is_backbone,degree,role,name,other_subjects,terms_at_school,volunteer,preferred_schools,spouse_id,last_rotated_year,on_rotation_from,new_teacher_period,exempt_reason,home_lat,home_lon
T01,S1,语文,primary,F,1980,8,1,bachelor,teacher,张丽,,,1,S3,T02,,,,,,
T02,S2,数学,junior,M,1979,10,0,master,teacher,王强,物理,,0,,T01,,,,,27.7,114.3
T03,S1,音乐,primary,F,1990,7,0,bachelor,teacher,李娜,美术;体育,,1,S3;S2,,2019,,,,,
T04,S2,道德与法治,junior,M,1975,12,1,bachelor,vice_principal,赵军,,2,0,,,,,,,,
T05,S3,english,both,F,1995,3,0,bachelor,teacher,陈静,,,0,,,,,1,,,
T06,S3,math,primary,M,1970,20,0,associate,principal,刘伟,,3,0,,,,,,,,
T07,S1,pe,primary,M,1985,9,0,bachelor,teacher,杨帆,,,0,,,,,,,,
T08,S3,it,junior,F,1988,6,0,master,teacher,周敏,,,0,,,2023,S2,,,,
T09,S1,science,primary,F,2000,2,0,bachelor,teacher,吴婷,,,0,,,,,2,,,
T10,S2,english,junior,M,1982,15,1,doctor,teacher,郑浩,,,0,,,,,,病假,,
"""
SCHOOLS = """\
school_id,name,region,area,is_weak,stage,establishment,max_incoming,lat,lon,district
S1,城关一小,county_a,urban,0,primary,40,,27.80,114.40,东区
S2,城关中学,county_a,urban,0,junior,50,,27.81,114.41,东区
S3,山口九年制学校,county_a,rural,1,nine_year,30,5,27.60,114.20,西区
"""
DEMAND = """\
school_id,subject,required
S3,音乐,2
S3,english,3
S1,math,4
S2,it,1
"""
PINS = """\
teacher_id,action,school_id
T07,move_to,S3
T10,stay,
"""
POLICY = """\
year = 2025

[rules.rotation_quota]
rate = 0.15
scope = "school"

[rules.shortage.priority]
"音乐" = 4
"""


def good_bundle() -> Bundle:
    """File name -> CSV grid (header first), or text for policy.toml."""
    grids = {"teachers.csv": TEACHERS, "schools.csv": SCHOOLS, "demand.csv": DEMAND}
    bundle: Bundle = {name: list(csv.reader(text.splitlines())) for name, text in grids.items()}
    bundle["pins.csv"] = list(csv.reader(PINS.splitlines()))
    bundle["policy.toml"] = POLICY
    return bundle


def write(bundle: Bundle, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in bundle.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as file:
            if isinstance(content, str):
                file.write(content)
            else:
                csv.writer(file).writerows(content)
    return folder


def grid(bundle: Bundle, name: str) -> list[list[str]]:
    content = bundle[name]
    assert isinstance(content, list)
    return content


def set_cell(name: str, row: int, column: str, value: str) -> Edit:
    """Set the cell at spreadsheet row `row` (header = 1)."""

    def edit(bundle: Bundle) -> None:
        rows = grid(bundle, name)
        rows[row - 1][rows[0].index(column)] = value

    return edit


def rename_column(name: str, old: str, new: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        header = grid(bundle, name)[0]
        header[header.index(old)] = new

    return edit


def drop_column(name: str, column: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        rows = grid(bundle, name)
        index = rows[0].index(column)
        for row in rows:
            del row[index]

    return edit


def add_column(name: str, column: str, values: dict[int, str] | None = None) -> Edit:
    """A new last column `column`, blank except `values` (spreadsheet row -> text)."""

    def edit(bundle: Bundle) -> None:
        rows = grid(bundle, name)
        rows[0].append(column)
        for number, row in enumerate(rows[1:], start=2):
            row.append((values or {}).get(number, ""))

    return edit


def append_row(name: str, values: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        grid(bundle, name).append(values.split(","))

    return edit


def keep_rows(name: str, count: int) -> Edit:
    """Keep the header and the first `count` data rows."""

    def edit(bundle: Bundle) -> None:
        del grid(bundle, name)[count + 1 :]

    return edit


def drop_file(name: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        del bundle[name]

    return edit


def add_policy(text: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        bundle["policy.toml"] = str(bundle["policy.toml"]) + text

    return edit


def replace_policy(old: str, new: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        policy = str(bundle["policy.toml"])
        assert old in policy
        bundle["policy.toml"] = policy.replace(old, new)

    return edit


def append_cell(name: str, row: int, value: str) -> Edit:
    """Add a cell past the last column of a row (a value under no header)."""

    def edit(bundle: Bundle) -> None:
        grid(bundle, name)[row - 1].append(value)

    return edit
