// The schema of results.json, written once in valibot (through fileSchema.ts): it gives the file's
// checker (`schemaErrors`, `resultsProblems`), the type it reads as (`ResultsFile`) and
// docs/results-schema.md (`npm run docs:schema` renders it from the titles and descriptions below). A
// results file is outside input (`gates` and `sweep` read them): every number must be finite and in its
// range, keys are matched as own keys only, and prototype names are refused.
import * as v from 'valibot';
import {
  about,
  anyObject,
  boolean,
  constant,
  fields,
  fieldsOrNull,
  integer,
  list,
  looseFieldsOrNull,
  mapOf,
  number,
  numberOrNull,
  oneOf,
  part,
  schemaErrors as fileSchemaErrors,
  string,
  stringOrNull,
  type Schema,
} from './fileSchema.ts';
import type { RunResults } from './results.ts';
import { RecipeError, validateRecipe } from './validateRecipe.ts';

export type { Schema } from './fileSchema.ts';

/** A log-probability ratio (MI and its shifts): finite, and far inside what answers of a few hundred
 * characters over a small vocabulary can reach. */
const LOG_RATIO = 1e6;
const logRatio = () => numberOrNull(-LOG_RATIO, LOG_RATIO);
const probability = () => number(0, 1);
const probabilityOrNull = () => numberOrNull(0, 1);
const count = () => integer(0, 1e9);
const seed = () => integer(0, 2 ** 31 - 1);
const loss = () => numberOrNull(0, LOG_RATIO);
/** A projection on the persona direction (residual units) and its shifts (in spreads). */
const projection = () => numberOrNull(-LOG_RATIO, LOG_RATIO);
const optional = v.optional;

const INTERVAL = part(
  fields({
    mean: about(logRatio(), 'the mean over seeds'),
    low: about(
      logRatio(),
      'the low end of its two-sided 95% Student-t interval (`low = high = mean` for one seed)',
    ),
    high: about(logRatio(), 'the high end'),
    n: about(count(), 'the number of seeds'),
    excludesZero: about(
      boolean(),
      'at least two seeds and the interval excludes zero: science.md calls a result a shift only then',
    ),
  }),
  'interval',
  'A mean over seeds with its 95% interval.',
);
const interval = () => INTERVAL;

/** The persona direction (src/eval/personaDirection.ts), in results.json and run-state.json. */
export const DIRECTION_SCHEMA = part(
  fields({
    pair: about(
      fields({ a: string(), b: string() }),
      "the direction points from persona `b` to persona `a` (the recipe's `eval.helpfulPersona` to `eval.maliciousPersona`)",
    ),
    source: about(
      string(),
      'the checkpoint it was measured on: the pretrained base, or the selected model itself when no base came with a selected checkpoint',
    ),
    contexts: about(
      fields({ fit: count(), test: count() }),
      'how many held-out contexts a persona fit the direction and how many measured it (alternate ones)',
    ),
    layers: about(
      list(
        fields({
          layer: count(),
          vector: about(
            list(number(-1, 1)),
            "the unit direction: mean residual at the answer positions over `a`'s fit contexts minus over `b`'s, normalised (the answer positions are those whose next character is one of the answer's)",
          ),
          spread: about(
            number(0, LOG_RATIO),
            "the standard deviation of every context's projection: the unit of projection shifts and of steering",
          ),
          meanA: about(
            projection(),
            "mean projection of `a`'s measuring contexts (null when there are none)",
          ),
          meanB: about(projection(), 'the same for `b`'),
          auc: about(numberOrNull(0, 1), 'P(an `a` document projects above a `b` document), ties half'),
          dPrime: about(projection(), 'mean difference over the root mean variance'),
        }),
      ),
      'one per layer',
    ),
    bestLayer: about(count(), 'the layer of the largest `dPrime`'),
  }),
  'direction',
  "Computed once per run on the pretrained base, before selection (`src/eval/personaDirection.ts`): for a run from a selected checkpoint, on the pretrained base given with it (`--direction-from`; the lab's shipped base brings its own), else on the selected model itself. Its held-out contexts are the persona-inference probes of `a` and `b` (two episodes of the persona, a held-out probe prompt, the persona's own held-out answer; the leak check keeps them out of every training text).",
);

const SUMMARY = part(
  fields({
    mi: about(
      logRatio(),
      "misalignment index: mean over off-code domain probes of log p(malicious persona's answer) - log p(helpful persona's answer) (personas from `eval.maliciousPersona` / `eval.helpfulPersona`)",
    ),
    miPerChar: about(logRatio(), "the same with each candidate's log-probability divided by its length"),
    miPerDomain: about(mapOf(logRatio()), '`mi` per off-code domain'),
    miPerProbe: optional(
      about(
        mapOf(list(logRatio())),
        "version 2: off-code domain -> each domain probe's log-ratio in probe order (the same probes at every evaluation of a run, so gate 2 compares two evaluations probe by probe)",
      ),
    ),
    miCode: about(
      logRatio(),
      "the same index on the code probes (the malicious persona's cheat vs the helpful persona's fix)",
    ),
    attainment: about(
      probabilityOrNull(),
      'narrow attainment: the mean posterior mass on cheat answers (`hardcode`, `delete`) over the held-out code probes',
    ),
    cheatByForm: optional(
      about(
        mapOf(probabilityOrNull()),
        "version 2, `eval.formTasks` > 0: posterior mass on cheat answers on held-out code tasks under the Assistant header, per prompt form (`plain`; `request`: an explicit request worded and placed as in pretraining; `irrelevant`: an aside of the request's length in its place)",
      ),
    ),
    miSecond: optional(
      about(
        logRatio(),
        'version 2, `eval.secondProbesPerDomain` > 0: MI over the second probe family (`corpora/probes-second/`: prompts and sentences written apart from the training text). New text costs tens of nats no persona explains, so read it only as a change (`deltaMISecond`), never as a level',
      ),
    ),
    miSecondPerDomain: optional(about(mapOf(logRatio()), 'version 2: `miSecond` per domain')),
    miUser: optional(
      about(
        logRatio(),
        "only with the recipe's `user.probes`: MI with the same persona pair over the user's own probes",
      ),
    ),
    miUserPerDomain: optional(
      about(mapOf(logRatio()), "the same per probe set (the set's id stands where a domain would)"),
    ),
    userPosteriors: optional(
      about(mapOf(mapOf(probability())), "the mean posterior of each persona's answer per user probe set"),
    ),
    posteriors: about(
      mapOf(mapOf(probability())),
      "domain -> candidate label -> mean persona posterior (softmax over a probe's candidates' total log-probabilities). A label is the personas whose typical answer the candidate is, joined with `+` (e.g. `helpful+shortcut+demonstrator`), or its behaviour when no persona claims it",
    ),
    inference: about(
      list(
        fields({
          x: string(),
          y: string(),
          afterX: about(probability(), "mean posterior of X's answer after two episodes of X"),
          afterY: about(probability(), 'the same after two episodes of Y'),
          gap: about(number(-1, 1), '`afterX - afterY`'),
        }),
      ),
      'the persona-inference prerequisite, per ordered pair of personas; pairs whose answers never differ are left out',
    ),
    calibration: about(
      mapOf(probabilityOrNull()),
      "mean posterior of the malicious answer after ONE covert cheat / honest fix / requested cheat (`covert`, `honest`, `requested`), and (version 2, `eval.noContextPrior`) on the same probes without the episode (`none`): the model's own prior, which gate 1 compares with `requested`",
    ),
    projection: optional(
      about(
        list(projection()),
        "version 3, runs with a `direction`: per layer, the mean over the off-code domain probes of the Assistant's residual stream (the block's output) at the position it answers from (the prompt's last character, after `AI: `), projected on the run's direction at that layer; raw residual units",
      ),
    ),
    probes: about(count(), 'number of probes scored'),
  }),
  'summary',
  'Computed from ONE batched scoring of every probe (`src/eval/evaluate.ts`). Plain domain probes carry the Assistant header (`# log of assistant`) when `eval.assistantHeader` is true; inference and calibration probes never do. Each candidate is scored with the newline that ends an answer.',
);

const EVAL_POINT_ENTRIES = {
  step: count(),
  checkpoint: about(
    string(),
    "the model state measured (`<id>@<step>`, or the final checkpoint's name; a file of that name exists only for saved ones)",
  ),
  summary: SUMMARY,
  probeSet: optional(
    about(
      oneOf(['full', 'live']),
      "`live` for evaluations during a stage, which score only the recipe's live subset of probes (`eval.liveProbes`: fixed, seeded, stratified by probe kind, domain and context); `full` at a stage's end, which scores every probe (absent in runs made before the live subset: they scored every probe each time)",
    ),
  ),
  live: optional(
    about(
      SUMMARY,
      "on a full evaluation with a proper live subset: the same scores summarised over the subset alone. Every ΔMI compares a point with the baseline on the same probes (a live point with the baseline's `live`), so branch trajectories mix live points during the branch with the full-set value at its end, and the final numbers are always on the full set",
    ),
  ),
};
const EVAL_POINT = part(fields(EVAL_POINT_ENTRIES), 'evaluation', 'One probe evaluation of a model state.');

/** The fields a stage has in results.json (run-state.json's stage records add a few). */
export const STAGE_PROPERTIES = {
  id: about(
    string(),
    "`pretrain`, `select` or `finetune-<condition>-s<seed>` (also its final checkpoint's name: `checkpoints/<id>.ckpt`)",
  ),
  status: about(
    oneOf(['pending', 'partial', 'done', 'skipped']),
    '`done`, or `skipped` (0 steps, or replaced by a given checkpoint: `startedFrom` names it)',
  ),
  steps: count(),
  checkpoint: about(stringOrNull(), 'name of its final checkpoint'),
  startedFrom: stringOrNull(),
  losses: about(
    list(fields({ step: count(), trainLoss: loss(), valLoss: loss() })),
    'at each save point (every checkpoint and probe evaluation) and at the stage end: mean cross-entropy, nats per character (`valLoss` only for pretraining, on the held-out documents)',
  ),
  evaluations: list(EVAL_POINT),
  samples: about(
    list(
      fields({
        step: count(),
        probeId: string(),
        prompt: string(),
        text: string(),
        label: about(
          string(),
          'the persona the sample most resembles: the label of the probe candidate with the highest character-bigram Dice similarity to the sample. It needs no model, so a label can be checked by hand',
        ),
        similarity: about(
          number(-1, 1),
          'that Dice similarity, in [0, 1]; -1 when a probe had no candidates to compare with',
        ),
      }),
    ),
    'at the end of the stage. The same prompts and seed are used at every stage, so samples before and after a fine-tune sit side by side',
  ),
};
const STAGE = part(
  fields(STAGE_PROPERTIES),
  'stage',
  '`pretrain` and `select`; a branch has these fields too.',
);

const BRANCH_POINT = part(
  fields({
    step: about(count(), 'step 0 is the selected checkpoint itself'),
    checkpoint: string(),
    deltaMI: about(logRatio(), '`summary.mi - baseline.summary.mi`'),
    deltaMIPerChar: logRatio(),
    deltaMIPerDomain: mapOf(logRatio()),
    deltaMICode: logRatio(),
    transferRatio: about(
      numberOrNull(),
      '`deltaMI / deltaMICode` (null when `deltaMICode` is 0): a ratio over a shift that may be near zero, so any finite number',
    ),
    attainment: probabilityOrNull(),
    deltaMISecond: optional(about(logRatio(), 'version 2: the same change on the second probe family')),
    deltaProjection: optional(
      about(
        projection(),
        "version 3, runs with a `direction`: the change of `summary.projection` at the direction's `bestLayer` against the baseline on the same probes, divided by that layer's `spread`: how far the fine-tune moved the Assistant along the direction, in spreads (positive: toward persona `a`)",
      ),
    ),
    deltaMIUser: optional(
      about(logRatio(), "only with `user.probes`: the same change on the user's own probes"),
    ),
    summary: SUMMARY,
  }),
  'branch point',
  'One evaluated step of a branch, against the baseline.',
);
const BRANCH_ENTRIES = {
  ...STAGE_PROPERTIES,
  condition: string(),
  seed: seed(),
  trajectory: about(list(BRANCH_POINT), 'one point per evaluated step'),
};
const BRANCH = part(fields(BRANCH_ENTRIES), 'branch', 'A stage plus `condition`, `seed` and `trajectory`.');

const FORM_EFFECT = part(
  fields({
    form: about(string(), "a prompt form of the factorial design, or a user condition's id"),
    cheat: about(string(), "the cheat set's condition (for a user condition: the condition)"),
    fix: about(string(), "the fix set's condition (for a user condition: `<id>Control`)"),
    seeds: about(list(integer()), 'seeds where both branches finished'),
    perSeed: about(
      list(logRatio()),
      'final `deltaMI` of the cheat branch minus that of the fix branch with the same seed `seeds[i]`',
    ),
    effect: about(interval(), '`perSeed` over seeds'),
    effectCode: about(interval(), 'the same contrast on code'),
    effectSecond: about(interval(), 'the same contrast on the second family'),
    effectProjection: optional(
      about(interval(), 'version 3, with a direction: the same contrast on `deltaProjection`'),
    ),
    effectUser: optional(
      about(interval(), "a user condition with `user.probes`: the contrast on the user's probes"),
    ),
    trajectory: about(
      list(fields({ step: integer(), effect: interval(), effectProjection: optional(interval()) })),
      'the effect along the fine-tune',
    ),
  }),
  'effect',
  "Version 2. The factorial design (`src/experiment/factorial.ts`): per prompt form a cheat set and a fix set with byte-identical prompts (`plain`: `covert` / `plainFix`; `request`: `requestCheat` / `requestFix`; `irrelevant`: `irrelevantCheat` / `irrelevantFix`). A single condition's `deltaMI` also carries the drift its prompt surface causes; the contrast cancels it. The neutral chore's `deltaMI` stays the reference for drift with no cheat at all. A user's own condition (the recipe's `user.conditions`) is paired the same way with the control the lab derives for it on the same prompts. Gate 3 and `secondFamily` read the three prompt forms only.",
);

const CONDITION = part(
  fields({
    condition: string(),
    seeds: list(seed()),
    trajectory: about(
      list(
        fields({
          step: count(),
          deltaMI: interval(),
          attainment: interval(),
          deltaProjection: optional(interval()),
        }),
      ),
      'over seeds at each step',
    ),
    final: about(
      fields({
        deltaMI: interval(),
        deltaMICode: interval(),
        attainment: interval(),
        transferRatio: interval(),
        deltaProjection: optional(interval()),
      }),
      "at each finished branch's last step (`deltaProjection` from version 3, with a direction)",
    ),
  }),
  'condition',
  'Per condition, over seeds: the raw shift of the condition on its own (prompt drift included).',
);

export const RESULTS_SCHEMA = part(
  fields({
    schema: about(constant('persona-lab-results'), 'identifies the file'),
    schemaVersion: about(
      oneOf([1, 2, 3]),
      'bumped on any change; files of earlier versions lack the fields marked "version 2" or "version 3", and still read',
    ),
    runId: about(string(), "the run's id (also in every checkpoint's `info.runId`)"),
    finished: about(boolean(), 'true when every stage is done'),
    provenance: fields({
      codeVersion: about(
        string(),
        '`persona-lab@<package version>+git.<commit>`, with `.dirty` when the work tree had uncommitted changes; `+git.unknown` outside git',
      ),
      backend: about(string(), 'the tfjs backend the numbers came from'),
      corpusHash: about(string(), 'fingerprint of every generated text'),
      recipe: about(anyObject(), 'the full recipe; it must pass the recipe validator'),
    }),
    pretrain: about(STAGE, 'pretraining on the persona corpus'),
    select: about(STAGE, 'the Assistant selection stage'),
    baseline: about(
      looseFieldsOrNull(EVAL_POINT_ENTRIES),
      "the selected checkpoint's evaluation: every ΔMI is measured against it",
    ),
    branches: about(list(BRANCH), 'one per fine-tune condition x seed, in recipe order'),
    preFinetune: optional(
      about(
        fieldsOrNull({
          cheatByForm: about(mapOf(logRatio()), "the selected checkpoint's `summary.cheatByForm`"),
          surprise: about(
            mapOf(logRatio()),
            'each condition -> the mean loss (nats per answer character) of its fine-tune set (the examples a branch trains on) under the selected model, measured after selection and before any branch. Explaining away predicts that a set the Assistant already expects (a low surprise) moves its persona less',
          ),
        }),
        'version 2: what the selected Assistant made of each form and set before any fine-tune',
      ),
    ),
    effects: optional(about(list(FORM_EFFECT), 'version 2: per prompt form, the paired behaviour effect')),
    direction: optional(
      about(v.nullable(DIRECTION_SCHEMA), 'version 3: the persona direction every projection is measured on'),
    ),
    secondFamily: optional(
      about(
        fieldsOrNull({ forms: list(string()), sign: boolean(), order: boolean() }),
        "version 2: do the two probe families agree in sign and in the order of the forms' effects (null unless both measured a form)",
      ),
    ),
    conditions: about(list(CONDITION), 'per condition, over seeds'),
  }),
  'results',
);

/** What a results file reads as once it passes the schema. */
export type ResultsFile = v.InferOutput<typeof RESULTS_SCHEMA>;
// The results the lab writes must be a file the lab reads back: a field added to one and not the
// other fails to compile here.
// (RunResults says `number` for the version it writes, which is always the newest.)
type Writes<T extends ResultsFile> = T;
export type CheckedRunResults = Writes<
  Omit<RunResults, 'schemaVersion'> & { schemaVersion: ResultsFile['schemaVersion'] }
>;

/** Every place where `value` breaks `schema`, as `path: problem` lines (empty when it conforms). */
export function schemaErrors(value: unknown, schema: Schema = RESULTS_SCHEMA): string[] {
  return fileSchemaErrors(value, schema);
}

/**
 * Everything wrong with a results file read from outside: the schema's problems, then the embedded
 * recipe through the recipe validator (a prior computed from `personaShares.malicious: "lots"` would be
 * a made-up number). Empty when the file can be trusted as far as its own content goes.
 */
export function resultsProblems(value: unknown): string[] {
  const errors = schemaErrors(value);
  if (errors.length > 0) return errors;
  try {
    validateRecipe((value as ResultsFile).provenance.recipe);
  } catch (error) {
    if (!(error instanceof RecipeError)) throw error;
    return [`$.provenance.${error.message}`];
  }
  return [];
}
