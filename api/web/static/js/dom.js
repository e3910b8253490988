// Small DOM helpers. Data from the API is only ever set as text (never as HTML).

import { lang, live, t } from "./i18n.js";

export const $ = (selector, root = document) => root.querySelector(selector);

/**
 * h("td", {i18n: "key", class: "num"}, child, ...): an element. Props: i18n / args (a label),
 * zh + en (a sentence pair), text, dataset, on{Event} handlers, anything else as an attribute.
 * A function as the text, an attribute or an arg is said in words: called again after a
 * language switch (i18n.live).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "i18n" && Object.values(props.args ?? {}).some((arg) => typeof arg === "function")) {
      live(el, () => (el.textContent = t(value, said(props.args))));
    } else if (name === "i18n") {
      el.dataset.i18n = value;
      if (props.args) el.dataset.i18nArgs = JSON.stringify(props.args);
      el.textContent = t(value, props.args ?? {});
    } else if (typeof value === "function" && !name.startsWith("on")) {
      const set = name === "text" ? (text) => (el.textContent = String(text)) : (text) => el.setAttribute(name, text);
      live(el, () => set(value()), name);
    } else if (name === "zh" || name === "en") {
      el.dataset[name] = value;
      if (name === lang()) el.textContent = value;
    } else if (name === "text") {
      el.textContent = String(value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name !== "args") {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Args with each function called: the words of the moment. */
function said(args) {
  return Object.fromEntries(Object.entries(args).map(([name, arg]) => [name, typeof arg === "function" ? arg() : arg]));
}

/** `el`'s text, said again after a language switch: for an element only one view writes. */
export function say(el, text) {
  return live(el, () => (el.textContent = text()));
}

export function replaceChildren(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat(Infinity)) if (child) el.append(child);
}

export function reveal(el, visible = true) {
  el.hidden = !visible;
}

/** A status line: a label (with args) or plain text, styled ok / error / busy. */
export function status(el, kind, i18n, args = {}) {
  el.className = `status ${kind}`;
  replaceChildren(el, typeof i18n === "string" ? h("span", { i18n, args }) : i18n);
  el.hidden = false;
}

let flashTimer = null;

/** A message at the top of the page for a few seconds. */
export function flash(i18n, args = {}, kind = "ok") {
  const el = $("#flash");
  el.className = `flash ${kind}`;
  replaceChildren(el, h("span", { i18n, args }));
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => (el.hidden = true), 6000);
}

/** The rows of a problems table: file, row, column and what was expected, the last in the page's
 * language (and switching with it) when the API sends both texts. */
export function fillProblems(tbody, problems) {
  replaceChildren(
    tbody,
    problems.map((p) =>
      h("tr", {}, h("td", { text: p.file ?? "" }), h("td", { class: "num", text: p.row ?? "–" }),
        h("td", { text: p.column ?? "–" }), h("td", problemMessage(p))),
    ),
  );
}

function problemMessage(p) {
  return p.message_zh && p.message_en ? { zh: p.message_zh, en: p.message_en } : { text: p.message ?? "" };
}

export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString("en-GB", { maximumFractionDigits: digits });
}

export function percent(value, digits = 1) {
  if (value === null || value === undefined) return "–";
  return `${(value * 100).toFixed(digits)}%`;
}

/** A time as 2025-03-01 08:00 in the browser's time zone: the same in both languages. */
export function when(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** What a finished solve can end with and still have a plan. */
export const PLANNED = ["optimal", "feasible"];

/** A job's status as a coloured badge. A finished job without a plan (its rules collide, or time
 * ran out first) shows that outcome in red, not a green 完成. */
export function jobBadge(job) {
  const outcome = job.summary?.status;
  if (job.status === "done" && outcome && !PLANNED.includes(outcome)) {
    return h("span", { class: `badge ${outcome}`, i18n: `plan_status.${outcome}` });
  }
  return h("span", { class: `badge ${job.status}`, i18n: `status.${job.status}` });
}

/** The plan's outcome beside a job's badge, when the badge does not already say it. */
export function outcomeNote(job) {
  return PLANNED.includes(job.summary?.status) ? h("span", { class: "muted small", i18n: `plan_status.${job.summary.status}` }) : null;
}
