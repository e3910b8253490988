// The page's two languages. Labels come from the dictionary the server embeds (#messages);
// an element shows a label by data-i18n (+ data-i18n-args), a pair of API sentences by
// data-zh / data-en, or anything else said in words (a joined list, a date, a chart) by a paint
// function given to live(), so switching language rewrites the page in place from the data
// already fetched: nothing is fetched again and the user's inputs and scroll stay as they are.

const messages = JSON.parse(document.getElementById("messages").textContent);
/** Element → its paint functions by slot (text, an attribute, a chart): what live() registered.
 * Held weakly: a table row drawn over is collected with its paints. */
const paints = new WeakMap();
const painted = new Set(); // WeakRefs of the elements in `paints`, to go through them
let pruneAbove = 1024;
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
  // After the labels: a paint may read one (a parameter's label in the tune form).
  for (const ref of painted) {
    const el = ref.deref();
    if (!el) painted.delete(ref);
    else if (el.isConnected && root.contains(el)) for (const paint of paints.get(el).values()) paint(el);
  }
}

/**
 * Paints `el` now, and again after every language switch while it is on the page. One paint per
 * `slot` of an element: painting the same slot again replaces the old paint. A paint belongs to
 * an element made for it (or one only its view writes), so a text written over it cannot come back.
 */
export function live(el, paint, slot = "text") {
  if (!paints.has(el)) {
    paints.set(el, new Map());
    painted.add(new WeakRef(el));
  }
  paints.get(el).set(slot, paint);
  paint(el);
  if (painted.size > pruneAbove) {
    for (const ref of painted) if (!ref.deref()) painted.delete(ref);
    pruneAbove = 2 * Math.max(512, painted.size);
  }
  return el;
}

/** Drops `el`'s paints (a chart disposed of). */
export function forget(el) {
  paints.get(el)?.clear();
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
}
