// The runner's typed events: a tagged union on `type`, each with the run's id. The CLI draws a progress
// bar from them, the browser worker forwards them to the page; neither needs anything else.
import type { EvalSummary, PersonaDirection } from '../eval/index.ts';
import type { RunResults } from './results.ts';
import type { ProbeSet, StageId, StagePlace } from './runState.ts';

export type { StageId, StagePlace };

export type RunEvent =
  | {
      type: 'stage';
      runId: string;
      stage: StageId;
      place: StagePlace;
      status: 'start' | 'resume' | 'skip' | 'done';
      step: number;
      steps: number;
      detail?: string;
    }
  | {
      type: 'progress';
      runId: string;
      stage: StageId;
      place: StagePlace;
      step: number;
      steps: number;
      loss: number;
      lr: number;
      /** Optimizer steps done over the whole run (resumed steps included) and its total. */
      done: number;
      total: number;
      /** Seconds to the end of the whole run, from this session's pace. */
      etaSeconds: number;
    }
  | {
      type: 'metrics';
      runId: string;
      stage: StageId;
      step: number;
      trainLoss: number;
      valLoss: number | null;
    }
  | {
      /** A probe evaluation begins: the `index`-th of the `count` this stage makes (the `probe` event ends it). */
      type: 'evaluation';
      runId: string;
      stage: StageId;
      place: StagePlace;
      step: number;
      index: number;
      count: number;
      /** Probes scored in it. */
      probes: number;
    }
  | {
      type: 'probe';
      runId: string;
      stage: StageId;
      place: StagePlace;
      step: number;
      checkpoint: string;
      summary: EvalSummary;
      /** 'live': `summary` is over the recipe's live subset of probes; 'full': over every probe. */
      probeSet: ProbeSet;
      /** At a full evaluation, the live subset's summary from the same scores (see EvalPoint). */
      live?: EvalSummary;
      deltaMI: number | null;
    }
  | {
      type: 'sample';
      runId: string;
      stage: StageId;
      step: number;
      prompt: string;
      text: string;
      label: string;
    }
  | { type: 'checkpoint'; runId: string; stage: StageId; step: number; name: string; final: boolean }
  /** The persona direction the run measures the Assistant on, once computed (before selection). */
  | { type: 'direction'; runId: string; direction: PersonaDirection }
  | { type: 'done'; runId: string; results: RunResults }
  | { type: 'error'; runId: string; stage: StageId | null; message: string };
