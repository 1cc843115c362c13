// The lab's words for the JSON files it writes and reads back (results.json, run-state.json, result
// cards, job plans), built on valibot: each part is a valibot schema whose messages read as the lab's
// (`must be in [0, 1], is 5e+300`), so a file's contract is written once and gives its type
// (InferOutput), its checker (`schemaErrors`) and its documentation (scripts/resultsSchemaDoc.ts reads
// the same parts). A file read back is outside input: numbers must be finite and in range, keys are
// matched as own keys, and prototype names are refused anywhere in the file.
import * as v from 'valibot';
import { RESERVED_KEYS } from '../corpus/index.ts';

/** Any schema of a JSON value (what `schemaErrors` checks against). */
export type Schema = v.GenericSchema;

/** The name of a JSON value's type as messages give it: `integer` for whole numbers. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const typeMessage = (expected: string) => (issue: v.BaseIssue<unknown>) =>
  `must be ${expected}, is ${jsonType(issue.input)}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A number in [min, max] (finite; JSON has no Infinity, but 1e999 parses to it). */
function numeric(kind: 'number' | 'integer', min: number, max: number, expected: string) {
  const range = (issue: v.BaseIssue<unknown>) => `must be in [${min}, ${max}], is ${String(issue.input)}`;
  return v.pipe(
    v.number(typeMessage(expected)),
    kind === 'integer'
      ? v.integer(typeMessage(expected))
      : v.finite((issue) => `must be a finite number, is ${String(issue.input)}`),
    v.minValue(min, range),
    v.maxValue(max, range),
  );
}

export const number = (min = -Infinity, max = Infinity) => numeric('number', min, max, 'number');
export const integer = (min = -Infinity, max = Infinity) => numeric('integer', min, max, 'integer');
export const numberOrNull = (min = -Infinity, max = Infinity) =>
  v.nullable(numeric('number', min, max, 'number or null'));
export const string = () => v.string(typeMessage('string'));
export const stringOrNull = () => v.nullable(v.string(typeMessage('string or null')));
export const boolean = () => v.boolean(typeMessage('boolean'));
/** A field that older files may lack. */
export const optional = <T extends Schema>(schema: T) => v.optional(schema);

export function oneOf<const T extends readonly (string | number)[]>(options: T) {
  return v.picklist(options, `must be one of ${options.join(', ')}`);
}

export function constant<const T extends string | number>(value: T) {
  return v.literal(value, `must be ${JSON.stringify(value)}`);
}

export const list = <T extends Schema>(item: T) => v.array(item, typeMessage('array'));

/** Any object (its keys are some other checker's business, e.g. the recipe validator's). */
export const anyObject = () => v.custom<object>(isRecord, typeMessage('object'));

/** An object of free keys, each value fitting `value`. */
export const mapOf = <T extends Schema>(value: T) => v.pipe(anyObject(), v.record(v.string(), value));

const objectMessage = (expected: string) => (issue: v.BaseIssue<unknown>) => {
  if (issue.expected === 'never') return 'is not a results field';
  if (issue.input === undefined && issue.path?.at(-1)?.origin === 'key') return 'is missing';
  return typeMessage(expected)(issue);
};

/** An object with exactly these fields (the `v.optional` ones may be absent); others are refused. */
export function fields<T extends v.ObjectEntries>(entries: T) {
  return v.pipe(anyObject(), v.strictObject(entries, objectMessage('object')));
}

/** The same, or null. */
export function fieldsOrNull<T extends v.ObjectEntries>(entries: T) {
  return v.nullable(
    v.pipe(
      v.custom<Record<string, unknown>>(isRecord, typeMessage('object or null')),
      v.strictObject(entries, objectMessage('object or null')),
    ),
  );
}

/** The same, or null, with other fields let through (the baseline of older files). */
export function looseFieldsOrNull<T extends v.ObjectEntries>(entries: T) {
  return v.nullable(
    v.pipe(
      v.custom<Record<string, unknown>>(isRecord, typeMessage('object or null')),
      v.object(entries, objectMessage('object or null')),
    ),
  );
}

/** A named part of a file: its own section of the generated documentation, introduced by `description`. */
export const part = <T extends Schema>(schema: T, title: string, description = '') =>
  v.pipe(schema, v.title(title), v.description(description));

/** What a field means, for the generated documentation. */
export const about = <T extends Schema>(schema: T, text: string) => v.pipe(schema, v.description(text));

/** Where every key named `__proto__`, `constructor` or `prototype` sits in a JSON value (iteratively:
 * a file nested a million deep must not overflow the stack). */
function reservedKeyPaths(value: unknown, root: string): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
    } else if (isRecord(node)) {
      const keys = Object.keys(node);
      for (const key of keys) if (RESERVED_KEYS.has(key)) found.push(`${path}.${key}`);
      for (let i = keys.length - 1; i >= 0; i--)
        if (!RESERVED_KEYS.has(keys[i]!)) stack.push([node[keys[i]!], `${path}.${keys[i]!}`]);
    }
  }
  return found;
}

/** An issue's place as the lab writes it: `$.pretrain.evaluations[3].summary.mi`. */
export function issuePath(issue: v.BaseIssue<unknown>, root = '$'): string {
  let path = root;
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    path += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return path;
}

/** Every place where `value` breaks `schema`, as `path: problem` lines (empty when it conforms). */
export function schemaErrors(value: unknown, schema: Schema): string[] {
  const reserved = reservedKeyPaths(value, '$');
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  const issues = (result.issues ?? []).filter((issue) => {
    // A prototype name is reported once, above, not again as an unknown field.
    const key = (issue.path?.at(-1) as { key?: unknown } | undefined)?.key;
    return !(issue.expected === 'never' && typeof key === 'string' && RESERVED_KEYS.has(key));
  });
  return [
    ...reserved.map((path) => `${path}: is a reserved name, not a results field`),
    ...issues.map((issue) => `${issuePath(issue)}: ${issue.message}`),
  ];
}
