// 4. A plan's life on the page: its status (草稿 → 公示中 → 已审定 → 已执行, or 已撤回) with a
// button for each move the signed-in key may make (GET/POST /v1/plans/{id}/lifecycle), and the
// objections raised while it is on public notice: recorded against a teacher, listed, and answered
// by a re-plan with minimal change whose diff the answering plan's view shows.

import { api, showError } from "./api.js";
import { $, h, replaceChildren, reveal, status } from "./dom.js";
import { lang, t } from "./i18n.js";
import { go } from "./state.js";

const BADGES = { draft: "", notice: "running", approved: "feasible", executed: "done", withdrawn: "cancelled" };
/** The badge colour of each status (app.css's job-status colours). */
const ANSWERS = { withdraw: (teacher) => ({ withdraw: [teacher] }), stay: (teacher) => ({ add_pins: [{ teacher_id: teacher, action: "stay" }] }) };
/** The edits a re-plan answering an objection makes: withdraw the teacher, or keep them where they are. */

let planId = null;
let state = null;
let objections = [];

export function init() {
  $("#objection-form").addEventListener("submit", (event) => {
    event.preventDefault();
    addObjection();
  });
}

/** The plan's status card and objections; called by the job view for the plan it shows. */
export async function show(nextPlanId) {
  planId = nextPlanId;
  state = null;
  reveal($("#lifecycle"), false);
  $("#lifecycle-out").hidden = true;
  $("#objections-out").hidden = true;
  const [nextState, listed] = await Promise.all([
    api(`/v1/plans/${encodeURIComponent(planId)}/lifecycle`),
    api(`/v1/plans/${encodeURIComponent(planId)}/objections`),
  ]);
  if (nextPlanId !== planId) return;
  state = nextState;
  objections = listed.items;
  renderState();
  reveal($("#lifecycle"), true);
}

function renderState() {
  const badge = $("#lifecycle-status");
  badge.className = `badge ${BADGES[state.lifecycle]}`;
  badge.dataset.i18n = `lifecycle.status.${state.lifecycle}`;
  badge.textContent = t(badge.dataset.i18n);
  replaceChildren(
    $("#lifecycle-moves"),
    state.allowed.map((to) =>
      h("button", { type: "button", class: to === "withdrawn" ? "danger" : "primary", dataset: { to }, i18n: `lifecycle.to.${to}`, onClick: () => move(to) }),
    ),
  );
  reveal($("#lifecycle-none"), !state.allowed.length);
  reveal($("#lifecycle-supersede-field"), state.allowed.includes("approved"));
  reveal($("#objection-form"), state.lifecycle === "notice");
  renderObjections();
}

async function move(to) {
  const out = $("#lifecycle-out");
  const supersede = to === "approved" && $("#lifecycle-supersede").checked;
  for (const button of document.querySelectorAll("#lifecycle-moves button")) button.disabled = true;
  try {
    const body = supersede ? { to, supersede } : { to };
    state = await api(`/v1/plans/${encodeURIComponent(planId)}/lifecycle`, { method: "POST", json: body });
    renderState();
    const superseded = state.superseded.join(lang() === "zh" ? "、" : ", ");
    status(out, "ok", superseded ? "lifecycle.superseded" : "lifecycle.moved", { status: () => t(`lifecycle.status.${to}`), plans: superseded });
  } catch (error) {
    showError(out, error);
    renderState();
  }
}

/** The objections, with a way to answer each while the plan is on notice. */
function renderObjections() {
  const answerable = state.lifecycle === "notice";
  replaceChildren(
    $("#objections-table tbody"),
    objections.map((item) =>
      h(
        "tr",
        {},
        h("td", { text: item.teacher_id }),
        h("td", { text: item.author }),
        h("td", { text: item.text }),
        h("td", { text: item.recorded_by }),
        h("td", { text: () => new Date(item.created_at).toLocaleString(lang() === "zh" ? "zh-CN" : "en") }),
        h("td", {}, answerCell(item, answerable)),
      ),
    ),
  );
  reveal($("#objections-table").closest(".table-box"), objections.length > 0);
  reveal($("#objections-none"), !objections.length);
  reveal($("#objections"), objections.length > 0 || answerable);
}

/** A link to the answering re-plan (its view shows the diff), or the buttons that make one. */
function answerCell(item, answerable) {
  if (item.answer_plan_id) return h("a", { href: `#/job/${item.answer_plan_id}`, i18n: "objections.answered" });
  if (!answerable) return h("span", { class: "muted", i18n: "objections.unanswered" });
  return Object.keys(ANSWERS).map((kind) =>
    h("button", { type: "button", class: "small", i18n: `objections.answer_${kind}`, onClick: () => answer(item, kind) }),
  );
}

async function addObjection() {
  const out = $("#objections-out");
  const body = {
    teacher_id: $("#objection-teacher").value.trim(),
    author: $("#objection-author").value.trim(),
    text: $("#objection-text").value.trim(),
  };
  try {
    await api(`/v1/plans/${encodeURIComponent(planId)}/objections`, { method: "POST", json: body });
    $("#objection-form").reset();
    objections = (await api(`/v1/plans/${encodeURIComponent(planId)}/objections`)).items;
    renderObjections();
    status(out, "ok", "objections.recorded", { teacher: body.teacher_id });
  } catch (error) {
    showError(out, error);
  }
}

/** Re-plans with minimal change, the objection's teacher withdrawn or kept, linked to the objection. */
async function answer(item, kind) {
  const out = $("#objections-out");
  status(out, "busy", "objections.replanning", { teacher: item.teacher_id });
  const label = t(`objections.label_${kind}`, { teacher: item.teacher_id }).slice(0, 200);
  try {
    const next = await api(`/v1/plans/${encodeURIComponent(planId)}/replan`, {
      method: "POST",
      json: { edits: ANSWERS[kind](item.teacher_id), objections: [item.id], label },
    });
    go(`#/job/${next.id}`);
  } catch (error) {
    showError(out, error);
  }
}
