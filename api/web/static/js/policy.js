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
