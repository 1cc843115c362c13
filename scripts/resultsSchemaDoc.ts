// Renders docs/results-schema.md from the results schema itself (src/experiment/resultsSchema.ts):
// every titled part gets a section, every field a row with its type (read from the schema: ranges,
// choices, nullability) and its meaning (the field's description). `npm run docs:schema` writes it; a
// test fails when the committed file differs, so the doc cannot drift from the checker.
import { format, resolveConfig } from 'prettier';
import type * as v from 'valibot';
import { RESULTS_SCHEMA } from '../src/experiment/resultsSchema.ts';

export const RESULTS_SCHEMA_DOC = 'docs/results-schema.md';

/** The parts of valibot's schema objects this renderer reads. */
interface Node {
  kind: 'schema' | 'validation' | 'metadata' | 'transformation';
  type: string;
  pipe?: Node[];
  wrapped?: Node;
  item?: Node;
  value?: Node;
  entries?: Record<string, Node>;
  options?: readonly (string | number)[];
  literal?: string | number;
  requirement?: unknown;
  title?: string;
  description?: string;
}

const nodeOf = (schema: v.GenericSchema): Node => schema;

const titleOf = (node: Node): string | undefined => node.pipe?.find((item) => item.type === 'title')?.title;

/** A schema's pipe as one flat list, not descending into titled parts (they are named, not inlined). */
function flatten(node: Node, top = true): Node[] {
  if (!node.pipe || (!top && titleOf(node) !== undefined)) return [node];
  const [root, ...rest] = node.pipe;
  return [
    ...(root!.pipe ? flatten(root!, false) : [root!]),
    ...rest.flatMap((item) => (item.kind === 'schema' ? flatten(item, false) : [item])),
  ];
}

/** The schema a field is at heart: the last schema of its pipe (a type guard comes first), through
 * nested pipes, stopping at a titled part. */
function core(node: Node): Node {
  for (let current = node; ;) {
    if (titleOf(current) !== undefined && current !== node) return current;
    const last = flatten(current)
      .filter((item) => item.kind === 'schema')
      .at(-1)!;
    if (last === current || !last.pipe) return last;
    current = last;
  }
}

function descriptionOf(node: Node): string | undefined {
  // A titled part's own description introduces its section, not the field that holds it.
  if (titleOf(node) !== undefined) return undefined;
  const own = flatten(node)
    .filter((item) => item.type === 'description')
    .at(-1)?.description;
  if (own !== undefined) return own;
  const main = core(node);
  return main.type === 'optional' || main.type === 'nullable' ? descriptionOf(main.wrapped!) : undefined;
}

/** A titled part as itself, anything else as its core. */
const look = (node: Node): Node => (titleOf(node) !== undefined ? node : core(node));

function numberText(n: number): string {
  if (n === 2 ** 31 - 1) return '2^31 - 1';
  const power = Math.log10(Math.abs(n));
  return Math.abs(n) >= 1e4 && Number.isInteger(power) ? `${n < 0 ? '-' : ''}1e${power}` : String(n);
}

function typeText(node: Node): string {
  const own = titleOf(node);
  if (own !== undefined) return own;
  const main = core(node);
  const title = titleOf(main);
  if (title !== undefined) return title;
  switch (main.type) {
    case 'optional':
      return typeText(main.wrapped!);
    case 'nullable':
      return `${typeText(main.wrapped!)} or null`;
    case 'number': {
      const actions = flatten(node);
      const integer = actions.some((item) => item.type === 'integer');
      const min = actions.find((item) => item.type === 'min_value')?.requirement as number | undefined;
      const max = actions.find((item) => item.type === 'max_value')?.requirement as number | undefined;
      const bounded = min !== undefined && max !== undefined && Number.isFinite(min) && Number.isFinite(max);
      return `${integer ? 'integer' : 'number'}${bounded ? ` in [${numberText(min)}, ${numberText(max)}]` : ''}`;
    }
    case 'string':
    case 'boolean':
      return main.type;
    case 'picklist':
      return main.options!.map((o) => `\`${o}\``).join(', ');
    case 'literal':
      return `\`${JSON.stringify(main.literal)}\``;
    case 'array':
      return `list of ${typeText(main.item!)}`;
    case 'record':
      return `map to ${typeText(main.value!)}`;
    default:
      return 'object';
  }
}

/** The part a field holds (itself, or through optional, null, lists and maps). */
function unwrap(node: Node): { part: Node; suffix: string } {
  let part = look(node);
  let suffix = '';
  for (;;) {
    if (titleOf(part) !== undefined) return { part, suffix };
    if (part.type === 'optional' || part.type === 'nullable') part = look(part.wrapped!);
    else if (part.type === 'array') {
      part = look(part.item!);
      suffix += '[]';
    } else if (part.type === 'record') {
      part = look(part.value!);
      suffix += '.<key>';
    } else return { part, suffix };
  }
}

function rows(entries: Record<string, Node>, prefix: string, named: Node[]): string[] {
  const out: string[] = [];
  for (const [key, field] of Object.entries(entries)) {
    const optional = titleOf(field) === undefined && core(field).type === 'optional';
    const type = typeText(field) + (optional ? ' (optional)' : '');
    out.push(`| \`${prefix}${key}\` | ${type} | ${descriptionOf(field) ?? ''} |`);
    const { part, suffix } = unwrap(field);
    if (titleOf(part) !== undefined) {
      if (!named.includes(part)) named.push(part);
    } else if (part.entries) {
      out.push(...rows(part.entries, `${prefix}${key}${suffix}.`, named));
    }
  }
  return out;
}

function section(node: Node, named: Node[]): string {
  const title = titleOf(node)!;
  const heading = title === 'results' ? 'Top level' : title[0]!.toUpperCase() + title.slice(1);
  const intro = node.pipe!.find((item) => item.type === 'description')?.description;
  const main = core(node.pipe![0]!);
  return [
    `## ${heading}`,
    '',
    ...(intro ? [intro, ''] : []),
    '| field | type | meaning |',
    '| --- | --- | --- |',
    ...rows(main.entries!, '', named),
  ].join('\n');
}

const INTRO = `# \`results.json\`: the results of one run

<!-- Generated from src/experiment/resultsSchema.ts by \`npm run docs:schema\`: edit the schema, not this file. -->

Written by \`persona-lab run\` (and by the browser runner) when a run finishes. The schema is
\`RESULTS_SCHEMA\` in \`src/experiment/resultsSchema.ts\` (valibot); this page is rendered from it, and
\`schemaErrors(value)\` lists every place a file breaks it. Numbers that do not exist (a metric with no
probe to measure it, a ratio over zero) are \`null\`, never \`NaN\`. Log-probabilities are natural logs: MI
values are in nats. A results file read back (\`gates\`, \`sweep\`) is outside input: every number must be
finite and in its range, keys named \`__proto__\`, \`constructor\` or \`prototype\` are refused anywhere, and
the embedded recipe must pass the recipe validator (\`resultsProblems(value)\`). Fields marked optional
are absent from files of earlier versions (or of runs without what they measure).`;

const CSV = `## \`results.csv\`

One row per evaluation point (pretraining, selection, each branch step), with \`runId\`, \`codeVersion\`,
\`backend\`, \`corpusHash\` repeated on every row, then \`stage, condition, seed, step, checkpoint, probes, mi,
miPerChar, miCode, attainment, deltaMI, deltaMIPerChar, deltaMICode, transferRatio, miSecond,
deltaMISecond\` and \`mi_<domain>\` for every off-code domain. \`probes\` is the number of probes the row's
numbers are over (the live subset during a stage, every probe at its end). Empty cells are nulls.

## \`effects.csv\` (version 2)

\`runId, form, cheat, fix, seed, effect, low, high, n\`: one row per prompt form and paired seed (the
numbers behind each interval), then per form a row with \`seed\` = \`mean\`, the mean and its interval.`;

/** docs/results-schema.md as the schema gives it, formatted as the repository's prettier would. */
export async function resultsSchemaDoc(): Promise<string> {
  const named: Node[] = [nodeOf(RESULTS_SCHEMA)];
  const sections: string[] = [];
  for (let i = 0; i < named.length; i++) sections.push(section(named[i]!, named));
  const text = [INTRO, ...sections, CSV].join('\n\n');
  const config = await resolveConfig(RESULTS_SCHEMA_DOC);
  return format(text, { ...config, parser: 'markdown', proseWrap: 'always' });
}
