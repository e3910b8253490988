"""The bureau's own names: Chinese sheet names, column headers and coded values as personnel
systems export them (SPEC "The bureau's own files"), each table defined once here and read by every
loader (CSV bundle, workbook, JSON document, the region splitter) and by the template.

A header matches after its spaces are removed (HR forms write 姓  名 to align columns); English
headers match case-insensitively, as before. The first Chinese name of a column is the one the
Chinese template writes. A coded value matches its code (`F`, `bachelor`, case-insensitive) or one
of its Chinese names; the first Chinese name of each code is the template's choice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SHEETS: dict[str, tuple[str, ...]] = {
    "teachers": ("教师", "教师信息", "教师名单"),
    "schools": ("学校", "学校信息", "学校名单"),
    "demand": ("需求", "学科需求", "岗位需求"),
    "pins": ("指定", "人事指定"),
    "history": ("交流记录", "交流轮岗记录", "交流历史"),
}
"""Workbook sheet names beside the English table names."""

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "teachers": {
        "teacher_id": ("教师编号", "工号", "人员编号"),
        "school_id": ("学校编号", "学校代码", "所在学校编号"),
        "subject": ("学科", "任教学科", "主教学科"),
        "stage": ("学段", "任教学段"),
        "gender": ("性别",),
        "birth_year": ("出生年月", "出生日期", "出生年份"),
        "years_at_school": ("来校年月", "来校时间", "在校年限", "本校任教年限"),
        "is_backbone": ("是否骨干", "骨干教师"),
        "degree": ("学历", "最高学历"),
        "role": ("职务",),
        "name": ("姓名",),
        "other_subjects": ("兼教学科",),
        "title": ("职称",),
        "terms_at_school": ("本校任职届数", "任职届数"),
        "rural_years": ("乡村任教年限",),
        "weak_years": ("薄弱校任教年限",),
        "new_teacher_period": ("新教师聘期",),
        "funded_graduate_owed_years": ("公费师范生待服务年限",),
        "funded_graduate_years": ("公费师范生服务年限", "协议服务年限"),
        "exempt_reason": ("免交流原因",),
        "volunteer": ("是否自愿", "自愿报名"),
        "preferred_schools": ("意向学校",),
        "plans_senior_title": ("拟申报高级职称",),
        "spouse_id": ("配偶编号", "配偶教师编号"),
        "last_rotated_year": ("上次交流年份",),
        "on_rotation_from": ("派出学校编号",),
        "home_lat": ("住址纬度",),
        "home_lon": ("住址经度",),
        "reserve_leader": ("后备干部", "是否后备干部"),
        "requested_term": ("申请期限", "申请交流年限"),
    },
    "schools": {
        "school_id": ("学校编号", "学校代码"),
        "name": ("学校名称",),
        "region": ("区域", "所属区县"),
        "area": ("城乡类别",),
        "is_weak": ("是否薄弱校", "薄弱学校"),
        "stage": ("学段", "办学类型"),
        "establishment": ("编制数", "核定编制"),
        "max_incoming": ("最多接收人数", "接收上限"),
        "lat": ("纬度",),
        "lon": ("经度",),
        "district": ("学区",),
    },
    "demand": {
        "school_id": ("学校编号", "学校代码"),
        "subject": ("学科",),
        "required": ("需求人数", "需求数"),
    },
    "pins": {
        "teacher_id": ("教师编号", "工号"),
        "action": ("指定类型", "人事指定"),
        "school_id": ("调往学校编号", "学校编号"),
    },
    "history": {
        "teacher_id": ("教师编号", "工号"),
        "from_school": ("派出学校", "派出学校编号"),
        "to_school": ("交流学校", "交流学校编号", "接收学校", "接收学校编号"),
        "start_year": ("开始年份", "交流开始年份"),
        "end_year": ("结束年份", "返回年份"),
        "kind": ("类型", "交流类型"),
    },
}
"""Chinese headers of every column, by table and column (every column has at least one)."""

GENDERS = {"男": "M", "女": "F"}
FLAGS = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
}
"""Besides 0/1; `true`/`false` is what Excel writes for a TRUE cell saved as CSV."""
TEACHER_STAGES = {
    "小学": "primary",
    "初中": "junior",
    "小学及初中": "both",
    "小学和初中": "both",
    "中小学": "both",
}
SCHOOL_STAGES = {"小学": "primary", "初中": "junior", "九年一贯制": "nine_year", "九年制": "nine_year"}
AREAS = {"城区": "urban", "镇区": "town", "乡村": "rural", "农村": "rural"}
DEGREES = {
    "大专": "associate",
    "专科": "associate",
    "本科": "bachelor",
    "硕士": "master",
    "研究生": "master",
    "硕士研究生": "master",
    "博士": "doctor",
    "博士研究生": "doctor",
}
ROLES = {"教师": "teacher", "副校长": "vice_principal", "校长": "principal"}
PIN_ACTIONS = {"调往": "move_to", "留任": "stay"}
STINT_KINDS = {
    "交流轮岗": "rotation",
    "交流": "rotation",
    "轮岗": "rotation",
    "支教": "support",
    "走教": "itinerant",
    "跟岗": "exchange",
    "交流跟岗": "exchange",
}

CODED: dict[str, dict[str, Mapping[str, object]]] = {
    "teachers": {
        "stage": TEACHER_STAGES,
        "gender": GENDERS,
        "is_backbone": FLAGS,
        "degree": DEGREES,
        "role": ROLES,
        "volunteer": FLAGS,
        "plans_senior_title": FLAGS,
        "reserve_leader": FLAGS,
    },
    "schools": {"area": AREAS, "is_weak": FLAGS, "stage": SCHOOL_STAGES},
    "demand": {},
    "pins": {"action": PIN_ACTIONS},
    "history": {"kind": STINT_KINDS},
}
"""The columns whose values are codes, with their Chinese names (the template's validation lists)."""

SPACES = re.compile(r"\s+")
_COLUMN_BY_HEADER = {
    table: {SPACES.sub("", alias): column for column, names in headers.items() for alias in names}
    for table, headers in HEADERS.items()
}
_TABLE_BY_SHEET = {SPACES.sub("", name): table for table, names in SHEETS.items() for name in names}


def column_of(table: str, header: str) -> str:
    """The column a header (already stripped and lower-cased) names in `table`: a Chinese header's
    column, else the header itself (an English name, or an unknown column)."""
    return _COLUMN_BY_HEADER[table].get(SPACES.sub("", header), header)


def table_of_sheet(name: str) -> str | None:
    """The table a workbook sheet holds, by its English or Chinese name; None for other sheets."""
    key = SPACES.sub("", name).lower()
    return key if key in HEADERS else _TABLE_BY_SHEET.get(key)


def chinese_names(table: str) -> list[str]:
    """Every Chinese header of a table: what a misspelt Chinese header is compared against."""
    return [alias for names in HEADERS[table].values() for alias in names]


def first_names(values: Mapping[str, object]) -> dict[object, str]:
    """Each code's first Chinese name: 男/女 for M/F, 是/否 for True/False."""
    names: dict[object, str] = {}
    for name, code in values.items():
        if not name.isascii():
            names.setdefault(code, name)
    return names
