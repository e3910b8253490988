"""The plan's own view says when a change made no difference, and a language switch says again, in
the new language, everything already drawn (issue 15, item 6). On the two-school county, solved
through the API: with R1 two math teachers short, a 15 % quota moves the same 2 teachers as the
default 10 %, a 30 % quota (and departure cap) moves a third.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from optimizer.io import scenario_to_document
from tests.tiny import NO_HIRES, two_school_county
from tests.web.conftest import REGION, Service

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: .venv/bin/pip install -e '.[dev]'"
).expect

Page = Any
NO_EFFECT = ["rotation_quota.rate=0.15"]
EFFECT = ["rotation_quota.rate=0.3", "capacity.max_departure_share=0.3"]
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
LOADED = 30_000
"""Milliseconds to wait for a view's data."""


def _solve(api: httpx.Client, scenario_id: str, overrides: list[str] | None = None) -> str:
    body = {"scenario_id": scenario_id, "time_limit": 3, "seed": 1, "overrides": overrides or []}
    response = api.post("/v1/plans", json=body)
    assert response.status_code == 202, response.text
    plan_id: str = response.json()["id"]
    deadline = time.monotonic() + 60
    while api.get(f"/v1/plans/{plan_id}").json()["status"] != "done":
        assert time.monotonic() < deadline, f"plan {plan_id} not done within 60 s"
        time.sleep(0.1)
    return plan_id


def _variant(api: httpx.Client, scenario_id: str, overrides: list[str]) -> str:
    response = api.post(f"/v1/scenarios/{scenario_id}/variants", json={"edits": {"overrides": overrides}})
    assert response.status_code == 201, response.text
    variant_id: str = response.json()["id"]
    return variant_id


@pytest.fixture(scope="module")
def plans(service: Service) -> dict[str, str]:
    """The base plan, a variant's plan identical to it, a variant's plan that differs, and a plan of
    the base scenario whose overrides changed nothing."""
    document = scenario_to_document(two_school_county(urban_spare=3, overrides=[NO_HIRES]))
    for school in document["schools"]:
        school["region"] = REGION
    with httpx.Client(base_url=service.url, headers={"X-API-Key": service.key}, timeout=30) as api:
        response = api.post("/v1/scenarios", json=document)
        assert response.status_code == 201, response.text
        base = response.json()["id"]
        return {
            "scenario": base,
            "base": _solve(api, base),
            "same": _solve(api, _variant(api, base, NO_EFFECT)),
            "different": _solve(api, _variant(api, base, EFFECT)),
            "overridden": _solve(api, base, NO_EFFECT),
        }


def sign_in_at(page: Page, key: str, hash_: str) -> None:
    page.fill("#signin-key", key)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#view-scenarios:not([hidden])")
    page.evaluate("hash => { location.hash = hash; }", hash_)


def open_plan(page: Page, plan_id: str) -> None:
    page.evaluate("hash => { location.hash = hash; }", f"#/job/{plan_id}")
    page.wait_for_function(
        "id => !document.querySelector('#job-plan').hidden && location.hash.endsWith(id)",
        arg=plan_id,
        timeout=LOADED,
    )
    # The charts are drawn after one more call (the plan's outcome): the last thing the view draws.
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.getElementById('chart-map'))?.getOption()",
        timeout=LOADED,
    )


def left_in_chinese(page: Page, selector: str) -> list[str]:
    """The Chinese words of a view in English that are neither data (the region's name) nor terms
    the English labels use themselves (走教, 特岗)."""
    english = page.evaluate(
        "() => Object.values(JSON.parse(document.getElementById('messages').textContent))"
        ".map(m => m.en).join(' ')"
    )
    kept = {REGION, *CHINESE.findall(english)}
    return [word for word in CHINESE.findall(page.locator(selector).inner_text()) if word not in kept]


def test_a_variant_that_changed_nothing_says_so_naming_the_parameter(
    page: Page, service: Service, plans: dict[str, str]
) -> None:
    sign_in_at(page, service.key, "#/scenarios")
    open_plan(page, plans["same"])
    notice = page.locator("#job-unchanged")
    expect(notice).to_be_visible()
    assert notice.inner_text().startswith("调整 交流比例 · 交流比例不低于 10% → 15% 未改变方案")
    assert "“tiny”" in notice.inner_text() and "rotation_quota" not in notice.inner_text()
    expect(notice.locator("a")).to_have_attribute("href", f"#/compare/{plans['base']},{plans['same']}")

    page.click("[data-lang=en]")
    assert notice.inner_text().startswith("Changing rotation quota · Rotation rate at least 10% → 15%")
    page.click("[data-lang=zh]")

    open_plan(page, plans["different"])
    expect(page.locator("#job-unchanged")).to_be_hidden()
    open_plan(page, plans["base"])
    expect(page.locator("#job-unchanged")).to_be_hidden()


def test_a_language_switch_says_the_plan_view_again_in_the_other_language(
    page: Page, service: Service, plans: dict[str, str]
) -> None:
    sign_in_at(page, service.key, "#/scenarios")
    open_plan(page, plans["overridden"])
    view = page.locator("#view-job")
    assert "交流比例 · 交流比例不低于 15%" in page.locator("#job-facts").inner_text()
    page.select_option("#filter-subject", "math")
    page.locator("#moves-table").scroll_into_view_if_needed()
    # Where the reader is: still at the moves table after the switch (the page above it grows or
    # shrinks with the language, so not at the same pixel).
    in_view = "() => { const top = document.querySelector('#moves-table').getBoundingClientRect().top; "
    in_view += "return window.scrollY > 0 && top >= 0 && top < window.innerHeight / 2; }"
    assert page.evaluate(in_view)
    zh = view.inner_text()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    page.click("[data-lang=en]")
    assert left_in_chinese(page, "#view-job") == []
    assert "rotation quota · Rotation rate at least 15%" in page.locator("#job-facts").inner_text()
    expect(page.locator("#filter-subject")).to_have_value("math")  # the user's filter stays
    expect(page.locator("#filter-subject option:checked")).to_have_text("Maths")
    assert page.evaluate(in_view)

    page.click("[data-lang=zh]")
    assert view.inner_text() == zh
    assert not [url for url in asked if "/v1/" in url]  # said again from what the page has


def test_a_language_switch_says_a_comparison_again_and_keeps_the_form(
    page: Page, service: Service, plans: dict[str, str]
) -> None:
    sign_in_at(page, service.key, f"#/compare/{plans['base']},{plans['different']}")
    changes = page.locator("#compare-table tbody tr", has_text="改动的参数")
    expect(changes).to_contain_text("交流比例 · 交流比例不低于 30%", timeout=LOADED)
    page.click("[data-lang=en]")
    assert left_in_chinese(page, "#view-compare") == []
    expect(page.locator("#compare-table tbody tr", has_text="What was changed")).to_contain_text(
        "rotation quota · Rotation rate at least 30%"
    )

    # The tune form: an edited value not yet saved stays, and the changes line follows the language.
    page.evaluate("hash => { location.hash = hash; }", f"#/tune/{plans['scenario']}")
    quota = page.locator("#p-rotation_quota-rate")
    expect(quota).to_have_value("10", timeout=LOADED)
    quota.fill("17")
    expect(page.locator("#tune-changes")).to_have_text("rotation quota · Rotation rate at least 17%")
    page.click("[data-lang=zh]")
    expect(quota).to_have_value("17")
    expect(page.locator("#tune-changes")).to_have_text("交流比例 · 交流比例不低于 17%")
    page.click("[data-lang=en]")
    assert left_in_chinese(page, "#view-tune") == []
    page.click("[data-lang=zh]")
