// The corpus generator's public API: data loading and validation, the recipe, generation, probes,
// the leak check, statistics and samples.
export type * from './types.ts';
export { CONDITION_IDS, DOC_FLAG } from './types.ts';
export { CorpusDataError, RESERVED_KEYS } from './corpusDataError.ts';
export { bundledCorpusData, bundledCorpusFiles } from './corpusData.ts';
export type { CorpusFiles, DataFile } from './validateCorpus.ts';
export { validateCorpusData } from './validateCorpus.ts';
export type { BehaviourOverrides, CorpusRecipe } from './corpusRecipe.ts';
export { DEFAULT_CORPUS_RECIPE, defaultCorpusRecipe, validateCorpusRecipe } from './corpusRecipe.ts';
export type { GeneratedCorpus, PersonaSummary } from './generate.ts';
export { generateCorpus, trainingTexts } from './generate.ts';
export { corpusFingerprints } from './corpusFingerprints.ts';
export type { ExtraProbeCounts } from './extraProbes.ts';
export { generateExtraProbes, NO_EXTRA_PROBES } from './extraProbes.ts';
export { PROMPT_FORMS } from './types.ts';
export { heldOutPairPhrases, heldOutPhrases, probePrefix } from './probes.ts';
export type { Leak, LeakKind } from './leakCheck.ts';
export { findLeaks } from './leakCheck.ts';
export type { Cooccurrence, CorpusStats, PersonaStats } from './stats.ts';
export { corpusStats, formatStats } from './stats.ts';
export type { SampleGroup } from './samples.ts';
export { corpusSamples, formatSamples } from './samples.ts';
export { assistantHeader, exampleAnswers, formatExample } from './trainingExample.ts';
export { corpusVocabulary, textVocabulary } from './vocabulary.ts';
export type { UserAdditions, UserConditionData, UserData, UserProbeData } from './userAdditions.ts';
export {
  EMPTY_USER_ADDITIONS,
  USER_LIMITS,
  isEmptyUserAdditions,
  readUserAdditions,
  userCorpusData,
} from './userAdditions.ts';
export { generateUserProbes, generateUserSets } from './userSets.ts';
