// Where two JSON values (two recipes) first differ, as a readable dot-path with both values, so that a
// refusal can say exactly which field makes a stored run belong to another recipe. Key order does not
// count: two objects with the same keys and values are equal.

/** `null` when `a` and `b` are equal; else e.g. `backend: "wasm" there, "auto" here`. */
export function recipeDifference(there: unknown, here: unknown, path = ''): string | null {
  const at = path === '' ? '(the whole recipe)' : path;
  const describe = () => `${at}: ${JSON.stringify(there)} there, ${JSON.stringify(here)} here`;
  if (Array.isArray(there) || Array.isArray(here)) {
    if (!Array.isArray(there) || !Array.isArray(here) || there.length !== here.length) return describe();
    for (let i = 0; i < there.length; i++) {
      const d = recipeDifference(there[i], here[i], path === '' ? String(i) : `${path}.${i}`);
      if (d !== null) return d;
    }
    return null;
  }
  if (isRecord(there) && isRecord(here)) {
    const keys = [...new Set([...Object.keys(there), ...Object.keys(here)])];
    for (const key of keys) {
      const sub = path === '' ? key : `${path}.${key}`;
      if (!Object.hasOwn(there, key) || !Object.hasOwn(here, key)) {
        return `${sub}: ${Object.hasOwn(there, key) ? 'present there, missing here' : 'missing there, present here'}`;
      }
      const d = recipeDifference(there[key], here[key], sub);
      if (d !== null) return d;
    }
    return null;
  }
  return there === here ? null : describe();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
