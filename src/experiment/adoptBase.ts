// Starting a run from a base checkpoint: the base fixes what its weights depend on (the corpus, hence
// the vocabulary and the probes; the model shape; the corpus seed), so the run takes those from the
// base's own recipe and keeps everything else of the current one (selection, fine-tunes, evaluation,
// backend, the other seeds). Also says, in plain words, what that changes.
import type { ExperimentRecipe, ModelRecipe } from './recipe.ts';

export interface AdoptedBase {
  /** The current recipe with the base's corpus, model and corpus seed. */
  recipe: ExperimentRecipe;
  /** What changed, one readable line each (e.g. `model: 2x48, context 160 -> 2x128, context 256`). */
  changed: string[];
}

/**
 * The current recipe with `corpus`, `model` and `seeds.corpus` from the base's recipe. Settings of the
 * current recipe that the base's corpus can no longer supply (more fine-tune examples or probes per
 * domain than it generates) are lowered to what it has, and listed too. Both recipes should be valid;
 * the result then is.
 */
export function adoptBaseRecipe(current: ExperimentRecipe, base: ExperimentRecipe): AdoptedBase {
  const recipe = structuredClone(current);
  recipe.corpus = structuredClone(base.corpus);
  recipe.model = structuredClone(base.model);
  recipe.seeds.corpus = base.seeds.corpus;

  const changed: string[] = [];
  const modelFrom = describeModel(current.model, base.model);
  const modelTo = describeModel(base.model, current.model);
  if (modelFrom !== modelTo) changed.push(`model: ${modelFrom} -> ${modelTo}`);
  changed.push(...corpusChanges(current.corpus, base.corpus));
  if (current.seeds.corpus !== base.seeds.corpus)
    changed.push(`corpus seed: ${current.seeds.corpus} -> ${base.seeds.corpus}`);

  const examples = Math.min(recipe.finetune.examples, recipe.corpus.finetuneDocuments);
  if (examples !== recipe.finetune.examples) {
    changed.push(
      `fine-tune examples: ${int(recipe.finetune.examples)} -> ${int(examples)} (all the base's corpus has per condition)`,
    );
    recipe.finetune.examples = examples;
  }
  const probes = Math.min(recipe.eval.probesPerDomain, recipe.corpus.probesPerDomain);
  if (probes !== recipe.eval.probesPerDomain) {
    changed.push(
      `probes evaluated per domain: ${int(recipe.eval.probesPerDomain)} -> ${int(probes)} (all the base's corpus has)`,
    );
    recipe.eval.probesPerDomain = probes;
  }
  return { recipe, changed };
}

/** `2x128, context 256`, with heads and dropout only where they differ from `other`. */
function describeModel(m: ModelRecipe, other: ModelRecipe): string {
  let text = `${m.nLayer}x${m.nEmbd}, context ${m.blockSize}`;
  if (m.nHead !== other.nHead) text += `, ${m.nHead} heads`;
  if (m.dropout !== other.dropout) text += `, dropout ${m.dropout}`;
  return text;
}

const int = (n: number) => n.toLocaleString('en-US');
const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** How one known corpus field reads: `${from} -> ${to}` is put where `{}` stands. */
const CORPUS_FIELDS: Readonly<Record<string, { say: (v: never) => string; line: string }>> = {
  documents: { say: int, line: '{} documents' },
  headerShare: { say: percent, line: 'log header on {} of documents' },
  episodesPerDocument: {
    say: (v: { min: number; max: number }) => (v.min === v.max ? `${v.min}` : `${v.min}-${v.max}`),
    line: '{} episodes per document',
  },
  validationFraction: { say: percent, line: '{} of documents held out for validation' },
  selectionDocuments: { say: int, line: '{} selection documents' },
  finetuneDocuments: { say: int, line: '{} documents per fine-tune set' },
  finetuneEpisodesPerDocument: { say: int, line: '{} episodes per fine-tune document' },
  probesPerDomain: { say: int, line: '{} probes per domain' },
  inferenceProbesPerPersona: { say: int, line: '{} persona-inference probes per persona' },
  calibrationProbesPerKind: { say: int, line: '{} calibration probes per kind' },
};

function corpusChanges(from: object, to: object): string[] {
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (sameJson(a[key], b[key])) continue;
    const known = CORPUS_FIELDS[key];
    if (known && a[key] !== undefined && b[key] !== undefined) {
      const say = known.say as (v: unknown) => string;
      out.push(`corpus: ${known.line.replace('{}', `${say(a[key])} -> ${say(b[key])}`)}`);
      continue;
    }
    // Persona shares, behaviour overrides and any field without a wording: one line per leaf that differs.
    const label = key === 'personaShares' ? 'share of' : key === 'behaviourOverrides' ? 'behaviour' : key;
    for (const path of leafPaths(a[key], b[key])) {
      out.push(
        `corpus: ${label}${path === '' ? '' : ` ${path}`} ${show(at(a[key], path))} -> ${show(at(b[key], path))}`,
      );
    }
  }
  return out;
}

/** Dot-paths (relative) of the leaves where two JSON values differ; '' when they differ as a whole. */
function leafPaths(a: unknown, b: unknown, path = ''): string[] {
  if (sameJson(a, b)) return [];
  if (!isRecord(a) && !isRecord(b)) return [path];
  const x = isRecord(a) ? a : {};
  const y = isRecord(b) ? b : {};
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  return keys.flatMap((k) => leafPaths(x[k], y[k], path === '' ? k : `${path}.${k}`));
}

function at(value: unknown, path: string): unknown {
  if (path === '') return value;
  let v = value;
  for (const key of path.split('.')) v = isRecord(v) ? v[key] : undefined;
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'number') return int(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  return a === b;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
