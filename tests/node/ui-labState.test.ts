// The page's run model: events fold into the run's state from its `run` event, the page's results are
// that state's buildResults, the lists the views read come off those results, and charts keep their
// data while no evaluation arrives. Hand-built events; the runner test checks real ones end to end.
import { describe, expect, it } from 'vitest';
import { buildResults } from '../../src/experiment/results.ts';
import { placeOf, type RunState } from '../../src/experiment/runState.ts';
import type { RunEvent } from '../../src/experiment/runEvents.ts';
import { applyRunEvent, initialState, type LabState } from '../../src/ui/labState.ts';
import type { EvalSummary } from '../../workers/contract.ts';
import { branchAt, runStateOf, stageAt } from './runFixtures.ts';

function summary(mi: number): EvalSummary {
  return {
    mi,
    miPerChar: mi / 40,
    miPerDomain: {},
    miCode: 0.5,
    attainment: 0.2,
    posteriors: {},
    inference: [],
    calibration: {},
    probes: 10,
  };
}

/** A run whose selection is measured and whose one covert branch has not started. */
function started(): RunState {
  const state = runStateOf([stageAt('select', 20, summary(1)), branchAt('covert', 1, 5, summary(1.5))]);
  const branch = state.stages.find((s) => s.kind === 'finetune')!;
  branch.evaluations = [];
  branch.status = 'pending';
  return state;
}

const fold = (state: LabState, events: RunEvent[]) => events.reduce((s, e) => applyRunEvent(s, e, 0), state);

describe('the page folds run events into the run state', () => {
  const run = started();
  const branch = run.stages.find((s) => s.kind === 'finetune')!;
  const place = placeOf(run, branch);
  const begin = { ...initialState(run.recipe), status: 'running' as const };
  const at = (step: number, mi: number): RunEvent => ({
    type: 'probe',
    runId: 'r',
    stage: branch.id,
    place,
    step,
    checkpoint: `${branch.id}@${step}`,
    summary: summary(mi),
    probeSet: 'full',
    deltaMI: mi - 1,
  });

  it('shows buildResults of the folded state, and evaluations with their stage as fields', () => {
    const s = fold(begin, [
      { type: 'run', runId: 'r', state: run },
      { type: 'stage', runId: 'r', stage: branch.id, place, status: 'start', step: 0, steps: 100 },
      at(5, 1.5),
    ]);
    const expected = structuredClone(run);
    const record = expected.stages.find((x) => x.id === branch.id)!;
    record.status = 'partial';
    record.evaluations.push({
      step: 5,
      checkpoint: `${branch.id}@5`,
      summary: summary(1.5),
      probeSet: 'full',
    });
    expect(s.results).toEqual(buildResults(expected));
    expect(s.results!.branches[0]!.trajectory.map((p) => p.deltaMI)).toEqual([0, 0.5]);
    expect(s.evaluations.at(-1)).toMatchObject({
      stage: branch.id,
      kind: 'finetune',
      condition: 'covert',
      seed: 1,
    });
  });

  it('keeps the evaluations (and so the charts) until an evaluation arrives', () => {
    const s = fold(begin, [{ type: 'run', runId: 'r', state: run }, at(5, 1.5)]);
    const saved = applyRunEvent(
      s,
      {
        type: 'checkpoint',
        runId: 'r',
        stage: branch.id,
        place,
        step: 5,
        name: `${branch.id}@5`,
        final: false,
      },
      0,
    );
    expect(saved.results).not.toBe(s.results);
    expect(saved.results!.branches[0]!.checkpoint).toBe(`${branch.id}@5`);
    expect(saved.evaluations).toBe(s.evaluations);
    expect(applyRunEvent(saved, at(10, 2), 0).evaluations).not.toBe(s.evaluations);
  });

  it('ignores another run’s events and, once the run is done, any late ones', () => {
    const s = fold(begin, [{ type: 'run', runId: 'r', state: run }]);
    expect(applyRunEvent(s, { ...at(5, 1.5), runId: 'other' }, 0).results).toBe(s.results);
    const final = buildResults({ ...run, finished: true });
    const done = applyRunEvent(s, { type: 'done', runId: 'r', results: final }, 0);
    expect(done.results).toBe(final);
    expect(done.status).toBe('idle');
    expect(applyRunEvent(done, at(5, 1.5), 0).results).toBe(final);
  });
});
