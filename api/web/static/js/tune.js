// 2. Tune and solve: the policy as a form grouped by rule (rendered by the server from the
// defaults), filled with the scenario's values; what differs becomes the solve's overrides.

import { api, scenarioOf, showError } from "./api.js";
import { $, fillProblems, flash, h, number, replaceChildren, reveal, status } from "./dom.js";
import { t } from "./i18n.js";
import { override, valueAt } from "./policy.js";
import { go, setContext } from "./state.js";

let scenario = null;

export function init() {
  const form = $("#tune-form");
  form.addEventListener("input", refreshChanges);
  form.addEventListener("change", refreshChanges);
  form.addEventListener("submit", solve);
  $("#tune-variant").addEventListener("click", saveVariant);
  $("#tune-reset").addEventListener("click", () => {
    fill(scenario.document.policy);
    refreshChanges();
  });
}

export async function show(scenarioId) {
  reveal($("#tune-problems"), false);
  $("#tune-status").hidden = true;
  scenario = await scenarioOf(scenarioId);
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
  fill(scenario.document.policy);
  refreshChanges();
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
      field.value = JSON.stringify(value ?? []);
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
  if (input.kind === "pairs") {
    try {
      const pairs = JSON.parse(field.value || "[]");
      if (Array.isArray(pairs) && pairs.every((p) => Array.isArray(p) && p.length === 2)) return pairs;
    } catch {
      // reported below
    }
    return new Error(t("tune.bad_pairs"));
  }
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
      errors.push(`${input.rule}.${input.name}: ${value.message}`);
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
    out.removeAttribute("data-i18n");
    out.textContent = errors.join("; ");
    out.className = "error";
  } else if (overrides.length) {
    out.removeAttribute("data-i18n");
    out.textContent = overrides.join("  ");
    out.className = "";
  } else {
    out.dataset.i18n = "tune.no_changes";
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
  const label = $("#tune-label").value.trim() || null;
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
