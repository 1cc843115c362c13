// When Node's wasm backend starts threaded (src/platform/wasmThreads.ts): the environment variable
// decides where set; otherwise only a large model's run on cores free at its start gets threads.
import { describe, expect, it } from 'vitest';
import { startBackend } from '../../src/cli/cliBackend.ts';
import { recipeStepGflop } from '../../src/cli/recipeStepGflop.ts';
import { DEFAULT_RECIPE } from '../../src/experiment/recipe.ts';
import { trainStepGflop } from '../../src/model/config.ts';
import { chooseWasmThreads, MIN_THREADED_STEP_GFLOP } from '../../src/platform/wasmThreads.ts';

describe('trainStepGflop', () => {
  it('counts 6 flops a weight a token and the causal products', () => {
    // 1 layer, width 2, context 4, batch 1: dense 6*4*(12*4 + 2*3) = 1296; attention 6*4*4*2*1 = 192.
    expect(trainStepGflop({ nLayer: 1, nEmbd: 2, blockSize: 4 }, 1, 3) * 1e9).toBeCloseTo(1296 + 192, 6);
    // The reference experiment's step is about 20 GFLOP; its heaviest stage sets the recipe's figure.
    expect(recipeStepGflop({ ...DEFAULT_RECIPE })).toBeGreaterThan(19);
    expect(recipeStepGflop({ ...DEFAULT_RECIPE })).toBeLessThan(20);
  });
});

describe('chooseWasmThreads', () => {
  const big = 20;
  it('follows PERSONA_LAB_WASM_THREADS where set, whatever the model and load', () => {
    expect(chooseWasmThreads('3', 0.1, 2, 9).threads).toBe(3);
    expect(chooseWasmThreads('0', big, 8, 0)).toEqual({
      threads: 0,
      reason: 'off (PERSONA_LAB_WASM_THREADS=0)',
    });
    expect(chooseWasmThreads('1', big, 8, 0).threads).toBe(0);
    expect(chooseWasmThreads('two', big, 8, 0).threads).toBe(0);
  });

  it('turns threads on for a large model on free cores, at most 4', () => {
    expect(chooseWasmThreads(undefined, big, 2, 0.4)).toEqual({
      threads: 2,
      reason: '2 free cores and 20 GFLOP a step',
    });
    expect(chooseWasmThreads('', big, 16, 1).threads).toBe(4);
    expect(chooseWasmThreads(undefined, big, 4, 1.7).threads).toBe(3);
  });

  it('keeps them off for a small model, a busy machine, or a caller that does not say', () => {
    expect(chooseWasmThreads(undefined, MIN_THREADED_STEP_GFLOP / 2, 8, 0).reason).toMatch(
      /^off: a small model/,
    );
    expect(chooseWasmThreads(undefined, big, 2, 1.2)).toEqual({
      threads: 0,
      reason: 'off: the cores are busy (load average 1.2 on 2 cores)',
    });
    expect(chooseWasmThreads(undefined, big, 1, 0).threads).toBe(0);
    expect(chooseWasmThreads(undefined, undefined, 8, 0).threads).toBe(0);
  });
});

describe('the CLI', () => {
  it('says, for a large model, how many wasm threads it runs on and why', { timeout: 300_000 }, async () => {
    process.env.PERSONA_LAB_WASM_THREADS = '0'; // the one choice that does not depend on this machine's load
    const notices: string[] = [];
    expect(await startBackend('wasm', (line) => notices.push(line), { stepGflop: 20 })).toBe('wasm');
    expect(notices).toEqual(['persona-lab: wasm threads: off (PERSONA_LAB_WASM_THREADS=0)']);
  });
});
