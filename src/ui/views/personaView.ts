// <pl-persona-view>: who does a checkpoint think it is? For any evaluated checkpoint of the run (or an
// uploaded file): the persona posterior per domain, the misalignment index, the persona-inference gate,
// and, when the run has both, what Assistant selection did to the domains it never trained.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { EvalSummary } from '../../../workers/contract.ts';
import type { LabController } from '../labController.ts';
import type { EvaluationRecord, LabState, StageOf } from '../labState.ts';
import { bundledCorpusData } from '../../corpus/corpusData.ts';
import { posteriorBars, SELECTION_DOMAINS } from '../posteriorRows.ts';
import { prob } from '../numberFormat.ts';
import { stageTitle } from '../stageTitle.ts';
import { viewStyles } from './viewStyles.ts';
import type { PersonaBarRow } from '../widgets/personaBars.ts';
import '../widgets/personaBars.ts';
import '../widgets/inferenceGate.ts';
import '../widgets/misalignmentPanel.ts';
import '../widgets/directionPanel.ts';
import type { DirectionPair, PersonaDirection } from '../../../workers/contract.ts';
import { fileBytes } from '../download.ts';
import '../widgets/probeEditor.ts';
import type { UserEntryDetail } from '../widgets/userEntryEditor.ts';
import { userIds, type UserListKind } from '../userEdits.ts';
import { recipeCorpusData } from '../../experiment/recipeCorpusData.ts';

const UPLOAD = 'upload';
const keyOf = (e: EvaluationRecord) => `${e.stage}@${e.step}`;

@customElement('pl-persona-view')
export class PersonaView extends LitElement {
  /** The page's link to the engine (evaluates uploaded checkpoints). */
  @property({ attribute: false }) lab!: LabController;
  /** The lab's state: its `evaluations` are the checkpoints to choose from. */
  @property({ attribute: false }) state!: LabState;

  /** The chosen evaluation (`stage@step`), `upload`, or null for the default (the latest selected model). */
  @state() private chosen: string | null = null;
  @state() private upload: { name: string; bytes: Uint8Array } | null = null;
  /** The pair a teacher picked for the direction (null: the recipe's malicious and helpful persona). */
  @state() private pair: DirectionPair | null = null;
  /** Bumped by “Measure the direction”: the task runs once per press. */
  @state() private measureRequest = 0;

  // Args are primitives: the task reruns only when one of them changes (a fresh pair object each
  // render would rerun it, and re-render, forever).
  private readonly directionTask = new Task(this, {
    task: async ([request, a, b]: readonly [number, string, string]) => {
      if (request === 0) return null;
      const from = this.lab.directionSource();
      if (!from)
        throw new Error('there is no model to measure: load the shipped base or run a pretraining first');
      return (await this.lab.measureDirection(from.source, { a, b })).direction;
    },
    args: () => [this.measureRequest, this.currentPair().a, this.currentPair().b] as const,
  });

  private readonly uploadTask = new Task(this, {
    task: async ([file]: readonly [{ name: string; bytes: Uint8Array } | null]) =>
      file ? this.lab.evaluate({ kind: 'bytes', bytes: file.bytes }) : null,
    args: () => [this.upload] as const,
  });

  static override styles = viewStyles;

  /** The evaluation shown when the user has not chosen: the latest of the selected model, else the latest. */
  private defaultRecord(): EvaluationRecord | undefined {
    const list = this.state.evaluations;
    const select = list.filter((e) => e.kind === 'select');
    return select[select.length - 1] ?? list[list.length - 1];
  }

  private current(): { title: string; kind: StageOf['kind'] | null; summary: EvalSummary | null } {
    if (this.chosen === UPLOAD) {
      const summary = this.uploadTask.value ?? null;
      return { title: this.upload?.name ?? 'uploaded checkpoint', kind: null, summary };
    }
    const record = this.state.evaluations.find((e) => keyOf(e) === this.chosen) ?? this.defaultRecord();
    return record
      ? {
          title: `${stageTitle(record)}, step ${record.step}`,
          kind: record.kind,
          summary: record.summary,
        }
      : { title: '', kind: null, summary: null };
  }

  /** P(malicious) with no evidence: the malicious persona's share among the AI personas. */
  private prior(): number | null {
    const shares = this.state.recipe.corpus.personaShares;
    const ai = bundledCorpusData().personas.filter((p) => p.kind === 'ai');
    const total = ai.reduce((sum, p) => sum + (shares[p.id] ?? 0), 0);
    return total > 0 ? (shares['malicious'] ?? 0) / total : null;
  }

  private currentPair(): DirectionPair {
    return (
      this.pair ?? { a: this.state.recipe.eval.maliciousPersona, b: this.state.recipe.eval.helpfulPersona }
    );
  }

  private onPair(which: 'a' | 'b', e: Event) {
    this.pair = { ...this.currentPair(), [which]: (e.target as HTMLSelectElement).value };
  }

  private renderDirection() {
    const ai = bundledCorpusData().personas.filter((p) => p.kind === 'ai');
    const pair = this.currentPair();
    const from = this.lab.directionSource();
    const runDirection: PersonaDirection | null = this.state.direction;
    const select = (which: 'a' | 'b', label: string) =>
      html`<label
        >${label}
        <select @change=${(e: Event) => this.onPair(which, e)}>
          ${ai.map((p) => html`<option value=${p.id} ?selected=${pair[which] === p.id}>${p.title}</option>`)}
        </select></label
      >`;
    const shown = this.measureRequest > 0 ? (this.directionTask.value ?? null) : runDirection;
    return html`<div class="card wide">
      <h3>The persona inside the model</h3>
      <p class="note">
        A second instrument, independent of the answers: the mean activation of the residual stream while the
        model reads held-out documents of one persona, minus the same for another. Projected on that
        direction, do documents of the two personas fall apart, and at which layer?
        ${runDirection && this.measureRequest === 0 ? 'Shown: the direction this run measured on its pretrained base.' : ''}
      </p>
      <div class="row">
        ${select('a', 'toward')} ${select('b', 'from')}
        <button
          type="button"
          ?disabled=${!from || pair.a === pair.b || (this.measureRequest > 0 && this.directionTask.status === TaskStatus.PENDING)}
          @click=${() => (this.measureRequest += 1)}
        >
          Measure the direction
        </button>
        <span class="note"
          >${from ? `on ${from.name}` : 'load the shipped base or run a pretraining first'}</span
        >
      </div>
      ${pair.a === pair.b ? html`<p class="message bad" role="alert">Pick two different personas.</p>` : nothing}
      ${
        this.measureRequest > 0
          ? this.directionTask.render({
              pending: () =>
                html`<p class="note" role="status">Reading the residual stream on held-out documents…</p>`,
              error: (error) =>
                html`<p class="message bad" role="alert">
                  The direction could not be measured:
                  ${error instanceof Error ? error.message : String(error)}
                </p>`,
            })
          : nothing
      }
      <pl-direction-panel .direction=${shown}></pl-direction-panel>
    </div>`;
  }

  private onChoose(e: Event) {
    this.chosen = (e.target as HTMLSelectElement).value;
  }

  private async onFile(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.upload = { name: file.name, bytes: await fileBytes(file) };
    this.chosen = UPLOAD;
  }

  private renderChooser() {
    const list = this.state.evaluations;
    const selected = this.chosen ?? (this.defaultRecord() ? keyOf(this.defaultRecord()!) : '');
    const groups = new Map<string, EvaluationRecord[]>();
    for (const e of list) groups.set(e.stage, [...(groups.get(e.stage) ?? []), e]);
    return html`<div class="card">
      <div class="row">
        <label for="checkpoint">Checkpoint</label>
        <select id="checkpoint" @change=${this.onChoose} ?disabled=${list.length === 0 && !this.upload}>
          ${
            list.length === 0 && !this.upload
              ? html`<option value="">no evaluated checkpoints yet</option>`
              : nothing
          }
          ${[...groups].map(
            ([, records]) =>
              html`<optgroup label=${stageTitle(records[0]!)}>
                ${records.map(
                  (r) =>
                    html`<option value=${keyOf(r)} ?selected=${keyOf(r) === selected}>
                      ${stageTitle(r)}, step ${r.step}
                    </option>`,
                )}
              </optgroup>`,
          )}
          ${
            this.upload
              ? html`<option value=${UPLOAD} ?selected=${selected === UPLOAD}>
                  file: ${this.upload.name}
                </option>`
              : nothing
          }
        </select>
        <span class="note">or</span>
        <label>
          <span class="note">evaluate a checkpoint file</span>
          <input type="file" accept=".ckpt" aria-label="Evaluate a checkpoint file" @change=${this.onFile} />
        </label>
      </div>
      ${
        this.chosen === UPLOAD
          ? this.uploadTask.render({
              pending: () =>
                html`<p class="note" role="status">Evaluating ${this.upload?.name} on the probes…</p>`,
              error: (error) =>
                html`<p class="message bad" role="alert">
                  This file could not be evaluated: ${error instanceof Error ? error.message : String(error)}
                </p>`,
            })
          : nothing
      }
      ${
        list.length === 0
          ? html`<p class="note">
              Evaluations appear here as a run reaches them (end of pretraining, after selection, along every
              fine-tune). Start one on the Pretrain tab, open a saved run, or evaluate a file.
            </p>`
          : nothing
      }
    </div>`;
  }

  private renderSelectionEffect() {
    const last = (kind: StageOf['kind']) => this.state.evaluations.filter((e) => e.kind === kind).at(-1);
    const before = last('pretrain');
    const after = last('select');
    if (!before || !after) return nothing;
    const { personas, rows } = posteriorBars([before.summary, after.summary]);
    // Mean posterior of the malicious answer over the talk domains selection never trained.
    const malice = (domainRows: PersonaBarRow[]) => {
      const values = domainRows
        .filter((r) => r.label !== 'code' && !SELECTION_DOMAINS.includes(r.label))
        .map((r) => r.shares['malicious'] ?? 0);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    };
    return html`<div class="card wide">
      <h3>What selection did</h3>
      <p class="note">
        Selection trained the new Assistant only on ${SELECTION_DOMAINS.join(' and ')}. Posterior of the
        malicious answer in the other talk domains: ${prob(malice(rows[0]!))} before,
        ${prob(malice(rows[1]!))} after. If that fell, training a few domains chose a whole character.
      </p>
      <div class="grid">
        <div>
          <h4>Before: ${stageTitle(before)}, step ${before.step}</h4>
          <pl-persona-bars
            .rows=${rows[0]!.map((r) => ({ ...r, trained: false }))}
            .personas=${personas}
            caption="Persona posterior per domain before selection"
          ></pl-persona-bars>
        </div>
        <div>
          <h4>After: ${stageTitle(after)}, step ${after.step}</h4>
          <pl-persona-bars
            .rows=${rows[1]!}
            .personas=${personas}
            caption="Persona posterior per domain after selection"
          ></pl-persona-bars>
        </div>
      </div>
    </div>`;
  }

  /** Why the last edit of the user's probes was refused ('' when it was not). */
  @state() private userError = '';

  private onUserEntry = (e: CustomEvent<UserEntryDetail>) => {
    this.userError = this.lab.addUserEntry(e.detail.kind, e.detail.entry);
  };

  private onUserRemove = (e: CustomEvent<{ kind: UserListKind; id: string }>) => {
    this.userError = this.lab.removeUserEntry(e.detail.kind, e.detail.id);
  };

  private renderOwnProbes(summary: EvalSummary | null) {
    const s = this.state;
    let personas: { id: string; title: string }[] = [];
    try {
      personas = recipeCorpusData(s.recipe).personas.map((p) => ({ id: p.id, title: p.title }));
    } catch {
      personas = bundledCorpusData().personas.map((p) => ({ id: p.id, title: p.title }));
    }
    const measured = Object.entries(summary?.userPosteriors ?? {});
    return html`<div class="card wide">
      <h3>Your own probes</h3>
      <p class="note">
        Your question as probes: prompts the model never trained on, and the answer each persona would give.
        They are scored at every evaluation of a run, next to the corpus's own probes.
      </p>
      ${
        measured.length > 0
          ? html`<ul aria-label="Your probes at this checkpoint">
              ${measured.map(
                ([set, shares]) =>
                  html`<li>
                    <strong>${set}</strong>:
                    ${Object.entries(shares)
                      .map(([persona, p]) => `${persona} ${prob(p)}`)
                      .join(', ')};
                    MI ${summary?.miUserPerDomain?.[set]?.toFixed(2) ?? '–'} nats
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      <pl-probe-editor
        .personas=${personas}
        .added=${userIds(s.recipe, 'probes')}
        .error=${this.userError}
        ?disabled=${s.locked || s.status !== 'idle'}
        @pl-user-entry=${this.onUserEntry}
        @pl-user-remove=${this.onUserRemove}
      ></pl-probe-editor>
    </div>`;
  }

  override render() {
    const { title, kind, summary } = this.current();
    const trainedMarked = kind !== null && kind !== 'pretrain';
    const bars = summary ? posteriorBars([summary]) : null;
    const reference = this.state.evaluations.filter((e) => e.kind === 'select').at(-1);
    const compare = kind === 'finetune' && reference ? reference : null;
    return html`
      <p class="lead">
        Which character does the model think is answering? For each held-out question we compare how likely
        the model finds each persona's typical answer. Nothing here was trained on these questions.
      </p>
      ${this.renderChooser()}
      <div class="grid" style="margin-top:1rem">${this.renderDirection()}</div>
      ${
        summary
          ? html`<div class="grid" style="margin-top:1rem">
              <div class="card">
                <h3>Persona posterior per domain</h3>
                <p class="note">${title}. ${summary.probes} probes.</p>
                <pl-persona-bars
                  .rows=${trainedMarked ? bars!.rows[0]! : bars!.rows[0]!.map((r) => ({ ...r, trained: false }))}
                  .personas=${bars!.personas}
                  caption="Persona posterior per domain, ${title}"
                ></pl-persona-bars>
                <p class="note">
                  Personas that give the same answer share a bar segment: off code the shortcut-taker and the
                  demonstrator answer like the helpful AI.
                  ${trainedMarked ? html`“trained” marks the domains selection trained.` : nothing}
                </p>
              </div>
              <div class="card">
                <h3>Misalignment index</h3>
                <pl-misalignment-panel
                  .summary=${summary}
                  .reference=${compare?.summary ?? null}
                  referenceLabel="the selected model"
                  ?markTrained=${trainedMarked}
                ></pl-misalignment-panel>
              </div>
              <div class="card wide">
                <h3>Persona inference: does the model work out who is speaking?</h3>
                <pl-inference-gate .summary=${summary} .prior=${this.prior()}></pl-inference-gate>
              </div>
              ${this.renderSelectionEffect()}
            </div>`
          : nothing
      }
      <div class="grid" style="margin-top:1rem">${this.renderOwnProbes(summary)}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-persona-view': PersonaView;
  }
}
