// 3. The plan's tables: the rule report (met / violated at a glance, each row's sentence), the
// moves and exchanges (sortable, filterable by school, subject, region, reason and kind), the
// staffing tables (hires, 走教, the principals after the plan) and the "why" of a teacher or a
// school from the explanations API.

import { api, showError } from "./api.js";
import { $, h, number, replaceChildren, reveal, status } from "./dom.js";
import { has, lang, t } from "./i18n.js";
import { fillSuggestions, oneTeacher, teacherLabel } from "./teachers.js";

let job = null;
let scenario = null;
let rows = [];
let sort = { key: "teacher", ascending: true };
let byId = { schools: new Map(), teachers: new Map() };

export function init() {
  $("#report-violated").addEventListener("change", renderReport);
  for (const id of ["#filter-school", "#filter-subject", "#filter-region", "#filter-reason", "#filter-kind"]) {
    $(id).addEventListener("change", renderMoves);
  }
  $("#filter-teacher").addEventListener("input", renderMoves);
  for (const th of document.querySelectorAll("#moves-table th[data-sort]")) {
    const sortBy = () => {
      sort = { key: th.dataset.sort, ascending: sort.key === th.dataset.sort ? !sort.ascending : true };
      renderMoves();
    };
    // Reachable by Tab and sorted by Enter or Space, as by a click.
    th.tabIndex = 0;
    th.addEventListener("click", sortBy);
    th.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      sortBy();
    });
  }
  $("#why-teacher-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const teacher = oneTeacher(scenario.document.teachers, $("#why-teacher").value, $("#why-status"));
    if (teacher) explain("teachers", teacher.teacher_id);
  });
  $("#why-school-form").addEventListener("submit", (event) => {
    event.preventDefault();
    explain("schools", $("#why-school").value);
  });
}

/** Shows the report, and the moves and explanations when the job has a plan. */
export function renderPlanTables(nextJob, nextScenario, hasPlan) {
  job = nextJob;
  scenario = nextScenario;
  const schools = new Map(scenario.document.schools.map((s) => [s.school_id, s]));
  const teachers = new Map(scenario.document.teachers.map((teacher) => [teacher.teacher_id, teacher]));
  byId = { schools, teachers };
  renderReport();
  rows = [...(job.moves ?? []), ...(job.exchanges ?? [])].map((move) => ({
    move,
    teacher: teachers.has(move.teacher_id) ? teacherLabel(teachers.get(move.teacher_id)) : move.teacher_id,
    from: label(schools, move.from_school),
    to: label(schools, move.to_school),
    region: schools.get(move.from_school)?.region ?? "",
    reasons: move.reason ? move.reason.split(";") : [],
  }));
  for (const id of ["#moves-table", "#why"]) reveal($(id).closest(".card"), hasPlan);
  reveal($("#staffing"), hasPlan);
  fillFilters();
  renderMoves();
  renderStaffing(schools, teachers);
  fillSuggestions($("#why-teachers"), scenario.document.teachers);
  replaceChildren($("#why-school"), scenario.document.schools.map((s) => h("option", { value: s.school_id, text: label(schools, s.school_id) })));
  $("#why-text").hidden = true;
  $("#why-status").hidden = true;
}

function label(schools, id) {
  const name = schools.get(id)?.name;
  return name && name !== id ? `${id} ${name}` : id;
}

/** A report row's key in words: "S008/music" → "S008 某某小学 · 音乐", "all" → "全县". */
function place(key) {
  const { schools, teachers } = byId;
  const part = (text) => {
    if (schools.has(text)) return label(schools, text);
    if (teachers.has(text)) return teacherLabel(teachers.get(text));
    for (const name of [`report.key_${text}`, postKey(text)]) if (has(name)) return t(name);
    return text;
  };
  return key.split("/").map(part).join(" · ");
}

function postKey(post) {
  return post === "principal" || post === "vice_principal" ? `post.${post}` : `subject.${post}`;
}

// --- the rule report ---------------------------------------------------------------------------

function renderReport() {
  const report = job.report ?? [];
  const byRule = new Map();
  for (const row of report) {
    const counts = byRule.get(row.rule) ?? { met: 0, violated: 0, not_applicable: 0, mode: row.mode };
    counts[row.status] += 1;
    byRule.set(row.rule, counts);
  }
  replaceChildren(
    $("#report-glance"),
    [...byRule].map(([rule, c]) => {
      const state = c.violated ? "violated" : c.met ? "met" : "not_applicable";
      return h(
        "span",
        { class: `chip ${state}`, title: rule },
        h("span", { class: "mark", text: { violated: "✗", met: "✓", not_applicable: "–" }[state] }),
        h("span", { i18n: `rule.${rule}` }),
        " ",
        h("span", { i18n: `report.glance_${state}`, args: { met: c.met, violated: c.violated } }),
      );
    }),
  );
  const onlyViolated = $("#report-violated").checked;
  // Violated rows first (worst shortfall first), then the rest in the report's order.
  const shown = report
    .filter((row) => !onlyViolated || row.status === "violated")
    .map((row, index) => ({ row, index }))
    .sort((a, b) => (b.row.status === "violated") - (a.row.status === "violated") || a.index - b.index)
    .map(({ row }) => row);
  replaceChildren(
    $("#report-table tbody"),
    shown.map((row) =>
      h(
        "tr",
        { class: row.status },
        h("td", {}, h("span", { class: `badge ${row.status}`, i18n: `report_status.${row.status}` })),
        h("td", { class: "nowrap", i18n: `rule.${row.rule}` }),
        h("td", { class: "nowrap", i18n: `choice.${row.mode}` }),
        h("td", { text: () => place(row.key) }),
        h("td", { class: "num", text: number(row.target, 4) }),
        h("td", { class: "num", text: number(row.achieved, 4) }),
        h("td", { class: "num", text: number(row.shortfall, 4) }),
        h("td", { zh: row.sentence_zh, en: row.sentence_en }),
      ),
    ),
  );
}

// --- the moves -----------------------------------------------------------------------------------

function fillFilters() {
  const options = (select, values, text) => {
    const kept = select.value;
    replaceChildren(
      select,
      h("option", { value: "", i18n: "moves.all" }),
      [...values].sort().map((value) => h("option", { value, text: () => text(value) })),
    );
    select.value = values.has(kept) ? kept : "";
  };
  const schoolLabels = new Map(rows.flatMap((r) => [[r.move.from_school, r.from], [r.move.to_school, r.to]]));
  options($("#filter-school"), new Set(schoolLabels.keys()), (id) => schoolLabels.get(id));
  options($("#filter-subject"), new Set(rows.map((r) => r.move.subject)), (post) => t(postKey(post)));
  options($("#filter-region"), new Set(rows.map((r) => r.region)), (region) => region);
  options($("#filter-reason"), new Set(rows.flatMap((r) => r.reasons)), (rule) => t(`rule.${rule}`));
  options($("#filter-kind"), new Set(rows.map((r) => r.move.kind)), (kind) => t(`kind.${kind}`));
}

const SORT_VALUE = {
  teacher: (r) => r.move.teacher_id,
  from: (r) => r.move.from_school,
  to: (r) => r.move.to_school,
  subject: (r) => t(postKey(r.move.subject)),
  region: (r) => r.region,
  kind: (r) => t(`kind.${r.move.kind}`),
  term: (r) => r.move.term_years,
  reason: (r) => r.move.reason,
};

function renderMoves() {
  const school = $("#filter-school").value;
  const subject = $("#filter-subject").value;
  const region = $("#filter-region").value;
  const reason = $("#filter-reason").value;
  const kind = $("#filter-kind").value;
  const who = $("#filter-teacher").value.trim().toLowerCase();
  const value = SORT_VALUE[sort.key];
  const shown = rows
    .filter((r) => !school || r.move.from_school === school || r.move.to_school === school)
    .filter((r) => !subject || r.move.subject === subject)
    .filter((r) => !region || r.region === region)
    .filter((r) => !reason || r.reasons.includes(reason))
    .filter((r) => !kind || r.move.kind === kind)
    .filter((r) => !who || r.teacher.toLowerCase().includes(who))
    .sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), lang() === "zh" ? "zh" : "en");
      return sort.ascending ? order : -order;
    });
  for (const th of document.querySelectorAll("#moves-table th[data-sort]")) {
    th.setAttribute("aria-sort", th.dataset.sort === sort.key ? (sort.ascending ? "ascending" : "descending") : "none");
  }
  replaceChildren(
    $("#moves-table tbody"),
    shown.map((r) =>
      h(
        "tr",
        {},
        h("td", {}, h("button", { type: "button", class: "link", text: r.teacher, title: () => t("why.explain"), onclick: () => explainFromTable(r.move.teacher_id) })),
        h("td", { text: r.from }),
        h("td", { text: r.to }),
        h("td", { i18n: postKey(r.move.subject) }),
        h("td", { text: r.region }),
        h("td", { class: `nowrap kind ${r.move.kind}`, i18n: `kind.${r.move.kind}` }),
        h("td", { class: "num", text: r.move.term_years }),
        h("td", {}, reasons(r.move.reason)),
      ),
    ),
  );
  replaceChildren($("#moves-count"), h("span", { i18n: "moves.count", args: { shown: shown.length, total: rows.length } }));
}

// --- staffing: hires, 走教 and the principals after the plan --------------------------------------

function renderStaffing(schools, teachers) {
  const teacher = (id) => `${id} ${teachers.get(id)?.name ?? ""}`.trim();
  const hires = job.hires ?? [];
  replaceChildren(
    $("#hires-table tbody"),
    hires.map((hire) =>
      h(
        "tr",
        {},
        h("td", { text: label(schools, hire.school_id) }),
        h("td", { i18n: postKey(hire.subject) }),
        h("td", { class: "num", text: hire.posts }),
        h("td", { class: "nowrap", i18n: `hire_kind.${hire.kind}` }),
        h("td", {}, reasons(hire.reason)),
      ),
    ),
  );
  table("#hires-table", "#hires-empty", hires);
  const summary = job.summary ?? {};
  replaceChildren(
    $("#hires-facts"),
    summary.hire_budget === undefined ? null : h("span", { i18n: "hires.used", args: { hires: summary.hires, budget: summary.hire_budget } }),
  );
  const itinerant = job.itinerant ?? [];
  replaceChildren(
    $("#itinerant-table tbody"),
    itinerant.map((a) =>
      h(
        "tr",
        {},
        h("td", { text: teacher(a.teacher_id) }),
        h("td", { text: label(schools, a.home_school) }),
        h("td", { text: label(schools, a.school_id) }),
        h("td", { i18n: postKey(a.subject) }),
        h("td", { class: "num", text: number(a.share, 2) }),
      ),
    ),
  );
  table("#itinerant-table", "#itinerant-empty", itinerant);
  const leaders = job.leaders ?? [];
  replaceChildren(
    $("#leaders-table tbody"),
    leaders.map((leader) =>
      h(
        "tr",
        {},
        h("td", { text: label(schools, leader.school_id) }),
        h("td", { text: teacher(leader.teacher_id) }),
        h("td", { class: "nowrap", i18n: `leader_how.${leader.how}` }),
      ),
    ),
  );
  table("#leaders-table", "#leaders-empty", leaders);
}

/** A staffing table shows its rows, or its "none" line when it has none. */
function table(tableId, emptyId, items) {
  reveal($(tableId), items.length > 0);
  reveal($(emptyId), items.length === 0);
}

function reasons(reason) {
  return (reason ? reason.split(";") : []).map((rule, i) => [i ? ", " : "", h("span", { i18n: `rule.${rule}` })]);
}

// --- why: the explanations API -------------------------------------------------------------------

function explainFromTable(teacherId) {
  const teacher = scenario.document.teachers.find((each) => each.teacher_id === teacherId);
  $("#why-teacher").value = teacher ? teacherLabel(teacher) : teacherId;
  $("#why").scrollIntoView({ behavior: "smooth", block: "start" });
  explain("teachers", teacherId);
}

async function explain(kind, id) {
  const out = $("#why-status");
  const text = $("#why-text");
  if (!id) {
    status(out, "error", "why.pick_school");
    return;
  }
  text.hidden = true;
  status(out, "busy", kind === "teachers" ? "why.working_teacher" : "why.working_school", { id });
  try {
    const answer = await api(`/v1/plans/${job.id}/${kind}/${encodeURIComponent(id)}?lang=${lang()}`);
    out.hidden = true;
    text.dataset.zh = answer.text_zh;
    text.dataset.en = answer.text_en;
    text.textContent = answer[`text_${lang()}`];
    text.hidden = false;
  } catch (error) {
    showError(out, error);
  }
}
