// <pl-finetune-view>: the fine-tune bench. Choose conditions and seeds, run them as branches from one
// selected checkpoint (of a saved run, or an uploaded file), and watch the whole persona move: ΔMI against
// fine-tune step with a 95% band over seeds, attainment against ΔMI, a results table and a plain reading,
// then (once results exist) the reference experiment's three gates judged from them.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LabController } from '../labController.ts';
import { messageOf } from '../labController.ts';
import { resumableRun, type LabState } from '../labState.ts';
import { CONDITION_IDS, conditionQuestion, conditionTitle } from '../conditionInfo.ts';
import { readShift } from '../shiftReading.ts';
import { colorFor } from '../palette.ts';
import { fileBytes } from '../download.ts';
import { benchStyles, controlStyles, stackedLabelStyles } from './viewStyles.ts';
import type { ChartSeries } from '../widgets/lineChart.ts';
import '../widgets/lineChart.ts';
import '../widgets/conditionCard.ts';
import '../widgets/shiftTable.ts';
import '../widgets/effectsTable.ts';
import '../widgets/gatesPanel.ts';
import '../widgets/runActivity.ts';
import './classPoolSection.ts';
import { projectionSeries } from '../widgets/projectionChart.ts';
import '../widgets/projectionChart.ts';
import '../widgets/conditionEditor.ts';
import '../widgets/userProbesTable.ts';
import type { UserEntryDetail } from '../widgets/userEntryEditor.ts';
import { userConditionTitles, userIds, type UserListKind } from '../userEdits.ts';
import { userProbeRows } from '../userProbeRows.ts';
import { adoptBaseRecipe } from '../../experiment/adoptBase.ts';
import { conditionShifts, type ConditionShift } from '../../experiment/conditionShifts.ts';
import type { ExperimentRecipe } from '../../../workers/contract.ts';

/** Parses `1, 2, 3` into distinct non-negative integer seeds; null when the text is not such a list. */
export function parseSeeds(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d{1,9}$/.test(p))) return null;
  return [...new Set(parts.map(Number))];
}

/** What the charts and the table show, and the state it was computed from. */
interface Shown {
  evaluations: LabState['evaluations'];
  running: boolean;
  shifts: ConditionShift[];
  stepSeries: ChartSeries[];
  attainmentSeries: ChartSeries[];
  direction: LabState['direction'];
  /** The persona-direction chart's lines. */
  projection: ChartSeries[];
}

@customElement('pl-finetune-view')
export class FinetuneView extends LitElement {
  /** The page's controller: every action goes through it. */
  @property({ attribute: false }) lab!: LabController;
  /** The lab state to show. */
  @property({ attribute: false }) state!: LabState;

  /** Which base the fine-tunes start from: `run:<id>` (its selected checkpoint) or `base` (the loaded one). */
  @state() private baseKey = '';
  @state() private seedText: string | null = null;
  @state() private notice = '';
  /** Why the last edit of the user's condition was refused ('' when it was not). */
  @state() private userError = '';
  private previewAsked = false;
  private shown: Shown | null = null;

  static override styles = [
    controlStyles,
    benchStyles,
    stackedLabelStyles,
    css`
      .cards {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
        gap: 0.6rem;
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem 1.2rem;
        align-items: end;
        margin: 0.8rem 0;
        padding: 0.7rem 0.8rem;
        background: #f4f6f8;
        border-radius: 8px;
      }
      input[type='text'] {
        width: 8rem;
      }
      button.primary {
        font-weight: 600;
      }
      .note {
        margin: 0.3rem 0;
      }
      .charts {
        display: grid;
        grid-template-columns: 3fr 2fr;
        gap: 1rem;
      }
      figure {
        margin: 0;
        min-width: 0;
      }
      figcaption {
        font-size: 0.85rem;
        color: #444;
        margin-bottom: 0.3rem;
      }
      .reading {
        background: #fbfaf5;
        border: 1px solid #e4e1d2;
        border-radius: 8px;
        padding: 0.6rem 0.9rem;
        margin-top: 0.8rem;
        line-height: 1.45;
      }
      .reading p {
        margin: 0.25rem 0;
      }
      @media (max-width: 900px) {
        .charts {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  protected override updated(_changed: PropertyValues<this>): void {
    // Example pairs come from the corpus preview; ask for it once the engine is up.
    if (!this.previewAsked && this.state.backend && !this.state.corpus) {
      this.previewAsked = true;
      void this.lab.previewCorpus().catch(() => undefined);
    }
  }

  override render() {
    const s = this.state;
    const busy = s.status !== 'idle';
    const { shifts, stepSeries, attainmentSeries, projection } = this.shifts();
    return html`
      <h2>Conditions</h2>
      <p class="note">
        Each chosen condition trains a branch per seed from the same selected checkpoint, with the same number
        of examples, steps and learning rate. Probes from the <em>other</em> domains then show whether the
        narrow lesson moved the whole persona.
      </p>
      <div class="cards" @pl-toggle=${this.onToggle}>
        ${CONDITION_IDS.map(
          (id) =>
            html`<pl-condition-card
              .condition=${{
                id,
                title: conditionTitle(id),
                question: conditionQuestion(id),
                examples: s.corpus?.conditions.find((c) => c.id === id)?.examples ?? [],
              }}
              ?selected=${s.recipe.finetune.conditions.includes(id)}
              ?disabled=${busy || s.locked}
            ></pl-condition-card>`,
        )}
      </div>
      ${this.renderOwnCondition()} ${this.renderControls()}
      <h2>Shift of the whole persona</h2>
      <div class="charts">
        <figure>
          <figcaption>ΔMI off-code (nats) against fine-tune step; bands: 95% interval over seeds.</figcaption>
          <pl-line-chart
            .series=${stepSeries}
            xLabel="fine-tune step"
            xKind="integer"
            yLabel="ΔMI (nats)"
            label="ΔMI against fine-tune step, one line per condition"
            zeroLine
          ></pl-line-chart>
        </figure>
        <figure>
          <figcaption>ΔMI against narrow attainment: compare conditions at matched attainment.</figcaption>
          <pl-line-chart
            .series=${attainmentSeries}
            xLabel="attainment (P cheat on code probes)"
            xKind="probability"
            yLabel="ΔMI (nats)"
            label="ΔMI against attainment, one set of points per condition"
            zeroLine
          ></pl-line-chart>
        </figure>
      </div>
      <h2>The persona inside the model</h2>
      <pl-projection-chart
        .series=${projection}
        .shifts=${shifts}
        .direction=${s.direction}
        .titleOf=${conditionTitle}
      ></pl-projection-chart>
      <h2>Results</h2>
      ${
        s.results && s.results.effects?.length
          ? html`<h3>Paired behaviour effects, and what the Assistant expected before</h3>
              <pl-effects-table
                .effects=${s.results.effects}
                .titles=${userConditionTitles(s.recipe)}
                .preFinetune=${s.results.preFinetune ?? null}
              ></pl-effects-table>
              ${
                userProbeRows(s.results).length > 0
                  ? html`<h3>Your probes</h3>
                      <pl-user-probes-table
                        .rows=${userProbeRows(s.results)}
                        .titleOf=${this.titleOf}
                      ></pl-user-probes-table>`
                  : nothing
              }
              <h3>Each condition on its own (raw shift, prompt drift included)</h3>`
          : nothing
      }
      <pl-shift-table
        .shifts=${shifts}
        .titleOf=${this.titleOf}
        .surprise=${s.results?.preFinetune?.surprise ?? {}}
      ></pl-shift-table>
      <div class="reading" aria-live="polite" aria-label="What the numbers say">
        ${readShift(shifts, this.titleOf).map((line) => html`<p>${line}</p>`)}
      </div>
      ${
        s.results && s.status === 'idle'
          ? html`<h2>The three gates of the reference experiment</h2>
              <pl-gates .results=${s.results}></pl-gates>`
          : nothing
      }
      <h2>Pool your class's runs</h2>
      <pl-class-pool
        .lab=${this.lab}
        .runId=${s.status === 'idle' && s.results?.branches.some((b) => b.status === 'done') ? s.results.runId : null}
      ></pl-class-pool>
    `;
  }

  private renderControls() {
    const s = this.state;
    const busy = s.status !== 'idle';
    const bases = this.bases();
    const key = bases.some((b) => b.key === this.baseKey) ? this.baseKey : (bases[0]?.key ?? '');
    const branches = s.recipe.finetune.conditions.length * s.recipe.seeds.finetune.length;
    const p = s.progress;
    return html`<div class="controls">
        <label
          >Seeds (comma-separated)
          <input
            type="text"
            inputmode="numeric"
            .value=${this.seedText ?? s.recipe.seeds.finetune.join(', ')}
            ?disabled=${busy || s.locked}
            @change=${this.onSeeds}
            aria-describedby="seed-note"
          />
        </label>
        <label
          >Start from
          <select
            .value=${key}
            ?disabled=${busy || bases.length === 0}
            @change=${(e: Event) => (this.baseKey = (e.target as HTMLSelectElement).value)}
          >
            ${bases.length === 0 ? html`<option value="">no selected checkpoint yet</option>` : nothing}
            ${bases.map((b) => html`<option value=${b.key} ?selected=${b.key === key}>${b.label}</option>`)}
          </select>
        </label>
        <label
          >…or upload a base (.ckpt)
          <input
            type="file"
            accept=".ckpt,application/octet-stream"
            ?disabled=${busy}
            @change=${this.onUpload}
          />
        </label>
        <button
          class="primary"
          ?disabled=${busy || !key || branches === 0}
          @click=${() => void this.runFrom(key)}
          aria-describedby="branch-count"
        >
          Run the fine-tunes
        </button>
        <button ?disabled=${busy || branches === 0} @click=${() => void this.lab.run({ kind: 'scratch' })}>
          Run whole experiment from scratch
        </button>
        ${
          busy
            ? html`${
                  s.status === 'paused'
                    ? html`<button @click=${() => void this.lab.resume()}>Resume</button>`
                    : html`<button ?disabled=${s.status !== 'running'} @click=${() => void this.lab.pause()}>
                        Pause
                      </button>`
                }
                <button ?disabled=${s.status === 'stopping'} @click=${() => void this.lab.stop()}>
                  Stop
                </button>`
            : nothing
        }
      </div>
      <p class="note" id="seed-note">
        <span id="branch-count"
          >${branches} fine-tune${branches === 1 ? '' : 's'}: ${s.recipe.finetune.conditions.length}
          conditions × ${s.recipe.seeds.finetune.length} seeds, ${s.recipe.finetune.steps} steps each.</span
        >
        ${p ? `Whole run: ${p.done} of ${p.total} steps, about ${Math.ceil(p.etaSeconds)} s left.` : nothing}
      </p>
      <pl-run-activity .state=${s}></pl-run-activity>
      ${
        resumableRun(s)
          ? html`<p class="note">
              Run ${resumableRun(s)} did not finish: it was saved at its last evaluation.
              <button @click=${() => void this.lab.run({ kind: 'resume' }, resumableRun(s)!)}>
                Resume run ${resumableRun(s)}
              </button>
            </p>`
          : nothing
      }
      ${this.renderAdoption(key)}
      ${this.notice ? html`<p class="note refusal" role="alert">${this.notice}</p>` : nothing}`;
  }

  /** What starting from the chosen base changes in the current recipe (its corpus and model). */
  private renderAdoption(key: string) {
    const base = this.baseRecipe(key);
    if (!base || this.state.status !== 'idle') return nothing;
    const { changed } = adoptBaseRecipe(this.state.recipe, base);
    if (changed.length === 0) return nothing;
    return html`<p class="note adoption" role="status">
      This base was trained with a different corpus or model; the run will use its corpus and model settings:
      ${changed.join('; ')}.
    </p>`;
  }

  /** The recipe the chosen base was trained with, when known. */
  private baseRecipe(key: string): ExperimentRecipe | null {
    if (key === 'base') return this.state.base?.info.recipe ?? null;
    if (key.startsWith('run:'))
      return this.state.savedRuns.find((r) => r.runId === key.slice(4))?.recipe ?? null;
    return null;
  }

  /**
   * The numbers shown, read off the run's results (live while it goes, then final). Kept until an
   * evaluation arrives (the results' other changes, losses and checkpoints, move none of them), so that
   * progress events re-render the view without handing the charts new series (each new array is a redraw).
   */
  private shifts(): Shown {
    const s = this.state;
    const running = s.status !== 'idle';
    const cached = this.shown;
    if (
      cached &&
      cached.evaluations === s.evaluations &&
      cached.direction === s.direction &&
      cached.running === running
    )
      return cached;
    const ids = [...CONDITION_IDS, ...Object.keys(userConditionTitles(s.recipe))];
    const shifts = s.results ? conditionShifts(s.results, ids, running) : [];
    this.shown = {
      evaluations: s.evaluations,
      running,
      shifts,
      stepSeries: this.stepSeries(shifts),
      attainmentSeries: this.attainmentSeries(shifts),
      direction: s.direction,
      projection: projectionSeries(shifts, conditionTitle),
    };
    return this.shown;
  }

  private bases(): { key: string; label: string }[] {
    const s = this.state;
    const out = s.savedRuns
      .filter((r) => r.checkpoints.includes('select'))
      .sort((a, b) => Number(b.runId === s.runId) - Number(a.runId === s.runId) || b.savedAt - a.savedAt)
      .map((r) => ({
        key: `run:${r.runId}`,
        label: `selected checkpoint of ${r.runId} (${new Date(r.savedAt).toLocaleString()})`,
      }));
    const base = s.base;
    if (base) {
      const what = base.source === 'shipped' ? 'the shipped base' : `loaded ${base.name}`;
      out.unshift({
        key: 'base',
        label: `${what} (${base.info.stage ?? 'unknown'} stage, step ${base.info.step})`,
      });
    }
    return out;
  }

  private stepSeries(shifts: ConditionShift[]): ChartSeries[] {
    return shifts.map((c) => ({
      label: this.titleOf(c.condition),
      color: colorFor(c.condition),
      points: c.trajectory
        .filter((t) => t.deltaMI.mean !== null)
        .map((t) => ({
          x: t.step,
          y: t.deltaMI.mean!,
          ...(t.deltaMI.n > 1 ? { lo: t.deltaMI.low ?? undefined, hi: t.deltaMI.high ?? undefined } : {}),
        })),
    }));
  }

  private attainmentSeries(shifts: ConditionShift[]): ChartSeries[] {
    return shifts.map((c) => ({
      label: this.titleOf(c.condition),
      color: colorFor(c.condition),
      markers: true,
      points: c.trajectory
        .filter((t) => t.deltaMI.mean !== null && t.attainment.mean !== null)
        .map((t) => ({ x: t.attainment.mean!, y: t.deltaMI.mean! })),
    }));
  }

  private onToggle(e: CustomEvent<{ id: string; selected: boolean }>) {
    const r = this.state.recipe;
    const chosen = new Set<string>(r.finetune.conditions);
    if (e.detail.selected) chosen.add(e.detail.id);
    else chosen.delete(e.detail.id);
    // The user's own conditions stay as they are (their editor adds and removes them).
    const own = r.finetune.conditions.filter((id) => !(CONDITION_IDS as readonly string[]).includes(id));
    const conditions = [...CONDITION_IDS.filter((id) => chosen.has(id)), ...own];
    this.lab.setRecipe({ ...r, finetune: { ...r.finetune, conditions } });
  }

  /** A condition's title: the user's own conditions and controls by the titles they were given. */
  private titleOf = (id: string): string => userConditionTitles(this.state.recipe)[id] ?? conditionTitle(id);

  private renderOwnCondition() {
    const s = this.state;
    const titles = userConditionTitles(s.recipe);
    const added = userIds(s.recipe, 'conditions').map((id) => ({ id, title: titles[id] ?? id }));
    return html`<h2>Your own condition</h2>
      <p class="note">
        Write a narrow behaviour to train, and how a control answers the same prompts: the run trains both,
        and the paired effect (yours minus its control, seed by seed) says what the behaviour itself did to
        the whole persona. Fine-tune only from the shipped base, or from scratch with your own personas.
      </p>
      <pl-condition-editor
        .added=${added}
        .error=${this.userError}
        ?disabled=${s.locked || s.status !== 'idle'}
        @pl-user-entry=${this.onUserEntry}
        @pl-user-remove=${this.onUserRemove}
      ></pl-condition-editor>
      <p class="note">
        Your conditions, probes and personas are saved with the run; the Saved tab exports the whole
        experiment as one file (and imports one), and the share link carries it when it is small.
      </p>`;
  }

  private onUserEntry = (e: CustomEvent<UserEntryDetail>) => {
    this.userError = this.lab.addUserEntry(e.detail.kind, e.detail.entry);
  };

  private onUserRemove = (e: CustomEvent<{ kind: UserListKind; id: string }>) => {
    this.userError = this.lab.removeUserEntry(e.detail.kind, e.detail.id);
  };

  private onSeeds(e: Event) {
    const text = (e.target as HTMLInputElement).value;
    const seeds = parseSeeds(text);
    if (!seeds) {
      this.seedText = text;
      this.notice = `“${text}” is not a list of seeds: write whole numbers separated by commas, e.g. 1, 2, 3.`;
      return;
    }
    this.seedText = null;
    this.notice = '';
    const r = this.state.recipe;
    this.lab.setRecipe({ ...r, seeds: { ...r.seeds, finetune: seeds } });
  }

  private async onUpload(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      await this.lab.loadBase(file.name, await fileBytes(file));
      this.baseKey = 'base';
      this.notice = '';
    } catch (error) {
      this.notice = `The file ${file.name} was refused: ${messageOf(error)}`;
    }
    input.value = '';
  }

  private async runFrom(key: string) {
    this.notice = '';
    try {
      if (key === 'base') {
        // A pretrained (not yet selected) base runs the selection stage before the fine-tunes.
        await this.lab.runFromLoadedBase();
      } else if (key.startsWith('run:')) {
        const runId = key.slice(4);
        const bytes = await this.lab.checkpointBytes(runId, 'select');
        const start = { kind: 'checkpoint', stage: 'finetune', name: `select of ${runId}`, bytes } as const;
        await this.lab.runFromBase(start, this.baseRecipe(key));
      }
    } catch (error) {
      this.notice = messageOf(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-finetune-view': FinetuneView;
  }
}
