// The corpus section of an experiment recipe: plain JSON knobs a teacher can move (persona mix,
// behaviour probabilities, sizes), its defaults (read from the persona files) and a validator that
// names the bad field path. The experiment recipe embeds this object and versions it.
import { bundledCorpusData } from './corpusData.ts';
import * as v from 'valibot';
import { dataInteger, dataNumber, dataObject, parseData, probability } from './dataSchema.ts';
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

const entriesOf = <T>(keys: readonly string[], value: (key: string) => T): Record<string, T> =>
  Object.fromEntries(keys.map((key) => [key, value(key)]));

/** The shape alone, checked first: every field present and no other, before any value is read. */
const CORPUS_RECIPE_SHAPE = dataObject(
  entriesOf(KEYS, () => v.unknown()),
  { bareMissing: true },
);

/** The corpus section's schema for these corpus data (its personas, their domains). */
function corpusRecipeSchema(data: CorpusData) {
  const personaIds = data.personas.map((p) => p.id);
  const personaShares = v.pipe(
    dataObject(entriesOf(personaIds, () => dataNumber(0, 1000))),
    v.check(
      (shares) => Object.values(shares).reduce((total, share) => total + share, 0) > 0,
      'must give at least one persona a positive share',
    ),
  );
  const behaviourOverrides = dataObject(
    Object.fromEntries(
      data.personas.map((persona) => {
        const domainKeys = [...(persona.code ? ['code'] : []), ...Object.keys(persona.talk)];
        const byDomain = entriesOf(domainKeys, (domain) => {
          const fields =
            domain === 'code' ? CODE_FIELDS : data.domains[domain]?.kind === 'behaviour' ? ['bad'] : [];
          return v.optional(dataObject(entriesOf(fields, () => v.optional(probability()))));
        });
        return [persona.id, v.optional(dataObject(byDomain))];
      }),
    ),
  );
  // `max` is at least `min`: its range is known once `min` is read.
  const episodesPerDocument = v.pipe(
    dataObject({ min: dataInteger(1, 12), max: v.optional(v.unknown()) }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const { min, max } = dataset.value;
      const result = v.safeParse(dataInteger(min, 12), max);
      if (result.success) return { min, max: result.output };
      addIssue({
        message: result.issues[0].message,
        path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'max', value: max }],
      });
      return NEVER;
    }),
  );
  // Entries in the order they are checked (the shape check above names missing ones in KEYS order).
  return dataObject({
    personaShares,
    behaviourOverrides,
    episodesPerDocument,
    documents: dataInteger(1, 2_000_000),
    headerShare: probability(),
    validationFraction: dataNumber(0, 0.5),
    selectionDocuments: dataInteger(1, 100_000),
    finetuneDocuments: dataInteger(1, 100_000),
    finetuneEpisodesPerDocument: dataInteger(1, 8),
    probesPerDomain: dataInteger(1, 10_000),
    inferenceProbesPerPersona: dataInteger(0, 10_000),
    calibrationProbesPerKind: dataInteger(0, 10_000),
  });
}

/** Checks an untrusted corpus recipe (all fields required, unknown fields refused); errors read
 * `recipe: corpus.personaShares.helpful must be a number in [0,1000]`. */
export function validateCorpusRecipe(
  value: unknown,
  data: CorpusData = bundledCorpusData(),
  path = 'corpus',
): CorpusRecipe {
  parseData(CORPUS_RECIPE_SHAPE, value, 'recipe', path);
  const checked = parseData(corpusRecipeSchema(data), value, 'recipe', path);
  // In the order of the type, as every recipe the lab writes has them.
  return {
    documents: checked.documents,
    personaShares: checked.personaShares,
    // valibot types an optional entry as possibly undefined; an absent one is left out, never undefined.
    behaviourOverrides: checked.behaviourOverrides as BehaviourOverrides,
    headerShare: checked.headerShare,
    episodesPerDocument: checked.episodesPerDocument,
    validationFraction: checked.validationFraction,
    selectionDocuments: checked.selectionDocuments,
    finetuneDocuments: checked.finetuneDocuments,
    finetuneEpisodesPerDocument: checked.finetuneEpisodesPerDocument,
    probesPerDomain: checked.probesPerDomain,
    inferenceProbesPerPersona: checked.inferenceProbesPerPersona,
    calibrationProbesPerKind: checked.calibrationProbesPerKind,
  };
}
