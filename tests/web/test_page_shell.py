"""The page shell without a browser: both languages complete, the tune form covers every policy
parameter, the files ship as package data, and the page stays out of the API."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from api.web.routes import HERE, messages, rule_forms
from optimizer.plan import HIRE_KINDS, LEADER_HOW, MOVE_KINDS
from optimizer.rules import declarations

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((HERE / "static" / "js").glob("*.js"))
# A quoted "namespace.name" in a script, e.g. "tune.solve", names a label.
QUOTED = re.compile(r'"([a-z_]+)\.([a-z_0-9.]+)"')


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 'rotation.db'}"))
    ) as test_client:
        yield test_client


def test_every_label_is_in_both_languages() -> None:
    for key, entry in messages().items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key


def test_every_label_the_page_uses_exists(client: TestClient) -> None:
    html = client.get("/").text
    used = set(re.findall(r'data-i18n="([^"]+)"', html))
    namespaces = {key.split(".")[0] for key in messages()}
    for script in SCRIPTS:
        found = QUOTED.findall(script.read_text(encoding="utf-8"))
        used |= {f"{space}.{name}" for space, name in found if space in namespaces}
    # Keys the scripts build from API values: every value those fields can take.
    statuses = ("queued", "running", "cancelling", "done", "cancelled", "failed")
    used |= {f"status.{s}" for s in statuses}
    used |= {f"plan_status.{s}" for s in ("optimal", "feasible", "infeasible", "timeout_no_plan")}
    used |= {f"report_status.{s}" for s in ("met", "violated", "not_applicable")}
    used |= {f"report.glance_{s}" for s in ("met", "violated", "not_applicable")}
    used |= {f"choice.{mode}" for mode in ("hard", "elastic")} | {f"rule.{d.rule}" for d in declarations()}
    used |= {f"kind.{k}" for k in MOVE_KINDS} | {f"hire_kind.{k}" for k in HIRE_KINDS}
    used |= {f"leader_how.{how}" for how in LEADER_HOW}
    assert len(used) > 150
    missing = sorted(used - set(messages()))
    assert not missing, missing


def test_the_page_is_chinese_by_default_and_english_by_cookie(client: TestClient) -> None:
    chinese = client.get("/")
    assert chinese.status_code == 200
    assert chinese.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in chinese.text and "教师交流轮岗规划</title>" in chinese.text
    assert "script-src 'self'" in chinese.headers["content-security-policy"]
    client.cookies.set("rotation_lang", "en")
    english = client.get("/")
    assert '<html lang="en">' in english.text and "Teacher rotation planner</title>" in english.text
    client.cookies.set("rotation_lang", "fr")
    assert '<html lang="zh-CN">' in client.get("/").text


def test_the_tune_form_has_an_input_for_every_policy_parameter(client: TestClient) -> None:
    formed = {(form.rule, param.name) for form in rule_forms() for param in form.params}
    for declared in declarations():
        for param in declared.params:
            if param.kind == "subject_table":
                assert {(declared.rule, f"{param.name}.{s}") for s in param.default} <= formed
            elif param.kind == "integer_table":
                assert {(declared.rule, f"{param.name}.{key}") for key in param.default} <= formed
            else:
                assert (declared.rule, param.name) in formed
    html = client.get("/").text
    assert html.count('class="param') == len(formed)
    rate = next(p for f in rule_forms() if f.rule == "rotation_quota" for p in f.params if p.name == "rate")
    assert (rate.kind, rate.default_parts()) == ("fraction", [("", "10%")])
    areas = next(p for f in rule_forms() if f.rule == "rotation_quota" for p in f.params if p.kind == "areas")
    assert areas.default_parts() == [("area.urban", ""), ("", " / "), ("area.town", "")]
    scope = next(p for f in rule_forms() if f.rule == "rotation_quota" for p in f.params if p.name == "scope")
    assert scope.choices == ("region", "school", "city")  # every scope the policy accepts
    assert all(f"choice.{c}" in messages() for c in scope.choices)


def test_static_files_are_served_and_shipped_as_package_data(client: TestClient) -> None:
    """Every file of api/web matches pyproject's package-data, so `pip install` carries it along."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    files = [p.relative_to(HERE).as_posix() for p in HERE.rglob("*") if p.is_file() and p.suffix != ".pyc"]
    data = [f for f in files if not f.endswith(".py")]
    unmatched = [f for f in data if not any(fnmatch(f, pattern) for pattern in patterns["api.web"])]
    assert not unmatched, unmatched
    vendored = HERE / "static" / "vendor" / "echarts"
    assert {"echarts.min.js", "LICENSE", "NOTICE", "LICENSE-d3", "README.md"} <= {
        p.name for p in vendored.iterdir()
    }
    answer = client.get("/static/vendor/echarts/echarts.min.js")
    assert answer.status_code == 200 and "Apache" in answer.text[:2000]
    assert client.get("/static/js/app.js").status_code == 200
    assert client.get("/static/missing.js").status_code == 404


def test_the_page_stays_out_of_the_api(client: TestClient) -> None:
    """No API route serves the page, so the API's schema and its route walks never see it."""
    app = client.app
    assert all(path in ("/health", "/metrics") or path.startswith("/v1/") for path in app.openapi()["paths"])
    api_paths = {r.path for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)}
    assert "/" not in api_paths and not any(path.startswith("/static") for path in api_paths)
