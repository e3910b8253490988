"""The workbook HR fills in (`rotation template [--lang zh|en] OUT.xlsx`): the sheets teachers,
schools, demand, pins and history with their headers in Chinese (教师, 学校, 需求, 指定, 交流记录) or
English, a notes
sheet (说明) describing every column, and Excel's validation lists on the coded columns, so a
bureau types its data where the loader reads it. A policy sheet holds the plan year, which counts
来校年月 as years at the school.

The headers, sheet names and values come from aliases.py and the required columns from build.py,
so the template cannot drift from what the loaders read.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from optimizer.io.aliases import CODED, HEADERS, SHEETS, first_names
from optimizer.io.build import (
    DEMAND_COLUMNS,
    PIN_COLUMNS,
    SCHOOL_COLUMNS,
    Column,
    history_columns,
    teacher_columns,
)
from optimizer.io.cells import as_text
from optimizer.io.tables import HISTORY, TABLES
from optimizer.io.workbook import POLICY_COLUMNS, POLICY_SHEET
from optimizer.policy import DEFAULT_YEAR
from optimizer.subjects import SUBJECT_NAMES_ZH, SUBJECTS

TEMPLATE_LANGS = ("zh", "en")
NOTES_SHEET = {"zh": "说明", "en": "notes"}
NOTES_HEADER = {
    "zh": ("工作表", "列名", "英文列名", "是否必填", "可填写的值", "单位或格式", "说明"),
    "en": (
        "sheet",
        "column",
        "Chinese header",
        "required",
        "allowed values",
        "unit or format",
        "description",
    ),
}
VALIDATED_ROWS = 1_048_576  # Excel's last row: a list applies to every row HR adds
SUBJECT_COLUMNS = ("subject", "other_subjects")
LIST_COLUMNS = ("other_subjects",)
"""Columns holding several values: a validation list would refuse them."""

Note = tuple[str, str, str, str]
"""(unit or format in Chinese, in English, description in Chinese, in English)."""

DATE_FORMAT = (
    "年月,如 1985-03、1985.03、1985年3月、1985/3 或日期单元格",
    "year and month: 1985-03, 1985.03, 1985/3 or a date cell",
)
ID = ("编号", "id")
YEARS = ("年", "years")
DEGREES_OF_ARC = ("度", "degrees")
FLAG = ("也可填 1、0", "1 yes, 0 no")

NOTES: dict[str, dict[str, Note]] = {
    "teachers": {
        "teacher_id": (
            *ID,
            "教师的唯一编号:字母、数字、汉字或 _ . -",
            "the teacher's unique id: letters, digits, Chinese, _ . -",
        ),
        "school_id": (
            *ID,
            "所在学校的学校编号,须在“学校”表中",
            "the id of the teacher's school, listed in the schools sheet",
        ),
        "subject": ("", "", "主教学科", "main subject"),
        "stage": ("", "", "任教学段", "the school stage taught"),
        "gender": ("", "", "性别", "gender"),
        "birth_year": (
            *DATE_FORMAT,
            "出生年月;也可只填出生年份",
            "year and month of birth; the year alone will do",
        ),
        "years_at_school": (
            *DATE_FORMAT,
            "来本校工作的年月,按规划年份减来校年份计为在校年数(月份不计);也可直接填在校年数 0..60",
            "year and month of arrival at this school, counted as the plan year minus that year (the month "
            "does not count); or the years at the school, 0..60",
        ),
        "is_backbone": (*FLAG, "是否骨干教师", "a backbone teacher (骨干教师)"),
        "degree": ("", "", "最高学历", "highest degree"),
        "role": ("", "", "职务", "role"),
        "name": ("", "", "姓名", "name"),
        "other_subjects": (
            "多个用“;”分隔",
            "several separated by ';'",
            "兼教学科",
            "other subjects the teacher can teach",
        ),
        "title": ("", "", "职称,如 二级、一级、高级", "professional title"),
        "terms_at_school": (
            "届",
            "terms",
            "校长、副校长在本校连续任职的届数",
            "consecutive terms at this school (principals)",
        ),
        "rural_years": (*YEARS, "累计在乡村学校任教的年数", "years taught at rural schools in total"),
        "weak_years": (*YEARS, "累计在薄弱学校任教的年数", "years taught at weak schools in total"),
        "new_teacher_period": (
            "",
            "",
            "新教师所处聘期:0 非新教师,1 第一聘期,2 第二聘期",
            "a new teacher's contract period: 0 none, 1 first, 2 second",
        ),
        "funded_graduate_owed_years": (
            *YEARS,
            "公费师范生尚需到乡村服务的年数",
            "rural service years a funded graduate still owes",
        ),
        "funded_graduate_years": (
            *YEARS,
            "公费师范生协议要求的乡村服务年数(合计;有交流记录时据此分段合并计算待服务年数)",
            "rural service years a funded graduate's agreement requires in all (with a history, "
            "the years owed are counted from it)",
        ),
        "exempt_reason": (
            "",
            "",
            "不参加交流的原因(如 孕期、病假);填写即免于交流",
            "why the teacher is exempt (pregnancy, illness ...); any text exempts",
        ),
        "volunteer": (*FLAG, "是否自愿报名交流", "volunteered to rotate"),
        "preferred_schools": (
            "学校编号,多个用“;”分隔",
            "school ids separated by ';'",
            "意向学校,按意愿先后排列",
            "preferred schools, most wanted first",
        ),
        "plans_senior_title": (*FLAG, "是否拟申报高级职称", "plans to apply for a senior title"),
        "spouse_id": (
            *ID,
            "配偶(同为本县教师)的教师编号;双方须互相填写",
            "the spouse's teacher id (both teachers); each names the other",
        ),
        "last_rotated_year": ("年份", "year", "上次交流轮岗的年份", "the year of the last rotation"),
        "on_rotation_from": (
            *ID,
            "正在交流的教师:派出学校的学校编号",
            "for a teacher on rotation now: the id of the sending school",
        ),
        "home_lat": (*DEGREES_OF_ARC, "住址纬度", "home latitude"),
        "home_lon": (*DEGREES_OF_ARC, "住址经度", "home longitude"),
        "reserve_leader": (
            *FLAG,
            "是否后备干部(校长离任时可接任)",
            "a reserve leader (后备干部), who may head a school",
        ),
        "requested_term": (
            *YEARS,
            "本人申请的交流期限:1、2 或 3 年",
            "the rotation term the teacher asks for: 1, 2 or 3 years",
        ),
    },
    "schools": {
        "school_id": (*ID, "学校的唯一编号", "the school's unique id"),
        "name": ("", "", "学校名称", "the school's name"),
        "region": (
            "",
            "",
            "所属县(区);交流在同一区域内进行",
            "the county (region); rotation stays inside one",
        ),
        "area": ("", "", "城乡类别", "urban, town or rural"),
        "is_weak": (*FLAG, "是否薄弱学校", "a weak school (薄弱学校)"),
        "stage": ("", "", "学段(办学类型)", "the school's stage"),
        "establishment": ("人", "teachers", "核定编制数", "the establishment (编制) headcount"),
        "max_incoming": (
            "人",
            "teachers",
            "本年最多接收的交流教师人数;0 表示不接收;不填不限",
            "most rotating teachers received this year; 0 none; blank no cap",
        ),
        "lat": (*DEGREES_OF_ARC, "学校纬度", "latitude"),
        "lon": (*DEGREES_OF_ARC, "学校经度", "longitude"),
        "district": (
            "",
            "",
            "学区;走教在同一学区内进行",
            "the school district (学区); itinerant teaching stays inside one",
        ),
    },
    "demand": {
        "school_id": (*ID, "学校编号,须在“学校”表中", "the school's id, listed in the schools sheet"),
        "subject": ("", "", "学科", "subject"),
        "required": (
            "人",
            "teachers",
            "该校该学科需要的教师人数",
            "teachers the school needs in the subject",
        ),
    },
    "pins": {
        "teacher_id": (*ID, "教师编号,须在“教师”表中", "the teacher's id, listed in the teachers sheet"),
        "action": (
            "",
            "",
            "人事决定:调往指定学校,或本年留任不交流",
            "HR's decision: move to a school, or stay this year",
        ),
        "school_id": (*ID, "调往的学校编号(仅“调往”填写)", "the school to move to (move_to only)"),
    },
    HISTORY: {
        "teacher_id": (*ID, "教师编号,须在“教师”表中", "the teacher's id, listed in the teachers sheet"),
        "from_school": (*ID, "派出学校(教师的原学校)编号", "the sending school (the teacher's own)"),
        "to_school": (*ID, "交流到的学校编号", "the school the teacher went to"),
        "start_year": ("年份", "year", "交流开始的学年", "the school year the stint began"),
        "end_year": (
            "年份",
            "year",
            "返回原校的学年(交流的最后一年之后一年);未定可留空",
            "the year the teacher is back home (the year after the last one served); blank if unset",
        ),
        "kind": (
            "",
            "",
            "交流形式;填写交流记录后,上次交流年份、乡村和薄弱校任教年限、派出学校编号与公费师范生待服务"
            "年限按记录计算(走教不计)",
            "the form of the stint; with a history, the last rotation, rural and weak years, the sending "
            "school and a funded graduate's owed years follow from it (走教 counts for none)",
        ),
    },
}
"""Every column's unit and description in both languages."""


def template_columns() -> dict[str, tuple[Column, ...]]:
    return {
        "teachers": teacher_columns(DEFAULT_YEAR),
        "schools": SCHOOL_COLUMNS,
        "demand": DEMAND_COLUMNS,
        "pins": PIN_COLUMNS,
        HISTORY: history_columns(DEFAULT_YEAR),
    }


def header(table: str, column: str, lang: str) -> str:
    return HEADERS[table][column][0] if lang == "zh" else column


def allowed_values(table: str, column: str, lang: str) -> list[str]:
    """The values a validation list offers: Chinese names or codes; empty for free columns."""
    if column in SUBJECT_COLUMNS:
        return [SUBJECT_NAMES_ZH[code] for code in SUBJECTS] if lang == "zh" else list(SUBJECTS)
    if column not in CODED[table]:
        return []
    names = first_names(CODED[table][column])
    if lang == "zh":
        return list(names.values())
    return ["1" if code is True else "0" if code is False else str(code) for code in names]


def write_template(path: str | Path, lang: str = "zh") -> Path:
    """Write the empty workbook in `lang` (zh or en); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    columns = template_columns()
    for table in (*TABLES, HISTORY):
        sheet = book.create_sheet(SHEETS[table][0] if lang == "zh" else table)
        _data_sheet(sheet, table, columns[table], lang)
    _notes_sheet(book.create_sheet(NOTES_SHEET[lang]), columns, lang)
    policy = book.create_sheet(POLICY_SHEET)
    policy.append(POLICY_COLUMNS)
    policy.append(("year", DEFAULT_YEAR))
    for sheet in book.worksheets:
        as_text(sheet)
    book.save(path)
    return path


def _data_sheet(sheet: Worksheet, table: str, columns: tuple[Column, ...], lang: str) -> None:
    """The header (required columns in bold) and a validation list on each coded column."""
    sheet.append([header(table, column.name, lang) for column in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.cell(1, index).font = Font(bold=column.required)
        letter = get_column_letter(index)
        name = header(table, column.name, lang)
        sheet.column_dimensions[letter].width = max(10, len(name) * (2 if lang == "zh" else 1) + 2)
        values = allowed_values(table, column.name, lang)
        if values and column.name not in LIST_COLUMNS:
            _validation_list(sheet, f"{letter}2:{letter}{VALIDATED_ROWS}", values, lang)


def _validation_list(sheet: Worksheet, cells: str, values: list[str], lang: str) -> None:
    shown = "、".join(values) if lang == "zh" else ", ".join(values)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="取值不在列表中" if lang == "zh" else "Not in the list",
        error=f"请填写:{shown}" if lang == "zh" else f"Use one of: {shown}",
    )
    validation.add(cells)
    sheet.add_data_validation(validation)


def _notes_sheet(sheet: Worksheet, columns: dict[str, tuple[Column, ...]], lang: str) -> None:
    """One row per column of every sheet: where it is, whether required, its values, unit and
    meaning; then where the plan year is set."""
    zh = lang == "zh"
    sheet.append(NOTES_HEADER[lang])
    for table in (*TABLES, HISTORY):
        for column in columns[table]:
            unit_zh, unit_en, about_zh, about_en = NOTES[table][column.name]
            listed = ("、" if zh else ", ").join(allowed_values(table, column.name, lang))
            other = HEADERS[table][column.name][0] if not zh else column.name
            sheet.append(
                (
                    SHEETS[table][0] if zh else table,
                    header(table, column.name, lang),
                    other,
                    ("必填" if column.required else "选填")
                    if zh
                    else ("required" if column.required else "optional"),
                    listed,
                    unit_zh if zh else unit_en,
                    about_zh if zh else about_en,
                )
            )
    year = (
        f"policy 表的 year 为规划年份(默认 {DEFAULT_YEAR}),来校年月按它折算为在校年数",
        f"the policy sheet's year is the plan year (default {DEFAULT_YEAR}); 来校年月 counts against it",
    )
    sheet.append(())
    sheet.append((year[0] if zh else year[1],))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (10, 22, 22, 10, 40, 30, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
