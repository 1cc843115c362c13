// Starting from a base checkpoint in the pretrain view, through the real view, widget and controller
// (the engine worker is a stand-in): a base whose embedded recipe differs from the current one is shown
// as the list of what changes, and the run starts with the base's corpus, model and corpus seed in the
// current recipe (which becomes a custom one). A base without a readable recipe leaves the recipe alone.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LabController } from '../../src/ui/labController.ts';
import type { EngineHandle } from '../../src/platform/engineClient.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type {
  CheckpointInspection,
  ExperimentRecipe,
  RunRequest,
  RunResults,
} from '../../workers/contract.ts';
import '../../src/ui/views/pretrainView.ts';
import '../../src/ui/views/finetuneView.ts';

/** A controller on a stand-in engine whose inspectCheckpoint reports `recipe`; records the run requests (runs never end). */
function fakeLab(recipe: ExperimentRecipe | null) {
  const requests: RunRequest[] = [];
  const inspection: CheckpointInspection = { step: 3000, parameterCount: 412_000, stage: 'select', recipe };
  const api = {
    init: async () => ({ backend: 'cpu', adapter: null, wasm: null, failures: [], tfjsVersion: 'test' }),
    savedRuns: async () => [],
    inspectCheckpoint: async () => inspection,
    // The run never ends here: the tests look at what started it.
    startRun: (request: RunRequest) => {
      requests.push(request);
      return new Promise<RunResults>(() => {});
    },
  };
  const engine = {
    api,
    crashed: new Promise<Error>(() => {}),
    terminate: () => {},
  } as unknown as EngineHandle;
  return { lab: new LabController('?preset=classroom', () => engine), requests };
}

/** The pretrain view, re-rendered on every state change as the app does. */
async function mountView(lab: LabController) {
  await lab.start('cpu');
  const view = document.createElement('pl-pretrain-view');
  view.lab = lab;
  view.state = lab.state;
  lab.addEventListener('change', () => (view.state = lab.state));
  document.body.append(view);
  await view.updateComplete;
  const widget = view.shadowRoot!.querySelector('pl-base-checkpoint')!;
  await widget.updateComplete;
  return { view, widget };
}

function button(root: ShadowRoot, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent.trim() === text);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
}

/** The focused element, through open shadow roots. */
function deepActive(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

describe('starting from the shipped base', () => {
  it("shows what changes and runs with the base's corpus, model and corpus seed", async () => {
    const base = presetRecipe('reference');
    base.seeds.corpus = 5;
    const fetched = vi.fn(
      async (_url: URL) =>
        new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } }),
    );
    vi.stubGlobal('fetch', fetched);
    const { lab, requests } = fakeLab(base);
    const before = structuredClone(lab.state.recipe);
    expect(lab.state.presetId).toBe('classroom');
    const { widget } = await mountView(lab);

    button(widget.shadowRoot!, 'Use the shipped base').click();
    await vi.waitFor(() => expect(widget.shadowRoot!.querySelector('.adoption')).not.toBeNull());
    expect(String(fetched.mock.calls[0]![0])).toMatch(/models\/classroom-base\.ckpt$/);
    const items = [...widget.shadowRoot!.querySelectorAll('.adoption li')].map((li) => li.textContent);
    expect(items).toContain('model: 2x48, context 160 -> 2x128, context 256');
    expect(items).toContain('corpus: 4,000 -> 40,000 documents');
    expect(items).toContain('corpus seed: 1 -> 5');
    expect(widget.shadowRoot!.querySelector('.adoption')!.textContent.replace(/\s+/g, ' ')).toContain(
      'the run will use its corpus and model settings',
    );

    button(widget.shadowRoot!, 'Select the Assistant, then fine-tune').click();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    const request = requests[0]!;
    expect(request.start).toMatchObject({ kind: 'checkpoint', stage: 'select', name: 'classroom-base.ckpt' });
    expect(request.recipe.model).toEqual(base.model);
    expect(request.recipe.corpus).toEqual(base.corpus);
    expect(request.recipe.seeds).toEqual({ ...before.seeds, corpus: 5 });
    expect(request.recipe.select).toEqual(before.select);
    expect(request.recipe.finetune).toEqual(before.finetune);
    // The page's recipe is the adopted one (a custom recipe now), so the run and its results agree.
    expect(lab.state.recipe).toEqual(request.recipe);
    expect(lab.state.presetId).toBeNull();
    // With the recipe adopted, the widget has nothing left to announce.
    await vi.waitFor(() => expect(widget.shadowRoot!.querySelector('.adoption')).toBeNull());
  });

  it('keeps the recipe when the base has no recipe this lab reads', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(new Uint8Array([1]), { headers: { 'content-type': 'application/octet-stream' } }),
      ),
    );
    const { lab, requests } = fakeLab(null);
    const before = structuredClone(lab.state.recipe);
    const { widget } = await mountView(lab);

    button(widget.shadowRoot!, 'Use the shipped base').click();
    await vi.waitFor(() => expect(widget.shadowRoot!.textContent).toContain('Fine-tune from this base'));
    expect(widget.shadowRoot!.querySelector('.adoption')).toBeNull();
    button(widget.shadowRoot!, 'Fine-tune from this base').click();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.recipe).toEqual(before);
    expect(lab.state.presetId).toBe('classroom');
  });

  it('keeps the loaded base in the run state: focus moves on, and the Fine-tune view runs from it', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(new Uint8Array([7, 8, 9]), {
            headers: { 'content-type': 'application/octet-stream' },
          }),
      ),
    );
    const { lab, requests } = fakeLab(presetRecipe('reference'));
    const { view, widget } = await mountView(lab);
    const shipped = button(widget.shadowRoot!, 'Use the shipped base');
    shipped.focus();
    shipped.click();
    // While it loads the button keeps the focus (a disabled button would drop it to <body>) ...
    expect(shipped.disabled).toBe(false);
    expect(deepActive()).toBe(shipped);
    // ... and once loaded, focus moves to the button that starts from it.
    await vi.waitFor(() => expect(deepActive()?.textContent?.trim()).toBe('Fine-tune from this base'));
    expect(lab.state.base).toMatchObject({ name: 'classroom-base.ckpt', source: 'shipped' });
    expect([...lab.state.base!.bytes]).toEqual([7, 8, 9]);

    // Leaving the Pretrain view keeps the base: the Fine-tune view offers it and runs from it.
    view.remove();
    const bench = document.createElement('pl-finetune-view');
    bench.lab = lab;
    bench.state = lab.state;
    lab.addEventListener('change', () => (bench.state = lab.state));
    document.body.append(bench);
    await bench.updateComplete;
    const root = bench.shadowRoot!;
    const options = [...root.querySelectorAll('option')].map((o) => o.textContent.trim());
    expect(options[0]).toMatch(/^the shipped base \(select stage, step 3000\)$/);
    const run = button(root, 'Run the fine-tunes');
    expect(run.disabled).toBe(false);
    run.click();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.start).toMatchObject({
      kind: 'checkpoint',
      stage: 'finetune',
      name: 'classroom-base.ckpt',
    });
    expect(requests[0]!.recipe.model).toEqual(presetRecipe('reference').model);
  });
});
