// <pl-pretrain-view>: stage 1 (and 2) of the experiment. Start, pause, resume and stop a run; watch the
// training and validation loss, speed and time left; read what the model writes as it learns. Or skip
// pretraining with a base checkpoint (a file or the shipped classroom base).
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LabController } from '../labController.ts';
import { resumableRun, type LabState } from '../labState.ts';
import type { ChartSeries } from '../widgets/lineChart.ts';
import type { StartFromDetail } from '../widgets/baseCheckpoint.ts';
import { OKABE_ITO } from '../palette.ts';
import { count, duration, rate, sig } from '../numberFormat.ts';
import { stageTitle } from '../stageTitle.ts';
import { candidateWords } from '../posteriorRows.ts';
import { viewStyles } from './viewStyles.ts';
import '../widgets/lineChart.ts';
import '../widgets/baseCheckpoint.ts';
import '../widgets/runActivity.ts';

const STATUS_WORDS: Record<LabState['status'], string> = {
  idle: 'idle',
  starting: 'starting (generating the corpus)…',
  running: 'running',
  paused: 'paused',
  stopping: 'stopping (saving a checkpoint)…',
};

@customElement('pl-pretrain-view')
export class PretrainView extends LitElement {
  /** The page's link to the engine: every button here calls it. */
  @property({ attribute: false }) lab!: LabController;
  /** The lab's state: status, progress, losses and samples of the run. */
  @property({ attribute: false }) state!: LabState;

  static override styles = viewStyles;

  private onStartFrom = (e: CustomEvent<StartFromDetail>) => {
    void this.lab.runFromLoadedBase(e.detail.stage);
  };

  private lossSeries(stage: string): ChartSeries[] {
    const train = (this.state.losses[stage] ?? []).map((p) => ({ x: p.step, y: p.loss }));
    const validation = (this.state.evalLosses[stage] ?? [])
      .filter((p) => p.valLoss !== null)
      .map((p) => ({ x: p.step, y: p.valLoss! }));
    return [
      { label: 'training loss', color: OKABE_ITO.blue, points: train },
      { label: 'validation loss', color: OKABE_ITO.vermillion, points: validation, dashed: true },
    ];
  }

  private renderControls() {
    const s = this.state;
    const idle = s.status === 'idle';
    const running = s.status === 'running';
    const paused = s.status === 'paused';
    const resumable = resumableRun(s);
    const r = s.recipe;
    const branches = r.finetune.steps > 0 ? r.finetune.conditions.length * r.seeds.finetune.length : 0;
    return html`<div class="card">
      <h3>Run the experiment</h3>
      <p class="note">
        Start runs every stage of the current recipe in order: pretrain (${count(r.pretrain.steps)} steps),
        select the Assistant (${count(r.select.steps)} steps), then ${branches} fine-tune branches. This tab
        follows the first two; the Fine-tune tab follows the rest. Stop keeps a checkpoint, so a stopped (or
        reloaded) run can resume.
      </p>
      <div class="row">
        <button
          class="primary"
          ?disabled=${!idle || !s.backend}
          @click=${() => void this.lab.run({ kind: 'scratch' })}
        >
          Start from scratch
        </button>
        ${
          paused
            ? html`<button @click=${() => void this.lab.resume()}>Resume</button>`
            : html`<button ?disabled=${!running} @click=${() => void this.lab.pause()}>Pause</button>`
        }
        <button ?disabled=${!running && !paused} @click=${() => void this.lab.stop()}>Stop</button>
        <span class="note" role="status"
          >Status: ${idle && s.results?.finished ? 'finished' : STATUS_WORDS[s.status]}</span
        >
      </div>
      <pl-run-activity .state=${s}></pl-run-activity>
      ${
        resumable
          ? html`<div class="message warn">
              Run ${resumable} did not finish.
              <button @click=${() => void this.lab.run({ kind: 'resume' }, resumable)}>
                Resume run ${resumable}
              </button>
            </div>`
          : nothing
      }
      ${!s.backend && !s.engineError ? html`<p class="note">Starting the engine…</p>` : nothing}
    </div>`;
  }

  private renderProgress() {
    const p = this.state.progress;
    const overall = p && p.total > 0 ? p.done / p.total : 0;
    return html`<div class="card">
      <h3>Progress</h3>
      <label for="run-progress" class="note">
        ${
          p
            ? `Whole run: ${count(p.done)} of ${count(p.total)} steps`
            : this.state.results?.finished
              ? `Run ${this.state.results.runId} finished`
              : 'No run in progress'
        }
      </label>
      <progress
        id="run-progress"
        style="width:100%;height:1rem"
        max="1"
        .value=${p ? overall : this.state.results?.finished ? 1 : 0}
        aria-valuetext=${p ? `${Math.round(overall * 100)} percent` : 'not started'}
      ></progress>
      ${
        !p && this.state.results?.finished
          ? html`<p class="note">
              See who the model became on the <a href="#persona">Persona</a> tab, and the fine-tunes on the
              <a href="#finetune">Fine-tune</a> tab.
            </p>`
          : nothing
      }
      <div class="figures" style="margin-top:0.6rem">
        <div>
          <div class="name">stage</div>
          <div>${p ? stageTitle(p.place) : '–'}</div>
          <div class="note">${p ? `step ${count(p.step)} / ${count(p.steps)}` : ''}</div>
        </div>
        <div>
          <div class="name">loss</div>
          <div class="figure">${sig(p?.loss)}</div>
          <div class="note">nats / char</div>
        </div>
        <div>
          <div class="name">speed</div>
          <div class="figure">${rate(p?.tokensPerSecond)}</div>
        </div>
        <div>
          <div class="name">time left</div>
          <div class="figure">${p ? duration(p.etaSeconds) : '–'}</div>
        </div>
      </div>
    </div>`;
  }

  private renderSamples() {
    const samples = this.state.samples.filter((s) => s.kind === 'pretrain' || s.kind === 'select');
    return html`<div class="card wide">
      <h3>What the model writes</h3>
      <p class="note">
        At the end of each stage the model continues a held-out probe prompt. Early text is noise; then it
        learns the format, then a character's voice. "Resembles" is the persona whose answers it most looks
        like.
      </p>
      ${
        samples.length === 0
          ? html`<p class="note">No samples yet.</p>`
          : samples.map(
              (s) =>
                html`<div style="margin:0.6rem 0">
                  <div class="note">
                    ${stageTitle(s)}, step
                    ${count(s.step)}${s.label ? html` · resembles: <strong>${candidateWords(s.label)}</strong>` : nothing}
                  </div>
                  <pre
                    class="text"
                    aria-label="Prompt and model output"
                  ><span style="color:#666">${s.prompt}</span>${s.text}</pre>
                </div>`,
            )
      }
    </div>`;
  }

  override render() {
    const s = this.state;
    const hasSelect = (s.losses['select'] ?? []).length > 0;
    return html`
      <p class="lead">
        Pretraining: a tiny character-level model reads documents written by many characters and learns to
        continue any of them. To predict the next answer well it has to work out who is writing.
      </p>
      <div class="grid">
        ${this.renderControls()} ${this.renderProgress()}
        <div class="card wide">
          <h3>Loss (nats per character)</h3>
          <pl-line-chart
            .series=${this.lossSeries('pretrain')}
            xLabel="pretraining step"
            xKind="integer"
            yLabel="loss (nats/char)"
            label="Training and validation loss during pretraining"
          ></pl-line-chart>
          <p class="note">
            Validation loss is measured on held-out documents. If it rises while training loss falls, the
            model is memorising instead of learning the characters.
          </p>
          ${
            hasSelect
              ? html`<h3 style="margin-top:0.8rem">Selection</h3>
                  <pl-line-chart
                    .series=${this.lossSeries('select')}
                    .height=${160}
                    xLabel="selection step"
                    xKind="integer"
                    yLabel="loss (nats/char)"
                    label="Training and validation loss during Assistant selection"
                  ></pl-line-chart>`
              : nothing
          }
        </div>
        ${this.renderSamples()}
        <div class="card wide">
          <h3>Or start from a trained base</h3>
          <p class="note">
            Pretraining a useful base takes a while in a browser. A base checkpoint skips it: the run starts
            at selection or straight at the fine-tunes.
          </p>
          <pl-base-checkpoint
            .lab=${this.lab}
            .base=${s.base}
            .recipe=${s.recipe}
            ?disabled=${s.status !== 'idle' || !s.backend}
            @pl-start-from=${this.onStartFrom}
          ></pl-base-checkpoint>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-pretrain-view': PretrainView;
  }
}
