// What every stage of a run shares: the recipe, the prepared corpus, the store, the persisted state, the
// event sink, the control, the run-wide pace and the timing. Saving the state is here too; checkpoints
// are in runCheckpoints.ts, probe evaluations and samples in stageEvaluation.ts.
import type { EvalProbe } from '../eval/index.ts';
import type { ModelOps } from '../model/modelOps.ts';
import type { CorpusInputs } from './corpusInputs.ts';
import type { ExperimentRecipe } from './recipe.ts';
import type { RunControl } from './runControl.ts';
import type { RunEvent } from './runEvents.ts';
import type { RunState } from './runState.ts';
import type { RunStore } from './runStore.ts';
import type { RunTiming } from './runTiming.ts';

export interface RunContext {
  recipe: ExperimentRecipe;
  inputs: CorpusInputs;
  store: RunStore;
  state: RunState;
  /** Forced op set, or undefined for the model's default (fast ops for the active backend). */
  ops: ModelOps | undefined;
  control: RunControl;
  emit: (event: RunEvent) => void;
  pace: RunPace;
  /** The probes live evaluations score (all of them when the recipe's subset covers the set). */
  liveProbes: readonly EvalProbe[];
  /** The run's timing (held in the state) and this session's start, for the wall time. */
  timing: RunTiming;
  session: { startedAt: number; wallBefore: number };
}

/** Saves the state, with the wall time up to now. */
export function saveState(ctx: RunContext): Promise<void> {
  ctx.timing.wall = ctx.session.wallBefore + (performance.now() - ctx.session.startedAt) / 1000;
  ctx.state.timing = ctx.timing;
  return ctx.store.saveState(ctx.state);
}

/** The run-wide progress: optimizer steps done over the whole run (resumed ones included) of its total,
 * and this session's pace, for the time left. */
export class RunPace {
  private readonly startedAt = performance.now();
  private stepsThisSession = 0;

  constructor(
    public done: number,
    public total: number,
  ) {}

  advance(steps: number): void {
    this.done += steps;
    this.stepsThisSession += steps;
  }

  /** Seconds to the end of the run at this session's pace. */
  get etaSeconds(): number {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    return (elapsed / Math.max(1, this.stepsThisSession)) * (this.total - this.done);
  }
}
