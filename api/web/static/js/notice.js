// The 公示 (public notice) of a plan, to print and post: the scenario's notice (policy `notice`:
// title, date, text, objection channel, deadline; each left out takes the default plan.xlsx writes,
// from optimizer/io/filing.py) above the teachers the plan sends, without birth dates.

import { api, scenarioOf } from "./api.js";
import { $, h, replaceChildren, say } from "./dom.js";
import { lang, t } from "./i18n.js";
import { setContext } from "./state.js";

let job = null;
let scenario = null;

export function init() {
  $("#notice-print").addEventListener("click", () => window.print());
}

export async function show(jobId) {
  job = scenario = null;
  setContext({ jobId });
  $("#notice-back").href = `#/job/${jobId}`;
  const plan = await api(`/v1/plans/${jobId}`);
  scenario = await scenarioOf(plan.scenario_id);
  setContext({ scenarioId: plan.scenario_id });
  job = plan;
  render();
}

/** The settings the server rendered from optimizer/io/filing.py. */
function setting(name) {
  return Number($("#view-notice").dataset[name]);
}

function render() {
  const policy = scenario.document.policy ?? {};
  const given = policy.notice ?? {};
  const year = policy.year ?? scenario.year;
  const rows = sent(year);
  const fill = { county: scenario.regions.join("、") || scenario.name, year, count: rows.length };
  const date = given.date ? parseDate(given.date) : today();
  const deadline = given.deadline ? parseDate(given.deadline) : workingDaysAfter(date, setting("workingDays"));
  const channel = () => given.channel || t("notice.channel", fill);
  say($("#notice-title"), () => given.title || t("notice.title", fill));
  say($("#notice-text"), () => given.text || t("notice.text", fill));
  say($("#notice-period"), () => t("notice.period", { date: day(date), deadline: day(deadline) }));
  say($("#notice-objections"), () => t("notice.objections", { channel: channel(), deadline: day(deadline) }));
  say($("#notice-issuer"), () => t("notice.issuer", fill));
  say($("#notice-date"), () => day(date));
  replaceChildren(
    $("#notice-table tbody"),
    rows.map((row, index) =>
      h(
        "tr",
        {},
        h("td", { class: "num", text: index + 1 }),
        h("td", { text: row.name }),
        h("td", { text: row.from }),
        h("td", { text: row.to }),
        h("td", { i18n: row.subject }),
        h("td", { class: "nowrap", i18n: `filing_kind.${row.kind}` }),
        h("td", { class: "nowrap", text: row.span }),
      ),
    ),
  );
}

/** The moves, the exchanges and the 走教 assignments, in plan.xlsx's order. */
function sent(year) {
  const teachers = new Map(scenario.document.teachers.map((teacher) => [teacher.teacher_id, teacher]));
  const schools = new Map(scenario.document.schools.map((school) => [school.school_id, school]));
  const school = (id) => schools.get(id)?.name || id;
  const row = (teacherId, from, to, subject, kind, years) => ({
    name: teachers.get(teacherId)?.name || teacherId,
    from: school(from),
    to: school(to),
    subject: subject === "principal" || subject === "vice_principal" ? `post.${subject}` : `subject.${subject}`,
    kind,
    span: termSpan(year, years),
  });
  return [
    ...[...(job.moves ?? []), ...(job.exchanges ?? [])].map((m) =>
      row(m.teacher_id, m.from_school, m.to_school, m.subject, m.kind, m.term_years),
    ),
    ...(job.itinerant ?? []).map((a) =>
      row(a.teacher_id, a.home_school, a.school_id, a.subject, "itinerant", setting("itinerantYears")),
    ),
  ];
}

/** A term from the school year's first month of the plan year: 3 years from 2027 → 2027.09-2030.08. */
function termSpan(year, years) {
  const first = year * 12 + setting("startMonth") - 1;
  const last = first + 12 * Math.max(1, years) - 1;
  const month = (index) => `${Math.floor(index / 12)}.${String((index % 12) + 1).padStart(2, "0")}`;
  return `${month(first)}-${month(last)}`;
}

function parseDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y, m - 1, d);
}

function today() {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** `days` working days (Monday to Friday) after `date`. */
function workingDaysAfter(date, days) {
  const next = new Date(date);
  while (days > 0) {
    next.setDate(next.getDate() + 1);
    if (next.getDay() !== 0 && next.getDay() !== 6) days -= 1;
  }
  return next;
}

function day(date) {
  if (lang() === "zh") return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日`;
  const two = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}
