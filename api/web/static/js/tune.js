// 2. Tune and solve: the policy as a form grouped by rule (rendered by the server from the
// defaults), filled with the scenario's values; what differs becomes the solve's overrides.

import { api, scenarioOf, showError } from "./api.js";
import { $, fillProblems, flash, h, number, replaceChildren, reveal, status } from "./dom.js";
import { lang, live, t } from "./i18n.js";
import { override, overrideText, valueAt, withOverrides } from "./policy.js";
import { go, setContext } from "./state.js";

let scenario = null;

export function init() {
  const form = $("#tune-form");
  // The changes line is said in the form's words: said again after a language switch.
  live($("#tune-changes"), refreshChanges);
  form.addEventListener("input", refreshChanges);
  form.addEventListener("change", refreshChanges);
  form.addEventListener("submit", solve);
  form.addEventListener("click", (event) => {
    if (!event.target.matches(".pair-add")) return;
    const pairs = event.target.closest(".pairs");
    const pair = [pairs.querySelector(".pair-from").value, pairs.querySelector(".pair-to").value];
    const value = JSON.parse(pairs.dataset.value);
    if (!value.some(([from, to]) => from === pair[0] && to === pair[1])) setPairs(pairs, [...value, pair]);
    refreshChanges();
  });
  $("#tune-variant").addEventListener("click", saveVariant);
  $("#tune-reset").addEventListener("click", () => {
    fill(scenario.document.policy);
    refreshChanges();
  });
}

/** The form of a scenario; back from a plan (`planId`), with that plan's settings, not the scenario's. */
export async function show(scenarioId, planId = "") {
  reveal($("#tune-problems"), false);
  $("#tune-status").hidden = true;
  const [next, plan] = await Promise.all([scenarioOf(scenarioId), planId ? api(`/v1/plans/${encodeURIComponent(planId)}`) : null]);
  scenario = next;
  setContext({ scenarioId });
  $("#tune-scenario").textContent = scenario.name;
  replaceChildren(
    $("#tune-facts"),
    h("span", {
      i18n: "tune.facts",
      args: { regions: scenario.regions.join(", "), teachers: number(scenario.teachers), schools: number(scenario.schools), year: scenario.year },
    }),
  );
  $("#tune-label").value = "";
  const overrides = plan?.scenario_id === scenario.id ? plan.request.overrides ?? [] : [];
  fill({ rules: withOverrides(scenario.document.policy.rules, overrides) });
  if (plan?.request.time_limit) $("#tune-time").value = plan.request.time_limit;
  refreshChanges();
}

/** The form's changes in words, one after another. */
function joined(overrides) {
  return overrides.map((text) => overrideText(text)).join(lang() === "zh" ? "；" : "; ");
}

/** A list of direction pairs, each picked from the areas' lists, shown with a button to remove it. */
function setPairs(el, pairs) {
  el.dataset.value = JSON.stringify(pairs);
  replaceChildren(
    el.querySelector(".pair-list"),
    pairs.map(([from, to], index) =>
      h("span", { class: "chip" },
        h("span", { i18n: `area.${from}` }), " → ", h("span", { i18n: `area.${to}` }),
        h("button", {
          type: "button",
          class: "link small",
          "aria-label": () => t("tune.remove_pair"),
          text: "×",
          onclick: () => {
            setPairs(el, pairs.filter((_, other) => other !== index));
            refreshChanges();
          },
        }))),
  );
}

function inputs() {
  return [...document.querySelectorAll("#tune-form .param")].map((el) => ({
    el,
    rule: el.closest("fieldset").dataset.rule,
    name: el.dataset.param,
    kind: el.dataset.kind,
  }));
}

/** The scenario's value of a parameter; undefined for a subject its table leaves out (what that
 * means is the table's hint: priority 1, not taught by 走教 ...). */
function baseline(rules, input) {
  return valueAt(rules, input.rule, input.name);
}

function fill(policy) {
  for (const input of inputs()) {
    const value = baseline(policy.rules, input);
    const field = input.el.querySelector("input, select");
    if (input.kind === "areas") {
      for (const box of input.el.querySelectorAll("input")) box.checked = (value ?? []).includes(box.value);
    } else if (input.kind === "pairs") {
      setPairs(input.el.querySelector(".pairs"), value ?? []);
    } else if (input.kind === "fraction") {
      field.value = value === undefined ? "" : Number((value * 100).toFixed(4));
    } else {
      field.value = value ?? "";
    }
  }
}

/** The form's value of a parameter, or an Error naming what is wrong with it; undefined for a
 * subject left out of its table and left empty (`base`: the scenario's value). */
function read(input, base) {
  const field = input.el.querySelector("input, select");
  if (input.kind === "areas") {
    return [...input.el.querySelectorAll("input:checked")].map((box) => box.value);
  }
  if (input.kind === "mode" || input.kind === "choice") return field.value;
  if (input.kind === "pairs") return JSON.parse(input.el.querySelector(".pairs").dataset.value);
  const text = field.value.trim();
  if (text === "" && base === undefined) return undefined;
  const value = Number(text);
  const min = Number(input.el.dataset.min);
  if (text === "" || !Number.isFinite(value) || value < min) return new Error(t("tune.bad_number", { min }));
  if (input.kind === "integer" && !Number.isInteger(value)) return new Error(t("tune.bad_integer"));
  if (input.kind === "fraction") {
    if (value > 100) return new Error(t("tune.bad_percent"));
    return Number((value / 100).toFixed(6));
  }
  return value;
}

/** The overrides the form makes (changed parameters only) and the inputs in error. */
function changes() {
  const overrides = [];
  const errors = [];
  for (const input of inputs()) {
    const base = baseline(scenario.document.policy.rules, input);
    const value = read(input, base);
    const bad = value instanceof Error;
    input.el.classList.toggle("invalid", bad);
    input.el.title = bad ? value.message : "";
    if (bad) {
      errors.push(`${t(`rule.${input.rule}`)} · ${input.el.querySelector("label").textContent}${lang() === "zh" ? "：" : ": "}${value.message}`);
      input.el.classList.remove("changed");
      continue;
    }
    const changed = JSON.stringify(value) !== JSON.stringify(base);
    input.el.classList.toggle("changed", changed);
    if (changed) overrides.push(override(input.rule, input.name, value));
  }
  return { overrides, errors };
}

function refreshChanges() {
  if (!scenario) return;
  const { overrides, errors } = changes();
  const out = $("#tune-changes");
  if (errors.length) {
    out.textContent = errors.join("; ");
    out.className = "error";
  } else if (overrides.length) {
    out.textContent = joined(overrides);
    out.className = "";
  } else {
    out.textContent = t("tune.no_changes");
    out.className = "muted";
  }
}

function checked() {
  const result = changes();
  if (result.errors.length) status($("#tune-status"), "error", "tune.fix_errors");
  return result.errors.length ? null : result.overrides;
}

function timeLimit(el) {
  const seconds = Number(el.value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

function showProblems(error) {
  if (!error.problems.length) return false;
  fillProblems($("#tune-problems tbody"), error.problems);
  reveal($("#tune-problems"));
  return true;
}

async function solve(event) {
  event.preventDefault();
  const overrides = checked();
  if (!overrides) return;
  reveal($("#tune-problems"), false);
  status($("#tune-status"), "busy", "tune.submitting");
  const body = { scenario_id: scenario.id, overrides, label: $("#tune-label").value.trim() };
  const seconds = timeLimit($("#tune-time"));
  if (seconds) body.time_limit = seconds;
  try {
    const job = await api("/v1/plans", { method: "POST", json: body });
    go(`#/job/${job.id}`);
  } catch (error) {
    if (showProblems(error)) $("#tune-status").hidden = true;
    else showError($("#tune-status"), error);
  }
}

async function saveVariant() {
  const overrides = checked();
  if (!overrides) return;
  if (!overrides.length) {
    status($("#tune-status"), "error", "tune.variant_needs_changes");
    return;
  }
  reveal($("#tune-problems"), false);
  // Without a name of its own, a variant is named by what it changes.
  const label = ($("#tune-label").value.trim() || joined(overrides)).slice(0, 200);
  try {
    const variant = await api(`/v1/scenarios/${scenario.id}/variants`, {
      method: "POST",
      json: { label, edits: { overrides } },
    });
    status($("#tune-status"), "ok", h("span", {},
      h("span", { i18n: "tune.variant_saved", args: { name: variant.name } }), " ",
      h("a", { href: `#/whatif/${scenario.id}`, i18n: "tune.to_whatif" })));
    flash("tune.variant_saved", { name: variant.name });
  } catch (error) {
    if (showProblems(error)) $("#tune-status").hidden = true;
    else showError($("#tune-status"), error);
  }
}
