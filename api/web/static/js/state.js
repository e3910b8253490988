// Which scenario and plan the page is on: the nav links follow them.

const context = { scenarioId: null, jobId: null };

export function setContext(next) {
  Object.assign(context, next);
  link("tune", context.scenarioId && `#/tune/${context.scenarioId}`);
  link("whatif", context.scenarioId && `#/whatif/${context.scenarioId}`);
  link("job", context.jobId && `#/job/${context.jobId}`);
}

function link(name, href) {
  const el = document.querySelector(`[data-nav="${name}"]`);
  if (href) {
    el.href = href;
    el.removeAttribute("aria-disabled");
  } else {
    el.removeAttribute("href");
    el.setAttribute("aria-disabled", "true");
  }
}

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}
