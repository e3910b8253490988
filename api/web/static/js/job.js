// A solve job: live progress (elapsed, best objective, bound, gap, and their chart), cancel
// (the best plan so far is kept), then the plan: figures, downloads, conflicts, charts, the rule
// report, the moves and the explanations.

import { renderAdjust, renderDiff } from "./adjust.js";
import { api, download, scenarioOf, showError } from "./api.js";
import * as charts from "./charts.js";
import { renderConflicts } from "./conflicts.js";
import { $, fillProblems, h, jobBadge, number, percent, replaceChildren, reveal, say, status, when } from "./dom.js";
import { lang, t } from "./i18n.js";
import { changeTexts, withOverrides } from "./policy.js";
import { renderPlanTables } from "./plan.js";
import { setContext } from "./state.js";

const RUNNING = ["queued", "running", "cancelling"];
const POLL_MS = 500; // the worker writes its progress every 0.5 s

let job = null;
let scenario = null;
let outcome = null;
let points = [];
let timer = null;
let shownPlan = null;

export function init() {
  $("#job-cancel").addEventListener("click", cancel);
  $("#plan-print").addEventListener("click", () => window.print());
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", () => exportPlan(button));
  }
}

export async function show(jobId) {
  stop();
  job = scenario = outcome = shownPlan = null;
  points = [];
  for (const id of ["#job-progress", "#job-error", "#job-plan", "#job-cancel", "#job-note", "#job-unchanged"]) reveal($(id), false);
  for (const el of document.querySelectorAll("#view-job .chart")) charts.dispose(el);
  $("#job-tune").removeAttribute("href"); // not the last plan's form while this one loads
  setContext({ jobId });
  const first = await api(`/v1/plans/${jobId}`);
  scenario = await scenarioOf(first.scenario_id);
  setContext({ scenarioId: first.scenario_id });
  $("#job-tune").href = `#/tune/${first.scenario_id}/${jobId}`;
  await render(first);
  if (RUNNING.includes(first.status)) poll(jobId);
  return stop;
}

function stop() {
  clearTimeout(timer);
  timer = null;
}

function poll(jobId) {
  timer = setTimeout(async () => {
    try {
      const next = await api(`/v1/plans/${jobId}`);
      if (job?.id !== jobId) return;
      await render(next);
      if (RUNNING.includes(next.status)) poll(jobId);
    } catch (error) {
      showError($("#job-note"), error);
      poll(jobId);
    }
  }, POLL_MS);
}

async function render(next) {
  job = next;
  $("#job-name").textContent = job.label || scenario.name;
  replaceChildren($("#job-status"), jobBadge(job));
  const overrides = job.request.overrides ?? [];
  replaceChildren(
    $("#job-facts"),
    h("span", {
      i18n: "job.facts",
      args: {
        scenario: scenario.name,
        created: when(job.created_at),
        limit: number(job.request.time_limit, 1),
        overrides: () => (overrides.length ? joined(changeTexts({}, overrides)) : t("tune.none")),
      },
    }),
  );
  reveal($("#job-cancel"), ["queued", "running"].includes(job.status));
  trackProgress();
  if (job.error) showFailure();
  if (job.status === "cancelled" && !job.summary) status($("#job-note"), "muted", "job.cancelled_no_plan");
  if (job.summary && shownPlan !== `${job.id}/${job.status}`) {
    shownPlan = `${job.id}/${job.status}`;
    await Promise.all([renderPlan(), renderUnchanged()]);
  }
}

function joined(texts) {
  return texts.join(lang() === "zh" ? "；" : "; ");
}

/** When the plan is the very plan it was made from (the server says so: `unchanged_from`), what
 * was changed for nothing, each parameter by its label with its value before and after. */
async function renderUnchanged() {
  const unchanged = job.unchanged_from;
  if (!unchanged) return;
  const shown = job;
  const base = await scenarioOf(unchanged.scenario_id);
  if (job !== shown) return;
  const before = withOverrides(base.document.policy?.rules, unchanged.overrides);
  replaceChildren(
    $("#job-unchanged"),
    h("span", { i18n: "job.unchanged", args: { changes: () => joined(changeTexts(unchanged.changes, [], before)), base: unchanged.name } }),
    " ",
    h("a", { href: `#/compare/${unchanged.plan_id},${job.id}`, i18n: "job.unchanged_compare" }),
  );
  reveal($("#job-unchanged"));
}

function trackProgress() {
  const p = job.progress ?? {};
  const last = points.at(-1);
  if (p.elapsed !== null && p.elapsed !== undefined) {
    const point = { elapsed: p.elapsed, objective: p.objective ?? null, bound: p.bound ?? null };
    if (last && point.elapsed <= last.elapsed) Object.assign(last, { objective: point.objective, bound: point.bound });
    else points.push(point);
  }
  $("#progress-elapsed").textContent = p.elapsed === null || p.elapsed === undefined ? "–" : `${number(p.elapsed, 1)} s`;
  $("#progress-objective").textContent = number(p.objective, 1);
  $("#progress-bound").textContent = number(p.bound, 1);
  $("#progress-gap").textContent = percent(p.gap, 2);
  // A finished job keeps the chart when it has something to show (not for a job without a plan).
  const drawn = points.some((point) => point.objective !== null || point.bound !== null);
  const visible = RUNNING.includes(job.status) || drawn;
  reveal($("#job-progress"), visible);
  if (visible) drawProgress();
}

function drawProgress() {
  if (!$("#job-progress").hidden) charts.draw($("#chart-progress"), () => charts.progressOption(points));
}

function showFailure() {
  const problems = job.error.problems ?? [];
  const message = job.error.message;
  say($("#job-error-message"), () => `${t("job.failed")}: ${message}`);
  fillProblems($("#job-error tbody"), problems);
  reveal($("#job-error table"), problems.length > 0);
  reveal($("#job-error"));
}

async function cancel() {
  $("#job-cancel").disabled = true;
  try {
    await api(`/v1/plans/${job.id}`, { method: "DELETE" });
    if (!timer) poll(job.id);
  } catch (error) {
    showError($("#job-note"), error);
  } finally {
    $("#job-cancel").disabled = false;
  }
}

async function exportPlan(button) {
  const format = button.dataset.export;
  button.disabled = true;
  try {
    await download(`/v1/plans/${job.id}/export?format=${format}`, `plan-${job.id}.${format}`);
  } catch (error) {
    showError($("#job-note"), error);
  } finally {
    button.disabled = false;
  }
}

async function renderPlan() {
  const summary = job.summary;
  const hasPlan = ["optimal", "feasible"].includes(summary.status);
  const figure = (key, value, args) =>
    h("div", {}, h("dt", { i18n: key, args }), h("dd", {}, value));
  replaceChildren(
    $("#plan-figures"),
    figure("plan.status", h("span", { class: `badge ${summary.status}`, i18n: `plan_status.${summary.status}` })),
    figure("progress.objective", number(summary.objective, 1)),
    figure("progress.bound", number(summary.bound, 1)),
    figure("progress.gap", percent(summary.gap, 2)),
    figure("plan.seconds", `${number(summary.solve_seconds, 1)} s`),
    figure("plan.eligible", number(summary.eligible)),
    figure("plan.rotating", number(summary.rotating)),
    figure("plan.backbone", number(summary.backbone_rotating)),
    figure("plan.shortage", `${number(summary.shortage_filled)} / ${number(summary.shortage_total)}`),
    staffed(summary) && [
      figure("plan.unmet", `${number(summary.unmet_before, 2)} → ${number(summary.unmet_after, 2)}`),
      figure("plan.hires", `${number(summary.hires)} / ${number(summary.hire_budget)}`),
      figure("plan.exchanges", number(summary.exchanges)),
      figure("plan.itinerant", number(summary.itinerant_assignments)),
      figure(
        "plan.principals",
        `${number(summary.schools_with_principal_before)} → ${number(summary.schools_with_principal_after)}`,
      ),
    ],
    figure("plan.hard_violations", number(summary.hard_violations)),
  );
  if (job.status === "cancelled") {
    $("#plan-figures").append(h("div", { class: "wide" }, h("dd", { class: "muted", i18n: "job.cancelled_best" })));
  }
  for (const button of document.querySelectorAll("[data-export], #plan-notice, #plan-print")) button.hidden = !hasPlan;
  $("#plan-notice").href = `#/notice/${job.id}`;
  reveal($("#job-plan"));
  renderConflicts(job, scenario);
  reveal($("#plan-charts"), hasPlan);
  reveal($("#coverage-card"), staffed(summary));
  renderPlanTables(job, scenario, hasPlan);
  renderAdjust(job, scenario, hasPlan);
  renderDiff(job, scenario).catch((error) => showError($("#job-note"), error));
  if (hasPlan) {
    outcome = await api(`/v1/plans/${job.id}/outcome`);
    drawPlanCharts();
  }
}

/** Whether the summary has the staffing figures (coverage, hires, 走教, principals): a plan stored
 * before they were recorded has not. */
function staffed(summary) {
  return summary.unmet_before !== undefined;
}

/** Backbone and bachelor-degree shares: before / after the plan and the target each rule sets
 * (each labelled by its message key). */
function shares() {
  const sum = (area, field) =>
    outcome.schools.filter((s) => s.area === area).reduce((total, s) => total + s[field], 0);
  const share = (area, what, when_) => {
    const staff = sum(area, `headcount_${when_}`);
    return staff ? sum(area, `${what}_${when_}`) / staff : null;
  };
  const f = outcome.figures;
  const urbanDegreeAfter = share("urban", "degree", "after");
  const ratioMax = f.targets.rural_degree_share_ratio_max;
  return [
    { label: "chart.share_backbone_rotating", before: null, after: f.rotating ? f.backbone_share : null, target: f.targets.backbone_share ?? null },
    { label: "chart.share_backbone_urban", before: share("urban", "backbone", "before"), after: share("urban", "backbone", "after"), target: null },
    { label: "chart.share_backbone_rural", before: share("rural", "backbone", "before"), after: share("rural", "backbone", "after"), target: null },
    { label: "chart.share_degree_urban", before: share("urban", "degree", "before"), after: urbanDegreeAfter, target: null },
    {
      label: "chart.share_degree_rural",
      before: share("rural", "degree", "before"),
      after: share("rural", "degree", "after"),
      target: urbanDegreeAfter !== null && ratioMax ? Math.min(1, urbanDegreeAfter / ratioMax) : null,
    },
  ];
}

/** Schools with coordinates, and the moves between them grouped by route. */
function geography() {
  const after = new Map(outcome.schools.map((s) => [s.school_id, s.headcount_after]));
  const schools = scenario.document.schools
    .filter((s) => Number.isFinite(s.lat) && Number.isFinite(s.lon))
    .map((s) => ({ id: s.school_id, name: s.name, area: s.area, weak: Boolean(s.is_weak), lat: s.lat, lon: s.lon, staff: after.get(s.school_id) ?? 0 }));
  const at = new Map(schools.map((s) => [s.id, [s.lon, s.lat]]));
  const routes = new Map();
  for (const move of job.moves) {
    if (!at.has(move.from_school) || !at.has(move.to_school)) continue;
    const key = `${move.from_school}>${move.to_school}`;
    const route = routes.get(key) ?? { from: move.from_school, to: move.to_school, fromAt: at.get(move.from_school), toAt: at.get(move.to_school), count: 0 };
    route.count += 1;
    routes.set(key, route);
  }
  return { schools, routes: [...routes.values()] };
}

function drawPlanCharts() {
  const summary = job.summary;
  const { figures, schools: balance } = outcome;
  if (staffed(summary)) charts.draw($("#chart-coverage"), () => charts.coverageOption(summary));
  charts.draw($("#chart-shortage"), () => charts.shortageOption(figures.shortage_by_subject));
  charts.draw($("#chart-staffing"), () => charts.staffingOption(balance));
  const sharesShown = shares();
  charts.draw($("#chart-shares"), () => charts.sharesOption(sharesShown.map((share) => ({ ...share, label: t(share.label) }))));
  const { schools, routes } = geography();
  const shown = charts.readableRoutes(schools, routes);
  charts.draw($("#chart-map"), () => {
    const map = charts.mapOption(schools, shown.routes);
    if (shown.grouped) {
      const text = t("chart.map_grouped", { routes: routes.length, flows: shown.routes.length, local: shown.local });
      map.title = { text, left: "center", bottom: 0, textStyle: { fontSize: 12, fontWeight: "normal" } };
    }
    if (!schools.length) map.title = { text: t("chart.no_coordinates"), left: "center", top: "middle", textStyle: { fontSize: 13 } };
    return map;
  });
}
