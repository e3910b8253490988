// The page's only data source: the /v1 API, called with the signed-in key (X-API-Key). The key
// stays in this tab's sessionStorage; the server never sees it outside API calls.

import { h } from "./dom.js";
import { has, lang, t } from "./i18n.js";

const KEY = "rotation.key";
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }

  /** Input problems of a 422 about a scenario (file, row, column, message and message_zh / _en), if any. */
  get problems() {
    return this.status === 422 && this.body.error === "invalid_scenario" ? this.body.problems ?? [] : [];
  }
}

export function currentKey() {
  return sessionStorage.getItem(KEY);
}

/** "rk_1a2b3c4d": the key's public prefix, to show who is signed in without showing the key. */
export function keyPrefix() {
  const key = currentKey() ?? "";
  return key.split("_").slice(0, 2).join("_");
}

export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

/** Signs in if the API accepts the key (401 otherwise: the key is not kept). */
export async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    await api("/v1/scenarios?limit=1", { signingIn: true });
  } catch (error) {
    sessionStorage.removeItem(KEY);
    throw error;
  }
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  scenarios.clear();
}

const scenarios = new Map();
const KEPT_SCENARIOS = 4;

/**
 * A scenario with its document (1.7 MB at 3,000 teachers), fetched once while the page is open:
 * a stored scenario never changes (an edit makes a new variant), so every view shares one answer.
 */
export function scenarioOf(id) {
  if (!scenarios.has(id)) {
    const answer = api(`/v1/scenarios/${encodeURIComponent(id)}`);
    answer.catch(() => scenarios.delete(id));
    scenarios.set(id, answer);
    if (scenarios.size > KEPT_SCENARIOS) scenarios.delete(scenarios.keys().next().value);
  }
  return scenarios.get(id);
}

export function forgetScenario(id) {
  scenarios.delete(id);
}

/**
 * A JSON call; `json` is sent as the body, or `form` (multipart). Throws ApiError on 4xx/5xx;
 * a 401 outside signing in means the key was revoked: the page signs out.
 */
export async function api(path, { method = "GET", json, form, signingIn = false } = {}) {
  // Error answers come in the page's language (the API reads Accept-Language).
  const headers = { "X-API-Key": currentKey() ?? "", "Accept-Language": lang() };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch {
    throw new ApiError(0, {});
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 401 && !signingIn) onUnauthorized();
    throw new ApiError(response.status, data);
  }
  return data;
}

/** Saves a file from the API (exports need the key header, so no plain link). */
export async function download(path, filename) {
  const response = await fetch(path, { headers: { "X-API-Key": currentKey() ?? "", "Accept-Language": lang() } });
  if (!response.ok) {
    let body = {};
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(response.status, body);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** What went wrong, in the page's language, with the API's own detail when it has one. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return `${t("error.unexpected")} (${error})`;
  const label = has(`error.${error.status}`) ? t(`error.${error.status}`) : t("error.other", { status: error.status });
  let detail = "";
  // A 401 says all there is to say; other answers carry the API's own message.
  if (typeof error.body.message === "string" && ![0, 401].includes(error.status)) detail = error.body.message;
  if (Array.isArray(error.body.problems) && error.body.problems.length) {
    detail = error.body.problems
      .map((p) => [p.place, p[`message_${lang()}`] ?? p.message])
      .map((parts) => parts.filter(Boolean).join(lang() === "zh" ? ":" : ": ")) // as the CLI prints it
      .join("; ");
  }
  return detail ? `${label} (${detail})` : label;
}

/** Shows an API error on a status line. */
export function showError(el, error) {
  el.className = "status error";
  el.replaceChildren(h("span", { text: () => errorText(error) }));
  el.hidden = false;
}
