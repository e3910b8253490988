// 5. When hard rules collide: each minimal conflict set in words, and its proposed relaxations,
// each with a button that stores the relaxed variant of the scenario and solves it.

import { api, showError } from "./api.js";
import { $, h, number, replaceChildren, reveal, status } from "./dom.js";
import { lang } from "./i18n.js";
import { go } from "./state.js";

export function renderConflicts(job, scenario) {
  const conflicts = job.conflicts ?? [];
  reveal($("#conflicts"), conflicts.length > 0);
  replaceChildren(
    $("#conflict-list"),
    conflicts.map((conflict, index) => {
      const relaxations = (job.relaxations ?? []).filter((r) => r.conflict === index);
      const out = h("p", { class: "status", hidden: true });
      return h(
        "div",
        { class: "conflict" },
        h("h3", { i18n: "conflicts.set", args: { n: index + 1, size: conflict.members.length } }),
        h("p", { class: "summary", zh: conflict.summary_zh, en: conflict.summary_en }),
        h("details", {},
          h("summary", { i18n: "conflicts.members", args: { n: conflict.members.length } }),
          h("ul", {}, conflict.members.map((m) =>
            h("li", {}, h("strong", { i18n: `rule.${m.rule}` }), " · ", h("span", { zh: m.sentence_zh, en: m.sentence_en }))))),
        h("h4", { i18n: relaxations.length ? "conflicts.relaxations" : "conflicts.no_relaxations" }),
        h("ol", { class: "relaxations" }, relaxations.map((r) =>
          h(
            "li",
            {},
            h("span", { class: "sentence", zh: r.sentence_zh, en: r.sentence_en }),
            h("span", { class: "muted small", i18n: "conflicts.cost", args: { units: number(r.units, 2), unit_zh: r.unit_zh || "", unit_en: r.unit_en || "", cost: number(r.plan_cost, 1) } }),
            h("button", { type: "button", class: "primary small", i18n: "conflicts.apply", onclick: (e) => apply(e.target, job, scenario, r, out) }),
          ))),
        out,
      );
    }),
  );
}

/** The relaxed scenario as a variant (the job's own overrides first, the relaxation's last), solved. */
async function apply(button, job, scenario, relaxation, out) {
  button.disabled = true;
  const edits = {
    overrides: [...(job.request.overrides ?? []), ...relaxation.overrides],
    update_schools: relaxation.school_fields.map(([school_id, field, value]) => ({ school_id, [field]: value })),
    remove_pins: relaxation.drop_pins,
  };
  const label = `${scenario.name} · ${relaxation[`sentence_${lang()}`]}`.slice(0, 200);
  status(out, "busy", "conflicts.applying");
  try {
    const variant = await api(`/v1/scenarios/${scenario.id}/variants`, { method: "POST", json: { label, edits } });
    const next = await api("/v1/plans", {
      method: "POST",
      json: { scenario_id: variant.id, time_limit: job.request.time_limit, seed: job.request.seed ?? 0, label },
    });
    go(`#/job/${next.id}`);
  } catch (error) {
    showError(out, error);
    button.disabled = false;
  }
}
