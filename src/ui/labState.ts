// What the page knows of the lab at any moment: plain data, built only from what the worker sent (run
// events, saved runs, previews). Components read it; only LabController writes it.
import type {
  BackendReport,
  CheckpointInspection,
  CorpusPreview,
  EvalSummary,
  ExperimentRecipe,
  PersonaDirection,
  RunEvent,
  RunResults,
  SavedRun,
  StagePlace,
} from '../../workers/contract.ts';
import type { ProbeSet } from '../experiment/runState.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'stopping';

export interface ProgressPoint {
  stage: string;
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

export interface EvaluationRecord {
  stage: string;
  /** The fine-tune branch measured (from the event's fields); null for pretraining and selection. */
  branch: { condition: string; seed: number } | null;
  step: number;
  checkpoint: string;
  summary: EvalSummary;
  /** 'live': over the recipe's live subset of probes (during a stage); absent or 'full': every probe. */
  probeSet?: ProbeSet;
  /** At a full evaluation, the live subset's summary from the same scores. */
  live?: EvalSummary;
}

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
  /** Per stage: training loss at each progress event; evaluation losses. */
  losses: Record<string, { step: number; loss: number }[]>;
  evalLosses: Record<string, { step: number; trainLoss: number; valLoss: number | null }[]>;
  samples: Extract<RunEvent, { type: 'sample' }>[];
  evaluations: EvaluationRecord[];
  /** The final (or saved) results: authoritative intervals over seeds. */
  results: RunResults | null;
  /** The run's persona direction (from its event, or its results); null before it is measured. */
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
    samples: [],
    evaluations: [],
    results: null,
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
      const stepsPerBatch = state.recipe.model.blockSize * batchSizeOf(state.recipe, event.stage);
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
    case 'metrics': {
      const list = [...(state.evalLosses[event.stage] ?? [])];
      list.push({ step: event.step, trainLoss: event.trainLoss, valLoss: event.valLoss });
      return { ...state, evalLosses: { ...state.evalLosses, [event.stage]: list } };
    }
    case 'probe':
      return {
        ...state,
        activity:
          state.activity?.stage === event.stage
            ? { ...state.activity, doing: 'training', evaluation: null }
            : state.activity,
        evaluations: [
          ...state.evaluations.filter((e) => !(e.stage === event.stage && e.step === event.step)),
          {
            stage: event.stage,
            branch: branchOf(event.place),
            step: event.step,
            checkpoint: event.checkpoint,
            summary: event.summary,
            probeSet: event.probeSet,
            ...(event.live ? { live: event.live } : {}),
          },
        ],
      };
    case 'sample':
      return { ...state, samples: [...state.samples, event] };
    case 'checkpoint':
      return state;
    case 'direction':
      return { ...state, direction: event.direction };
    case 'done':
      return {
        ...state,
        results: event.results,
        direction: event.results.direction ?? state.direction,
        status: 'idle',
        progress: null,
        activity: null,
      };
    case 'error':
      return { ...state, error: event.message };
  }
}

function branchOf(place: StagePlace): EvaluationRecord['branch'] {
  return place.kind === 'finetune' && place.condition !== null
    ? { condition: place.condition, seed: place.seed }
    : null;
}

function batchSizeOf(recipe: ExperimentRecipe, stage: string): number {
  if (stage === 'pretrain') return recipe.pretrain.batchSize;
  if (stage === 'select') return recipe.select.batchSize;
  return recipe.finetune.batchSize;
}

/** Rebuilds the live view of a saved run from its results (after a reload). */
export function stateFromResults(state: LabState, results: RunResults): LabState {
  const evaluations: EvaluationRecord[] = [];
  const losses: LabState['losses'] = {};
  const evalLosses: LabState['evalLosses'] = {};
  const stages = [
    { stage: results.pretrain, branch: null },
    { stage: results.select, branch: null },
    ...results.branches.map((b) => ({ stage: b, branch: { condition: b.condition, seed: b.seed } })),
  ];
  for (const { stage, branch } of stages) {
    for (const e of stage.evaluations) evaluations.push({ stage: stage.id, branch, ...e });
    losses[stage.id] = stage.losses
      .filter((l) => l.trainLoss !== null)
      .map((l) => ({ step: l.step, loss: l.trainLoss! }));
    evalLosses[stage.id] = stage.losses.map((l) => ({
      step: l.step,
      trainLoss: l.trainLoss ?? NaN,
      valLoss: l.valLoss,
    }));
  }
  return {
    ...state,
    runId: results.runId,
    recipe: results.provenance.recipe,
    direction: results.direction ?? null,
    evaluations,
    losses,
    evalLosses,
    results,
  };
}

/** The page's saved run that did not finish and can continue where it stopped (e.g. after a reload). */
export function resumableRun(s: LabState): string | null {
  if (s.status !== 'idle' || s.runId === null) return null;
  if (s.results) return s.results.finished ? null : s.runId;
  return s.savedRuns.some((r) => r.runId === s.runId && !r.finished) ? s.runId : null;
}
