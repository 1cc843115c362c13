// <pl-compare-view>: one prompt answered by two checkpoints side by side (by default the selected
// Assistant and a fine-tuned branch) with the same seed, temperature and top-k, so that any difference
// comes from the weights. Prompts are in the model's format; output is shown as text, never as HTML.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LabController } from '../labController.ts';
import { messageOf } from '../labController.ts';
import type { LabState } from '../labState.ts';
import type { SavedRun } from '../../../workers/contract.ts';
import { assistantPrompt, outsideVocabulary, probePrompts, questionOf } from '../probePrompt.ts';
import { conditionTitle } from '../conditionInfo.ts';
import { colorFor } from '../palette.ts';
import { controlStyles, stackedLabelStyles } from './viewStyles.ts';
import '../widgets/steeringPanel.ts';

interface Answer {
  /** The prompt it answered (the box may have changed since). */
  prompt: string;
  text: string | null;
  error: string | null;
}

@customElement('pl-compare-view')
export class CompareView extends LitElement {
  /** The page's controller: sampling runs in the worker through it. */
  @property({ attribute: false }) lab!: LabController;
  /** The lab state (saved runs and their checkpoints, the corpus vocabulary). */
  @property({ attribute: false }) state!: LabState;

  @state() private runId = '';
  @state() private left = 'select';
  @state() private right = '';
  @state() private prompt = assistantPrompt('what do you want most?');
  @state() private question = '';
  @state() private temperature = 0.8;
  @state() private topK = 0;
  @state() private seed = 1;
  @state() private maxNewChars = 60;
  @state() private answers: [Answer, Answer] | null = null;
  @state() private busy = false;

  static override styles = [
    controlStyles,
    stackedLabelStyles,
    css`
      :host {
        display: block;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem 1.2rem;
        align-items: end;
        margin-bottom: 0.7rem;
      }
      input[type='number'] {
        width: 5.5rem;
      }
      .grow {
        flex: 1;
        min-width: 16rem;
      }
      textarea {
        font: inherit;
        font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
        font-size: 0.85rem;
        width: 100%;
        box-sizing: border-box;
      }
      button.primary {
        font-weight: 600;
      }
      .pair {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 1rem;
      }
      .answer {
        border: 1px solid #d5d5cf;
        border-top: 5px solid var(--accent);
        border-radius: 8px;
        padding: 0.6rem 0.8rem;
        min-height: 5rem;
        background: #fff;
      }
      .answer h3 {
        margin: 0 0 0.4rem;
        font-size: 0.95rem;
      }
      pre {
        margin: 0;
        white-space: pre-wrap;
        word-break: break-word;
        font-size: 0.9rem;
      }
      .prompt {
        color: #595959; /* 7:1 on white (#777 fell just short of 4.5:1) */
      }
      .out {
        color: #000;
        font-weight: 600;
      }
      @media (max-width: 900px) {
        .pair {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  override render() {
    const runs = this.state.savedRuns;
    if (runs.length === 0)
      return html`<p class="note">
          No saved run yet. Run an experiment (Pretrain or Fine-tune) and its checkpoints appear here.
        </p>
        ${this.renderSteering()}`;
    const run = runs.find((r) => r.runId === this.currentRun()) ?? runs[0]!;
    const names = run.checkpoints;
    const left = names.includes(this.left) ? this.left : this.defaultLeft(run);
    const right = names.includes(this.right) ? this.right : this.defaultRight(run, left);
    const outside = outsideVocabulary(this.prompt, this.state.corpus?.vocabulary ?? '');
    const refused = this.state.corpus !== null && outside.length > 0;
    return html`
      <div class="row">
        <label
          >Run
          <select @change=${(e: Event) => (this.runId = (e.target as HTMLSelectElement).value)}>
            ${runs.map(
              (r) => html`<option value=${r.runId} ?selected=${r.runId === run.runId}>${r.runId}</option>`,
            )}
          </select>
        </label>
        <label
          >Left checkpoint
          <select @change=${(e: Event) => (this.left = (e.target as HTMLSelectElement).value)}>
            ${names.map((n) => html`<option value=${n} ?selected=${n === left}>${this.nameOf(run, n)}</option>`)}
          </select>
        </label>
        <label
          >Right checkpoint
          <select @change=${(e: Event) => (this.right = (e.target as HTMLSelectElement).value)}>
            ${names.map((n) => html`<option value=${n} ?selected=${n === right}>${this.nameOf(run, n)}</option>`)}
          </select>
        </label>
      </div>
      <div class="row">
        <label
          >Probe prompt
          <select @change=${this.onPick} aria-describedby="prompt-help">
            <option value="">choose a probe…</option>
            ${this.promptChoices().map((p, i) => html`<option value=${i}>${p.group}: ${p.question}</option>`)}
          </select>
        </label>
        <label class="grow"
          >Or ask the Assistant (press Enter)
          <input
            type="text"
            .value=${this.question}
            placeholder="what do you want most?"
            @input=${(e: Event) => (this.question = (e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter' && this.question.trim()) this.prompt = assistantPrompt(this.question);
            }}
          />
        </label>
      </div>
      <label
        >Prompt in the model's format (editable)
        <textarea
          rows="4"
          .value=${this.prompt}
          @input=${(e: Event) => (this.prompt = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </label>
      <p class="note" id="prompt-help">
        The model reads <code>~</code> (a new log), <code># log of assistant</code>,
        <code>U: question</code> and <code>AI: </code>, and writes the answer up to the end of the line.
      </p>
      ${
        refused
          ? html`<p class="note refusal" role="alert">
              The model cannot read ${outside.map((c) => JSON.stringify(c)).join(', ')}: these characters are
              outside its vocabulary. Remove them to sample.
            </p>`
          : nothing
      }
      <div class="row">
        <label
          >Temperature ${this.temperature.toFixed(1)}
          <input
            type="range"
            min="0"
            max="2"
            step="0.1"
            .value=${String(this.temperature)}
            @input=${(e: Event) => (this.temperature = Number((e.target as HTMLInputElement).value))}
          />
        </label>
        ${this.numberInput('Top-k (0 = all)', this.topK, 0, 200, (v) => (this.topK = v))}
        ${this.numberInput('Seed', this.seed, 0, 1e9, (v) => (this.seed = v))}
        ${this.numberInput('Max characters', this.maxNewChars, 1, 400, (v) => (this.maxNewChars = v))}
        <button
          class="primary"
          ?disabled=${this.busy || refused || this.state.status !== 'idle'}
          @click=${() => void this.generate(run.runId, left, right)}
        >
          ${this.busy ? 'Sampling…' : 'Answer with both'}
        </button>
        <button
          ?disabled=${this.busy || refused || this.state.status !== 'idle'}
          @click=${() => {
            this.seed += 1;
            void this.generate(run.runId, left, right);
          }}
        >
          Next seed
        </button>
      </div>
      ${
        this.state.status !== 'idle'
          ? html`<p class="note">The engine is busy with a run; sampling is available when it is idle.</p>`
          : nothing
      }
      <div class="pair" aria-live="polite">
        ${[left, right].map((name, i) => this.renderAnswer(run, name, this.answers?.[i] ?? null))}
      </div>
      ${this.renderSteering()}
    `;
  }

  /** Steering the selected Assistant along the persona direction, with this view's prompt and seed. */
  private renderSteering() {
    return html`<h2>Steer the Assistant along the persona direction</h2>
      <pl-steering-panel
        .lab=${this.lab}
        .direction=${this.state.direction}
        .prompt=${this.prompt}
        .options=${{
          maxNewChars: this.maxNewChars,
          temperature: this.temperature,
          topK: this.topK,
          seed: this.seed,
          stop: ['\n'],
        }}
        ?idle=${this.state.status === 'idle'}
      ></pl-steering-panel>`;
  }

  private renderAnswer(run: SavedRun, name: string, answer: Answer | null) {
    const branch = branchOf(run, name);
    return html`<section class="answer" style="--accent:${branch ? colorFor(branch.condition) : '#555'}">
      <h3>${this.nameOf(run, name)}</h3>
      ${
        answer === null
          ? html`<p class="note">No answer yet.</p>`
          : answer.error !== null
            ? html`<p class="note refusal" role="alert">${answer.error}</p>`
            : html`<pre><span class="prompt">${answer.prompt}</span><span class="out">${answer.text}</span></pre>`
      }
    </section>`;
  }

  private numberInput(label: string, value: number, min: number, max: number, set: (v: number) => void) {
    return html`<label
      >${label}
      <input
        type="number"
        min=${min}
        max=${max}
        step="1"
        .value=${String(value)}
        @change=${(e: Event) => {
          const v = Math.round(Number((e.target as HTMLInputElement).value));
          if (Number.isFinite(v)) set(Math.min(max, Math.max(min, v)));
        }}
      />
    </label>`;
  }

  private currentRun(): string {
    return this.runId || this.state.runId || '';
  }

  /** The first covert branch in run order (the guided labs' comparison), else the first branch. */
  private defaultBranch(run: SavedRun): string | undefined {
    const stored = run.results.branches.filter((b) => branchName(run, b) !== null);
    const branch = stored.find((b) => b.condition === 'covert') ?? stored[0];
    return branch ? (branchName(run, branch) ?? undefined) : undefined;
  }

  /** What the guided labs compare: the selected Assistant against a fine-tune, else the pretrained model. */
  private defaultLeft(run: SavedRun): string {
    const names = run.checkpoints;
    const preferred = this.defaultBranch(run) ? 'select' : 'pretrain';
    return names.includes(preferred) ? preferred : (names[0] ?? '');
  }

  /** The covert fine-tune when there is one, else the selected Assistant (against the pretrained model). */
  private defaultRight(run: SavedRun, left: string): string {
    const names = run.checkpoints;
    return this.defaultBranch(run) ?? (left !== 'select' && names.includes('select') ? 'select' : left);
  }

  private nameOf(run: SavedRun, name: string): string {
    const branch = branchOf(run, name);
    if (branch) return `${conditionTitle(branch.condition)}, seed ${branch.seed}`;
    if (name === run.results.select.checkpoint) return 'selected Assistant (base)';
    return name;
  }

  /** Held-out probe questions and the prompts the run sampled during training. */
  private promptChoices() {
    const fromRun = [...new Set(this.state.samples.map((s) => s.prompt))].map((prompt) => ({
      group: 'sampled in run',
      question: questionOf(prompt),
      prompt,
    }));
    return [...probePrompts(), ...fromRun];
  }

  private onPick(e: Event) {
    const select = e.target as HTMLSelectElement;
    const choice = this.promptChoices()[Number(select.value)];
    if (select.value !== '' && choice) this.prompt = choice.prompt;
  }

  private async generate(runId: string, left: string, right: string) {
    this.busy = true;
    const options = {
      maxNewChars: this.maxNewChars,
      temperature: this.temperature,
      topK: this.topK,
      seed: this.seed,
      stop: ['\n'],
    };
    const prompt = this.prompt;
    const one = async (name: string): Promise<Answer> => {
      try {
        const result = await this.lab.sample({ kind: 'stored', runId, name }, prompt, options);
        return { prompt, text: result.text, error: null };
      } catch (error) {
        return { prompt, text: null, error: `Refused: ${messageOf(error)}` };
      }
    };
    // One after the other: the worker runs one model at a time.
    const a = await one(left);
    const b = await one(right);
    this.answers = [a, b];
    this.busy = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-compare-view': CompareView;
  }
}

/** The stored checkpoint of a branch of the run: its final one, else its latest partial one; null if none. */
function branchName(run: SavedRun, branch: SavedRun['results']['branches'][number]): string | null {
  if (run.checkpoints.includes(branch.id)) return branch.id;
  return branch.checkpoint !== null && run.checkpoints.includes(branch.checkpoint) ? branch.checkpoint : null;
}

/** The fine-tune branch a stored checkpoint belongs to, from the run's results; null for other stages. */
function branchOf(run: SavedRun, name: string): { condition: string; seed: number } | null {
  return run.results.branches.find((b) => b.id === name || b.checkpoint === name) ?? null;
}
