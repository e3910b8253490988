// 6. Plans side by side: the service's comparison table, the overlap of every pair, and bar
// charts of the headline figures.

import { api } from "./api.js";
import * as charts from "./charts.js";
import { $, h, number, percent, replaceChildren } from "./dom.js";
import { lang, t } from "./i18n.js";
import { changeTexts } from "./policy.js";

let comparison = null;

export function init() {}

export async function show(planIds) {
  comparison = await api("/v1/comparisons", { method: "POST", json: { plan_ids: planIds } });
  renderTable();
  drawCharts();
}

const ROWS = [
  ["compare.changes", (p) => changeTexts(p.changes, p.overrides).length
    ? h("span", { text: () => changeTexts(p.changes, p.overrides).join(lang() === "zh" ? "；" : "; ") })
    : h("span", { class: "muted", i18n: "tune.none" })],
  ["plan.status", (p) => h("span", { class: `badge ${p.status}`, i18n: `plan_status.${p.status}` })],
  ["progress.objective", (p) => number(p.objective, 1)],
  ["plan.eligible", (p) => number(p.eligible)],
  ["plan.rotating", (p) => number(p.rotating)],
  ["plan.backbone", (p) => number(p.backbone_rotating)],
  ["compare.backbone_share", (p) => percent(p.backbone_share)],
  ["plan.shortage", (p) => `${number(p.shortage_filled)} / ${number(p.shortage_total)}`],
  ["compare.rural_staff", (p) => `${number(p.rural.headcount_before)} → ${number(p.rural.headcount_after)} / ${number(p.rural.establishment)}`],
  ["compare.rural_understaffed", (p) => `${number(p.rural.understaffed_after)} / ${number(p.rural.schools)}`],
  ["plan.hard_violations", (p) => number(p.hard_violations)],
  ["compare.elastic_violations", (p) => number(p.elastic_violations)],
  ["compare.violated_rules", (p) => p.violations.length
    ? p.violations.map((v, i) => [i ? ", " : "", h("span", { i18n: `rule.${v.rule}` }), ` ×${v.count}`])
    : "–"],
];

function renderTable() {
  const plans = comparison.plans;
  replaceChildren(
    $("#compare-table thead"),
    h("tr", {}, h("th", {}), plans.map((p) => h("th", {}, h("a", { href: `#/job/${p.plan_id}`, text: p.name })))),
  );
  replaceChildren(
    $("#compare-table tbody"),
    ROWS.map(([key, cell]) => h("tr", {}, h("th", { i18n: key }), plans.map((p) => h("td", {}, cell(p))))),
  );
  const names = new Map(plans.map((p) => [p.plan_id, p.name]));
  // Two plans with the same moves and cost: whatever differs between them changed nothing.
  const byId = new Map(plans.map((p) => [p.plan_id, p]));
  const same = comparison.overlaps.filter(
    (o) => !o.only_first && !o.only_second && byId.get(o.first).objective === byId.get(o.second).objective,
  );
  replaceChildren(
    $("#compare-notes"),
    same.map((o) => h("p", { class: "status", i18n: "compare.same", args: { first: names.get(o.first), second: names.get(o.second) } })),
  );
  replaceChildren(
    $("#overlap-table tbody"),
    comparison.overlaps.map((o) =>
      h("tr", {}, h("td", { text: names.get(o.first) }), h("td", { text: names.get(o.second) }),
        h("td", { class: "num", text: o.common }), h("td", { class: "num", text: o.only_first }),
        h("td", { class: "num", text: o.only_second }), h("td", { class: "num", text: number(o.jaccard, 3) })),
    ),
  );
}

function drawCharts() {
  const plans = comparison.plans;
  const headline = [
    ["plan.rotating", (p) => p.rotating],
    ["plan.backbone", (p) => p.backbone_rotating],
    ["compare.shortage_filled", (p) => p.shortage_filled],
    ["compare.rural_understaffed", (p) => p.rural.understaffed_after],
    ["compare.elastic_violations", (p) => p.elastic_violations],
  ];
  charts.draw($("#chart-compare-headline"), () => charts.groupedBars(headline.map(([key]) => t(key)), plans, (p) => headline.map(([, value]) => value(p))));
  charts.draw($("#chart-compare-objective"), () => charts.groupedBars([t("progress.objective")], plans, (p) => [p.objective], t("chart.cost")));
  const subjects = [...new Set(plans.flatMap((p) => p.shortage_by_subject.map((s) => s.subject)))];
  charts.draw($("#chart-compare-shortage"), () =>
    charts.groupedBars(subjects.map((s) => t(`subject.${s}`)), plans,
      (p) => subjects.map((s) => p.shortage_by_subject.find((x) => x.subject === s)?.after ?? 0), t("chart.posts")),
  );
  const rules = [...new Set(plans.flatMap((p) => p.violations.map((v) => v.rule)))];
  charts.draw($("#chart-compare-violations"), () => {
    const violations = charts.groupedBars(rules.map((r) => t(`rule.${r}`)), plans,
      (p) => rules.map((r) => p.violations.find((v) => v.rule === r)?.shortfall ?? 0), t("chart.shortfall"));
    if (!rules.length) violations.title = { text: t("chart.no_violations"), left: "center", top: "middle", textStyle: { fontSize: 13 } };
    return violations;
  });
}
