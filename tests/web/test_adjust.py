"""Adjusting a plan on the page (issue 15, item 5) and the page at a phone's width (item 6): find
teachers by name, ask for a teacher's best destinations with their cost, pin one there and keep
another in place, re-plan with minimal change and read the diff; the scenario document is fetched
once however many views show it; at 390 px no view scrolls sideways."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.web.conftest import Service

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: .venv/bin/pip install -e '.[dev]'"
).expect

Page = Any
SOLVED = 60_000
"""Milliseconds to wait for a solve job's plan (the server caps solves at 6 s)."""


@pytest.fixture(scope="module")
def plan(service: Service) -> dict[str, Any]:
    """The demo county loaded and solved through the API, with its teachers."""
    headers = {"X-API-Key": service.key}
    created = httpx.post(
        f"{service.url}/v1/scenarios/demo", json={"bundle": "demo-county"}, headers=headers, timeout=60
    )
    assert created.status_code == 201, created.text
    scenario = httpx.get(
        f"{service.url}/v1/scenarios/{created.json()['id']}", headers=headers, timeout=60
    ).json()
    queued = httpx.post(
        f"{service.url}/v1/plans", json={"scenario_id": scenario["id"], "time_limit": 4}, headers=headers
    )
    assert queued.status_code == 202, queued.text
    deadline = time.monotonic() + 90
    while True:
        job = httpx.get(f"{service.url}/v1/plans/{queued.json()['id']}", headers=headers).json()
        if job["status"] == "done":
            assert job["moves"]
            return {"job": job, "scenario": scenario}
        assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job["status"]
        time.sleep(0.3)


ROUTES_SUMMED = """async () => {
  const app = document.querySelector("script[type=module]").src;
  const charts = await import(app.replace("app.js", "charts.js"));
  const school = (i) => ({ id: `S${i}`, name: `N${i}`, lon: i % 10, lat: Math.floor(i / 10), staff: i });
  const schools = Array.from({ length: 100 }, (_, i) => school(i));
  const routes = Array.from({ length: 300 }, (_, i) => {
    const [a, b] = [schools[(i * 7) % 100], schools[(i * 13 + 5) % 100]];
    return { from: a.id, to: b.id, fromAt: [a.lon, a.lat], toAt: [b.lon, b.lat], count: 1 + (i % 3) };
  });
  const shown = charts.readableRoutes(schools, routes);
  const teachers = shown.routes.reduce((sum, route) => sum + route.count, shown.local);
  return { grouped: shown.grouped, flows: shown.routes.length, teachers };
}"""


def sign_in(page: Page, key: str) -> None:
    page.fill("#signin-key", key)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#view-scenarios:not([hidden])")


def moving_teachers(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Teachers the plan moves whose name no other teacher has, so a name finds exactly one."""
    teachers = plan["scenario"]["document"]["teachers"]
    names = [teacher["name"] for teacher in teachers]
    moving = {move["teacher_id"] for move in plan["job"]["moves"]}
    return [t for t in teachers if t["teacher_id"] in moving and names.count(t["name"]) == 1]


def test_pin_and_keep_teachers_found_by_name_then_replan_with_a_diff(
    page: Page, service: Service, plan: dict[str, Any]
) -> None:
    scenario_id, job_id = plan["scenario"]["id"], plan["job"]["id"]
    fetches: list[str] = []
    page.on(
        "request",
        lambda request: (
            fetches.append(request.url) if request.url.endswith(f"/v1/scenarios/{scenario_id}") else None
        ),
    )
    sign_in(page, service.key)
    page.goto(f"{service.url}/#/tune/{scenario_id}")
    page.wait_for_function("() => document.querySelector('#tune-scenario').textContent.length > 0")
    page.goto(f"{service.url}/#/job/{job_id}")
    page.wait_for_selector("#job-plan:not([hidden])")
    page.goto(f"{service.url}/#/notice/{job_id}")
    page.wait_for_selector("#notice-table tbody tr")
    page.goto(f"{service.url}/#/job/{job_id}")
    page.wait_for_selector("#adjust:not([hidden])")
    assert len(fetches) == 1, fetches  # one document for the tune, plan and notice views

    stays, withdrawn = moving_teachers(plan)[:2]
    # The why of a teacher, asked by name.
    page.fill("#why-teacher", stays["name"])
    page.click("#why-teacher-form button")
    expect(page.locator("#why-text")).to_contain_text(
        f"{stays['teacher_id']} {stays['name']}", timeout=SOLVED
    )
    page.fill("#why-teacher", "没有这个人")
    page.click("#why-teacher-form button")
    expect(page.locator("#why-status")).to_have_text("没有找到教师“没有这个人”：请输入姓名或编号。")
    # The moves table filtered by name.
    page.fill("#filter-teacher", stays["name"])
    expect(page.locator("#moves-table tbody tr")).to_have_count(1)
    page.fill("#filter-teacher", "")

    # A teacher's best destinations with what each costs (the plan's own at ±0); pinned to one,
    # then withdrawn instead: a later change of the same teacher replaces the earlier one.
    page.fill("#adjust-teacher", withdrawn["name"])
    page.click("#adjust-recommend")
    current = page.locator("#recommend-table tbody tr.highlight")
    current.wait_for(timeout=SOLVED)
    assert current.locator("td").nth(1).inner_text() == "±0"
    assert "（本方案）" in current.inner_text()
    other = page.locator("#recommend-table tbody tr:not(.highlight)").first
    destination = other.locator("td").first.inner_text()
    other.locator("button").click()
    edits = page.locator("#adjust-list li")
    expect(edits).to_have_text(
        [f"{withdrawn['teacher_id']} {withdrawn['name']} 必须交流至 {destination} 删除"]
    )
    page.select_option("#adjust-action", "withdraw")
    page.click("#adjust-form button[type=submit]")
    # Another teacher kept in place.
    page.fill("#adjust-teacher", stays["name"])
    page.select_option("#adjust-action", "stay")
    page.click("#adjust-form button[type=submit]")
    expect(edits).to_have_text(
        [
            f"{withdrawn['teacher_id']} {withdrawn['name']} 退出本年交流 删除",
            f"{stays['teacher_id']} {stays['name']} 必须留任 删除",
        ]
    )

    # The edited plan checked by every rule without solving (POST /v1/plans/check), cost beside this plan's.
    page.click("#adjust-check")
    expect(page.locator("#adjust-checked")).to_contain_text("（本方案 ")

    page.click("#adjust-replan")
    page.wait_for_function(f"() => !location.hash.endsWith('{job_id}')")
    page.wait_for_selector("#diff:not([hidden])", timeout=SOLVED)
    assert "必须留任" in page.locator("#job-name").inner_text()  # the re-plan is named by its change
    texts = page.locator("#diff-table tbody tr").all_inner_texts()
    rows = {text.split("\t")[0]: text.split("\t")[1:] for text in texts}
    destinations = {move["teacher_id"]: move["to_school"] for move in plan["job"]["moves"]}
    for teacher in (stays, withdrawn):
        change, before, after = rows[f"{teacher['teacher_id']} {teacher['name']}"]
        assert (change, before.split()[0], after) == ("取消交流", destinations[teacher["teacher_id"]], "–")
    assert page.locator("#diff-summary").inner_text().startswith("改动")
    assert page.locator("#diff-previous").get_attribute("href") == f"#/job/{job_id}"


def test_no_view_scrolls_sideways_on_a_phone(browser: Any, service: Service, plan: dict[str, Any]) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(service.url + "/")
        sign_in(page, service.key)
        scenario_id, job_id = plan["scenario"]["id"], plan["job"]["id"]
        views = {
            "scenarios": ("#/scenarios", "#scenario-table tbody tr"),
            "tune": (f"#/tune/{scenario_id}", "#tune-changes"),
            "plan": (f"#/job/{job_id}", "#moves-table tbody tr"),
            "whatif": (f"#/whatif/{scenario_id}", "#variant-table tbody tr"),
            "notice": (f"#/notice/{job_id}", "#notice-table tbody tr"),
        }
        for name, (hash_, ready) in views.items():
            page.goto(f"{service.url}/{hash_}")
            page.wait_for_selector(ready)
            page.wait_for_timeout(300)  # charts and tables laid out
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 390, (name, width)
        # A county's hundreds of routes are summed into flows between areas, every teacher kept.
        grouped = page.evaluate(ROUTES_SUMMED)
        assert grouped["grouped"] and grouped["flows"] <= 25 * 24 and grouped["teachers"] == 600
        # The title stays a line of text, not a column of characters.
        title = page.locator(".topbar .brand strong").bounding_box()
        assert title is not None and title["width"] > title["height"]
    finally:
        context.close()
