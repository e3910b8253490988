// Policy values by dotted name, as policy.toml and the API's overrides spell them.

/** The value of `rule.name` ("priority.music" inside "shortage") in a policy's rules, or undefined. */
export function valueAt(rules, rule, name) {
  let value = rules?.[rule];
  for (const part of name.split(".")) value = value?.[part];
  return value;
}

/** `rule.param=value` as the API takes it; the value is written as TOML (JSON's syntax for these). */
export function override(rule, name, value) {
  return `${rule}.${name}=${JSON.stringify(value)}`;
}

/** The policy a job was solved under: the scenario's, with the job's overrides applied in order. */
export function withOverrides(policy, overrides = []) {
  const rules = structuredClone(policy?.rules ?? {});
  for (const assignment of overrides) {
    const at = assignment.indexOf("=");
    const path = assignment.slice(0, at).trim().split(".");
    if (at < 0 || path.length < 2) continue;
    let value;
    try {
      value = JSON.parse(assignment.slice(at + 1));
    } catch {
      value = assignment.slice(at + 1).trim();
    }
    let table = rules;
    for (const part of path.slice(0, -1)) table = table[part] ??= {};
    table[path.at(-1)] = value;
  }
  return { ...policy, rules };
}
