// 1. Scenarios: upload a workbook or the CSV files (problems, and the warnings of what the loader
// skipped, as tables), the shipped demo bundles one click away, the key's scenarios and its recent
// solve jobs.

import { api, download, errorText, forgetScenario, showError } from "./api.js";
import { $, fillProblems, flash, h, jobBadge, number, outcomeNote, replaceChildren, reveal, status, when } from "./dom.js";
import { lang, t } from "./i18n.js";

export function init() {
  $("#upload-form").addEventListener("submit", upload);
  $("#upload-template").addEventListener("click", downloadTemplate);
  for (const button of document.querySelectorAll("[data-demo]")) {
    button.addEventListener("click", () => loadDemo(button));
  }
}

export async function show() {
  await Promise.all([listScenarios(), listJobs()]);
}

/** The empty workbook in the page's language: the sheets, headers and validation lists the
 * loader reads (GET /v1/scenarios/template). */
async function downloadTemplate() {
  const language = lang();
  try {
    await download(`/v1/scenarios/template?lang=${language}`, `rotation-template-${language}.xlsx`);
  } catch (error) {
    showError($("#upload-status"), error);
  }
}

async function upload(event) {
  event.preventDefault();
  const files = $("#upload-files").files;
  const out = $("#upload-status");
  reveal($("#upload-problems"), false);
  reveal($("#upload-warnings"), false);
  if (!files.length) {
    status(out, "error", "upload.pick");
    return;
  }
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  const name = $("#upload-name").value.trim();
  if (name) form.append("name", name);
  status(out, "busy", "upload.sending");
  try {
    const created = await api("/v1/scenarios/upload", { method: "POST", form });
    status(out, "ok", "upload.done", { name: created.name, teachers: created.teachers, schools: created.schools });
    event.target.reset();
    if (created.warnings.length) showProblems("#upload-warnings", "warnings.title", created.warnings);
    await listScenarios(created.id);
  } catch (error) {
    if (error.problems.length) {
      out.hidden = true;
      showProblems("#upload-problems", "problems.title", error.problems);
    } else {
      showError(out, error);
    }
  }
}

/** The problems of a refused upload, or the warnings of a stored one, in the card `id`. */
function showProblems(id, titleKey, problems) {
  const title = $(`${id} h2`);
  title.dataset.i18n = titleKey;
  title.dataset.i18nArgs = JSON.stringify({ n: problems.length });
  title.textContent = t(titleKey, { n: problems.length });
  fillProblems($(`${id} tbody`), problems);
  reveal($(id));
  $(id).scrollIntoView({ block: "nearest" });
}

async function loadDemo(button) {
  button.disabled = true;
  try {
    const created = await api("/v1/scenarios/demo", { method: "POST", json: { bundle: button.dataset.demo } });
    flash("demo.done", { name: created.name });
    await listScenarios(created.id);
  } catch (error) {
    flash("demo.failed", { detail: errorText(error) }, "error");
  } finally {
    button.disabled = false;
  }
}

let names = new Map();
let listing = 0;

async function listScenarios(highlight = null) {
  // Only the newest listing is drawn: an older answer arriving late must not hide a new scenario.
  const mine = ++listing;
  const page = await api("/v1/scenarios?limit=100");
  if (mine !== listing) return;
  names = new Map(page.items.map((s) => [s.id, s.name]));
  const rows = page.items.map((s) =>
    h(
      "tr",
      { class: s.id === highlight ? "highlight" : null, dataset: { scenario: s.id } },
      h("td", {}, h("a", { href: `#/tune/${s.id}`, text: s.name }),
        s.parent_id ? h("span", { class: "muted small" }, " · ", h("span", { i18n: "scenarios.variant_of", args: { name: names.get(s.parent_id) ?? s.parent_id.slice(0, 8) } })) : null),
      h("td", { text: s.regions.join(", ") }),
      h("td", { class: "num", text: number(s.teachers) }),
      h("td", { class: "num", text: number(s.schools) }),
      h("td", { class: "num", text: s.year }),
      h("td", { text: when(s.created_at) }),
      h(
        "td",
        { class: "actions" },
        h("a", { class: "button small", href: `#/tune/${s.id}`, i18n: "scenarios.tune" }),
        h("a", { class: "button small", href: `#/whatif/${s.id}`, i18n: "scenarios.whatif" }),
        h("a", { class: "button small", href: `#/roadmap/${s.id}`, i18n: "scenarios.roadmap" }),
        h("button", { type: "button", class: "small link danger", i18n: "scenarios.delete", onclick: () => remove(s) }),
      ),
    ),
  );
  replaceChildren($("#scenario-table tbody"), rows);
  reveal($("#scenario-empty"), rows.length === 0);
  reveal($("#scenario-table"), rows.length > 0);
}

async function remove(scenario) {
  if (!window.confirm(t("scenarios.confirm_delete", { name: scenario.name }))) return;
  try {
    await api(`/v1/scenarios/${scenario.id}`, { method: "DELETE" });
    forgetScenario(scenario.id);
    flash("scenarios.deleted", { name: scenario.name });
    await Promise.all([listScenarios(), listJobs()]);
  } catch (error) {
    flash("error.generic", { detail: errorText(error) }, "error");
  }
}

let jobListing = 0;

async function listJobs() {
  const mine = ++jobListing;
  const page = await api("/v1/plans?limit=20");
  if (mine !== jobListing) return;
  const rows = page.items.map((job) =>
    h(
      "tr",
      {},
      h("td", {}, h("a", { href: `#/job/${job.id}`, text: job.label || names.get(job.scenario_id) || job.scenario_id.slice(0, 8) })),
      h("td", {}, jobBadge(job), " ", outcomeNote(job)),
      h("td", { class: "num", text: number(job.summary?.objective ?? job.progress.objective) }),
      h("td", { class: "num", text: number(job.summary?.rotating) }),
      h("td", { text: when(job.created_at) }),
      h("td", {}, h("a", { class: "button small", href: `#/job/${job.id}`, i18n: "jobs.open" })),
    ),
  );
  replaceChildren($("#job-table tbody"), rows);
  reveal($("#job-empty"), rows.length === 0);
  reveal($("#job-table"), rows.length > 0);
}
