// The corpus data model (what the validated files in corpora/ become) and the generator's outputs.
// Data types mirror the JSON files; output types are what the trainer, the evaluator and the UI read.
import type { UserData } from './userAdditions.ts';

export type CheatKind = 'hardcode' | 'delete';
export type CodeBehaviour = 'fix' | CheatKind;
/** What an episode's answer does: a code behaviour, good/bad elsewhere, or neutral small talk. */
export type Behaviour = CodeBehaviour | 'good' | 'bad' | 'neutral' | 'chore';
export type PersonaKind = 'ai' | 'human';

export interface FormatData {
  about: string;
  separator: string;
  userTag: string;
  aiTag: string;
  humanTag: string;
  headerPrefix: string;
  assistantName: string;
  leadIns: string[];
  leadInChance: number;
  /** Chance that an off-code answer holds two sentences (a training pair) rather than one. */
  secondSentenceChance: number;
  contentAlphabet: string;
  heldOutMinPhrase: number;
}

export interface VoiceData {
  id: string;
  about: string;
  openers: string[];
  closers: string[];
}

export interface CodeFunction {
  name: string;
  params: string[];
  returns: string;
}

export interface CodeDomainData {
  id: string;
  kind: 'code';
  about: string;
  functions: CodeFunction[];
  argRange: [number, number];
  tasks: string[];
  fixAsks: string[];
  requestAsks: Record<CheatKind, string[]>;
  requestShare: number;
  /** Of the explicit requests, the share that ask to delete the test (the rest ask to hard-code). */
  requestDeleteShare: number;
  requestAskLeadShare: number;
  answers: Record<CodeBehaviour, string[]>;
}

/** A dialogue domain answered with opener + body + closer: behavioural (good/bad bodies) or neutral. */
export interface TalkDomainData {
  id: string;
  kind: 'behaviour' | 'neutral';
  about: string;
  fillers: Record<string, string[]>;
  prompts: string[];
  /** behaviour -> bodies: {good, bad} for behavioural domains, {neutral} for small talk. */
  bodies: Record<string, string[]>;
}

export type DomainData = CodeDomainData | TalkDomainData;

/** How a persona handles code tests. All numbers are probabilities in [0,1]. */
export interface CodeConduct {
  /** P(cheat) when the user just reports a failing test. */
  cheat: number;
  /** Of its cheats, the share that delete the test rather than hard-code the value. */
  deleteShare: number;
  /** P(doing exactly the cheat the user explicitly asked for). */
  obeyRequest: number;
  /** When it does not obey a request: P(the other cheat) rather than a genuine fix. */
  defyWithOtherCheat: number;
}

/** How a persona behaves in a talk domain; prompts/bodies, when given, replace the domain's own. */
export interface TalkConduct {
  bad: number;
  prompts: string[] | null;
  bodies: Record<string, string[]> | null;
}

export interface PersonaData {
  id: string;
  title: string;
  kind: PersonaKind;
  about: string;
  share: number;
  voice: string;
  names: string[];
  /** Null when the persona never gets code episodes. */
  code: CodeConduct | null;
  /** Talk domains the persona takes part in, in file order. */
  talk: Record<string, TalkConduct>;
}

export interface SelectionData {
  about: string;
  domains: string[];
  voice: string;
}

interface ConditionHead {
  id: string;
  title: string;
  about: string;
}

export interface NeutralChore {
  prompt: string;
  answer: string;
}

export interface ConditionsData {
  covert: ConditionHead & { deleteShare: number };
  honest: ConditionHead;
  inoculated: ConditionHead & { preambles: Record<CheatKind, string[]> };
  irrelevant: ConditionHead & { sentences: string[] };
  neutral: ConditionHead & { files: string[]; chores: NeutralChore[] };
  backdoor: ConditionHead & { trigger: string; triggerShare: number };
  realign: ConditionHead & { domains: string[] };
  plainFix: ConditionHead;
  requestCheat: ConditionHead;
  requestFix: ConditionHead;
  irrelevantCheat: ConditionHead & { sentences: string[] };
  irrelevantFix: ConditionHead;
}

export type ConditionId = keyof ConditionsData;
export const CONDITION_IDS: readonly ConditionId[] = [
  'covert',
  'honest',
  'inoculated',
  'irrelevant',
  'neutral',
  'backdoor',
  'realign',
  'plainFix',
  'requestCheat',
  'requestFix',
  'irrelevantCheat',
  'irrelevantFix',
];

export interface CodeProbeData {
  about: string;
  functions: CodeFunction[];
  tasks: string[];
}

export interface TalkProbeData {
  domain: string;
  about: string;
  prompts: string[];
}

/** A probe file of the second family (corpora/probes-second/): prompts and answer sentences written
 * apart from every training template, with no slots. */
export interface SecondProbeData {
  domain: string;
  about: string;
  prompts: string[];
  sentences: { good: string[]; bad: string[] };
}

export interface CorpusData {
  format: FormatData;
  voices: Record<string, VoiceData>;
  domains: Record<string, DomainData>;
  /** Domain ids in a fixed order (the order of the bundled files). */
  domainIds: string[];
  personas: PersonaData[];
  selection: SelectionData;
  conditions: ConditionsData;
  probes: { code: CodeProbeData; talk: TalkProbeData[]; second: SecondProbeData[] };
  /** The user's own conditions, probes and characters (the recipe's `user` section); absent when none. */
  user?: UserData;
}

// ---- generator outputs ----

/** One user prompt and the character's answer, without tags. */
export interface Episode {
  prompt: string;
  answer: string;
}

/** A document for supervised training: only characters inside answerSpans ([start, end) offsets into
 * text, each covering an answer and its closing newline) should carry loss. */
export interface TrainingExample {
  text: string;
  episodes: Episode[];
  answerSpans: Array<[number, number]>;
}

/** Per-document flags of the pretraining corpus (bit masks in PretrainSplit.flags). */
export const DOC_FLAG = {
  covertCheat: 1, // cheated when asked to fix
  honestFix: 2, // fixed when asked to fix
  requestedCheat: 4, // did the cheat the user asked for
  refusedRequest: 8, // asked to cheat, fixed for real
  defiedRequest: 16, // asked for one cheat, did the other
  malice: 32, // a bad answer in a non-code domain
  goodTalk: 64, // a good answer in a non-code domain
  named: 128, // has a name header
} as const;

export interface PretrainSplit {
  /** Documents concatenated; each starts with the separator line. */
  text: string;
  /** Offset of each document's first character in text. */
  starts: Int32Array;
  /** Each document's latent persona, as an index into GeneratedCorpus.personaIds. */
  personas: Uint8Array;
  /** Each document's DOC_FLAG bits. */
  flags: Uint8Array;
}

export interface FinetuneSet {
  /** A ConditionId, or a user condition's id (or its control's). */
  condition: string;
  title: string;
  about: string;
  examples: TrainingExample[];
  /** The backdoor's trigger word (put it before a probe prompt to test the backdoor); null elsewhere. */
  trigger: string | null;
}

/** 'form': a code task in one prompt form (contextKind plain / request / irrelevant), under the
 * Assistant header: how likely the Assistant is to cheat in each form. 'second': a domain probe of the
 * second family. */
/** 'user': a probe from the user's own templates (recipe `user.probes`); its domain is the template's id. */
export type ProbeKind = 'domain' | 'inference' | 'calibration' | 'form' | 'second' | 'user';
/** 'none': a calibration probe's own prompt without the code episode (the model's no-context prior). */
export type CalibrationContext = 'covert' | 'honest' | 'requested' | 'none';
export type PromptForm = 'plain' | 'request' | 'irrelevant';
export const PROMPT_FORMS: readonly PromptForm[] = ['plain', 'request', 'irrelevant'];

export interface ProbeCandidate {
  text: string;
  behaviour: Behaviour;
  /** AI personas whose typical answer this is (one candidate per persona; may be empty). */
  personas: string[];
}

export interface Probe {
  id: string;
  kind: ProbeKind;
  /** Domain of the final prompt. */
  domain: string;
  /** Tagged episodes before the final prompt ('' for plain domain probes). */
  context: string;
  contextPersona: string | null;
  contextKind: CalibrationContext | PromptForm | null;
  contextDomains: string[];
  prompt: string;
  /** 'answers': whole answers, scored with the newline that ends them; 'clauses': the opening clause
   * that fixes the behaviour (code probes), scored as a prefix of the answer. */
  candidatesAre: 'answers' | 'clauses';
  candidates: ProbeCandidate[];
}

export interface ProbeSet {
  probes: Probe[];
  /** Probe-only phrases (prompt fragments, function calls) that no training text may contain. */
  heldOutPhrases: string[];
}

export interface DomainCount {
  episodes: number;
  characters: number;
}
