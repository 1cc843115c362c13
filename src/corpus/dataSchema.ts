// The corpus data's words as valibot schemas: a number in [0,1], an object with known fields, each
// refusal worded as the lab's corpus readers word it (`must be a number in [0,1000]`, `is missing: it
// must be an integer in [1,12]`, `is not a known field (known: ...)`), and `parseData`, which throws
// the first problem as a CorpusDataError naming the file and the field path.
import * as v from 'valibot';
import { CorpusDataError, RESERVED_KEYS, joinPath } from './dataReader.ts';

/** What each field schema must be, for the "is missing: it must be ..." of its object. */
const WHAT = new WeakMap<object, string>();

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

/** A plain object: prototype names and keys outside `known` are refused, then `entries` are checked in
 * order (`v.optional` ones may be absent). A missing field says what it must be, or only "is missing"
 * with `bareMissing`. */
export function dataObject<T extends v.ObjectEntries>(
  entries: T,
  {
    known = Object.keys(entries),
    bareMissing = false,
  }: { known?: readonly string[]; bareMissing?: boolean } = {},
) {
  return named(
    v.pipe(
      v.custom<Record<string, unknown>>(isRecord, mustBe('an object')),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) return;
        const input = dataset.value;
        const keys = Object.keys(input);
        const reserved = keys.find((key) => RESERVED_KEYS.has(key));
        const unknown = keys.find((key) => !known.includes(key));
        const key = reserved ?? unknown;
        if (key === undefined) return;
        addIssue({
          message:
            key === reserved
              ? 'is a reserved name, not a field'
              : `is not a known field (known: ${known.join(', ')})`,
          path: [{ type: 'object', origin: 'key', input, key, value: input[key] }],
        });
      }),
      v.strictObject(entries, (issue) => {
        const key = (issue.path?.at(-1) as { key?: unknown } | undefined)?.key;
        const what =
          typeof key === 'string' && Object.hasOwn(entries, key) ? WHAT.get(entries[key]!) : undefined;
        return bareMissing || what === undefined ? 'is missing' : `is missing: it must be ${what}`;
      }),
    ),
    'an object',
  );
}

/** The value as `schema` reads it, or a CorpusDataError for its first problem (paths under `root`). */
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
