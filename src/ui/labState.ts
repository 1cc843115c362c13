// What the page knows of the lab at any moment: plain data, built only from what the worker sent (run
// events, saved runs, previews). Components read it; only LabController writes it. A run's events fold
// into the run's state (foldRunEvent), and its results are that state's buildResults, as in the worker:
// the page computes no number of its own.
import type {
  BackendReport,
  CheckpointInspection,
  CorpusPreview,
  ExperimentRecipe,
  PersonaDirection,
  RunEvent,
  RunResults,
  SavedRun,
  StagePlace,
} from '../../workers/contract.ts';
import { buildResults } from '../experiment/results.ts';
import { foldRunEvent } from '../experiment/foldRunEvent.ts';
import type { EvalPoint, RunState, SampleRecord, StageRecord } from '../experiment/runState.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'stopping';

export interface ProgressPoint {
  stage: string;
  place: StagePlace;
  step: number;
  steps: number;
  done: number;
  total: number;
  loss: number;
  etaSeconds: number;
  /** Training characters per second, from the pace of recent progress events. */
  tokensPerSecond: number | null;
  /** When the event arrived (ms, page clock). */
  at: number;
}

/** What the run is doing right now, from the structured fields of its events. */
export interface RunActivity {
  stage: string;
  place: StagePlace;
  doing: 'training' | 'evaluating';
  step: number;
  steps: number;
  /** While evaluating: the stage's `index`-th of `count` evaluations, over `probes` probes. */
  evaluation: { index: number; count: number; probes: number } | null;
}

/** Which stage of a run something belongs to: its id and, as fields, its kind, condition and seed. */
export type StageOf = Pick<StageRecord, 'kind' | 'condition' | 'seed'> & { stage: string };

/** A probe evaluation of the run, with the stage it measured. */
export type EvaluationRecord = StageOf & EvalPoint;

/** A sample the run drew at the end of a stage, with that stage. */
export type SampleView = StageOf & SampleRecord;

/**
 * The base checkpoint the page's runs start from: the shipped classroom base or a file the user loaded
 * (checked by the worker first). It belongs to the run state, not to a view, so every view's run button
 * can start from it and leaving a view keeps it.
 */
export interface RunBase {
  name: string;
  bytes: Uint8Array;
  info: CheckpointInspection;
  source: 'shipped' | 'file';
  /** The pretrained base the persona direction is measured on (the shipped base's own), if any. */
  directionBase?: { name: string; bytes: Uint8Array };
}

export interface LabState {
  backend: BackendReport | null;
  /** Why the engine could not start, in plain words. */
  engineError: string | null;
  recipe: ExperimentRecipe;
  /** The preset or lab the recipe came from, if any. */
  presetId: string | null;
  /** A teacher's lab link: settings are shown but cannot be changed. */
  locked: boolean;
  /** A problem with the recipe in the URL (the lab fell back to the defaults). */
  recipeNotice: string | null;
  runId: string | null;
  status: RunStatus;
  progress: ProgressPoint | null;
  activity: RunActivity | null;
  /** Per stage: training loss at each progress event (finer than the results' loss log). */
  losses: Record<string, { step: number; loss: number }[]>;
  /** The run's state as the worker holds it, folded from its events while it goes (else null). */
  run: RunState | null;
  /** The run's results: built from `run` while it goes, then the worker's final (or a saved run's). The
   * four fields below are read off them. */
  results: RunResults | null;
  /** Per stage: the loss estimates the run logged (training and validation). */
  evalLosses: Record<string, { step: number; trainLoss: number; valLoss: number | null }[]>;
  samples: SampleView[];
  evaluations: EvaluationRecord[];
  /** The run's persona direction; null before it is measured. */
  direction: PersonaDirection | null;
  savedRuns: SavedRun[];
  corpus: CorpusPreview | null;
  /** The loaded base checkpoint (Pretrain, Fine-tune or Saved view); runs from a base start from it. */
  base: RunBase | null;
  /** The guided lab being followed (kept when a base makes the recipe a custom one), and its step. */
  guide: { labId: string; step: number } | null;
  /** The last error of a run or action, in plain words. */
  error: string | null;
}

export function initialState(recipe: ExperimentRecipe): LabState {
  return {
    backend: null,
    engineError: null,
    recipe,
    presetId: null,
    locked: false,
    recipeNotice: null,
    runId: null,
    status: 'idle',
    progress: null,
    activity: null,
    losses: {},
    evalLosses: {},
    run: null,
    results: null,
    samples: [],
    evaluations: [],
    direction: null,
    savedRuns: [],
    corpus: null,
    base: null,
    guide: null,
    error: null,
  };
}

/** The lab state after one run event (pure: returns a new state). */
export function applyRunEvent(state: LabState, event: RunEvent, now: number): LabState {
  const run = foldRunEvent(state.run, event);
  const next = withActivity(state, event, now);
  // The run is over: its results are the worker's from here on.
  if (event.type === 'done') return { ...withResults(next, event.results), run: null };
  if (run === state.run || run === null) return next;
  return withResults({ ...next, run }, buildResults(run));
}

/** What the run is doing and how fast, from the event's own fields (the run state keeps none of it). */
function withActivity(state: LabState, event: RunEvent, now: number): LabState {
  switch (event.type) {
    case 'stage': {
      const { stage, place, step, steps } = event;
      const training = event.status === 'start' || event.status === 'resume';
      const activity: RunActivity | null = training
        ? { stage, place, doing: 'training', step, steps, evaluation: null }
        : state.activity;
      return { ...state, runId: event.runId, activity };
    }
    case 'evaluation': {
      const { stage, place, step, index, count, probes } = event;
      const steps = state.activity?.stage === stage ? state.activity.steps : step;
      const evaluation = { index, count, probes };
      return { ...state, activity: { stage, place, doing: 'evaluating', step, steps, evaluation } };
    }
    case 'progress': {
      const previous = state.progress;
      const stepsPerBatch = state.recipe.model.blockSize * batchSizeOf(state.recipe, event.place);
      let tokensPerSecond: number | null = previous?.tokensPerSecond ?? null;
      if (previous && previous.done < event.done) {
        const seconds = (now - previous.at) / 1000;
        if (seconds > 0) tokensPerSecond = ((event.done - previous.done) * stepsPerBatch) / seconds;
      }
      const stageLosses = [...(state.losses[event.stage] ?? []), { step: event.step, loss: event.loss }];
      return {
        ...state,
        runId: event.runId,
        activity: {
          stage: event.stage,
          place: event.place,
          doing: 'training',
          step: event.step,
          steps: event.steps,
          evaluation: null,
        },
        progress: {
          stage: event.stage,
          place: event.place,
          step: event.step,
          steps: event.steps,
          done: event.done,
          total: event.total,
          loss: event.loss,
          etaSeconds: event.etaSeconds,
          tokensPerSecond,
          at: now,
        },
        losses: { ...state.losses, [event.stage]: stageLosses },
      };
    }
    case 'probe':
      return state.activity?.stage === event.stage
        ? { ...state, activity: { ...state.activity, doing: 'training', evaluation: null } }
        : state;
    case 'run':
      return { ...state, runId: event.runId };
    case 'done':
      return { ...state, status: 'idle', progress: null, activity: null };
    case 'error':
      return { ...state, error: event.message };
    case 'metrics':
    case 'sample':
    case 'checkpoint':
    case 'direction':
    case 'preFinetune':
      return state;
  }
}

function batchSizeOf(recipe: ExperimentRecipe, place: StagePlace): number {
  if (place.kind === 'pretrain') return recipe.pretrain.batchSize;
  if (place.kind === 'select') return recipe.select.batchSize;
  return recipe.finetune.batchSize;
}

/**
 * The state showing these results, with the lists the views read off them (no number computed here).
 * The evaluations keep their identity while the results hold the same ones, so that charts drawn from
 * them redraw only when an evaluation arrives.
 */
export function withResults(state: LabState, results: RunResults): LabState {
  const seeds = results.provenance.recipe.seeds;
  const stages: { of: StageOf; result: RunResults['pretrain'] }[] = [
    {
      of: { stage: results.pretrain.id, kind: 'pretrain', condition: null, seed: seeds.pretrain },
      result: results.pretrain,
    },
    {
      of: { stage: results.select.id, kind: 'select', condition: null, seed: seeds.select },
      result: results.select,
    },
    ...results.branches.map((b) => ({
      of: { stage: b.id, kind: 'finetune' as const, condition: b.condition, seed: b.seed },
      result: b,
    })),
  ];
  const evaluations = stages.flatMap(({ of, result }) => result.evaluations.map((e) => ({ ...of, ...e })));
  const same =
    evaluations.length === state.evaluations.length &&
    evaluations.every(
      (e, i) => e.summary === state.evaluations[i]!.summary && e.stage === state.evaluations[i]!.stage,
    );
  return {
    ...state,
    results,
    direction: results.direction ?? null,
    evaluations: same ? state.evaluations : evaluations,
    samples: stages.flatMap(({ of, result }) => result.samples.map((e) => ({ ...of, ...e }))),
    evalLosses: Object.fromEntries(
      stages.map(({ result }) => [
        result.id,
        result.losses.map((l) => ({ step: l.step, trainLoss: l.trainLoss ?? NaN, valLoss: l.valLoss })),
      ]),
    ),
  };
}

/** Rebuilds the view of a saved run from its results (after a reload, or a results file). */
export function stateFromResults(state: LabState, results: RunResults): LabState {
  const losses: LabState['losses'] = {};
  for (const stage of [results.pretrain, results.select, ...results.branches])
    losses[stage.id] = stage.losses
      .filter((l) => l.trainLoss !== null)
      .map((l) => ({ step: l.step, loss: l.trainLoss! }));
  return {
    ...withResults(state, results),
    run: null,
    runId: results.runId,
    recipe: results.provenance.recipe,
    losses,
  };
}

/** The page's saved run that did not finish and can continue where it stopped (e.g. after a reload). */
export function resumableRun(s: LabState): string | null {
  if (s.status !== 'idle' || s.runId === null) return null;
  if (s.results) return s.results.finished ? null : s.runId;
  return s.savedRuns.some((r) => r.runId === s.runId && !r.finished) ? s.runId : null;
}
