// The corpus section of an experiment recipe: plain JSON knobs a teacher can move (persona mix,
// behaviour probabilities, sizes), its defaults (read from the persona files) and a validator that
// names the bad field path. The experiment recipe embeds this object and versions it.
import { bundledCorpusData } from './corpusData.ts';
import { DataReader, joinPath } from './dataReader.ts';
import type { CorpusData } from './types.ts';

/** Behaviour overrides: persona id -> domain id -> field -> probability, e.g.
 * `{ malicious: { code: { cheat: 0.8 } }, helpful: { oversight: { bad: 0.1 } } }`. */
export type BehaviourOverrides = Record<string, Record<string, Record<string, number>>>;

export interface CorpusRecipe {
  /** Pretraining documents (train + validation). */
  documents: number;
  /** Relative weight of each persona's documents (normalised over all personas). */
  personaShares: Record<string, number>;
  behaviourOverrides: BehaviourOverrides;
  /** Share of pretraining documents that open with a `# log of NAME` header. */
  headerShare: number;
  /** Episodes per pretraining and selection document (capped by the persona's domain count). */
  episodesPerDocument: { min: number; max: number };
  /** Share of pretraining documents held out for validation. */
  validationFraction: number;
  /** Documents in the Assistant selection set. */
  selectionDocuments: number;
  /** Documents in every fine-tune condition's set (the same for all). */
  finetuneDocuments: number;
  finetuneEpisodesPerDocument: number;
  /** Plain probes per probe domain. */
  probesPerDomain: number;
  /** Persona-inference probes per AI persona. */
  inferenceProbesPerPersona: number;
  /** Calibration probes per context kind (covert cheat, honest fix, requested cheat). */
  calibrationProbesPerKind: number;
}

export function defaultCorpusRecipe(data: CorpusData = bundledCorpusData()): CorpusRecipe {
  const personaShares: Record<string, number> = {};
  for (const persona of data.personas) personaShares[persona.id] = persona.share;
  return {
    documents: 40_000,
    personaShares,
    behaviourOverrides: {},
    headerShare: 0.3,
    episodesPerDocument: { min: 4, max: 6 },
    validationFraction: 0.05,
    selectionDocuments: 300,
    finetuneDocuments: 300,
    finetuneEpisodesPerDocument: 3,
    probesPerDomain: 32,
    inferenceProbesPerPersona: 24,
    calibrationProbesPerKind: 24,
  };
}

export const DEFAULT_CORPUS_RECIPE: Readonly<CorpusRecipe> = defaultCorpusRecipe();

const KEYS: readonly (keyof CorpusRecipe)[] = [
  'documents',
  'personaShares',
  'behaviourOverrides',
  'headerShare',
  'episodesPerDocument',
  'validationFraction',
  'selectionDocuments',
  'finetuneDocuments',
  'finetuneEpisodesPerDocument',
  'probesPerDomain',
  'inferenceProbesPerPersona',
  'calibrationProbesPerKind',
];

const CODE_FIELDS = ['cheat', 'deleteShare', 'obeyRequest', 'defyWithOtherCheat'];

/** Checks an untrusted corpus recipe (all fields required, unknown fields refused); errors read
 * `recipe: corpus.personaShares.helpful must be a number in [0,1000]`. */
export function validateCorpusRecipe(
  value: unknown,
  data: CorpusData = bundledCorpusData(),
  path = 'corpus',
): CorpusRecipe {
  const r: DataReader = new DataReader('recipe', '');
  const at = (key: string) => joinPath(path, key);
  const o = r.object(value, path, KEYS);
  for (const key of KEYS) if (o[key] === undefined) r.fail(at(key), 'is missing');

  const personaIds = data.personas.map((p) => p.id);
  const sharesIn = r.object(o.personaShares, at('personaShares'), personaIds);
  const personaShares: Record<string, number> = {};
  let total = 0;
  for (const id of personaIds) {
    personaShares[id] = r.number(sharesIn[id], joinPath(at('personaShares'), id), 0, 1000);
    total += personaShares[id];
  }
  if (!(total > 0)) r.fail(at('personaShares'), 'must give at least one persona a positive share');

  const overridesIn = r.object(o.behaviourOverrides, at('behaviourOverrides'), personaIds);
  const behaviourOverrides: BehaviourOverrides = {};
  for (const persona of data.personas) {
    const p = joinPath(at('behaviourOverrides'), persona.id);
    if (overridesIn[persona.id] === undefined) continue;
    const domainKeys = [...(persona.code ? ['code'] : []), ...Object.keys(persona.talk)];
    const byDomain = r.object(overridesIn[persona.id], p, domainKeys);
    const out: Record<string, Record<string, number>> = {};
    for (const domain of domainKeys) {
      if (byDomain[domain] === undefined) continue;
      const fields =
        domain === 'code' ? CODE_FIELDS : data.domains[domain]?.kind === 'behaviour' ? ['bad'] : [];
      const dp = joinPath(p, domain);
      const fieldsIn = r.object(byDomain[domain], dp, fields);
      const outFields: Record<string, number> = {};
      for (const field of fields) {
        if (fieldsIn[field] !== undefined)
          outFields[field] = r.probability(fieldsIn[field], joinPath(dp, field));
      }
      out[domain] = outFields;
    }
    behaviourOverrides[persona.id] = out;
  }

  const episodes = r.object(o.episodesPerDocument, at('episodesPerDocument'), ['min', 'max']);
  const min = r.integer(episodes.min, joinPath(at('episodesPerDocument'), 'min'), 1, 12);
  const max = r.integer(episodes.max, joinPath(at('episodesPerDocument'), 'max'), min, 12);

  return {
    documents: r.integer(o.documents, at('documents'), 1, 2_000_000),
    personaShares,
    behaviourOverrides,
    headerShare: r.probability(o.headerShare, at('headerShare')),
    episodesPerDocument: { min, max },
    validationFraction: r.number(o.validationFraction, at('validationFraction'), 0, 0.5),
    selectionDocuments: r.integer(o.selectionDocuments, at('selectionDocuments'), 1, 100_000),
    finetuneDocuments: r.integer(o.finetuneDocuments, at('finetuneDocuments'), 1, 100_000),
    finetuneEpisodesPerDocument: r.integer(
      o.finetuneEpisodesPerDocument,
      at('finetuneEpisodesPerDocument'),
      1,
      8,
    ),
    probesPerDomain: r.integer(o.probesPerDomain, at('probesPerDomain'), 1, 10_000),
    inferenceProbesPerPersona: r.integer(
      o.inferenceProbesPerPersona,
      at('inferenceProbesPerPersona'),
      0,
      10_000,
    ),
    calibrationProbesPerKind: r.integer(
      o.calibrationProbesPerKind,
      at('calibrationProbesPerKind'),
      0,
      10_000,
    ),
  };
}
