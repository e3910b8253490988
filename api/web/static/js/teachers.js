// Finding a teacher by what a planner knows: the id, the name, or the "T001 张三" a suggestion list
// gives. Every teacher field of the page (why, adjust, the moves filter) reads it the same way.

import { h, replaceChildren, status } from "./dom.js";
import { lang } from "./i18n.js";

/** "T001 张三": how a teacher is listed and suggested. */
export function teacherLabel(teacher) {
  return teacher.name && teacher.name !== teacher.teacher_id ? `${teacher.teacher_id} ${teacher.name}` : teacher.teacher_id;
}

/**
 * The teachers `query` names: the one whose id it is (or starts with, as a suggestion does), else
 * those whose name is exactly it, else those whose id or name contains it.
 */
export function findTeachers(teachers, query) {
  const text = query.trim();
  if (!text) return [];
  const first = text.split(/\s+/)[0];
  const byId = teachers.find((teacher) => teacher.teacher_id === text || teacher.teacher_id === first);
  if (byId) return [byId];
  const named = teachers.filter((teacher) => teacher.name === text);
  if (named.length) return named;
  const lower = text.toLowerCase();
  return teachers.filter((teacher) => teacher.teacher_id.toLowerCase().includes(lower) || (teacher.name ?? "").includes(text));
}

/** The suggestions of a teacher field: every teacher as "T001 张三". */
export function fillSuggestions(datalist, teachers) {
  replaceChildren(datalist, teachers.map((teacher) => h("option", { value: teacherLabel(teacher) })));
}

/** The one teacher `query` names, or null with why on the status line `out` (none, or which ones). */
export function oneTeacher(teachers, query, out) {
  const text = query.trim();
  const found = findTeachers(teachers, text);
  if (found.length === 1) return found[0];
  if (!text) status(out, "error", "teacher.pick");
  else if (!found.length) status(out, "error", "teacher.none", { query: text });
  else {
    const names = () => found.slice(0, 8).map(teacherLabel).join(lang() === "zh" ? "、" : ", ");
    status(out, "error", "teacher.many", { query: text, n: found.length, names });
  }
  return null;
}
