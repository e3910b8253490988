// 6. What-if: a scenario and its variants (made in the tune form: "save as variant"), solved as
// one batch; finished plans picked to compare side by side.

import { api, scenarioOf, showError } from "./api.js";
import { $, h, jobBadge, number, outcomeNote, replaceChildren, reveal, status, when } from "./dom.js";
import { lang } from "./i18n.js";
import { changeTexts } from "./policy.js";
import { go, setContext } from "./state.js";

const FINISHED = ["done", "cancelled", "failed"];
const POLL_MS = 1000;

let family = [];
let timer = null;

export function init() {
  $("#batch-solve").addEventListener("click", solveBatch);
  $("#compare-selected").addEventListener("click", () => {
    const ids = [...document.querySelectorAll("#done-table input:checked")].map((box) => box.value);
    if (ids.length < 2) status($("#batch-status"), "error", "whatif.pick_two");
    else go(`#/compare/${ids.join(",")}`);
  });
}

export async function show(scenarioId) {
  stop();
  $("#batch-status").hidden = true;
  const [base, variants] = await Promise.all([
    scenarioOf(scenarioId),
    api(`/v1/scenarios/${scenarioId}/variants`),
  ]);
  setContext({ scenarioId });
  $("#whatif-scenario").textContent = base.name;
  family = [base, ...variants.items];
  await refresh();
  return stop;
}

function stop() {
  clearTimeout(timer);
  timer = null;
}

/** The latest job of every scenario of the family, and the family's finished plans. */
async function refresh(checked = null) {
  const page = await api("/v1/plans?limit=100");
  const ids = new Set(family.map((s) => s.id));
  const jobs = page.items.filter((job) => ids.has(job.scenario_id));
  const latest = new Map();
  for (const job of jobs) if (!latest.has(job.scenario_id)) latest.set(job.scenario_id, job);
  const kept = checked ?? new Set([...document.querySelectorAll("#variant-table input:checked")].map((b) => b.value));
  replaceChildren(
    $("#variant-table tbody"),
    family.map((s, index) => {
      const job = latest.get(s.id);
      return h(
        "tr",
        {},
        h("td", {}, h("input", { type: "checkbox", value: s.id, checked: kept.has(s.id) || (!kept.size && index > 0), "aria-label": s.name })),
        h("td", {}, h("a", { href: `#/tune/${s.id}`, text: s.name }), index === 0 ? h("span", { class: "muted small", i18n: "whatif.base" }) : null),
        h("td", { text: () => changesText(s.changes) }),
        h("td", {}, job ? [h("a", { href: `#/job/${job.id}` }, jobBadge(job)), " ", number(job.summary?.objective ?? job.progress.objective, 1)] : "–"),
      );
    }),
  );
  const done = jobs.filter((job) => job.status === "done");
  const names = new Map(family.map((s) => [s.id, s.name]));
  replaceChildren(
    $("#done-table tbody"),
    done.map((job) =>
      h(
        "tr",
        {},
        h("td", {}, h("input", { type: "checkbox", value: job.id, "aria-label": job.label || names.get(job.scenario_id) })),
        h("td", {}, h("a", { href: `#/job/${job.id}`, text: job.label || names.get(job.scenario_id) })),
        h("td", {}, jobBadge(job), " ", outcomeNote(job)),
        h("td", { class: "num", text: number(job.summary.objective, 1) }),
        h("td", { class: "num", text: number(job.summary.rotating) }),
        h("td", { text: when(job.created_at) }),
      ),
    ),
  );
  reveal($("#done-empty"), done.length === 0);
  reveal($("#done-table"), done.length > 0);
  reveal($("#compare-selected"), done.length > 1);
  return latest;
}

/** A variant's edits in one line, in words. */
function changesText(changes = {}) {
  return changeTexts(changes).join(lang() === "zh" ? "；" : "; ") || "–";
}

async function solveBatch() {
  const ids = [...document.querySelectorAll("#variant-table input:checked")].map((box) => box.value);
  if (!ids.length) {
    status($("#batch-status"), "error", "whatif.pick_one");
    return;
  }
  const seconds = Number($("#batch-time").value);
  const body = { scenario_ids: ids };
  if (Number.isFinite(seconds) && seconds > 0) body.time_limit = seconds;
  try {
    const batch = await api("/v1/batches", { method: "POST", json: body });
    status($("#batch-status"), "busy", "whatif.solving", { n: batch.jobs.length });
    watch(batch.jobs.map((job) => job.id), new Set(ids));
  } catch (error) {
    showError($("#batch-status"), error);
  }
}

/** Polls the batch; when every job has finished, compares the plans (two or more done). */
function watch(jobIds, checked) {
  timer = setTimeout(async () => {
    try {
      const jobs = await Promise.all(jobIds.map((id) => api(`/v1/plans/${id}`)));
      await refresh(checked);
      const finished = jobs.filter((job) => FINISHED.includes(job.status));
      if (finished.length < jobs.length) {
        status($("#batch-status"), "busy", "whatif.progress", { done: finished.length, n: jobs.length });
        watch(jobIds, checked);
        return;
      }
      const done = jobs.filter((job) => job.status === "done").map((job) => job.id);
      if (done.length >= 2) go(`#/compare/${done.join(",")}`);
      else status($("#batch-status"), "ok", "whatif.finished", { done: done.length, n: jobs.length });
    } catch (error) {
      showError($("#batch-status"), error);
    }
  }, POLL_MS);
}

