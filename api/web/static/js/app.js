// The planner's page: sign in with a region key, then views by URL hash —
// #/scenarios, #/roadmap/<scenario>[/<roadmap>], #/tune/<scenario>[/<plan> whose settings it starts from], #/job/<plan>, #/notice/<plan>, #/whatif/<scenario>, #/compare/<plan>,<plan>,...

import * as adjust from "./adjust.js";
import { currentKey, errorText, keyPrefix, signIn, signOut, whenUnauthorized } from "./api.js";
import * as compare from "./compare.js";
import { $, flash } from "./dom.js";
import { setLang, translate } from "./i18n.js";
import * as job from "./job.js";
import * as lifecycle from "./lifecycle.js";
import * as notice from "./notice.js";
import * as plan from "./plan.js";
import * as roadmap from "./roadmap.js";
import * as scenarios from "./scenarios.js";
import { setContext } from "./state.js";
import * as tune from "./tune.js";
import * as whatif from "./whatif.js";

const VIEWS = {
  scenarios: { section: "#view-scenarios", nav: "scenarios", show: () => scenarios.show() },
  tune: { section: "#view-tune", nav: "tune", show: (id, plan) => tune.show(id, plan) },
  job: { section: "#view-job", nav: "job", show: (id) => Promise.all([job.show(id), lifecycle.show(id)]).then(([leave]) => leave) },
  notice: { section: "#view-notice", nav: "job", show: (id) => notice.show(id) },
  whatif: { section: "#view-whatif", nav: "whatif", show: (id) => whatif.show(id) },
  compare: { section: "#view-compare", nav: "whatif", show: (ids) => compare.show(ids.split(",")) },
  roadmap: { section: "#view-roadmap", nav: "tune", show: (id, roadmapId) => roadmap.show(id, roadmapId) },
};

let leave = null;

async function route() {
  if (leave) leave();
  leave = null;
  const signedIn = Boolean(currentKey());
  $("#nav").hidden = !signedIn;
  $("#sign-out").hidden = !signedIn;
  $("#whoami").textContent = signedIn ? keyPrefix() : "";
  const [, name = "scenarios", arg = "", extra = ""] = location.hash.split("/");
  const view = signedIn ? VIEWS[name] ?? VIEWS.scenarios : null;
  for (const section of document.querySelectorAll("main > section.view")) section.hidden = true;
  for (const link of document.querySelectorAll("[data-nav]")) link.classList.toggle("active", link.dataset.nav === view?.nav);
  if (!view) {
    $("#view-signin").hidden = false;
    $("#signin-key").focus();
    return;
  }
  $(view.section).hidden = false;
  try {
    leave = (await view.show(decodeURIComponent(arg), decodeURIComponent(extra))) ?? null;
  } catch (error) {
    flash("error.generic", { detail: errorText(error) }, "error");
  }
}

async function submitKey(event) {
  event.preventDefault();
  const out = $("#signin-error");
  out.hidden = true;
  try {
    await signIn($("#signin-key").value.trim());
    $("#signin-key").value = "";
    if (!location.hash || location.hash === "#/signin") location.hash = "#/scenarios";
    else await route();
  } catch (error) {
    out.textContent = errorText(error);
    out.hidden = false;
  }
}

function start() {
  translate();
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLang(button.dataset.lang));
  }
  $("#signin-form").addEventListener("submit", submitKey);
  $("#sign-out").addEventListener("click", () => {
    signOut();
    setContext({ scenarioId: null, jobId: null });
    location.hash = "#/signin";
  });
  whenUnauthorized(() => {
    signOut();
    flash("signin.expired", {}, "error");
    route();
  });
  for (const module of [scenarios, tune, job, plan, adjust, lifecycle, notice, whatif, compare, roadmap]) module.init();
  window.addEventListener("hashchange", route);
  route();
}

// Module scripts run after the document is parsed; echarts.min.js (deferred) is loaded by then too.
start();

