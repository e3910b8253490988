// 5. Adjusting a plan on the page: pin a teacher to a school, keep one in place or withdraw one
// (each found by name or id), a teacher's best destinations with what each costs, then a re-plan
// that stays close to this plan (POST /v1/plans/{id}/replan). The re-plan's view shows what changed
// against the plan it came from (GET /v1/plans/{id}/diff).

import { api, showError } from "./api.js";
import { $, h, number, replaceChildren, reveal, status } from "./dom.js";
import { lang, t } from "./i18n.js";
import { go } from "./state.js";
import { oneTeacher, teacherLabel } from "./teachers.js";

const ACTIONS = ["move_to", "stay", "withdraw"];

let job = null;
let scenario = null;
let edits = [];
let schools = new Map();

export function init() {
  $("#adjust-form").addEventListener("submit", (event) => {
    event.preventDefault();
    addEdit();
  });
  $("#adjust-action").addEventListener("change", showSchoolField);
  $("#adjust-recommend").addEventListener("click", recommend);
  $("#adjust-replan").addEventListener("click", replan);
  $("#adjust-check").addEventListener("click", check);
}

/** The adjust card of a plan (hidden without one); its edits are kept while the same plan is shown. */
export function renderAdjust(nextJob, nextScenario, hasPlan) {
  if (job?.id !== nextJob.id) edits = [];
  job = nextJob;
  scenario = nextScenario;
  schools = new Map(scenario.document.schools.map((school) => [school.school_id, school]));
  reveal($("#adjust"), hasPlan);
  replaceChildren(
    $("#adjust-school"),
    scenario.document.schools.map((school) => h("option", { value: school.school_id, text: schoolLabel(school.school_id) })),
  );
  showSchoolField();
  renderEdits();
  reveal($("#recommend-table"), false);
  $("#adjust-status").hidden = true;
}

function schoolLabel(id) {
  const name = schools.get(id)?.name;
  return name && name !== id ? `${id} ${name}` : id;
}

function showSchoolField() {
  reveal($("#adjust-school-field"), $("#adjust-action").value === "move_to");
}

function teacherOf(out) {
  return oneTeacher(scenario.document.teachers, $("#adjust-teacher").value, out);
}

/** Adds the form's edit; a teacher has one edit at a time (a later one replaces it). */
function addEdit(school = null) {
  const teacher = teacherOf($("#adjust-status"));
  if (!teacher) return;
  const action = school ? "move_to" : $("#adjust-action").value;
  if (!ACTIONS.includes(action)) return;
  edits = edits.filter((edit) => edit.teacher.teacher_id !== teacher.teacher_id);
  edits.push({ teacher, action, school: action === "move_to" ? school ?? $("#adjust-school").value : null });
  $("#adjust-status").hidden = true;
  renderEdits();
}

function editText(edit) {
  return t(`adjust.edit_${edit.action}`, { teacher: teacherLabel(edit.teacher), school: edit.school ? schoolLabel(edit.school) : "" });
}

function renderEdits() {
  replaceChildren(
    $("#adjust-list"),
    edits.map((edit) =>
      h(
        "li",
        {},
        h("span", { i18n: `adjust.edit_${edit.action}`, args: { teacher: teacherLabel(edit.teacher), school: edit.school ? schoolLabel(edit.school) : "" } }),
        " ",
        h("button", {
          type: "button",
          class: "link small",
          i18n: "adjust.remove",
          onclick: () => {
            edits = edits.filter((other) => other !== edit);
            renderEdits();
          },
        }),
      ),
    ),
  );
  reveal($("#adjust-none"), edits.length === 0);
  $("#adjust-replan").disabled = edits.length === 0;
  $("#adjust-check").disabled = edits.length === 0;
  $("#adjust-checked").hidden = true;
}

/** The edits as the API takes them: pins, and the teachers who withdraw. */
function body() {
  const pins = edits
    .filter((edit) => edit.action !== "withdraw")
    .map((edit) => (edit.action === "move_to" ? { teacher_id: edit.teacher.teacher_id, action: "move_to", school_id: edit.school } : { teacher_id: edit.teacher.teacher_id, action: "stay" }));
  const withdraw = edits.filter((edit) => edit.action === "withdraw").map((edit) => edit.teacher.teacher_id);
  const result = {};
  if (pins.length) result.add_pins = pins;
  if (withdraw.length) result.withdraw = withdraw;
  return result;
}

async function replan() {
  if (!edits.length) return;
  const out = $("#adjust-status");
  const button = $("#adjust-replan");
  button.disabled = true;
  // The re-plan is named by what changed, so the list of plans says which is which.
  const base = job.label || scenario.name;
  const label = `${base} · ${edits.map(editText).join(lang() === "zh" ? "；" : "; ")}`.slice(0, 200);
  status(out, "busy", "adjust.replanning");
  try {
    const next = await api(`/v1/plans/${job.id}/replan`, { method: "POST", json: { edits: body(), label } });
    edits = [];
    go(`#/job/${next.id}`);
  } catch (error) {
    showError(out, error);
    button.disabled = false;
  }
}

/**
 * This plan with the changes made by hand, not re-solved: a pinned teacher's move goes to the
 * school (a teacher the plan keeps gets a move in their subject, for the plan's usual term), a
 * kept or withdrawn teacher's move and exchange are dropped.
 */
function editedPlan() {
  const changed = new Map(edits.map((edit) => [edit.teacher.teacher_id, edit]));
  const moves = [];
  for (const move of job.moves) {
    const edit = changed.get(move.teacher_id);
    if (!edit) moves.push(move);
    else if (edit.action === "move_to") moves.push({ ...move, to_school: edit.school });
  }
  const counts = new Map();
  for (const move of job.moves) counts.set(move.term_years, (counts.get(move.term_years) ?? 0) + 1);
  const term = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 1;
  for (const edit of edits) {
    const teacher = edit.teacher;
    if (edit.action !== "move_to" || job.moves.some((move) => move.teacher_id === teacher.teacher_id)) continue;
    moves.push({ teacher_id: teacher.teacher_id, from_school: teacher.school_id, to_school: edit.school, subject: teacher.subject, term_years: term });
  }
  return {
    scenario_id: job.scenario_id,
    overrides: job.request.overrides ?? [],
    moves,
    exchanges: job.exchanges.filter((move) => !changed.has(move.teacher_id)),
    hires: job.hires,
    itinerant: job.itinerant,
  };
}

/** Every rule's verdict on the edited plan (POST /v1/plans/check), and its cost against this plan's. */
async function check() {
  const out = $("#adjust-checked");
  const button = $("#adjust-check");
  button.disabled = true;
  status($("#adjust-status"), "busy", "adjust.checking");
  try {
    const answer = await api("/v1/plans/check", { method: "POST", json: editedPlan() });
    $("#adjust-status").hidden = true;
    const broken = answer.hard_violated_rules;
    const rules = () => broken.map((rule) => t(`rule.${rule}`)).join(lang() === "zh" ? "、" : ", ");
    const args = { cost: number(answer.summary.objective, 1), base: number(job.summary.objective, 1), rules };
    const violated = answer.report.filter((row) => row.status === "violated" && row.mode === "hard");
    out.className = `status ${broken.length ? "error" : "ok"}`;
    replaceChildren(
      out,
      h("span", { i18n: broken.length ? "adjust.check_broken" : "adjust.check_ok", args }),
      violated.length ? h("ul", {}, violated.slice(0, 10).map((row) => h("li", { zh: row.sentence_zh, en: row.sentence_en }))) : null,
    );
    out.hidden = false;
  } catch (error) {
    showError($("#adjust-status"), error);
  } finally {
    button.disabled = false;
  }
}

/** The teacher's best destinations, each re-solved with the teacher pinned there, cheapest first. */
async function recommend() {
  const out = $("#adjust-status");
  const teacher = teacherOf(out);
  if (!teacher) return;
  const button = $("#adjust-recommend");
  button.disabled = true;
  reveal($("#recommend-table"), false);
  status(out, "busy", "adjust.recommending", { teacher: teacherLabel(teacher) });
  try {
    const id = encodeURIComponent(teacher.teacher_id);
    const answer = await api(`/v1/plans/${job.id}/recommendations?teacher_id=${id}&k=5&lang=${lang()}`);
    out.hidden = true;
    replaceChildren(
      $("#recommend-table tbody"),
      answer.recommendations.map((r) =>
        h(
          "tr",
          { class: r.current ? "highlight" : null },
          h("td", {}, r.school || schoolLabel(r.to_school), r.current ? h("span", { class: "muted small" }, " ", h("span", { i18n: "adjust.current" })) : null),
          h("td", { class: "num", text: r.objective_delta === null ? "–" : signed(r.objective_delta) }),
          h("td", { class: "num", text: r.commute_km === null ? "–" : `${number(r.commute_km, 1)} km` }),
          h("td", { zh: r.text_zh, en: r.text_en }),
          h("td", {}, r.current ? null : h("button", { type: "button", class: "small", i18n: "adjust.pin_here", onclick: () => addEdit(r.to_school) })),
        ),
      ),
    );
    reveal($("#recommend-table"), true);
  } catch (error) {
    showError(out, error);
  } finally {
    button.disabled = false;
  }
}

function signed(value) {
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${number(Math.abs(value), 1)}`;
}

// --- what a re-plan changed ---------------------------------------------------------------------

/** The diff of a re-plan against the plan it came from; hidden for any other plan. */
export async function renderDiff(shown, shownScenario) {
  const previous = shown.request.previous_plan_id;
  reveal($("#diff"), false);
  if (!previous || shown.status !== "done") return;
  const diff = await api(`/v1/plans/${shown.id}/diff`);
  if (job && job.id !== shown.id) return;
  const teachers = new Map(shownScenario.document.teachers.map((teacher) => [teacher.teacher_id, teacher]));
  schools = new Map(shownScenario.document.schools.map((school) => [school.school_id, school]));
  const who = (id) => (teachers.has(id) ? teacherLabel(teachers.get(id)) : id);
  const row = (kind, teacherId, before, after) =>
    h("tr", { class: `diff-${kind}` }, h("td", { text: who(teacherId) }), h("td", { i18n: `diff.${kind}` }),
      h("td", { text: before ? schoolLabel(before.to_school) : "–" }), h("td", { text: after ? schoolLabel(after.to_school) : "–" }));
  replaceChildren(
    $("#diff-table tbody"),
    diff.added.map((move) => row("added", move.teacher_id, null, move)),
    diff.removed.map((move) => row("removed", move.teacher_id, move, null)),
    diff.redirected.map((r) => row("redirected", r.teacher_id, r.before, r.after)),
  );
  $("#diff-previous").href = `#/job/${previous}`;
  replaceChildren(
    $("#diff-summary"),
    h("span", {
      i18n: diff.changed ? "diff.summary" : "diff.nothing",
      args: { changed: diff.changed, added: diff.added.length, removed: diff.removed.length, redirected: diff.redirected.length, unchanged: diff.unchanged },
    }),
  );
  reveal($("#diff-table"), diff.changed > 0);
  reveal($("#diff"), true);
}
