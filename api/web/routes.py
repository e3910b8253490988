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

from optimizer.policy import AREA_LIST_PARAMS, AREAS, DEFAULT_RULES, FRACTION_PARAMS, MODES
from optimizer.rules import all_rules
from optimizer.subjects import SUBJECT_NAMES_ZH, SUBJECTS

HERE = Path(__file__).resolve().parent
LANGS = ("zh", "en")
LANG_COOKIE = "rotation_lang"
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {("rotation_quota", "scope"): ("region", "school")}
PAIR_PARAMS = {("direction", "allow")}
SECURITY_HEADERS = {
    # Scripts and data only from this server: the page shows uploaded names and ids as text only.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

templates = Jinja2Templates(directory=HERE / "templates")


@dataclass(frozen=True)
class Param:
    """One input of the tune form. `name` is the dotted name inside the rule (`rate`,
    `priority.music`), so the override is `<rule>.<name>=<value>`; `kind` picks the input."""

    name: str
    kind: str
    default: Any
    label: str
    choices: tuple[str, ...] = ()

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
        return [("", f"{self.default:g}")]


@dataclass(frozen=True)
class RuleForm:
    rule: str
    params: tuple[Param, ...]


def param_kind(rule: str, name: str, default: Any) -> str:
    """mode, fraction (shown in %), areas, pairs, choice, integer or number, as policy.py checks them."""
    if name == "mode":
        return "mode"
    if (rule, name) in FRACTION_PARAMS:
        return "fraction"
    if (rule, name) in AREA_LIST_PARAMS:
        return "areas"
    if (rule, name) in PAIR_PARAMS:
        return "pairs"
    if (rule, name) in CHOICES:
        return "choice"
    is_weight = name == "weight" or name.endswith("_weight")
    return "integer" if isinstance(default, int) and not is_weight else "number"


def rule_forms() -> list[RuleForm]:
    """Every rule of DEFAULT_RULES with its parameters, mode and weight first; a table parameter
    (retirement ages, subject priorities) becomes one input per key."""
    forms = []
    for rule, defaults in DEFAULT_RULES.items():
        params: list[Param] = []
        for name in sorted(defaults, key=lambda n: (n != "mode", n != "weight")):
            default = defaults[name]
            if name == "priority":
                params += [
                    Param(f"priority.{s}", "number", default.get(s, 1), f"subject.{s}") for s in SUBJECTS
                ]
            elif isinstance(default, dict):
                params += [
                    Param(f"{name}.{key}", "integer", value, f"param.{rule}.{name}.{key}")
                    for key, value in default.items()
                ]
            else:
                kind = param_kind(rule, name, default)
                label = f"param.{name}" if name in ("mode", "weight") else f"param.{rule}.{name}"
                choices = {"mode": MODES, "areas": AREAS}.get(kind, CHOICES.get((rule, name), ()))
                params.append(Param(name, kind, default, label, choices))
        forms.append(RuleForm(rule, tuple(params)))
    return forms


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
def messages() -> dict[str, dict[str, str]]:
    """Every label of the page in zh and en: messages.json, plus the rule titles and subject names
    the optimizer already has (one source for the page and the reports)."""
    table: dict[str, dict[str, str]] = json.loads((HERE / "messages.json").read_text(encoding="utf-8"))
    for rule in all_rules():
        table[f"rule.{rule.id}"] = {"zh": rule.title_zh, "en": rule.title_en}
    for code in SUBJECTS:
        table[f"subject.{code}"] = {"zh": SUBJECT_NAMES_ZH[code], "en": SUBJECT_NAMES_EN[code]}
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

    context = {"lang": lang, "t": t, "asset": asset, "messages": table, "rules": rule_forms()}
    response = templates.TemplateResponse(request, "index.html", context)
    response.headers.update(SECURITY_HEADERS)
    return response


router = APIRouter()
router.add_route("/", index, include_in_schema=False)
router.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
