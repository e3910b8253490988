// ECharts options for the page's charts (echarts.min.js is vendored in static/vendor/echarts).
// Every builder takes plain data from the API and returns an option; labels come from t().

import { forget, lang, live, t } from "./i18n.js";

const COLORS = { before: "#9aa5b1", after: "#2f6fb3", target: "#d9480f", bound: "#2b8a3e" };
const AREA_COLORS = { urban: "#2f6fb3", town: "#f08c00", rural: "#2b8a3e" };

/** Tooltips are HTML: names from uploaded files go in escaped. */
const esc = (text) => echarts.format.encodeHTML(String(text));

/** Draws the option `build` makes into `el`, reusing its chart (a redraw replaces the whole
 * option), and again in the new words after a language switch; the chart's figures in words are
 * its text alternative. */
export function draw(el, build) {
  live(el, () => {
    const option = build();
    const chart = echarts.getInstanceByDom(el) ?? echarts.init(el);
    chart.setOption({ animation: false, ...option }, true);
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", describe(option));
  }, "chart");
}

const SAID = 30; // values read out per series; a longer series ends with "…"

/** A chart in words: its title, then each series with its values (by category, or its last point). */
export function describe(option) {
  const zh = lang() === "zh";
  const [colon, comma, stop] = zh ? ["：", "，", "；"] : [": ", ", ", "; "];
  const categories = option.xAxis?.type === "category" ? option.xAxis.data : null;
  const said = (items) => items.slice(0, SAID).join(comma) + (items.length > SAID ? "…" : "");
  const value = (point) => (Array.isArray(point) ? point.at(-1) : point?.value ?? point);
  const series = (option.series ?? []).map((s) => {
    let text;
    if (s.type === "lines") {
      const busiest = [...s.data].sort((a, b) => b.count - a.count);
      text = said(busiest.map((r) => `${r.from} → ${r.to} ${t("chart.teachers_n", { n: r.count })}`));
    } else if (categories) {
      text = said(s.data.map((point, i) => `${categories[i]} ${value(point) ?? "–"}`));
    } else if (s.data.length && typeof s.data[0]?.name === "string") {
      text = said(s.data.map((point) => point.name));
    } else {
      const last = s.data.at(-1);
      text = last === undefined ? "–" : String(value(last));
    }
    return `${s.name}${colon}${text}`;
  });
  const title = option.title?.text;
  return [title, ...series].filter(Boolean).join(stop);
}

export function dispose(el) {
  forget(el);
  echarts.getInstanceByDom(el)?.dispose();
}

window.addEventListener("resize", () => {
  for (const el of document.querySelectorAll(".chart")) echarts.getInstanceByDom(el)?.resize();
});

function legend(extra = {}) {
  return { top: 0, ...extra };
}

const grid = { left: 56, right: 24, top: 36, bottom: 40, containLabel: true };

/** Objective and bound of a running solve against seconds elapsed. */
export function progressOption(points) {
  return {
    legend: legend(),
    grid,
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", name: t("chart.seconds"), nameLocation: "middle", nameGap: 28, min: 0 },
    yAxis: { type: "value", name: t("chart.cost"), scale: true },
    series: [
      {
        name: t("progress.objective"),
        type: "line",
        step: "end",
        symbolSize: 5,
        color: COLORS.after,
        data: points.filter((p) => p.objective !== null).map((p) => [p.elapsed, p.objective]),
      },
      {
        name: t("progress.bound"),
        type: "line",
        step: "end",
        symbolSize: 5,
        color: COLORS.bound,
        data: points.filter((p) => p.bound !== null).map((p) => [p.elapsed, p.bound]),
      },
    ],
  };
}

/**
 * Unmet posts over every school and subject (the summary's figures), before and after the plan:
 * before = filled by the plan + still open; after = still open + vacancies the plan opens.
 */
export function coverageOption(summary) {
  const posts = (value) => Math.round(value * 100) / 100;
  const part = (name, color, before, after) => ({
    name: t(name),
    type: "bar",
    stack: "unmet",
    barMaxWidth: 90,
    color,
    label: { show: true, formatter: (p) => (p.value ? p.value : "") },
    data: [posts(before), posts(after)],
  });
  return {
    legend: legend(),
    grid,
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: [t("chart.before"), t("chart.after")] },
    yAxis: { type: "value", name: t("chart.posts"), minInterval: 1 },
    series: [
      part("chart.filled", COLORS.bound, summary.vacancies_filled, 0),
      part("chart.still_open", COLORS.before, summary.vacancies_open, summary.vacancies_open),
      part("chart.created", COLORS.target, 0, summary.vacancies_created),
    ],
  };
}

/** Unfilled posts by subject at the receiving schools, before and after the plan. */
export function shortageOption(bySubject) {
  const subjects = bySubject.map((s) => t(`subject.${s.subject}`));
  return {
    legend: legend(),
    grid,
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: subjects, axisLabel: { interval: 0, rotate: subjects.length > 8 ? 30 : 0 } },
    yAxis: { type: "value", name: t("chart.posts"), minInterval: 1 },
    series: [
      { name: t("chart.before"), type: "bar", color: COLORS.before, data: bySubject.map((s) => s.before) },
      { name: t("chart.after"), type: "bar", color: COLORS.after, data: bySubject.map((s) => s.after) },
    ],
  };
}

/** Every school's headcount before and after against its establishment (编制). */
export function staffingOption(schools) {
  const many = schools.length > 30;
  return {
    legend: legend(),
    grid: { ...grid, bottom: many ? 56 : 40 },
    tooltip: {
      trigger: "axis",
      formatter: (items) =>
        [esc(`${schools[items[0].dataIndex].school_id} ${schools[items[0].dataIndex].name}`)]
          .concat(items.map((i) => `${i.marker}${esc(i.seriesName)}: ${i.value}`))
          .join("<br>"),
    },
    xAxis: { type: "category", data: schools.map((s) => s.school_id), axisLabel: { rotate: 45 } },
    yAxis: { type: "value", name: t("chart.staff"), minInterval: 1 },
    dataZoom: many ? [{ type: "slider", bottom: 4, height: 16 }] : [],
    series: [
      { name: t("chart.before"), type: "bar", color: COLORS.before, data: schools.map((s) => s.headcount_before) },
      { name: t("chart.after"), type: "bar", color: COLORS.after, data: schools.map((s) => s.headcount_after) },
      {
        name: t("chart.establishment"),
        type: "scatter",
        symbol: "rect",
        symbolSize: [14, 3],
        color: COLORS.target,
        data: schools.map((s) => s.establishment),
      },
    ],
  };
}

/**
 * Backbone and degree shares against their targets. `shares` rows: {label, before, after, target}
 * as fractions (null where a value does not apply).
 */
export function sharesOption(shares) {
  const pct = (v) => (v === null ? null : Math.round(v * 1000) / 10);
  return {
    legend: legend(),
    grid,
    tooltip: { trigger: "axis", valueFormatter: (v) => (v === null || v === undefined ? "–" : `${v}%`) },
    xAxis: { type: "category", data: shares.map((s) => s.label), axisLabel: { interval: 0, width: 90, overflow: "break" } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: t("chart.before"), type: "bar", color: COLORS.before, data: shares.map((s) => pct(s.before)) },
      { name: t("chart.after"), type: "bar", color: COLORS.after, data: shares.map((s) => pct(s.after)) },
      {
        name: t("chart.target"),
        type: "scatter",
        symbol: "rect",
        symbolSize: [26, 4],
        color: COLORS.target,
        data: shares.map((s) => pct(s.target)),
      },
    ],
  };
}

const MAX_ROUTES = 60;
const CELLS = 5;

/**
 * The routes a map can show readably: all of them up to MAX_ROUTES. Beyond that (a county of
 * 3,000 teachers has hundreds) the schools are grouped by place into a CELLS × CELLS grid and the
 * flows summed between groups, each drawn between its groups' centres; `local` counts the
 * teachers who stay within their group.
 */
export function readableRoutes(schools, routes) {
  if (routes.length <= MAX_ROUTES) return { routes, grouped: false, local: 0 };
  const lons = schools.map((s) => s.lon);
  const lats = schools.map((s) => s.lat);
  const [west, south] = [Math.min(...lons), Math.min(...lats)];
  const [width, height] = [Math.max(...lons) - west || 1, Math.max(...lats) - south || 1];
  const cellOf = ([lon, lat]) => {
    const x = Math.min(CELLS - 1, Math.floor(((lon - west) / width) * CELLS));
    const y = Math.min(CELLS - 1, Math.floor(((lat - south) / height) * CELLS));
    return `${x},${y}`;
  };
  const groups = new Map();
  for (const school of schools) {
    const key = cellOf([school.lon, school.lat]);
    groups.set(key, [...(groups.get(key) ?? []), school]);
  }
  const centre = (members) => [0, 1].map((i) => members.reduce((sum, s) => sum + [s.lon, s.lat][i], 0) / members.length);
  const named = (members) => {
    const largest = members.reduce((a, b) => (b.staff > a.staff ? b : a));
    return members.length > 1 ? t("chart.school_group", { school: largest.name, n: members.length }) : largest.name;
  };
  const flows = new Map();
  let local = 0;
  for (const route of routes) {
    const [from, to] = [cellOf(route.fromAt), cellOf(route.toAt)];
    if (from === to) {
      local += route.count;
      continue;
    }
    const key = `${from}>${to}`;
    const flow = flows.get(key) ?? {
      from: named(groups.get(from)),
      to: named(groups.get(to)),
      fromAt: centre(groups.get(from)),
      toAt: centre(groups.get(to)),
      count: 0,
    };
    flow.count += route.count;
    flows.set(key, flow);
  }
  return { routes: [...flows.values()], grouped: true, local };
}

/** Schools placed by longitude / latitude (no map tiles), coloured by area; a line per route. */
export function mapOption(schools, routes) {
  const byArea = ["urban", "town", "rural"].map((area) => ({
    name: t(`area.${area}`),
    type: "scatter",
    color: AREA_COLORS[area],
    symbolSize: (value) => 6 + Math.sqrt(value[2]) * 1.6,
    data: schools.filter((s) => s.area === area).map((s) => ({ value: [s.lon, s.lat, s.staff], name: `${s.id} ${s.name}`, weak: s.weak })),
    itemStyle: { borderColor: "#222", borderWidth: 0.5 },
    z: 3,
  }));
  const widest = Math.max(1, ...routes.map((r) => r.count));
  return {
    legend: legend({ data: byArea.map((s) => s.name).concat(t("chart.moves")) }),
    grid: { ...grid, bottom: 24 },
    tooltip: {
      trigger: "item",
      formatter: (p) =>
        p.seriesType === "lines"
          ? esc(`${p.data.from} → ${p.data.to}: ${t("chart.teachers_n", { n: p.data.count })}`)
          : `${esc(p.data.name)}${p.data.weak ? ` (${t("area.weak")})` : ""}<br>${t("chart.staff")}: ${p.data.value[2]}`,
    },
    // Longitude across, latitude up; no axes or tiles: only the schools' relative places matter.
    xAxis: { type: "value", scale: true, show: false },
    yAxis: { type: "value", scale: true, show: false },
    series: [
      ...byArea,
      {
        name: t("chart.moves"),
        type: "lines",
        coordinateSystem: "cartesian2d",
        color: "#c2255c",
        lineStyle: { opacity: 0.55, curveness: 0.15 },
        effect: { show: false },
        symbol: ["none", "arrow"],
        symbolSize: 7,
        data: routes.map((r) => ({
          coords: [r.fromAt, r.toAt],
          from: r.from,
          to: r.to,
          count: r.count,
          lineStyle: { width: 1 + (3 * r.count) / widest },
        })),
        z: 2,
      },
    ],
  };
}

/** One bar series per plan over the given categories. */
export function groupedBars(categories, plans, valuesOf, yName = "") {
  return {
    legend: legend({ type: "scroll" }),
    grid,
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0, width: 80, overflow: "break" } },
    yAxis: { type: "value", name: yName, minInterval: 1 },
    series: plans.map((plan) => ({ name: plan.name, type: "bar", data: valuesOf(plan) })),
  };
}
