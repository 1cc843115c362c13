// Reads one untrusted corpus data file field by field, so that every refusal names the file and the
// field path (e.g. `corpora/personas/malicious.json: domains.code.cheat must be a number in [0,1]`).

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

export class DataReader {
  constructor(
    readonly file: string,
    /** Characters allowed in content text (the slot braces are always allowed). */
    private readonly alphabet: string,
  ) {}

  fail(path: string, detail: string): never {
    throw new CorpusDataError(this.file, path, detail);
  }

  private expect(value: unknown, path: string, what: string): never {
    if (value === undefined) this.fail(path, `is missing: it must be ${what}`);
    this.fail(path, `must be ${what}`);
  }

  /** An object whose keys are all in `known` (when given); unknown keys are refused, never ignored, and
   * so are `__proto__`, `constructor` and `prototype`, which would reach the prototype of what the caller
   * builds from the keys. */
  object(value: unknown, path: string, known?: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.expect(value, path, 'an object');
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (RESERVED_KEYS.has(key)) this.fail(joinPath(path, key), 'is a reserved name, not a field');
    }
    if (known) {
      for (const key of Object.keys(record)) {
        if (!known.includes(key)) {
          this.fail(joinPath(path, key), `is not a known field (known: ${known.join(', ')})`);
        }
      }
    }
    return record;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.length === 0) this.expect(value, path, 'a non-empty string');
    return value;
  }

  /** Content text: only characters of the content alphabet (plus `{slot}` braces). */
  text(value: unknown, path: string, allowEmpty = false): string {
    if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
      this.expect(value, path, allowEmpty ? 'a string' : 'a non-empty string');
    }
    for (const char of value) {
      if (char !== '{' && char !== '}' && !this.alphabet.includes(char)) {
        this.fail(path, `has the character ${JSON.stringify(char)}, which is not in format.contentAlphabet`);
      }
    }
    return value;
  }

  textList(value: unknown, path: string, allowEmptyItems = false): string[] {
    if (!Array.isArray(value) || value.length === 0) this.expect(value, path, 'a non-empty list of strings');
    return value.map((item, i) => this.text(item, joinPath(path, i), allowEmptyItems));
  }

  number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.expect(value, path, `a number in [${min},${max}]`);
    }
    return value;
  }

  probability(value: unknown, path: string): number {
    return this.number(value, path, 0, 1);
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.expect(value, path, `an integer in [${min},${max}]`);
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      this.expect(value, path, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
    }
    return value as T;
  }

  /** Refuses a template whose slots are not all in `allowed`. */
  slots(template: string, path: string, allowed: readonly string[]): void {
    for (const slot of templateSlots(template)) {
      if (!allowed.includes(slot)) {
        this.fail(
          path,
          `uses the unknown slot {${slot}} (allowed here: ${allowed.map((s) => `{${s}}`).join(' ')})`,
        );
      }
    }
  }
}
