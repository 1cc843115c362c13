// A stored run state is outside input (a crash, a disk or a hand can damage run-state.json; a browser's
// storage can hold anything): checkRunState accepts a whole state of this recipe and refuses the rest
// with a RunSetupError that says what is wrong.
import { describe, expect, it } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import {
  checkRunState,
  newStageRecord,
  RUN_STATE_VERSION,
  type RunState,
} from '../../src/experiment/runState.ts';
import { RunSetupError } from '../../src/experiment/runSetupError.ts';

const recipe = presetRecipe('tiny');

function state(): RunState {
  return {
    kind: 'persona-lab-run',
    version: RUN_STATE_VERSION,
    runId: 'run-1',
    recipe,
    corpusHash: 'abc',
    backend: 'cpu',
    codeVersion: 'test',
    stages: [newStageRecord('pretrain', 'pretrain', 12, 1), newStageRecord('select', 'select', 4, 1)],
    finished: false,
  };
}

/** The refusal's message after `edit` damages a copy (through JSON, as a file arrives). */
function refusal(edit: (s: Record<string, unknown> & RunState) => void): string {
  const s = JSON.parse(JSON.stringify(state()));
  edit(s);
  try {
    checkRunState(JSON.parse(JSON.stringify(s)), recipe);
  } catch (error) {
    expect(error).toBeInstanceOf(RunSetupError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('checkRunState', () => {
  it('accepts a whole state of this recipe', () => {
    expect(checkRunState(JSON.parse(JSON.stringify(state())), recipe)).toEqual(state());
  });

  it('refuses damaged states, saying what is wrong', () => {
    expect(refusal((s) => ((s as Record<string, unknown>).kind = 'x'))).toMatch(/not a Persona Lab run/);
    expect(refusal((s) => (s.version = 9))).toMatch(/version 9; this lab reads 1/);
    expect(refusal((s) => (s.recipe = presetRecipe('classroom')))).toMatch(/different recipe/);
    expect(refusal((s) => (s.stages = 'x' as never))).toMatch(/damaged \(stages: must be array/);
    expect(refusal((s) => (s.stages[0]!.step = -1))).toMatch(/damaged \(stages\[0\]\.step: must be in/);
    expect(refusal((s) => (s.stages[0]!.step = 13))).toMatch(/stage pretrain at step 13 of 12/);
    expect(refusal((s) => (s.stages[1]!.id = 'pretrain'))).toMatch(/damaged/);
    expect(refusal((s) => s.stages.reverse())).toMatch(/first stages are not pretrain and select/);
    expect(refusal((s) => ((s.stages[0] as unknown as Record<string, unknown>).extra = 1))).toMatch(
      /stages\[0\]\.extra: is not a results field/,
    );
    // A status says what checkpoint the stage has: a done stage its final one, a pending one none.
    expect(refusal((s) => (s.stages[0]!.status = 'done'))).toMatch(
      /stage pretrain is done with checkpoint null/,
    );
    expect(refusal((s) => (s.stages[0]!.checkpoint = 'pretrain@6'))).toMatch(
      /stage pretrain is pending with checkpoint pretrain@6/,
    );
    // 1e999 in the file parses to Infinity.
    const text = JSON.stringify(state()).replace(
      '"losses":[]',
      '"losses":[{"step":1,"trainLoss":1e999,"valLoss":null}]',
    );
    expect(() => checkRunState(JSON.parse(text), recipe)).toThrow(/trainLoss: must be a finite number/);
  });
});
