// The lab's checkpoint inspection (what the page shows before a run starts from a base): step, size,
// stage, and the embedded recipe when it is one this lab reads (null otherwise, never a refusal).
import { beforeAll, describe, expect, it } from 'vitest';
import { LabHost } from '../../src/platform/labHost.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';

describe('LabHost.inspectCheckpoint', () => {
  const lab = new LabHost();
  beforeAll(async () => {
    await lab.init('cpu');
    const config = { vocabSize: 4, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, dropout: 0 };
    await lab.createModel(config, ['a', 'b', 'c', 'd'], 1);
  });

  it('returns the embedded recipe when it validates', async () => {
    const recipe = presetRecipe('tiny');
    const bytes = await lab.saveCheckpoint({ recipe, info: { stage: 'select' } });
    const info = await lab.inspectCheckpoint(bytes);
    expect(info).toMatchObject({ step: 0, stage: 'select', recipe });
    expect(info.parameterCount).toBeGreaterThan(0);
  });

  it('gives null for a missing or unreadable recipe', async () => {
    const bad = { ...presetRecipe('tiny'), model: { nLayer: 'two' } };
    expect((await lab.inspectCheckpoint(await lab.saveCheckpoint({ recipe: bad }))).recipe).toBeNull();
    const none = await lab.inspectCheckpoint(await lab.saveCheckpoint({}));
    expect(none).toMatchObject({ stage: null, recipe: null });
  });
});
