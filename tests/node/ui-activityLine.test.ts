// What the page says a run is doing, built from the events' structured fields through the lab state:
// the branch's place and condition, the step, and which evaluation of how many is being scored.
import { describe, expect, it } from 'vitest';
import { applyRunEvent, initialState, type LabState } from '../../src/ui/labState.ts';
import { activityLine } from '../../src/ui/activityLine.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { RunEvent, StagePlace } from '../../src/experiment/runEvents.ts';
import { conditionTitle } from '../../src/ui/conditionInfo.ts';

const covert: StagePlace = { kind: 'finetune', condition: 'covert', seed: 1, branch: 1, branches: 6 };
const select: StagePlace = { kind: 'select', condition: null, seed: 1, branch: 0, branches: 6 };

function after(events: RunEvent[]): LabState {
  let state: LabState = { ...initialState(presetRecipe('lab3-shift')), status: 'running' };
  for (const [i, event] of events.entries()) state = applyRunEvent(state, event, i * 1000);
  return state;
}

describe('activityLine', () => {
  it('says nothing when idle, and that the run is starting before its first event', () => {
    expect(activityLine({ status: 'idle', activity: null })).toBeNull();
    expect(activityLine({ status: 'starting', activity: null })).toMatch(/^Starting: generating the corpus/);
  });

  it('follows the baseline, a branch’s steps and its evaluations', () => {
    const runId = 'r';
    const baseline = after([
      { type: 'evaluation', runId, stage: 'select', place: select, step: 0, index: 1, count: 1, probes: 208 },
    ]);
    expect(activityLine(baseline)).toBe(
      'Selecting the Assistant: scoring the base on the probes (the baseline every ΔMI is measured against), evaluation 1 of 1 (208 probes)…',
    );
    const stage = 'finetune-covert-s1';
    const training = after([
      { type: 'stage', runId, stage, place: covert, status: 'start', step: 0, steps: 20 },
      {
        type: 'progress',
        runId,
        stage,
        place: covert,
        step: 3,
        steps: 20,
        loss: 1.2,
        lr: 3e-4,
        done: 3,
        total: 120,
        etaSeconds: 100,
      },
    ]);
    const title = conditionTitle('covert');
    expect(activityLine(training)).toBe(`Fine-tune 1 of 6: ${title}, seed 1: step 3 of 20`);
    const scoring = applyRunEvent(
      training,
      { type: 'evaluation', runId, stage, place: covert, step: 5, index: 1, count: 4, probes: 208 },
      9000,
    );
    expect(activityLine(scoring)).toBe(
      `Fine-tune 1 of 6: ${title}, seed 1: scoring the probes at step 5, evaluation 1 of 4 (208 probes)…`,
    );
    expect(activityLine({ ...scoring, status: 'paused' })).toMatch(/\(paused\)$/);
  });
});
