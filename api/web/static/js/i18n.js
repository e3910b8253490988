// The page's two languages. Labels come from the dictionary the server embeds (#messages);
// an element shows a label by data-i18n (+ data-i18n-args), or a pair of API sentences by
// data-zh / data-en, so switching language rewrites the page in place.

const messages = JSON.parse(document.getElementById("messages").textContent);
const listeners = [];
let current = document.documentElement.lang.startsWith("zh") ? "zh" : "en";

export function lang() {
  return current;
}

/** The label `key` in the current language, with {name} placeholders filled from `args`. */
export function t(key, args = {}) {
  const entry = messages[key];
  let text = entry ? entry[current] : key;
  for (const [name, value] of Object.entries(args)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

export function has(key) {
  return key in messages;
}

/** Re-translates everything under `root` that carries a label or a sentence pair. */
export function translate(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n, el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : {});
  }
  for (const el of root.querySelectorAll("[data-zh]")) el.textContent = el.dataset[current];
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}

/** Switches language: the cookie makes the server render the next page load in it too. */
export function setLang(next) {
  current = next;
  document.cookie = `rotation_lang=${next}; path=/; max-age=31536000; samesite=lax`;
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === next));
  }
  translate();
  for (const listener of listeners) listener();
}

/** Calls `listener` after every language switch (charts redraw their labels). */
export function onLangChange(listener) {
  listeners.push(listener);
}
