// A run's state rebuilt from its events alone: the `run` event gives the state a session starts from, and
// every later event changes it as the runner changed its own when it emitted it. So whoever sees only the
// events (the page, across the worker boundary) holds the same RunState as the runner and builds the
// same results from it with buildResults. Pure: returns a new state, never changes the one it is given.
import type { RunEvent } from './runEvents.ts';
import type { RunState, StageRecord } from './runState.ts';

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** The run state after one event: null until a `run` event; events of another run change nothing. */
export function foldRunEvent(state: RunState | null, event: RunEvent): RunState | null {
  if (event.type === 'run') return event.state;
  if (state === null || event.runId !== state.runId) return state;
  switch (event.type) {
    case 'stage':
      return withStage(state, event.stage, (s) => {
        const step = event.step;
        if (event.status === 'start') return { ...s, status: 'partial', checkpoint: null, step };
        if (event.status === 'resume') return { ...s, status: 'partial', checkpoint: s.checkpoint, step };
        if (event.status === 'done') return { ...s, status: 'done', checkpoint: s.checkpoint ?? s.id, step };
        // Skipped: a stage already done stays done; any other has its input model as its result.
        return s.status === 'done' ? s : { ...s, status: 'skipped' };
      });
    case 'metrics': {
      const point = { step: event.step, trainLoss: finiteOrNull(event.trainLoss), valLoss: event.valLoss };
      return withStage(state, event.stage, (s) => ({ ...s, losses: [...s.losses, point] }));
    }
    case 'probe': {
      const { step, checkpoint, summary, probeSet, live } = event;
      const point = { step, checkpoint, summary, probeSet, ...(live ? { live } : {}) };
      return withStage(state, event.stage, (s) => ({ ...s, evaluations: [...s.evaluations, point] }));
    }
    case 'sample': {
      const { step, probeId, prompt, text, label, similarity } = event;
      const sample = { step, probeId, prompt, text, label, similarity };
      return withStage(state, event.stage, (s) => ({ ...s, samples: [...s.samples, sample] }));
    }
    case 'checkpoint':
      // As the runner stored it: a partial checkpoint keeps the stage partial, the final one ends it
      // (a stage that handed its input on stays skipped).
      return withStage(state, event.stage, (s) => {
        const { name: checkpoint, step } = event;
        if (!event.final) return { ...s, status: 'partial', checkpoint, step };
        return s.status === 'skipped'
          ? { ...s, checkpoint, step }
          : { ...s, status: 'done', checkpoint, step };
      });
    case 'direction':
      return { ...state, direction: event.direction };
    case 'preFinetune':
      return { ...state, preFinetune: event.preFinetune };
    case 'done':
      return { ...state, finished: event.results.finished };
    case 'progress':
    case 'evaluation':
    case 'error':
      // Nothing the state keeps: progress is saved with the next checkpoint, which has its own event.
      return state;
  }
}

function withStage(state: RunState, id: string, change: (stage: StageRecord) => StageRecord): RunState {
  if (!state.stages.some((s) => s.id === id)) return state;
  return { ...state, stages: state.stages.map((s) => (s.id === id ? change(s) : s)) };
}
