"""What a bureau prints from the page: the 公示 (public notice) of a plan, as its own printable
view with the scenario's notice above the list, the same rows as plan.xlsx's 公示 sheet; and the plan
view on paper, every move row there (no scrolling box cuts the table) and no navigation or buttons."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from optimizer.io import load_bundle, scenario_to_document
from tests.web.conftest import Service

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: .venv/bin/pip install -e '.[dev]'"
).expect

ROOT = Path(__file__).resolve().parents[2]
NOTICE = {
    "title": "青山县2025年教师交流轮岗人员公示",
    "date": "2025-06-06",
    "channel": "县教育局人事科 0731-1234567",
}
NOTICE_HEADER = ["序号", "姓名", "原学校", "交流学校", "学科", "交流方式", "起止年月"]
Page = Any

ROWS_SHOWN = """() => {
  // Rows of the moves table that show whole: none cut off by an ancestor that clips its overflow.
  const cut = (row) => {
    const box = row.getBoundingClientRect();
    if (box.height === 0) return true;
    for (let el = row.parentElement; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const frame = el.getBoundingClientRect();
      if (box.top < frame.top - 1 || box.bottom > frame.bottom + 1) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("#moves-table tbody tr")].filter((row) => !cut(row)).length;
}"""


@pytest.fixture(scope="module")
def plan(service: Service) -> dict[str, Any]:
    """The demo county with a notice of its own, stored and solved through the API."""
    headers = {"X-API-Key": service.key}
    document = scenario_to_document(load_bundle(ROOT / "scenarios" / "demo-county"))
    document["policy"]["notice"] = NOTICE
    created = httpx.post(f"{service.url}/v1/scenarios", json=document, headers=headers, timeout=60)
    assert created.status_code == 201, created.text
    queued = httpx.post(
        f"{service.url}/v1/plans",
        json={"scenario_id": created.json()["id"], "time_limit": 4},
        headers=headers,
    )
    assert queued.status_code == 202, queued.text
    deadline = time.monotonic() + 90
    while True:
        job = httpx.get(f"{service.url}/v1/plans/{queued.json()['id']}", headers=headers).json()
        if job["status"] == "done":
            assert job["moves"]
            return dict(job)
        assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job["status"]
        time.sleep(0.3)


def sign_in(page: Page, key: str) -> None:
    page.fill("#signin-key", key)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#view-scenarios:not([hidden])")


def listed(plan: dict[str, Any]) -> int:
    return len(plan["moves"]) + len(plan["exchanges"]) + len(plan["itinerant"])


def test_the_notice_prints_the_scenarios_notice_over_the_workbooks_rows(
    page: Page, service: Service, plan: dict[str, Any]
) -> None:
    sign_in(page, service.key)
    page.goto(f"{service.url}/#/job/{plan['id']}")
    page.click("#plan-notice")
    page.wait_for_selector("#view-notice:not([hidden])")
    rows = page.locator("#notice-table tbody tr")
    expect(rows).to_have_count(listed(plan))

    assert page.locator("#notice-title").inner_text() == NOTICE["title"]
    assert "拟安排以下" in page.locator("#notice-text").inner_text()  # the default text
    assert page.locator("#notice-period").inner_text() == "公示时间：2025年6月6日至2025年6月13日"
    assert page.locator("#notice-objections").inner_text() == (
        f"异议渠道：{NOTICE['channel']}；异议截止日期：2025年6月13日"
    )
    assert page.locator("#notice-table thead th").all_inner_texts() == NOTICE_HEADER
    export = httpx.get(
        f"{service.url}/v1/plans/{plan['id']}/export?format=xlsx", headers={"X-API-Key": service.key}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["公示"]
    in_workbook = [[str(cell) for cell in row] for row in sheet.iter_rows(min_row=6, values_only=True)]
    on_page = [row.split("\t") for row in rows.all_inner_texts()]
    assert on_page == in_workbook[: listed(plan)]
    assert sheet["A1"].value == NOTICE["title"]

    page.emulate_media(media="print")
    expect(page.locator("#notice")).to_be_visible()
    for hidden in ("#nav", "#notice-print", "#notice-back", ".topbar"):
        expect(page.locator(hidden)).to_be_hidden()


def test_the_printed_plan_has_every_move_and_no_navigation(
    page: Page, service: Service, plan: dict[str, Any]
) -> None:
    sign_in(page, service.key)
    page.goto(f"{service.url}/#/job/{plan['id']}")
    moving = len(plan["moves"]) + len(plan["exchanges"])
    expect(page.locator("#moves-table tbody tr")).to_have_count(moving)
    assert page.evaluate(ROWS_SHOWN) < moving  # on screen the table scrolls in its box

    page.emulate_media(media="print")
    assert page.evaluate(ROWS_SHOWN) == moving
    for hidden in ("#nav", ".topbar", "[data-export=xlsx]", "#plan-notice", "#plan-print", "#filter-school"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#report-table")).to_be_visible()
