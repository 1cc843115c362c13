// The page learns of an engine failure through EngineError's kind: a base that does not fit the recipe
// or a damaged saved run is the user's input (with what to do), an overflowing model is the checkpoint's.
import { describe, expect, it } from 'vitest';
import { RunSetupError } from '../../src/experiment/runSetupError.ts';
import { ModelOutputError } from '../../src/model/modelOutputError.ts';
import { toEngineError } from '../../src/platform/engineError.ts';

describe('toEngineError', () => {
  it('maps a refused run setup to invalid-input with its hint, and non-finite outputs to checkpoint', () => {
    const setup = toEngineError(new RunSetupError('checkpoint base.ckpt is a 2x128 model', 'use its recipe'));
    expect(setup.kind).toBe('invalid-input');
    expect(setup.message).toBe('checkpoint base.ckpt is a 2x128 model: use its recipe');
    const overflow = toEngineError(new ModelOutputError('logits'));
    expect(overflow.kind).toBe('checkpoint');
    expect(overflow.message).toMatch(/logits are not finite numbers: its weights overflow/);
    expect(toEngineError(new Error('boom')).kind).toBe('internal');
  });
});
