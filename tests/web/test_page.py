"""The planner's web page in a real browser, as a newcomer uses it: sign in with a region key,
upload the demo workbook (and see a broken one's problems, and the warning for a column it does not
know), change the quota and solve, read the plan, its charts, its staffing tables and a teacher's
explanation, resolve a conflict by a relaxation, and compare two variants. Assertions are on what
the page shows.

With ROTATION_SCREENSHOTS=1 the main screens are saved to docs/screenshots/ (README shows them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from optimizer.io import load_bundle, write_workbook
from optimizer.io.aliases import SHEETS
from tests.io.chinese import chinese_tables
from tests.web.conftest import REGION, Service

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: .venv/bin/pip install -e '.[dev]'"
).expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
SOLVE_SECONDS = "4"
SOLVED = 60_000
"""Milliseconds to wait for a solve job's plan (the server caps solves at 6 s)."""

Page = Any


def shot(page: Page, name: str, element: str | None = None, full_page: bool = False) -> None:
    """Saves a screenshot for the README when ROTATION_SCREENSHOTS=1 (never in CI)."""
    if os.environ.get("ROTATION_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if element:
        page.locator(element).screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    else:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, key: str) -> None:
    page.fill("#signin-key", key)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#view-scenarios:not([hidden])")


def chart_points(page: Page, element_id: str, series: int = 0) -> int:
    """How many data points the chart in #element_id draws in one series (once it is drawn: the
    plan's charts wait for one more API call than its tables)."""
    page.wait_for_function(
        "id => echarts.getInstanceByDom(document.getElementById(id))?.getOption().series.length > 0",
        arg=element_id,
    )
    return page.evaluate(
        "([id, series]) => echarts.getInstanceByDom(document.getElementById(id))"
        ".getOption().series[series].data.length",
        [element_id, series],
    )


def load_demo(page: Page) -> None:
    """The shipped demo county, one click away; then its tune form."""
    page.click("[data-demo=demo-county]")
    row = page.locator("#scenario-table tbody tr.highlight")
    row.wait_for()
    assert "demo-county" in row.inner_text()
    row.locator("a.button", has_text="调参求解").click()
    page.wait_for_selector("#view-tune:not([hidden])")
    page.wait_for_function("() => document.querySelector('#tune-scenario').textContent.length > 0")


def wait_for_plan(page: Page) -> None:
    page.wait_for_selector("#job-plan:not([hidden])", timeout=SOLVED)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo county as one workbook (the project's writer), a copy with two seeded errors and a
    copy with a column the loader does not know."""
    folder = tmp_path_factory.mktemp("workbooks")
    good = write_workbook(load_bundle(ROOT / "scenarios" / "demo-county"), folder / "demo-county.xlsx")
    book = openpyxl.load_workbook(good)
    book["teachers"]["E3"] = "X"  # gender of the second teacher
    book["schools"]["D2"] = "city"  # area of the first school
    broken = folder / "broken.xlsx"
    book.save(broken)
    book = openpyxl.load_workbook(good)
    teachers = book["teachers"]
    teachers.cell(row=1, column=teachers.max_column + 1, value="备注")
    extra = folder / "extra-column.xlsx"
    book.save(extra)
    return {"good": good, "broken": broken, "extra": extra}


def test_a_bad_key_is_refused_and_another_region_sees_nothing(page: Page, service: Service) -> None:
    page.fill("#signin-key", "rk_00000000_not-a-key")
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#signin-error")).to_have_text("密钥无效或已吊销")
    expect(page.locator("#view-scenarios")).to_be_hidden()

    sign_in(page, service.other_key)
    page.wait_for_selector("#scenario-empty:not([hidden])")
    page.click("[data-demo=demo-county]")
    expect(page.locator("#flash.error")).to_contain_text("该密钥无权访问此区域")
    expect(page.locator("#scenario-table tbody tr")).to_have_count(0)
    expect(page.locator("#job-empty")).to_be_visible()


def test_upload_shows_every_problem_then_the_workbook_is_listed(
    page: Page, service: Service, workbooks: dict[str, Path]
) -> None:
    sign_in(page, service.key)
    page.set_input_files("#upload-files", str(workbooks["broken"]))
    page.click("#upload-form button[type=submit]")
    problems = page.locator("#upload-problems")
    problems.wait_for()
    assert "发现 2 个问题" in problems.locator("h2").inner_text()

    def rows() -> list[list[str]]:
        texts = problems.locator("tbody tr").all_inner_texts()
        return [[cell.strip() for cell in row.split("\t")] for row in texts]

    assert ["teachers", "3", "gender", "应为以下之一:F、M,实际为 'X'"] in rows()
    assert ["schools", "2", "area", "应为以下之一:urban、town、rural,实际为 'city'"] in rows()
    assert page.locator("#scenario-empty").is_visible()
    shot(page, "validation-errors")
    page.click("[data-lang=en]")  # the problems follow the page's language
    assert ["teachers", "3", "gender", "expected one of F, M, got 'X'"] in rows()
    assert ["schools", "2", "area", "expected one of urban, town, rural, got 'city'"] in rows()
    page.click("[data-lang=zh]")

    page.set_input_files("#upload-files", str(workbooks["extra"]))
    page.fill("#upload-name", "青山县 2025")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-status.ok")
    assert problems.is_hidden()
    warnings = page.locator("#upload-warnings")
    assert "场景已保存，另有 1 条输入警告" in warnings.locator("h2").inner_text()
    [warning] = [
        [cell.strip() for cell in row.split("\t")] for row in warnings.locator("tbody tr").all_inner_texts()
    ]
    assert warning[:3] == ["teachers", "1", "备注"] and warning[3].startswith("未知的列,已忽略")
    row = page.locator("#scenario-table tbody tr.highlight")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[:5] == ["青山县 2025", REGION, "600", "25", "2025"]
    shot(page, "scenarios")


def test_the_template_downloaded_and_filled_in_chinese_names_each_mistake_in_chinese(
    page: Page, service: Service, tmp_path: Path
) -> None:
    """HR's way: the page's template, filled with the demo county in Chinese (headers and values),
    three cells wrong; the page names each by sheet, row and Chinese column, in Chinese."""
    sign_in(page, service.key)
    with page.expect_download() as downloading:
        page.click("#upload-template")
    template = tmp_path / "模板.xlsx"
    downloading.value.save_as(template)
    book = openpyxl.load_workbook(template)
    for table, (header, *rows) in chinese_tables(load_bundle(ROOT / "scenarios" / "demo-county")).items():
        sheet = book[SHEETS[table][0]]
        columns = [cell.value for cell in sheet[1]]  # the template's own order
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            sheet.append([cells.get(column) for column in columns])
    mistakes = {("教师", "性别", 3): "未知", ("学校", "城乡类别", 2): "城市", ("需求", "需求人数", 4): "很多"}
    for (sheet, column, row), value in mistakes.items():
        header = [cell.value for cell in book[sheet][1]]
        book[sheet].cell(row=row, column=header.index(column) + 1, value=value)
    filled = tmp_path / "青山县.xlsx"
    book.save(filled)
    page.set_input_files("#upload-files", str(filled))
    page.click("#upload-form button[type=submit]")
    problems = page.locator("#upload-problems")
    problems.wait_for()
    assert "发现 3 个问题" in problems.locator("h2").inner_text()
    shown = [
        [cell.strip() for cell in row.split("\t")] for row in problems.locator("tbody tr").all_inner_texts()
    ]
    assert sorted((sheet, row, column) for sheet, row, column, _ in shown) == sorted(
        (sheet, str(row), column) for sheet, column, row in mistakes
    )
    for *_, message in shown:
        assert re.search("[\u4e00-\u9fff]", message) and not re.search("expected|got", message), message


def test_tune_solve_and_read_the_plan(page: Page, service: Service) -> None:
    sign_in(page, service.key)
    load_demo(page)
    quota = page.locator("#p-rotation_quota-rate")
    assert quota.input_value() == "10"
    assert "默认 10%" in page.locator(".param[data-param=rate]").inner_text()
    quota.fill("15")
    # The change in the form's words, not as its key (rotation_quota.rate=0.15).
    assert page.locator("#tune-changes").inner_text() == "交流比例 · 交流比例不低于 15%"
    assert "changed" in (page.locator(".param[data-param=rate]").get_attribute("class") or "")
    # Another direction is picked from two lists of areas, not typed as JSON, and removed again.
    directions = page.locator(".param[data-kind=pairs]").first
    directions.locator(".pair-from").select_option("rural")
    directions.locator(".pair-to").select_option("urban")
    directions.locator(".pair-add").click()
    expect(directions.locator(".pair-list .chip")).to_have_text(["乡村 → 城区×"])
    assert "乡村→城区" in page.locator("#tune-changes").inner_text()
    directions.locator(".pair-list button").click()
    expect(page.locator("#tune-changes")).to_have_text("交流比例 · 交流比例不低于 15%")
    page.fill("#tune-time", "6")  # the server's cap: long enough to watch the progress
    page.fill("#tune-label", "交流比例 15%")
    page.locator("fieldset[data-rule=rotation_quota]").scroll_into_view_if_needed()
    shot(page, "tune-form")

    page.click("#tune-solve")
    page.wait_for_selector("#job-progress:not([hidden])")
    objective = "() => document.querySelector('#progress-objective').textContent !== '–'"
    page.wait_for_function(objective, timeout=SOLVED)
    assert chart_points(page, "chart-progress") > 0
    drawn = "() => echarts.getInstanceByDom(document.getElementById('chart-progress')).getOption()"
    page.wait_for_function(
        f"{drawn}.series[0].data.length >= 3 || !document.querySelector('#job-plan').hidden"
    )
    shot(page, "solving")
    wait_for_plan(page)

    figures = page.locator("#plan-figures").inner_text()

    def figure(label: str) -> list[float]:
        """The numbers a figure of the summary shows ("15 → 0", "17 / 17")."""
        found = re.search(rf"{re.escape(label)}\s*([\d.]+)(?:\s*[→/]\s*([\d.]+))?", figures)
        assert found, (label, figures)
        return [float(number) for number in found.groups() if number is not None]

    rotating = int(figure("交流人数")[0])
    assert rotating >= 15  # 15 % of the 100 eligible teachers of the sending schools
    moving = rotating + int(figure("双向交流")[0])  # the moves table lists exchanges too
    assert page.locator("#moves-table tbody tr").count() == moving
    assert page.locator("#moves-count").inner_text() == f"显示 {moving} / {moving} 人"
    assert "交流比例 · 交流比例不低于 15%" in page.locator("#job-facts").inner_text()
    quota_row = page.locator("#report-table tbody tr", has_text="交流比例").first
    assert "青山县:交流轮岗" in quota_row.inner_text()
    # Each row's place in words (a school and a subject by name), never a raw key such as S008/music.
    places = page.locator("#report-table tbody td:nth-child(4)").all_inner_texts()
    assert not [place for place in places if "/" in place or ":" in place]
    assert any(re.fullmatch(r"S\d{3} \S+ · 音乐", place) for place in places)
    assert "100 人的 15%(至少 15 人)" in quota_row.inner_text()
    assert page.locator("#report-glance .chip.met", has_text="交流比例").count() == 1
    for chart in ("chart-coverage", "chart-shortage", "chart-staffing", "chart-shares", "chart-map"):
        assert chart_points(page, chart) > 0, chart
    unmet_before, unmet_after = figure("全县缺岗（调整前 → 后）")
    assert unmet_after < unmet_before  # the staffing plan leaves less unmet demand than before
    coverage = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-coverage')).getOption().series"
        ".map(s => [s.name, s.data])"
    )
    assert [name for name, _ in coverage] == ["已补足", "仍空缺", "新增空缺"]
    assert [round(sum(data[bar] for _, data in coverage), 2) for bar in (0, 1)] == [unmet_before, unmet_after]

    hires, budget = figure("招聘 / 预算")
    assert 0 < hires <= budget
    hire_rows = page.locator("#hires-table tbody tr").all_inner_texts()
    assert sum(int(row.split("\t")[2]) for row in hire_rows) == hires
    assert f"共招聘 {int(hires)} 人，招聘预算 {int(budget)} 人" in page.locator("#hires-facts").inner_text()
    assert page.locator("#itinerant-table tbody tr").count() == figure("走教安排")[0]
    principals_before, principals_after = figure("有校长的学校（前 → 后）")
    assert principals_after == principals_before
    leaders = page.locator("#leaders-table tbody tr")
    assert leaders.count() == principals_after
    ways = ("校长留任", "调入", "副校长主持工作", "后备干部接任")
    assert all(row.split("\t")[2].strip() in ways for row in leaders.all_inner_texts())
    page.locator("#staffing").scroll_into_view_if_needed()
    shot(page, "staffing")
    assert chart_points(page, "chart-staffing") == 25
    assert chart_points(page, "chart-map", series=3) > 0  # the moves drawn between schools
    page.locator("#plan-charts").scroll_into_view_if_needed()
    shot(page, "plan-charts")

    page.select_option("#filter-subject", "music")
    music = page.locator("#moves-table tbody tr")
    assert 0 < music.count() < rotating
    assert all("音乐" in row for row in music.all_inner_texts())
    page.select_option("#filter-subject", "")
    page.click("#moves-table th[data-sort=to]")
    destinations = [row.split("\t")[2] for row in page.locator("#moves-table tbody tr").all_inner_texts()]
    assert destinations == sorted(destinations)
    page.focus("#moves-table th[data-sort=to]")  # the header is reached by Tab and sorts by Enter
    page.keyboard.press("Enter")
    destinations = [row.split("\t")[2] for row in page.locator("#moves-table tbody tr").all_inner_texts()]
    assert destinations == sorted(destinations, reverse=True)
    # Each chart says in words what it draws.
    assert "音乐" in (page.get_attribute("#chart-shortage", "aria-label") or "")

    with page.expect_download() as download:
        page.click("[data-export=csv]")
    assert (
        Path(download.value.path())
        .read_text(encoding="utf-8-sig")
        .startswith("teacher_id,from_school,to_school,subject,term_years,reason")
    )

    teacher = page.locator("#moves-table tbody tr button").first
    teacher_id = teacher.inner_text().split()[0]
    teacher.click()
    page.wait_for_selector("#why-text:not([hidden])", timeout=SOLVED)
    why = page.locator("#why-text").inner_text()
    assert why.startswith(teacher_id) and "本年交流至" in why
    shot(page, "explanation", "#why")
    page.select_option("#why-school", "S014")
    page.click("#why-school-form button")
    expect(page.locator("#why-text")).to_contain_text("S014 胡庄村小学(青山县,乡村,薄弱校)\n编制 13 人")

    page.click("[data-lang=en]")
    assert page.locator("#nav [data-nav=job]").inner_text() == "Plan"
    assert "Establishment 13" in page.locator("#why-text").inner_text()
    quota_row = page.locator("#report-table tbody tr", has_text="rotation quota").first
    assert "teachers rotate" in quota_row.inner_text()
    series = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-shortage'))"
        ".getOption().series.map(s => s.name)"
    )
    assert series == ["before", "after"]
    series = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-coverage'))"
        ".getOption().series.map(s => s.name)"
    )
    assert series == ["filled", "still open", "newly opened"]
    assert "Recruitment plan" in page.locator("#staffing").inner_text()
    page.reload()
    assert page.locator("#nav [data-nav=scenarios]").inner_text() == "Scenarios"  # the cookie keeps it
    # Back to the form from the plan: the plan's settings, not the scenario's (the link is there
    # once the reloaded view knows the plan's scenario).
    expect(page.locator("#job-tune")).to_have_attribute("href", re.compile(r"^#/tune/"))
    page.click("#job-tune")
    expect(page.locator("#p-rotation_quota-rate")).to_have_value("15")
    expect(page.locator("#tune-time")).to_have_value("6")


def test_a_conflict_is_explained_and_a_relaxation_solves_it(page: Page, service: Service) -> None:
    """The conflicting-quotas county, uploaded as its five bundle files."""
    sign_in(page, service.key)
    bundle = sorted((ROOT / "scenarios" / "conflicting-quotas").iterdir())
    assert [path.name for path in bundle] == [
        "demand.csv",
        "pins.csv",
        "policy.toml",
        "schools.csv",
        "teachers.csv",
    ]
    page.set_input_files("#upload-files", [str(path) for path in bundle])
    page.click("#upload-form button[type=submit]")
    row = page.locator("#scenario-table tbody tr.highlight")
    row.wait_for()
    assert row.locator("td").all_inner_texts()[:4] == ["conflicting-quotas", REGION, "200", "12"]
    row.locator("a.button", has_text="调参求解").click()
    page.wait_for_selector("#view-tune:not([hidden])")
    expect(page.locator("#p-rotation_quota-rate")).to_have_value("30")
    page.fill("#tune-time", SOLVE_SECONDS)
    page.click("#tune-solve")
    wait_for_plan(page)
    conflicts = page.locator("#conflicts")
    assert conflicts.is_visible()
    assert page.locator("#job-status").inner_text() == "规则冲突"  # not a green 完成
    assert "规则冲突" in page.locator("#plan-figures").inner_text()
    assert "不能同时满足" in conflicts.locator(".summary").first.inner_text()
    relaxations = conflicts.locator("ol.relaxations li")
    assert relaxations.count() >= 1
    sentence = relaxations.first.locator(".sentence").inner_text()
    assert re.search(r"(提高|降至)", sentence), sentence
    assert page.locator("#plan-charts").is_hidden()
    shot(page, "conflicts")

    relaxations.first.locator("button").click()
    page.wait_for_function("() => document.querySelector('#job-name').textContent.includes('·')")
    wait_for_plan(page)
    assert sentence in page.locator("#job-name").inner_text()
    status = page.locator("#plan-figures .badge").first.inner_text()
    assert status in ("最优", "可行")
    assert page.locator("#conflicts").is_hidden()
    assert page.locator("#moves-table tbody tr").count() > 0


def test_two_variants_are_solved_as_a_batch_and_compared(page: Page, service: Service) -> None:
    sign_in(page, service.key)
    load_demo(page)
    for rate, label in (("20", ""), ("60", "交流比例 60%")):
        page.fill("#p-rotation_quota-rate", rate)
        page.fill("#tune-label", label)
        page.click("#tune-variant")
        name = label or f"交流比例 · 交流比例不低于 {rate}%"  # without a name, named by its change
        page.wait_for_selector(f"#tune-status.ok >> text=已保存情景 {name}")
    page.click("#tune-status a")
    page.wait_for_selector("#view-whatif:not([hidden])")
    variants = page.locator("#variant-table tbody tr")
    expect(variants).to_have_count(3)
    assert "交流比例 · 交流比例不低于 60%" in variants.nth(2).inner_text()
    assert page.locator("#variant-table tbody input:checked").count() == 2
    page.fill("#batch-time", SOLVE_SECONDS)
    page.click("#batch-solve")
    page.wait_for_selector("#view-compare:not([hidden])", timeout=SOLVED)
    page.wait_for_selector("#compare-table tbody tr")

    header = page.locator("#compare-table thead th").all_inner_texts()
    assert header[1:] == ["交流比例 · 交流比例不低于 20%", "交流比例 60%"]
    changed = page.locator("#compare-table tbody tr", has_text="改动的参数").locator("td").all_inner_texts()
    assert changed == ["交流比例 · 交流比例不低于 20%", "交流比例 · 交流比例不低于 60%"]
    rotating = page.locator("#compare-table tbody tr", has_text="交流人数").locator("td").all_inner_texts()
    assert len(rotating) == 2 and 0 < int(rotating[0]) < 60 <= int(rotating[1])
    assert page.locator("#overlap-table tbody tr").count() == 1
    for chart in ("chart-compare-headline", "chart-compare-objective", "chart-compare-shortage"):
        assert chart_points(page, chart) > 0, chart
        assert chart_points(page, chart, series=1) > 0, chart
    shot(page, "comparison", full_page=True)
