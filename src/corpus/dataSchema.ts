// The corpus data's words as valibot schemas: a number in [0,1], an object with known fields, each
// refusal worded as the lab's corpus readers word it (`must be a number in [0,1000]`, `is missing: it
// must be an integer in [1,12]`, `is not a known field (known: ...)`), and `parseData`, which throws
// the first problem as a CorpusDataError naming the file and the field path.
import * as v from 'valibot';
import { CorpusDataError, RESERVED_KEYS, joinPath, templateSlots } from './corpusDataError.ts';

/** What each field schema must be, for the "is missing: it must be ..." of its object. */
const WHAT = new WeakMap<object, string>();
/** A field's own words when it is missing, where they are not "is missing: it must be ...". */
const MISSING = new WeakMap<object, string>();

/** What a schema (or the first schema of its pipe) must be. */
function whatOf(schema: object): string | undefined {
  const pipe = (schema as { pipe?: object[] }).pipe;
  return WHAT.get(schema) ?? (pipe && pipe[0] !== schema ? whatOf(pipe[0]!) : undefined);
}

/** `schema`, whose absence reads `message` (as its wrong value does). */
export function whenMissing<T extends object>(schema: T, message: string): T {
  MISSING.set(schema, message);
  return schema;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message of a value that is not `what`: a missing one says so. */
export const mustBe = (what: string) => (issue: v.BaseIssue<unknown>) =>
  issue.input === undefined ? `is missing: it must be ${what}` : `must be ${what}`;

function named<T extends object>(schema: T, what: string): T {
  WHAT.set(schema, what);
  return schema;
}

function bounded(kind: 'number' | 'integer', min: number, max: number) {
  const what = `${kind === 'number' ? 'a number' : 'an integer'} in [${min},${max}]`;
  const message = mustBe(what);
  return named(
    v.pipe(
      v.number(message),
      kind === 'number' ? v.finite(message) : v.integer(message),
      v.minValue(min, message),
      v.maxValue(max, message),
    ),
    what,
  );
}

export const dataNumber = (min: number, max: number) => bounded('number', min, max);
export const dataInteger = (min: number, max: number) => bounded('integer', min, max);
export const probability = () => dataNumber(0, 1);

/** A non-empty string. */
export const dataString = () => {
  const message = mustBe('a non-empty string');
  return named(v.pipe(v.string(message), v.minLength(1, message)), 'a non-empty string');
};

/** Content text: only characters of the content alphabet (plus `{slot}` braces). */
export function dataText(alphabet: string, allowEmpty = false) {
  const what = allowEmpty ? 'a string' : 'a non-empty string';
  const message = mustBe(what);
  const foreign = (text: string) => [...text].find((c) => c !== '{' && c !== '}' && !alphabet.includes(c));
  return named(
    v.pipe(
      v.string(message),
      v.minLength(allowEmpty ? 0 : 1, message),
      v.check(
        (text) => foreign(text) === undefined,
        (issue) =>
          `has the character ${JSON.stringify(foreign(issue.input))}, which is not in format.contentAlphabet`,
      ),
    ),
    what,
  );
}

/** A non-empty list of content texts (each may be empty with `allowEmptyItems`). */
export function dataTextList(alphabet: string, allowEmptyItems = false) {
  const message = mustBe('a non-empty list of strings');
  return named(
    v.pipe(
      v.array(v.unknown(), message),
      v.minLength(1, message),
      v.array(dataText(alphabet, allowEmptyItems)),
    ),
    'a non-empty list of strings',
  );
}

/** One of `options`. */
export function dataOneOf<const T extends readonly string[]>(options: T) {
  const what = `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
  return named(v.picklist(options, mustBe(what)), what);
}

/** Why `template` may not be used where only `allowed` slots are, or null when it may. */
export function slotProblem(template: string, allowed: readonly string[]): string | null {
  const slot = templateSlots(template).find((s) => !allowed.includes(s));
  return slot === undefined
    ? null
    : `uses the unknown slot {${slot}} (allowed here: ${allowed.map((s) => `{${s}}`).join(' ')})`;
}

/** Content text whose slots are all in `allowed`. */
export function dataTemplate(alphabet: string, allowed: readonly string[]) {
  return v.pipe(
    dataText(alphabet),
    v.check(
      (text) => slotProblem(text, allowed) === null,
      (issue) => slotProblem(issue.input, allowed)!,
    ),
  );
}

/** Templates whose `{slots}` are all in `allowed` (checked after the whole list is read as text). */
export function withSlots<T extends v.GenericSchema<unknown, string[]>>(list: T, allowed: readonly string[]) {
  return v.pipe(
    list,
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const [i, template] of dataset.value.entries()) {
        const problem = slotProblem(template, allowed);
        if (problem === null) continue;
        addIssue({
          message: problem,
          path: [{ type: 'array', origin: 'value', input: dataset.value, key: i, value: template }],
        });
        return;
      }
    }),
  );
}

/** A plain object: prototype names and keys outside `known` (any key when it is null) are refused, then
 * `entries` are checked in order (`v.optional` ones may be absent; fields of `known` without an entry are
 * left to another stage). A missing field says what it must be, or only "is missing" with `bareMissing`. */
export function dataObject<T extends v.ObjectEntries>(
  entries: T,
  {
    known = Object.keys(entries),
    bareMissing = false,
  }: { known?: readonly string[] | null; bareMissing?: boolean } = {},
) {
  return named(
    v.pipe(
      v.custom<Record<string, unknown>>(isRecord, mustBe('an object')),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) return;
        const input = dataset.value;
        const keys = Object.keys(input);
        const reserved = keys.find((key) => RESERVED_KEYS.has(key));
        const unknown = known === null ? undefined : keys.find((key) => !known.includes(key));
        const key = reserved ?? unknown;
        if (key === undefined) return;
        addIssue({
          message:
            key === reserved
              ? 'is a reserved name, not a field'
              : `is not a known field (known: ${known!.join(', ')})`,
          path: [{ type: 'object', origin: 'key', input, key, value: input[key] }],
        });
      }),
      // Keys outside `known` are refused above; `known` may name fields another stage checks.
      v.looseObject(entries, (issue) => {
        const key = (issue.path?.at(-1) as { key?: unknown } | undefined)?.key;
        const entry = typeof key === 'string' && Object.hasOwn(entries, key) ? entries[key]! : undefined;
        const own = entry && MISSING.get(entry);
        if (own !== undefined) return own;
        const what = entry && whatOf(entry);
        return bareMissing || what === undefined ? 'is missing' : `is missing: it must be ${what}`;
      }),
    ),
    'an object',
  );
}

/** The value as `schema` reads it, or a CorpusDataError for its first problem (paths under `root`). */
/** The issue path to the value of `key` in `input`. */
export const at = (input: Record<string, unknown>, key: string): [v.IssuePathItem] => [
  { type: 'object', origin: 'value', input, key, value: input[key] },
];

/** The issue reporter a whole-map check gets (valibot's rawCheck one). */
export type AddIssue = (issue: { message: string; path?: [v.IssuePathItem, ...v.IssuePathItem[]] }) => void;

/**
 * An object of free keys (`known` lists the allowed ones; null allows any) whose entries are checked
 * together once its shape holds: `check` gets the object, the issue reporter and whether any issue is
 * already reported.
 */
export function checkedMap(
  known: readonly string[] | null,
  check: (value: Record<string, unknown>, addIssue: AddIssue, reported: () => boolean) => void,
) {
  return v.pipe(
    dataObject({}, { known }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      check(dataset.value, addIssue, () => dataset.issues !== undefined);
    }),
  );
}

export function parseData<T extends v.GenericSchema>(
  schema: T,
  value: unknown,
  file: string,
  root = '',
): v.InferOutput<T> {
  const result = v.safeParse(schema, value, { abortEarly: true, abortPipeEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  let path = root;
  for (const item of issue.path ?? []) path = joinPath(path, item.key as string | number);
  throw new CorpusDataError(file, path, issue.message);
}
