"""The lists a bureau files and posts, as its forms have them: the 交流名单 (every teacher the plan
sends, with 序号, 性别, 出生年月, 学历, 职称, 骨干, 交流方式 and 起止年月) and the 公示 (public notice:
the same teachers with fewer columns, no birth date, under the notice's title, text, objection
channel and deadline).

What the notice says comes from the policy's optional `[notice]` table; whatever it leaves out
has a default here: the standard title and text, the county's education bureau as the objection
channel, today as the date and 5 working days (Monday to Friday; public holidays are not known)
after the date as the objection deadline. The page (api/web) shows the same defaults: it reads
these templates, whose `{county}`, `{year}` and `{count}` it fills as Python's `str.format` does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from optimizer.io.aliases import DEGREES, FLAGS, GENDERS, first_names
from optimizer.io.plan_csv import MOVE_KIND_NAMES_ZH, ROLE_NAMES_ZH
from optimizer.io.staffing_csv import ITINERANT_ZH
from optimizer.plan import Plan
from optimizer.scenario import Scenario
from optimizer.subjects import SUBJECT_NAMES_ZH

ITINERANT = "itinerant"
KIND_NAMES_ZH = {**MOVE_KIND_NAMES_ZH, ITINERANT: ITINERANT_ZH}
"""交流方式: rotation (交流轮岗), one-year exchange (跟岗) and 走教, as plan.xlsx and the page write them."""
KIND_NAMES_EN = {"rotation": "rotation", "exchange": "exchange (跟岗)", ITINERANT: "itinerant (走教)"}
ITINERANT_TERM_YEARS = 1
"""A 走教 assignment holds for the plan's school year."""
SCHOOL_YEAR_START_MONTH = 9
NOTICE_WORKING_DAYS = 5

COLUMNS_ZH = {
    "number": "序号",
    "name": "姓名",
    "gender": "性别",
    "birth": "出生年月",
    "degree": "学历",
    "title": "职称",
    "backbone": "骨干",
    "from_school": "原学校",
    "to_school": "交流学校",
    "subject": "学科",
    "kind": "交流方式",
    "span": "起止年月",
    "teacher_id": "教师编号",
    "reason": "交流依据",
}
COLUMNS_EN = {
    "number": "No.",
    "name": "Name",
    "gender": "Gender",
    "birth": "Born",
    "degree": "Degree",
    "title": "Title",
    "backbone": "Backbone",
    "from_school": "From school",
    "to_school": "To school",
    "subject": "Subject",
    "kind": "Kind",
    "span": "Term",
    "teacher_id": "Teacher id",
    "reason": "Rules served",
}
LIST_SHEET = "交流名单"
HIRES_SHEET = "招聘计划"
ITINERANT_SHEET = "走教安排"
LEADERS_SHEET = "校长配备"
HIRE_HEADERS = {
    "school_id": "学校编号",
    "school": "学校",
    "region": "区域",
    "area": "类别",
    "subject": "学科",
    "posts": "招聘人数",
    "kind": "招聘方式",
    "reason": "招聘依据",
}
ITINERANT_HEADERS = {
    "teacher_id": "教师编号",
    "name": "姓名",
    "home_school": "所在学校",
    "school_id": "走教学校",
    "subject": "学科",
    "share": "岗位份额",
    "km": "距离(公里)",
}
LEADER_HEADERS = {
    "school_id": "学校编号",
    "school": "学校",
    "teacher_id": "校长(交流后)",
    "name": "姓名",
    "role": "原职务",
    "how": "方式",
}
"""The plan workbook's sheets of hires, 走教 and heads: column → Chinese header, in the sheet's
order, as plan.xlsx is written (optimizer/io/outputs.py) and read back (plan_workbook.py)."""
LIST_COLUMNS = tuple(COLUMNS_ZH)
"""The 交流名单's columns: the bureau's form, then the teacher id and the rules the move serves
(so that HR finds the teacher and the reason)."""
NOTICE_COLUMNS = ("number", "name", "from_school", "to_school", "subject", "kind", "span")
"""The 公示's columns: what a public notice publishes (no birth date, gender or degree)."""

LIST_TITLE_ZH = "{county} {year} 年义务教育教师交流轮岗名单"
NOTICE_TITLE_ZH = "{county} {year} 年义务教育教师交流轮岗名单公示"
NOTICE_TITLE_EN = "{county} {year}: teacher rotation list, public notice"
NOTICE_TEXT_ZH = (
    "根据县域义务教育学校校长教师交流轮岗工作的有关规定，经学校推荐、教育局研究，"
    "拟安排以下 {count} 名教师自 {year} 年秋季学期起参加交流，现予以公示。"
    "公示期间如有异议，请在异议截止日期前通过下列渠道实名反映。"
)
NOTICE_TEXT_EN = (
    "Under the rules for the rotation of compulsory-education teachers, on the schools' proposals "
    "and the bureau's review, the {count} teachers below are to rotate from the autumn term of "
    "{year}; their names are published here. Objections, with the objector's name, go through "
    "the channel below before the deadline."
)
NOTICE_CHANNEL_ZH = "{county}教育局人事科（书面材料或来电、来访）"
NOTICE_CHANNEL_EN = "the HR section of the {county} education bureau (in writing, by phone or in person)"
ISSUER_ZH = "{county}教育局"
ISSUER_EN = "{county} education bureau"
PERIOD_ZH = "公示时间：{date}至{deadline}"
PERIOD_EN = "Published from {date} to {deadline}"
OBJECTIONS_ZH = "异议渠道：{channel}；异议截止日期：{deadline}"
OBJECTIONS_EN = "Objections: {channel}; deadline {deadline}"
LABELS = {
    "title": (NOTICE_TITLE_ZH, NOTICE_TITLE_EN),
    "text": (NOTICE_TEXT_ZH, NOTICE_TEXT_EN),
    "channel": (NOTICE_CHANNEL_ZH, NOTICE_CHANNEL_EN),
    "issuer": (ISSUER_ZH, ISSUER_EN),
    "period": (PERIOD_ZH, PERIOD_EN),
    "objections": (OBJECTIONS_ZH, OBJECTIONS_EN),
}
"""The notice's default texts and its two lines, zh and en, with their `{placeholders}`."""


@dataclass(frozen=True)
class Entry:
    """One teacher the plan sends (a rotation move, an exchange or a 走教 assignment), in Chinese
    as the bureau's forms write it; `start` and `end` as 2027.09 and 2030.08."""

    teacher_id: str
    name: str
    gender: str
    birth: str
    degree: str
    title: str
    backbone: str
    from_school: str
    to_school: str
    subject: str
    kind: str
    start: str
    end: str
    reason: str

    @property
    def span(self) -> str:
        return f"{self.start}-{self.end}"

    def cells(self, number: int, columns: tuple[str, ...]) -> list[str | int]:
        values: dict[str, str | int] = {"number": number, "span": self.span}
        return [values[c] if c in values else getattr(self, c) for c in columns]


def entries(scenario: Scenario, plan: Plan, reasons_zh: Callable[[str], str]) -> list[Entry]:
    """The moves, then the exchanges, then the 走教 assignments; `reasons_zh` names the rules of a
    move's `reason` in Chinese."""
    year = scenario.policy.year
    sent = [
        (m.teacher_id, m.from_school, m.to_school, m.subject, m.kind, m.term_years, reasons_zh(m.reason))
        for m in (*plan.moves, *plan.exchanges)
    ]
    sent += [
        (a.teacher_id, a.home_school, a.school_id, a.subject, ITINERANT, ITINERANT_TERM_YEARS, "")
        for a in plan.itinerant
    ]
    genders, degrees, flags = first_names(GENDERS), first_names(DEGREES), first_names(FLAGS)
    found = []
    for teacher_id, from_school, to_school, post, kind, term_years, reason in sent:
        teacher = scenario.teacher_by_id[teacher_id]
        start, end = term_span(year, term_years)
        found.append(
            Entry(
                teacher_id=teacher_id,
                name=teacher.name or teacher_id,
                gender=genders.get(teacher.gender, teacher.gender),
                birth=str(teacher.birth_year),
                degree=degrees.get(teacher.degree, teacher.degree),
                title=teacher.title,
                backbone=flags[teacher.is_backbone],
                from_school=school_name(scenario, from_school),
                to_school=school_name(scenario, to_school),
                subject=post_zh(post),
                kind=KIND_NAMES_ZH.get(kind, kind),
                start=start,
                end=end,
                reason=reason,
            )
        )
    return found


def term_span(year: int, term_years: int) -> tuple[str, str]:
    """A term starting in September of the plan year: 3 years from 2027 → 2027.09 to 2030.08."""
    first = year * 12 + SCHOOL_YEAR_START_MONTH - 1
    last = first + 12 * max(1, term_years) - 1
    return f"{year}.{SCHOOL_YEAR_START_MONTH:02d}", f"{last // 12}.{last % 12 + 1:02d}"


def county(scenario: Scenario) -> str:
    """Whom the lists are of: the county (the scenario's one region), else the regions named."""
    return "、".join(scenario.regions) or scenario.name


def list_title(scenario: Scenario) -> str:
    return LIST_TITLE_ZH.format(county=county(scenario), year=scenario.policy.year)


@dataclass(frozen=True)
class Notice:
    """What the 公示 says above and below its list."""

    title: str
    date: datetime.date
    text: str
    channel: str
    deadline: datetime.date
    issuer: str

    def lines(self) -> list[str]:
        """Title, text, when it is published and how to object, as the workbook writes them."""
        date, deadline = date_zh(self.date), date_zh(self.deadline)
        return [
            self.title,
            self.text,
            PERIOD_ZH.format(date=date, deadline=deadline),
            OBJECTIONS_ZH.format(channel=self.channel, deadline=deadline),
        ]


def notice_of(scenario: Scenario, count: int, today: datetime.date) -> Notice:
    """The policy's `[notice]`, each entry left out by its default; `count` teachers are listed."""
    given = scenario.policy.notice
    fill = {"county": county(scenario), "year": scenario.policy.year, "count": count}
    date = datetime.date.fromisoformat(given["date"]) if "date" in given else today
    deadline = (
        datetime.date.fromisoformat(given["deadline"])
        if "deadline" in given
        else working_days_after(date, NOTICE_WORKING_DAYS)
    )
    return Notice(
        title=given.get("title") or NOTICE_TITLE_ZH.format(**fill),
        date=date,
        text=given.get("text") or NOTICE_TEXT_ZH.format(**fill),
        channel=given.get("channel") or NOTICE_CHANNEL_ZH.format(**fill),
        deadline=deadline,
        issuer=ISSUER_ZH.format(**fill),
    )


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday to Friday) after `day`."""
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def date_zh(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def school_name(scenario: Scenario, school_id: str) -> str:
    return scenario.school_by_id[school_id].name or school_id


def post_zh(post: str) -> str:
    """A post code in Chinese: a subject's name, or 校长 / 副校长 for a leadership post."""
    return SUBJECT_NAMES_ZH.get(post) or ROLE_NAMES_ZH.get(post) or post
