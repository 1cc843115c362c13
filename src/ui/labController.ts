// The page's one link to the engine Worker: starts it, holds the LabState, turns user actions into
// worker calls and worker events into state. Components read `state` and call these methods; they never
// talk to the worker themselves.
import { proxy } from 'comlink';
import { adoptBaseRecipe } from '../experiment/adoptBase.ts';
import { decodeRecipeParams, encodeRecipeParams, shareQuery } from '../experiment/urlCodec.ts';
import { PRESETS, presetRecipe } from '../experiment/presets.ts';
import { defaultRecipe } from '../experiment/recipe.ts';
import { resultsCsv } from '../experiment/resultsCsv.ts';
import { createEngine, type EngineHandle } from '../platform/engineClient.ts';
import type {
  BackendChoice,
  CardInput,
  ExportedCard,
  PoolOutcome,
  CheckpointDirection,
  CheckpointSource,
  DirectionPair,
  EvalSummary,
  ExperimentRecipe,
  RunResults,
  RunStart,
  SampleOptions,
  SampleResult,
  SteeringDosePoint,
  SteeringRequest,
} from '../../workers/contract.ts';
import { guidedLab } from '../experiment/guidedLabs.ts';
import {
  experimentFile,
  experimentFileText,
  parseExperimentFile,
  type ExperimentStart,
} from '../experiment/experimentFile.ts';
import { validateRecipe } from '../experiment/validateRecipe.ts';
import { withUserEntry, withoutUserEntry, type UserListKind } from './userEdits.ts';
import {
  applyRunEvent,
  initialState,
  stateFromResults,
  withResults,
  type LabState,
  type RunBase,
} from './labState.ts';
import { loadLocal, saveLocal } from './localSettings.ts';

/** localStorage key of the run a reload comes back to (the worker alone opens IndexedDB). */
const ACTIVE_RUN = 'activeRun';
/** localStorage key of the step each guided lab is at. */
const LAB_STEPS = 'labSteps';

/** Where the shipped classroom base lives, relative to the page. */
export const SHIPPED_BASE = 'models/classroom-base.ckpt';
/** The shipped base's pretrained model: the persona direction of runs from the shipped base. */
export const SHIPPED_PRETRAINED = 'models/classroom-pretrained.ckpt';

/** A run's start from a base checkpoint. */
export type CheckpointStart = Extract<RunStart, { kind: 'checkpoint' }>;

/** URL parameters that are not recipe fields. */
export const PAGE_PARAMS = ['preset', 'lab', 'locked', 'view'] as const;

export class LabController extends EventTarget {
  state: LabState;
  private engine: EngineHandle | null = null;

  /** `makeEngine` starts the engine worker; tests pass a stand-in. */
  constructor(
    search = typeof location === 'undefined' ? '' : location.search,
    private readonly makeEngine: () => EngineHandle = createEngine,
  ) {
    super();
    this.state = initialState(defaultRecipe());
    this.readUrl(search);
    if (this.state.presetId !== null) this.state = { ...this.state, guide: guideOf(this.state.presetId) };
  }

  private set(patch: Partial<LabState> | ((s: LabState) => LabState)): void {
    this.state = typeof patch === 'function' ? patch(this.state) : { ...this.state, ...patch };
    this.dispatchEvent(new Event('change'));
  }

  /**
   * The recipe from the URL: a preset or lab id plus the fields that differ from it. Bad input never
   * throws: an unknown preset falls back to the defaults, and a bad field to the named preset's own
   * settings (a locked lab stays locked and keeps its lab), with a notice naming what was refused.
   */
  private readUrl(search: string): void {
    const params = new URLSearchParams(search);
    const locked = params.get('locked') === '1';
    const named = params.get('lab') ?? params.get('preset');
    const fields = new URLSearchParams(
      [...params].filter(([k]) => !(PAGE_PARAMS as readonly string[]).includes(k)),
    );
    let presetId: string | null = null;
    let base = defaultRecipe();
    let recipe = base;
    let recipeNotice: string | null = null;
    try {
      if (named !== null) {
        if (!Object.hasOwn(PRESETS, named))
          throw new Error(`there is no preset or lab called ${JSON.stringify(named)}`);
        base = presetRecipe(named);
        presetId = named;
      }
      recipe = base;
      if ([...fields].length > 0) recipe = decodeRecipeParams(fields, [], base);
    } catch (error) {
      recipe = base;
      const fallback =
        presetId === null ? 'the default recipe' : `the settings of ${PRESETS[presetId]!.title}`;
      recipeNotice = `The link's recipe was not used: ${messageOf(error)}. The lab started with ${fallback}.`;
    }
    this.state = { ...this.state, recipe, presetId, locked, recipeNotice };
  }

  /** A link that reproduces the current recipe (only fields that differ from its preset, under short
   * keys), optionally locked for a class. */
  shareLink(locked = this.state.locked): string {
    const presetId = this.state.presetId;
    const base = presetId !== null && Object.hasOwn(PRESETS, presetId) ? presetRecipe(presetId) : undefined;
    const params = new URLSearchParams();
    if (presetId !== null && base) params.set(presetId.startsWith('lab') ? 'lab' : 'preset', presetId);
    if (locked) params.set('locked', '1');
    for (const [key, value] of encodeRecipeParams(this.state.recipe, base)) params.set(key, value);
    const url = new URL(location.href);
    url.search = shareQuery(params);
    return url.toString();
  }

  async start(backend: BackendChoice = this.state.recipe.backend): Promise<void> {
    this.engine?.terminate();
    this.engine = this.makeEngine();
    const engine = this.engine;
    try {
      const report = await Promise.race([
        engine.api.init(backend),
        engine.crashed.then((e) => Promise.reject(e)),
      ]);
      this.set({ backend: report, engineError: null });
      void engine.crashed.then((error) => this.recover(engine, error));
      await this.refreshSavedRuns();
      const active = loadLocal<string | null>(ACTIVE_RUN, null);
      const saved = this.state.savedRuns.find((r) => r.runId === active);
      if (saved && this.state.runId === null)
        this.set((s) => ({ ...stateFromResults(s, saved.results), runId: saved.runId }));
    } catch (error) {
      this.set({ engineError: messageOf(error) });
    }
  }

  /**
   * A worker that started and then died (the browser ended it, an uncaught error) takes its run and
   * model with it; IndexedDB keeps what was saved. Say so, start a fresh worker, and leave the run
   * resumable from its last checkpoint.
   */
  private async recover(engine: EngineHandle, error: Error): Promise<void> {
    if (this.engine !== engine) return;
    const during = this.state.status !== 'idle' ? ` during run ${this.state.runId ?? ''}` : '';
    this.set({
      status: 'idle',
      progress: null,
      activity: null,
      error:
        `${error.message}${during}. A new engine was started: saved runs are intact, and an unfinished ` +
        'run resumes from its last checkpoint (Resume run, on the Pretrain or Fine-tune tab).',
    });
    await this.start(this.state.backend?.backend ?? this.state.recipe.backend);
  }

  setRecipe(recipe: ExperimentRecipe, presetId: string | null = this.state.presetId): void {
    if (this.state.locked) return;
    this.set({ recipe, presetId, recipeNotice: null });
  }

  /**
   * Puts the user's entry (a condition, probe set, persona, domain or voice) into the recipe, validated
   * as a whole; returns why it was refused, in the validator's words, or '' when it was taken.
   */
  addUserEntry(kind: UserListKind, entry: object): string {
    return this.editUser(() => withUserEntry(this.state.recipe, kind, entry));
  }

  removeUserEntry(kind: UserListKind, id: string): string {
    return this.editUser(() => withoutUserEntry(this.state.recipe, kind, id));
  }

  private editUser(change: () => ExperimentRecipe): string {
    if (this.state.locked) return 'Settings are fixed by the teacher’s link.';
    if (this.state.status !== 'idle') return 'A run is going: settings are fixed until it ends.';
    try {
      this.setRecipe(validateRecipe(change()));
      return '';
    } catch (error) {
      return messageOf(error);
    }
  }

  /** The whole experiment as one file: the recipe, and whether it starts from the shipped base. */
  experimentFileText(about = ''): string {
    const start: ExperimentStart = this.state.base?.source === 'shipped' ? 'shipped-base' : 'scratch';
    return experimentFileText(experimentFile(this.state.recipe, start, about));
  }

  /** Reads an experiment file into the recipe (the shipped base is loaded when it starts from it);
   * throws the file's problem in plain words, leaving the recipe as it was. */
  async importExperimentFile(text: string): Promise<void> {
    if (this.state.locked) throw new Error('settings are fixed by the teacher’s link');
    const file = parseExperimentFile(text);
    this.setRecipe(file.recipe, null);
    if (file.start === 'shipped-base' && this.state.base?.source !== 'shipped') await this.loadShippedBase();
  }

  /** Shows a problem of a page action (not a run's) in the page's error line. */
  reportError(message: string): void {
    this.set({ error: message });
  }

  choosePreset(id: string): void {
    this.setRecipe(presetRecipe(id), id);
    if (!this.state.locked && guidedLab(id)) this.followLab(id);
  }

  /** Follows a guided lab (its step bar shows on every view), at the step it was left at. */
  followLab(labId: string): void {
    this.set({ guide: guideOf(labId) });
  }

  /** Moves the followed lab to step `index` (kept in this browser per lab). */
  setLabStep(index: number): void {
    const guide = this.state.guide;
    const lab = guide && guidedLab(guide.labId);
    if (!lab) return;
    const step = Math.min(Math.max(index, 0), lab.steps.length - 1);
    saveLocal(LAB_STEPS, { ...loadLocal<Record<string, number>>(LAB_STEPS, {}), [lab.id]: step });
    this.set({ guide: { labId: lab.id, step } });
  }

  async refreshSavedRuns(): Promise<void> {
    if (!this.engine) return;
    this.set({ savedRuns: await this.engine.api.savedRuns() });
  }

  async previewCorpus(documentsPerPersona = 3): Promise<void> {
    const api = this.requireEngine();
    try {
      this.set({ corpus: await api.corpusPreview(this.state.recipe, documentsPerPersona), error: null });
    } catch (error) {
      this.set({ error: messageOf(error) });
    }
  }

  /** Runs the current recipe (from scratch or from a checkpoint), or resumes a saved run. */
  async run(start: RunStart, runId = newRunId()): Promise<void> {
    const api = this.requireEngine();
    if (this.state.status !== 'idle') return;
    const resuming = start.kind === 'resume';
    this.set((s) => ({
      ...s,
      status: 'starting',
      runId,
      error: null,
      ...(resuming
        ? {}
        : {
            progress: null,
            losses: {},
            evalLosses: {},
            samples: [],
            evaluations: [],
            run: null,
            results: null,
            direction: null,
          }),
      activity: null,
    }));
    saveLocal(ACTIVE_RUN, runId);
    const onEvent = proxy((event: Parameters<typeof applyRunEvent>[1]) => {
      this.set((s) => {
        const next = applyRunEvent(s, event, performance.now());
        return next.status === 'starting' ? { ...next, status: 'running' } : next;
      });
    });
    const engine = this.engine!;
    try {
      const results = await Promise.race([
        api.startRun({ recipe: this.state.recipe, runId, start }, onEvent),
        engine.crashed.then((e) => Promise.reject(e)),
      ]);
      // The run is over: its results are the worker's, and events still on their way (they travel on
      // their own port) change nothing.
      this.set((s) => ({
        ...withResults(s, results),
        run: null,
        status: 'idle',
        progress: null,
        activity: null,
      }));
    } catch (error) {
      // A dead worker is `recover`'s to report (it has already started a new one).
      if (this.engine === engine) this.set({ status: 'idle', activity: null, error: messageOf(error) });
    }
    await this.refreshSavedRuns();
  }

  /**
   * Runs from a base checkpoint. A base fixes its corpus (vocabulary, probes), model shape and corpus
   * seed, so when it embeds a recipe those are taken from it first (the recipe becomes a custom one) and
   * the run, its saved state and its results carry them; the current selection, fine-tune, evaluation,
   * backend and other seeds stay. Without a recipe the runner's compatibility check has the last word.
   */
  async runFromBase(start: CheckpointStart, baseRecipe: ExperimentRecipe | null): Promise<void> {
    if (this.state.status !== 'idle') return;
    if (baseRecipe) {
      const { recipe, changed } = adoptBaseRecipe(this.state.recipe, baseRecipe);
      // Not a settings edit (so a locked lab takes it too): the base's weights leave no other choice.
      if (changed.length > 0) this.set({ recipe, presetId: null, recipeNotice: null });
    }
    await this.run(start);
  }

  async pause(): Promise<void> {
    await this.requireEngine().pauseRun();
    this.set({ status: 'paused' });
  }

  async resume(): Promise<void> {
    await this.requireEngine().resumeRun();
    this.set({ status: 'running' });
  }

  async stop(): Promise<void> {
    this.set({ status: 'stopping' });
    await this.requireEngine().stopRun();
  }

  /** Shows a saved run (and makes it the one a reload comes back to). */
  async openSavedRun(runId: string): Promise<void> {
    const saved = this.state.savedRuns.find((r) => r.runId === runId);
    if (!saved || this.state.status !== 'idle') return;
    saveLocal(ACTIVE_RUN, runId);
    this.set((s) => ({ ...stateFromResults(s, saved.results), runId, presetId: null }));
  }

  async deleteSavedRun(runId: string): Promise<void> {
    await this.requireEngine().deleteRun(runId);
    if (this.state.runId === runId)
      this.set({
        runId: null,
        run: null,
        results: null,
        evaluations: [],
        samples: [],
        losses: {},
        evalLosses: {},
        direction: null,
      });
    await this.refreshSavedRuns();
  }

  async evaluate(source: CheckpointSource): Promise<EvalSummary> {
    return this.requireEngine().evaluateCheckpoint(this.state.recipe, source);
  }

  async sample(
    source: CheckpointSource,
    prompt: string,
    options: SampleOptions,
    steering: SteeringRequest | null = null,
  ): Promise<SampleResult> {
    return this.requireEngine().sampleCheckpoint(source, prompt, options, steering);
  }

  /** The persona direction of `pair` measured on a checkpoint with the current recipe's probes. */
  async measureDirection(source: CheckpointSource, pair: DirectionPair): Promise<CheckpointDirection> {
    return this.requireEngine().measureDirection(this.recipeOf(source), source, pair);
  }

  /** Off-code MI of a checkpoint under each steering strength (the compare view's dose-response). */
  async steeringDose(
    source: CheckpointSource,
    steering: Omit<SteeringRequest, 'alpha'>,
    alphas: number[],
    probesPerDomain: number,
  ): Promise<SteeringDosePoint[]> {
    return this.requireEngine().steeringDose(
      this.recipeOf(source),
      source,
      steering,
      alphas,
      probesPerDomain,
    );
  }

  /**
   * The recipe whose probes measure a checkpoint: a stored one's run's own, a file's the current recipe
   * with the loaded base's corpus and model (as a run from that base would take them).
   */
  private recipeOf(source: CheckpointSource): ExperimentRecipe {
    const { recipe, base, savedRuns } = this.state;
    if (source.kind === 'stored') return savedRuns.find((r) => r.runId === source.runId)?.recipe ?? recipe;
    return base?.info.recipe ? adoptBaseRecipe(recipe, base.info.recipe).recipe : recipe;
  }

  /** The selected Assistant steering acts on: the current run's selected model, else the loaded base. */
  steeringModel(): { source: CheckpointSource; name: string } | null {
    const { base, runId, savedRuns } = this.state;
    const run = savedRuns.find((r) => r.runId === runId);
    if (runId && run?.checkpoints.includes('select'))
      return {
        source: { kind: 'stored', runId, name: 'select' },
        name: `the selected Assistant of ${runId}`,
      };
    if (base)
      return {
        source: { kind: 'bytes', bytes: base.bytes.slice() },
        name: base.source === 'shipped' ? 'the shipped base' : base.name,
      };
    return null;
  }

  /**
   * The pretrained model a persona direction is measured on: the loaded base's own pretrained model
   * (the shipped one), the current run's pretraining checkpoint, or else the loaded base itself.
   */
  directionSource(): { source: CheckpointSource; name: string } | null {
    const { base, runId, results } = this.state;
    if (base?.directionBase)
      return {
        source: { kind: 'bytes', bytes: base.directionBase.bytes.slice(), name: base.directionBase.name },
        name: base.directionBase.name,
      };
    if (runId && results?.pretrain.checkpoint)
      return {
        source: { kind: 'stored', runId, name: results.pretrain.checkpoint },
        name: results.pretrain.checkpoint,
      };
    if (base)
      return { source: { kind: 'bytes', bytes: base.bytes.slice(), name: base.name }, name: base.name };
    return null;
  }

  async inspectCheckpoint(bytes: Uint8Array) {
    return this.requireEngine().inspectCheckpoint(bytes);
  }

  async checkpointBytes(runId: string, name: string): Promise<Uint8Array> {
    return this.requireEngine().exportCheckpoint(runId, name);
  }

  /** The result card of a saved run's finished fine-tunes. */
  async resultCard(runId: string): Promise<ExportedCard> {
    return this.requireEngine().resultCard(runId);
  }

  /** Pools students' result cards in the worker. */
  async poolCards(cards: CardInput[]): Promise<PoolOutcome> {
    return this.requireEngine().poolCards(cards);
  }

  resultsJson(): string | null {
    return this.state.results ? `${JSON.stringify(this.state.results, null, 1)}\n` : null;
  }

  resultsCsv(): string | null {
    return this.state.results ? resultsCsv(this.state.results) : null;
  }

  /** Checks a checkpoint in the worker and makes it the base runs start from; throws if refused. */
  async loadBase(name: string, bytes: Uint8Array, source: RunBase['source'] = 'file'): Promise<void> {
    // The worker may take the buffer; keep our own copy for the run that uses it.
    const info = await this.requireEngine().inspectCheckpoint(bytes.slice());
    this.set({ base: { name, bytes, info, source } });
  }

  /** Fetches the shipped classroom base next to the page and loads it; throws a plain-words reason. */
  async loadShippedBase(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(new URL(SHIPPED_BASE, document.baseURI));
    } catch (error) {
      throw new Error(`the shipped base could not be fetched: ${messageOf(error)}`);
    }
    // A static server may answer a missing file with the app's index page: that is not a checkpoint.
    const page = (response.headers.get('content-type') ?? '').includes('text/html');
    if (!response.ok || page) {
      throw new Error(
        `the shipped base (${SHIPPED_BASE}) is not part of this build. Pretrain one here, or load a .ckpt file`,
      );
    }
    await this.loadBase('classroom-base.ckpt', new Uint8Array(await response.arrayBuffer()), 'shipped');
    await this.attachShippedPretrained();
  }

  /**
   * The shipped pretrained model, for the persona direction of runs from the shipped base: kept only
   * when it has the base's shape and recipe (a build may ship another base); without it, a run measures
   * the direction on the selected base itself and says so.
   */
  private async attachShippedPretrained(): Promise<void> {
    const base = this.state.base;
    if (!base) return;
    try {
      const response = await fetch(new URL(SHIPPED_PRETRAINED, document.baseURI));
      if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) return;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const info = await this.requireEngine().inspectCheckpoint(bytes.slice());
      const same =
        info.parameterCount === base.info.parameterCount &&
        JSON.stringify(info.recipe?.corpus) === JSON.stringify(base.info.recipe?.corpus) &&
        JSON.stringify(info.recipe?.model) === JSON.stringify(base.info.recipe?.model);
      if (same && this.state.base === base)
        this.set({ base: { ...base, directionBase: { name: 'classroom-pretrained.ckpt', bytes } } });
    } catch {
      // Optional: the run then measures the direction on the selected base.
    }
  }

  clearBase(): void {
    this.set({ base: null });
  }

  /**
   * Runs from the loaded base: a pretrained base runs selection first, a selected one goes straight to
   * the fine-tunes (or `stage` says which).
   */
  async runFromLoadedBase(stage?: CheckpointStart['stage']): Promise<void> {
    const base = this.state.base;
    if (!base) throw new Error('no base checkpoint is loaded');
    const from =
      stage ?? (base.info.stage === 'pretrain' || base.info.stage === null ? 'select' : 'finetune');
    const directionBase =
      from === 'finetune' && base.directionBase
        ? { directionBase: { name: base.directionBase.name, bytes: base.directionBase.bytes.slice() } }
        : {};
    const start = {
      kind: 'checkpoint',
      stage: from,
      name: base.name,
      bytes: base.bytes.slice(),
      ...directionBase,
    } as const;
    await this.runFromBase(start, base.info.recipe);
  }

  /** Shows results from a file (already checked against the results schema) as the current run. */
  showResults(results: RunResults): void {
    if (this.state.status !== 'idle') return;
    this.set((s) => ({ ...stateFromResults(s, results), presetId: null, error: null }));
  }

  dismissError(): void {
    this.set({ error: null });
  }

  private requireEngine() {
    if (!this.engine) throw new Error('the engine has not started');
    return this.engine.api;
  }
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}`;
}

/** The guided lab `id` at the step this browser last left it at; null when `id` is no guided lab. */
function guideOf(id: string): LabState['guide'] {
  const lab = guidedLab(id);
  if (!lab) return null;
  const step = loadLocal<Record<string, number>>(LAB_STEPS, {})[id] ?? 0;
  return { labId: id, step: Math.min(Math.max(step, 0), lab.steps.length - 1) };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
