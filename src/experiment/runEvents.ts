// The runner's typed events: a tagged union on `type`, each with the run's id, and for a stage's events
// its id and its place as fields (kind, condition, seed). The CLI draws a progress bar from them; the
// browser worker forwards them to the page, which folds them into the run's state from the `run` event
// on (foldRunEvent.ts) and builds its results with the same buildResults as the runner.
import type { EvalSummary, PersonaDirection } from '../eval/index.ts';
import type { RunResults } from './results.ts';
import type { PreFinetuneState, ProbeSet, RunState, StageId, StagePlace } from './runState.ts';

export type { StageId, StagePlace };

export type RunEvent =
  /** The run's state as this session starts it (fresh, or resumed from its store): the later events
   * change it as the runner changes its own. A copy: the runner goes on changing its own. */
  | { type: 'run'; runId: string; state: RunState }
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
      place: StagePlace;
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
      /** Off-code ΔMI against the selected checkpoint on the same probes, as the results give it (a
       * fine-tune branch's evaluation; null at other stages and before the selection was measured). */
      deltaMI: number | null;
    }
  | {
      type: 'sample';
      runId: string;
      stage: StageId;
      place: StagePlace;
      step: number;
      probeId: string;
      prompt: string;
      text: string;
      label: string;
      similarity: number;
    }
  | {
      type: 'checkpoint';
      runId: string;
      stage: StageId;
      place: StagePlace;
      step: number;
      name: string;
      final: boolean;
    }
  /** The persona direction the run measures the Assistant on, once computed (before selection). */
  | { type: 'direction'; runId: string; direction: PersonaDirection }
  /** What the selected Assistant made of each fine-tune set, measured once before the branches. */
  | { type: 'preFinetune'; runId: string; preFinetune: PreFinetuneState }
  | { type: 'done'; runId: string; results: RunResults }
  | { type: 'error'; runId: string; stage: StageId | null; message: string };
