"""The roadmap view (issue 14, item 5): a roadmap of the shipped history county started on the
page, its years as they are planned, a chart per target indicator with the target's line and the
year it falls due, the fairness ledger searched by name, and each year's plan one click away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from optimizer.io import load_bundle, scenario_to_document
from tests.web.conftest import Service
from tests.web.test_adjust import sign_in

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: .venv/bin/pip install -e '.[dev]'"
).expect

Page = Any
HISTORY_COUNTY = Path(__file__).resolve().parents[2] / "scenarios" / "history-county"
PLANNED = 150_000
"""Milliseconds to wait for a 2-year roadmap (the server caps each year's solve at 6 s)."""
TARGET_OPTION = """(el) => {
  const option = echarts.getInstanceByDom(el).getOption();
  const target = option.series.find((s) => s.markLine && s.markLine.data.length);
  const due = target.markLine.data[0].xAxis;
  return { years: option.xAxis[0].data, values: target.data, due, regions: option.series.length - 1 };
}"""


def test_a_roadmap_on_the_page_charts_its_target_and_opens_each_years_plan(
    page: Page, service: Service
) -> None:
    headers = {"X-API-Key": service.key}
    county = load_bundle(HISTORY_COUNTY)
    (target,) = county.policy.targets
    document = scenario_to_document(county)
    created = httpx.post(f"{service.url}/v1/scenarios", json=document, headers=headers, timeout=60)
    assert created.status_code == 201, created.text
    scenario_id = created.json()["id"]

    sign_in(page, service.key)
    page.click(f'#scenario-table tr[data-scenario="{scenario_id}"] a[href="#/roadmap/{scenario_id}"]')
    page.wait_for_selector("#view-roadmap:not([hidden])")
    page.fill("#roadmap-years", "2")
    page.select_option("#roadmap-method", "rolling")
    page.fill("#roadmap-time", "4")
    page.click("#roadmap-form button[type=submit]")
    expect(page.locator("#roadmap-years-table a[data-plan]")).to_have_count(2, timeout=PLANNED)
    expect(page.locator("#roadmap-badge .badge.done")).to_be_visible()
    expect(page.locator("#roadmap-history-list li")).to_have_count(1)

    chart = page.locator("#roadmap-charts .chart")
    expect(chart).to_have_count(1)
    drawn = chart.evaluate(TARGET_OPTION)
    assert (
        drawn["years"] == [str(county.policy.year + i) for i in range(3)]
        and target.year == county.policy.year + 2
    )
    assert (
        drawn["values"] == [target.value] * 3 and drawn["due"] == str(target.year) and drawn["regions"] >= 1
    )

    rows = page.locator("#ledger-table tbody tr")
    expect(rows.first).to_be_visible()
    name = rows.first.locator("td").nth(1).inner_text()
    page.fill("#ledger-search", name)
    expect(rows.first.locator("td").nth(1)).to_have_text(name)
    assert all(name in row.locator("td").nth(1).inner_text() for row in rows.all())

    second = page.locator(f'#roadmap-years-table tr[data-year="{county.policy.year + 1}"] a[data-plan]')
    plan_id = second.get_attribute("data-plan")
    second.click()
    page.wait_for_selector("#job-plan:not([hidden])")
    assert page.url.endswith(f"#/job/{plan_id}")
    expect(page.locator("#plan-figures")).not_to_be_empty()
