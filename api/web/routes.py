"""The planner's web page at `/`: one server-rendered page and its static files.

The page holds no data: the browser signs in with a region key and reads everything from the /v1
API with that key, so the page sees exactly what the key may see. The server renders the labels
(Chinese by default, English by the `rotation_lang` cookie) and the tune form from the policy
defaults; the page's scripts switch language in place from the same dictionary.

Its routes are plain Starlette routes, not API routes: they are left out of the OpenAPI schema and
of the API's route walks (tests/api/test_cross_region.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from optimizer.io import filing
from optimizer.params import AREAS, Param
from optimizer.rules import declarations
from optimizer.subjects import SUBJECT_NAMES_ZH, SUBJECTS

HERE = Path(__file__).resolve().parent
LANGS = ("zh", "en")
LANG_COOKIE = "rotation_lang"
SECURITY_HEADERS = {
    # Scripts and data only from this server: the page shows uploaded names and ids as text only.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

templates = Jinja2Templates(directory=HERE / "templates")


FORM_KINDS = {
    "mode": "mode",
    "choice": "choice",
    "fraction": "fraction",
    "areas": "areas",
    "area_pairs": "pairs",
    "integer": "integer",
    "weight": "number",
    "number": "number",
    "positive": "number",
}
"""The form's input for each kind of declared parameter (tables become one input per key)."""


@dataclass(frozen=True)
class FormInput:
    """One input of the tune form. `name` is the dotted name inside the rule (`rate`,
    `priority.music`), so the override is `<rule>.<name>=<value>`; `kind` picks the input; `label`,
    `unit`, `group` (the table an input belongs to, shown once above its inputs) and `hint` (what a
    special value or a subject left out of a table means) are label keys. A subject a table's
    default leaves out has the default None: its input may stay empty."""

    name: str
    kind: str
    default: Any
    label: str
    choices: tuple[str, ...] = ()
    unit: str = ""
    group: str = ""
    minimum: float = 0
    hint: str = ""

    def default_parts(self) -> list[tuple[str, str]]:
        """The default as the form shows it, as (label key, "") or ("", literal text) parts, so
        the words in it switch language with the page (a fraction shows as a percentage)."""
        if self.kind == "fraction":
            return [("", f"{self.default * 100:g}%")]
        if self.kind in ("mode", "choice"):
            return [(f"choice.{self.default}", "")]
        if self.kind == "areas":
            parts: list[tuple[str, str]] = []
            for area in self.default:
                parts += [("", " / ")] if parts else []
                parts.append((f"area.{area}", ""))
            return parts
        if self.kind == "pairs":
            return [("", json.dumps(self.default))] if self.default else [("tune.none", "")]
        if self.default is None:
            return [("tune.none", "")]
        return [("", f"{self.default:g}")]


@dataclass(frozen=True)
class RuleForm:
    rule: str
    params: tuple[FormInput, ...]


def form_inputs(rule: str, param: Param) -> list[FormInput]:
    """The inputs of one declared parameter: a table gives one input per key (per subject)."""
    label = f"param.{rule}.{param.name}"
    unit = f"unit.{rule}.{param.name}" if param.unit_zh else ""
    hint = f"hint.{rule}.{param.name}" if param.hint_zh else ""
    minimum = param.minimum or 0
    if param.kind == "subject_table":
        return [
            FormInput(
                f"{param.name}.{s}", "number", param.default.get(s), f"subject.{s}", group=label, hint=hint
            )
            for s in SUBJECTS
        ]
    if param.kind == "integer_table":
        return [
            FormInput(
                f"{param.name}.{o.key}",
                "integer",
                param.default[o.key],
                f"{label}.{o.key}",
                unit=unit,
                minimum=minimum,
                hint=hint,
            )
            for o in param.options
        ]
    choices = AREAS if param.kind in ("areas", "area_pairs") else param.choices
    kind = FORM_KINDS[param.kind]
    return [FormInput(param.name, kind, param.default, label, choices, unit, minimum=minimum, hint=hint)]


def rule_forms() -> list[RuleForm]:
    """Every rule with its declared parameters, mode and weight first, subject tables last."""
    forms = []
    for declared in declarations():
        ordered = sorted(
            declared.params, key=lambda p: (p.name != "mode", p.name != "weight", p.kind == "subject_table")
        )
        inputs = [field for param in ordered for field in form_inputs(declared.rule, param)]
        forms.append(RuleForm(declared.rule, tuple(inputs)))
    return forms


def rule_labels() -> dict[str, dict[str, str]]:
    """The labels the rules declare: titles, parameters, table keys, units, hints and choices."""
    table: dict[str, dict[str, str]] = {}
    for declared in declarations():
        table[f"rule.{declared.rule}"] = {"zh": declared.title_zh, "en": declared.title_en}
        for param in declared.params:
            key = f"param.{declared.rule}.{param.name}"
            table[key] = {"zh": param.label_zh, "en": param.label_en}
            if param.unit_zh:
                table[f"unit.{declared.rule}.{param.name}"] = {"zh": param.unit_zh, "en": param.unit_en}
            if param.hint_zh:
                table[f"hint.{declared.rule}.{param.name}"] = {"zh": param.hint_zh, "en": param.hint_en}
            for option in param.options:
                if param.kind == "integer_table":
                    table[f"{key}.{option.key}"] = {"zh": option.label_zh, "en": option.label_en}
                else:
                    table.setdefault(f"choice.{option.key}", {"zh": option.label_zh, "en": option.label_en})
    return table


SUBJECT_NAMES_EN = {
    "chinese": "Chinese",
    "math": "Maths",
    "english": "English",
    "physics": "Physics",
    "chemistry": "Chemistry",
    "biology": "Biology",
    "history": "History",
    "geography": "Geography",
    "politics": "Morality and law",
    "music": "Music",
    "pe": "PE",
    "art": "Art",
    "it": "IT",
    "science": "Science",
    "psychology": "Psychology",
}


@cache
def page_messages() -> dict[str, dict[str, str]]:
    """The page's own labels (messages.json), read once."""
    table: dict[str, dict[str, str]] = json.loads((HERE / "messages.json").read_text(encoding="utf-8"))
    return table


def messages() -> dict[str, dict[str, str]]:
    """Every label of the page in zh and en: messages.json, plus what the rules declare (titles,
    parameter labels, units, choices; asked each time, so a rule registered later shows) and the
    subject names (one source for the page and the reports)."""
    table = {**page_messages(), **rule_labels(), **filing_labels()}
    for code in SUBJECTS:
        table[f"subject.{code}"] = {"zh": SUBJECT_NAMES_ZH[code], "en": SUBJECT_NAMES_EN[code]}
    return table


def filing_labels() -> dict[str, dict[str, str]]:
    """The 公示's words as plan.xlsx writes them (optimizer/io/filing.py): its default texts, its
    columns and the names of the kinds of exchange."""
    table = {f"notice.{key}": {"zh": zh, "en": en} for key, (zh, en) in filing.LABELS.items()}
    for column in filing.NOTICE_COLUMNS:
        table[f"filing.{column}"] = {"zh": filing.COLUMNS_ZH[column], "en": filing.COLUMNS_EN[column]}
    for kind, zh in filing.KIND_NAMES_ZH.items():
        table[f"filing_kind.{kind}"] = {"zh": zh, "en": filing.KIND_NAMES_EN[kind]}
    return table


def page_lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "zh")
    return lang if lang in LANGS else "zh"


async def index(request: Request) -> Response:
    """The page shell: labels in the caller's language, the tune form, no data."""
    lang = page_lang(request)
    table = messages()

    def t(key: str) -> str:
        return table[key][lang]

    def asset(path: str) -> str:
        """A static file's path from the site root (no host: it works behind any proxy name)."""
        return str(request.app.url_path_for("static", path=path))

    context = {
        "lang": lang,
        "t": t,
        "asset": asset,
        "messages": table,
        "rules": rule_forms(),
        "filing": filing,
    }
    response = templates.TemplateResponse(request, "index.html", context)
    response.headers.update(SECURITY_HEADERS)
    return response


router = APIRouter()
router.add_route("/", index, include_in_schema=False)
router.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
