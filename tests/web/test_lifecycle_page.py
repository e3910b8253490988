"""A plan's life on the page (issue 15, item 4): a planner puts a plan on public notice, records an
objection and answers it with a re-plan; an approver approves; a viewer's key sees the status and
no button. The audit log has one line per change made here."""

from __future__ import annotations

import subprocess
import time
from typing import Any

import httpx
import pytest

from optimizer.io import scenario_to_document
from tests.tiny import two_school_county
from tests.web.conftest import REGION, Service, _rotation

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: .venv/bin/pip install -e '.[dev]'"
).expect

Page = Any


def new_key(service: Service, role: str, name: str) -> str:
    done = subprocess.run(
        [
            _rotation(),
            "keys",
            "create",
            "--region",
            REGION,
            "--role",
            role,
            "--name",
            name,
            "--db",
            service.database,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def plan(service: Service) -> dict[str, Any]:
    """A small county of REGION solved through the API: the plan's id and the teacher it moves."""
    headers = {"X-API-Key": service.key}
    document = scenario_to_document(two_school_county())
    document["schools"] = [school | {"region": REGION} for school in document["schools"]]
    scenario = httpx.post(f"{service.url}/v1/scenarios", json=document, headers=headers, timeout=60).json()
    queued = httpx.post(
        f"{service.url}/v1/plans", json={"scenario_id": scenario["id"], "time_limit": 2}, headers=headers
    ).json()
    deadline = time.monotonic() + 90
    while True:
        job = httpx.get(f"{service.url}/v1/plans/{queued['id']}", headers=headers).json()
        if job["status"] == "done":
            return {"id": job["id"], "teacher": job["moves"][0]["teacher_id"]}
        assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job["status"]
        time.sleep(0.3)


def open_plan(browser: Any, service: Service, key: str, plan_id: str) -> Page:
    page = browser.new_page()
    page.goto(service.url)
    page.fill("#signin-key", key)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#view-scenarios:not([hidden])")
    page.goto(f"{service.url}/#/job/{plan_id}")
    page.wait_for_selector("#lifecycle:not([hidden])")
    return page


def moves(page: Page) -> list[str]:
    return page.locator("#lifecycle-moves button").all_inner_texts()


def test_notice_objection_answer_approval_and_a_viewer(
    browser: Any, service: Service, plan: dict[str, Any]
) -> None:
    planner = open_plan(browser, service, service.key, plan["id"])
    expect(planner.locator("#lifecycle-status")).to_have_text("草稿")
    assert moves(planner) == ["发布公示", "撤回"]
    assert planner.locator("#objection-form").is_hidden()
    planner.click("#lifecycle-moves button[data-to=notice]")
    expect(planner.locator("#lifecycle-status")).to_have_text("公示中")
    expect(planner.locator("#lifecycle-out")).to_have_text("方案状态已改为：公示中")
    assert moves(planner) == ["撤回"]  # a planner does not approve

    planner.fill("#objection-teacher", plan["teacher"])
    planner.fill("#objection-author", "本人")
    planner.fill("#objection-text", "家中老人需照顾")
    planner.click("#objection-form button[type=submit]")
    row = planner.locator("#objections-table tbody tr")
    expect(row).to_have_count(1)
    assert row.locator("td").nth(0).inner_text() == plan["teacher"]
    assert row.locator("td").nth(2).inner_text() == "家中老人需照顾"
    row.locator("button", has_text="不交流该教师").click()
    expect(planner).not_to_have_url(f"{service.url}/#/job/{plan['id']}")
    answer_id = planner.url.split("/")[-1]
    planner.goto(f"{service.url}/#/job/{plan['id']}")
    link = planner.locator("#objections-table a")
    expect(link).to_have_text("答复方案及变动")
    assert link.get_attribute("href") == f"#/job/{answer_id}"
    planner.close()

    approver = open_plan(browser, service, new_key(service, "approver", "李四"), plan["id"])
    assert moves(approver) == ["审定", "撤回"]
    approver.click("#lifecycle-moves button[data-to=approved]")
    expect(approver.locator("#lifecycle-status")).to_have_text("已审定")
    assert moves(approver) == ["标记为已执行", "撤回"]
    approver.close()

    viewer = open_plan(browser, service, new_key(service, "viewer", "赵六"), plan["id"])
    expect(viewer.locator("#lifecycle-status")).to_have_text("已审定")
    assert moves(viewer) == []
    expect(viewer.locator("#lifecycle-none")).to_be_visible()
    assert viewer.locator("#objection-form").is_hidden()
    viewer.close()

    lines = httpx.get(
        f"{service.url}/v1/audit", params={"plan_id": plan["id"]}, headers={"X-API-Key": service.key}
    )
    assert [(line["action"], line["detail"].get("to")) for line in reversed(lines.json()["items"])] == [
        ("plan.create", None),
        ("plan.lifecycle", "notice"),
        ("objection.create", None),
        ("plan.lifecycle", "approved"),
    ]
    assert lines.json()["items"][0]["actor"] == "李四"
