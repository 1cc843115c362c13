// The corpus data's refusal and the helpers its schemas (dataSchema.ts) share: every refusal names the
// file and the field path (e.g. `corpora/personas/malicious.json: domains.code.cheat must be a number in
// [0,1]`).

export class CorpusDataError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field === '' ? '(top level)' : field} ${detail}`);
    this.name = 'CorpusDataError';
  }
}

export function joinPath(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix === '' ? key : `${prefix}.${key}`;
}

const SLOT = /\{([^{}]*)\}/g;

/** Keys that name an object's prototype machinery: never data, refused in every file. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Slot names used by a template such as `test {call} fails.` in order of appearance. */
export function templateSlots(template: string): string[] {
  const slots: string[] = [];
  for (const match of template.matchAll(SLOT)) slots.push(match[1] ?? '');
  return slots;
}
