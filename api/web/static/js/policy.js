// Policy values by dotted name, as policy.toml and the API's overrides spell them, and an
// override in the page's words (the tune form's labels), never as its raw key.

import { t } from "./i18n.js";

/** The value of `rule.name` ("priority.music" inside "shortage") in a policy's rules, or undefined. */
export function valueAt(rules, rule, name) {
  let value = rules?.[rule];
  for (const part of name.split(".")) value = value?.[part];
  return value;
}

/** The rule and parameter of `rule.param=value`, and its value (JSON, else the text as written). */
export function parseOverride(text) {
  const at = text.indexOf("=");
  const path = text.slice(0, at);
  const dot = path.indexOf(".");
  let value;
  try {
    value = JSON.parse(text.slice(at + 1));
  } catch {
    value = text.slice(at + 1);
  }
  return { rule: path.slice(0, dot), name: path.slice(dot + 1), value };
}

/** "交流比例 · 比例 15%": an override as the tune form labels its parameter and shows its value;
 * with the rules it changed (`before`), "交流比例 · 比例 15% → 12%". */
export function overrideText(text, before = null) {
  const { rule, name, value } = parseOverride(text);
  const param = document.querySelector(`#tune-form fieldset[data-rule="${CSS.escape(rule)}"] .param[data-param="${CSS.escape(name)}"]`);
  if (!param) return text; // not a rule's parameter (year=2026): its own words are plain
  let heading = param.previousElementSibling;
  while (heading?.classList.contains("in-table")) heading = heading.previousElementSibling;
  const group = param.classList.contains("in-table") && heading?.classList.contains("subhead") ? `${heading.firstElementChild.textContent} · ` : "";
  const old = before ? valueAt(before, rule, name) : undefined;
  const from = old === undefined ? "" : `${valueText(param, old)} → `;
  return `${t(`rule.${rule}`)} · ${group}${param.querySelector("label").textContent} ${from}${valueText(param, value)}`;
}

function valueText(param, value) {
  const area = (code) => t(`area.${code}`);
  switch (param.dataset.kind) {
    case "fraction":
      return `${Number((value * 100).toFixed(2))}%`;
    case "mode":
    case "choice":
      return t(`choice.${value}`);
    case "areas":
      return value.map(area).join("、") || "–";
    case "pairs":
      return value.map(([from, to]) => `${area(from)}→${area(to)}`).join("、") || "–";
    default: {
      const unit = [...param.querySelectorAll(".unit")].map((el) => el.textContent).join("");
      return `${value}${unit ? ` ${unit}` : ""}`;
    }
  }
}

/** What a plan changed, in words: its scenario's edits (a variant's overrides, then a count of each
 * other kind of edit) and the job's own overrides; each override from its value in the rules
 * `before`, when given. */
export function changeTexts(changes = {}, overrides = [], before = null) {
  const edits = Object.entries(changes)
    .filter(([name, value]) => name !== "overrides" && Array.isArray(value) && value.length)
    .map(([name, value]) => t(`edits.${name}`, { n: value.length }));
  return [...(changes.overrides ?? []), ...overrides].map((text) => overrideText(text, before)).concat(edits);
}

/** The rules of a policy with the overrides applied (a copy; the policy is left as it is). */
export function withOverrides(rules, overrides) {
  const copy = structuredClone(rules ?? {});
  for (const text of overrides) {
    const { rule, name, value } = parseOverride(text);
    let table = (copy[rule] ??= {});
    const parts = name.split(".");
    for (const part of parts.slice(0, -1)) table = table[part] ??= {};
    table[parts.at(-1)] = value;
  }
  return copy;
}

/** `rule.param=value` as the API takes it; the value is written as TOML (JSON's syntax for these). */
export function override(rule, name, value) {
  return `${rule}.${name}=${JSON.stringify(value)}`;
}
