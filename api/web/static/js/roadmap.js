// The roadmap (#/roadmap/<scenario>[/<roadmap>]): the county planned several years ahead toward its
// targets. Start one (years, method, seconds per year), follow the years as they are planned, one
// chart per target indicator with its target line and the year it falls due, each year's plan one
// click away, and the fairness ledger of a year's plan, searched by name.

import { api, scenarioOf, showError } from "./api.js";
import * as charts from "./charts.js";
import { $, h, jobBadge, number, percent, replaceChildren, reveal, say, status, when } from "./dom.js";
import { lang, t } from "./i18n.js";
import { setContext } from "./state.js";

const RUNNING = ["queued", "running", "cancelling"];
const POLL_MS = 1000;
const TARGET_COLOR = "#d9480f";
const LEDGER_SHOWN = 200; // rows drawn at once; the search narrows the rest
const LEDGER_COLUMNS = ["teacher_id", "name", "school_id", "rural_years", "weak_years", "rotations", "owed_years", "last_rotated_year", "due_year", "overdue_years", "moves_to"];

let scenario = null;
let roadmap = null;
let timer = null;
let ledger = [];
let ledgerOf = null; // the roadmap whose ledger is shown

export function init() {
  $("#roadmap-form").addEventListener("submit", start);
  $("#roadmap-cancel").addEventListener("click", cancel);
  $("#ledger-year").addEventListener("change", () => loadLedger($("#ledger-year").value));
  $("#ledger-search").addEventListener("input", drawLedger);
}

export async function show(scenarioId, roadmapId) {
  stop();
  scenario = roadmap = ledgerOf = null;
  ledger = [];
  for (const el of document.querySelectorAll("#roadmap-charts .chart")) charts.dispose(el);
  replaceChildren($("#roadmap-charts"));
  for (const id of ["#roadmap-progress", "#roadmap-result", "#roadmap-ledger", "#roadmap-status", "#roadmap-cancel"]) reveal($(id), false);
  setContext({ scenarioId });
  scenario = await scenarioOf(scenarioId);
  $("#roadmap-scenario").textContent = `${scenario.name} · ${scenario.year}`;
  await listRoadmaps(roadmapId);
  if (roadmapId) {
    render(await api(`/v1/roadmaps/${roadmapId}`));
    // The form shows what this roadmap asked for, so starting another one changes only what differs.
    $("#roadmap-years").value = roadmap.request.years;
    $("#roadmap-method").value = roadmap.request.method;
    $("#roadmap-time").value = roadmap.request.time_limit;
    if (RUNNING.includes(roadmap.status)) poll(roadmapId);
  }
  return stop;
}

function stop() {
  clearTimeout(timer);
  timer = null;
}

function poll(roadmapId) {
  timer = setTimeout(async () => {
    try {
      const next = await api(`/v1/roadmaps/${roadmapId}`);
      if (roadmap?.id !== roadmapId) return;
      render(next);
      if (RUNNING.includes(next.status)) poll(roadmapId);
      else await listRoadmaps(roadmapId);
    } catch (error) {
      showError($("#roadmap-status"), error);
      poll(roadmapId);
    }
  }, POLL_MS);
}

async function start(event) {
  event.preventDefault();
  const out = $("#roadmap-status");
  const body = {
    scenario_id: scenario.id,
    years: Number($("#roadmap-years").value),
    method: $("#roadmap-method").value,
    time_limit: Number($("#roadmap-time").value),
  };
  status(out, "busy", "roadmap.starting");
  try {
    const queued = await api("/v1/roadmaps", { method: "POST", json: body });
    location.hash = `#/roadmap/${scenario.id}/${queued.id}`;
  } catch (error) {
    showError(out, error);
  }
}

async function cancel() {
  try {
    await api(`/v1/roadmaps/${roadmap.id}`, { method: "DELETE" });
  } catch (error) {
    showError($("#roadmap-status"), error);
  }
}

function render(next) {
  roadmap = next;
  const years = roadmap.result?.years ?? roadmap.progress.done;
  reveal($("#roadmap-cancel"), RUNNING.includes(roadmap.status));
  reveal($("#roadmap-progress"));
  replaceChildren($("#roadmap-badge"), jobBadge(roadmap));
  const facts = ["roadmap.done_years", { done: roadmap.progress.years_done, total: roadmap.progress.years }];
  replaceChildren(
    $("#roadmap-facts"),
    h("span", { i18n: facts[0], args: facts[1] }),
    roadmap.progress.method ? [" · ", h("span", { i18n: `roadmap.method_${roadmap.progress.method}` })] : null,
    roadmap.result ? [" · ", h("span", { i18n: "roadmap.cost", args: { cost: number(roadmap.result.cost) } })] : null,
  );
  if (roadmap.error) status($("#roadmap-status"), "error", h("span", { text: roadmap.error.message }));
  drawYears(years);
  drawCharts(years);
  if (roadmap.result && ledgerOf !== roadmap.id) {
    ledgerOf = roadmap.id;
    showLedgerChoice(roadmap.result.years);
  }
}

/** The scenario's roadmaps, newest first, each one click away (the one shown is not a link). */
async function listRoadmaps(shown) {
  const page = await api(`/v1/roadmaps?scenario_id=${scenario.id}&limit=10`);
  const items = page.items.map((r) =>
    h(
      "li",
      {},
      r.id === shown ? h("strong", { text: when(r.created_at) }) : h("a", { href: `#/roadmap/${scenario.id}/${r.id}`, text: when(r.created_at) }),
      " · ",
      h("span", { i18n: "roadmap.done_years", args: { done: r.years_done, total: r.years } }),
      " · ",
      h("span", { i18n: `roadmap.method_${r.request.method}` }),
      " ",
      jobBadge(r),
    ),
  );
  replaceChildren($("#roadmap-history-list"), items);
  reveal($("#roadmap-history"), items.length > 0);
}

/** One row per planned year: its outcome, moves, where each indicator stands, and its plan. */
function drawYears(years) {
  const rows = years.map((year) =>
    h(
      "tr",
      { dataset: { year: year.year } },
      h("td", { class: "num", text: year.year }),
      h("td", {}, h("span", { class: `badge ${year.status}`, i18n: `plan_status.${year.status}` }), year.path_dropped ? h("span", { class: "muted small", i18n: "roadmap.path_dropped" }) : null),
      h("td", { class: "num", text: number(year.moves) }),
      h("td", { class: "num", text: number(year.objective) }),
      h(
        "td",
        {},
        year.indicators.map((s) =>
          h("div", { class: s.met ? "ok" : "muted" }, `${s.region}: ${percent(s.share)} / ${percent(s.target)}`, s.met ? " ✓" : ""),
        ),
        year.failure ? h("div", { class: "error", i18n: "roadmap.failure" }) : null,
      ),
      h("td", {}, year.plan_id ? h("a", { class: "button small", href: `#/job/${year.plan_id}`, i18n: "roadmap.open_plan", dataset: { plan: year.plan_id } }) : h("span", { class: "muted", text: "–" })),
    ),
  );
  replaceChildren($("#roadmap-years-table tbody"), rows);
  reveal($("#roadmap-result"), rows.length > 0);
}

/** The years a chart spans: those asked for, and on to each target's year. */
function span(targetYears) {
  const first = scenario.year;
  const last = Math.max(first + roadmap.progress.years - 1, ...targetYears);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function drawCharts(years) {
  const indicators = new Map();
  for (const year of years) {
    for (const s of year.indicators) {
      if (!indicators.has(s.indicator)) indicators.set(s.indicator, { target: s.target, year: s.target_year, regions: new Map() });
      const regions = indicators.get(s.indicator).regions;
      if (!regions.has(s.region)) regions.set(s.region, new Map());
      regions.get(s.region).set(year.year, s.share);
    }
  }
  reveal($("#roadmap-no-targets"), years.length > 0 && indicators.size === 0);
  const targets = new Map((roadmap.result?.targets ?? []).map((target) => [target.indicator, target]));
  for (const [indicator, found] of indicators) {
    let box = document.querySelector(`#roadmap-charts [data-indicator="${indicator}"]`);
    if (!box) {
      box = h("div", { class: "card", dataset: { indicator } }, h("h3"), h("div", { class: "chart roadmap-chart" }));
      $("#roadmap-charts").append(box);
    }
    const target = targets.get(indicator);
    const title = () => target?.[`label_${lang()}`] ?? indicator;
    say(box.querySelector("h3"), () => t("roadmap.chart_title", { name: title(), value: percent(found.target, 0), year: found.year }));
    charts.draw(box.querySelector(".chart"), () => indicatorOption(title(), found));
  }
}

/** An indicator's share per region and year against its target: the target as a dashed line over
 * every year, and a marker at the year it falls due. */
function indicatorOption(title, found) {
  const years = span([found.year]);
  const categories = years.map(String);
  const regions = [...found.regions].map(([region, shares]) => ({
    name: region,
    type: "line",
    symbolSize: 7,
    connectNulls: false,
    data: years.map((y) => (shares.has(y) ? Math.round(shares.get(y) * 1000) / 1000 : null)),
  }));
  const target = {
    name: t("roadmap.target_line", { value: percent(found.target, 0) }),
    type: "line",
    symbol: "none",
    color: TARGET_COLOR,
    lineStyle: { type: "dashed", width: 2 },
    data: years.map(() => found.target),
    markLine: {
      symbol: "none",
      lineStyle: { color: TARGET_COLOR, type: "dotted" },
      label: { formatter: t("roadmap.due", { year: found.year }) },
      data: [{ xAxis: String(found.year) }],
    },
  };
  return {
    title: { text: title, show: false },
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 36, bottom: 40, containLabel: true },
    tooltip: { trigger: "axis", valueFormatter: (value) => percent(value) },
    xAxis: { type: "category", data: categories },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (value) => percent(value, 0) } },
    series: [...regions, target],
  };
}

// --- the ledger -------------------------------------------------------------------------------

function showLedgerChoice(years) {
  replaceChildren($("#ledger-year"), years.map((year) => h("option", { value: year.year, text: year.year })));
  const last = years.at(-1).year;
  $("#ledger-year").value = String(last);
  reveal($("#roadmap-ledger"));
  loadLedger(last);
}

async function loadLedger(year) {
  const out = $("#ledger-status");
  status(out, "busy", "ledger.loading");
  try {
    const answer = await api(`/v1/roadmaps/${roadmap.id}/ledger?year=${year}`);
    ledger = answer.teachers;
    reveal(out, false);
    drawLedger();
  } catch (error) {
    showError(out, error);
  }
}

function drawLedger() {
  const query = $("#ledger-search").value.trim().toLowerCase();
  const found = query ? ledger.filter((line) => line.name.toLowerCase().includes(query) || line.teacher_id.toLowerCase().includes(query)) : ledger;
  const cell = (line, column) => {
    const value = line[column];
    return h("td", { class: typeof value === "number" || value === null ? "num" : null, text: value === null || value === "" ? "–" : value });
  };
  const rows = found.slice(0, LEDGER_SHOWN).map((line) => h("tr", {}, LEDGER_COLUMNS.map((column) => cell(line, column))));
  replaceChildren($("#ledger-table tbody"), rows);
  $("#ledger-count").dataset.i18n = "ledger.count";
  $("#ledger-count").dataset.i18nArgs = JSON.stringify({ shown: rows.length, total: found.length });
  $("#ledger-count").textContent = t("ledger.count", { shown: rows.length, total: found.length });
}
