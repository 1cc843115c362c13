// <pl-base-checkpoint>: start from a trained base instead of pretraining: a .ckpt file or the shipped
// classroom base (fetched next to the page when the build has one). The worker inspects the file first
// (step, size, stage, or why it is refused) and says what of the current recipe the base's own recipe
// replaces (its corpus and model); starting emits `pl-start-from` for the view to run.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { LabController } from '../labController.ts';
import { adoptBaseRecipe } from '../../experiment/adoptBase.ts';
import type { ExperimentRecipe } from '../../../workers/contract.ts';
import { count } from '../numberFormat.ts';
import { controlStyles } from '../views/viewStyles.ts';
import { fileBytes } from '../download.ts';

/** Where the shipped pretrained base lives, relative to the page. */
export const SHIPPED_BASE = 'models/classroom-base.ckpt';

export interface StartFromDetail {
  stage: 'select' | 'finetune';
  name: string;
  bytes: Uint8Array;
  /** The recipe embedded in the file (null when it has none this lab reads): the run adopts its corpus and model. */
  recipe: ExperimentRecipe | null;
}

interface BaseFile {
  name: string;
  bytes: Uint8Array;
}

@customElement('pl-base-checkpoint')
export class BaseCheckpoint extends LitElement {
  /** The page's link to the engine (inspects the file). */
  @property({ attribute: false }) lab!: LabController;
  /** True while a run is going or settings are locked: nothing can start. */
  @property({ type: Boolean }) disabled = false;
  /** The current recipe, to say what starting from the base changes. */
  @property({ attribute: false }) recipe: ExperimentRecipe | null = null;

  @state() private file: BaseFile | null = null;
  @state() private fetchMessage: string | null = null;
  @state() private fetching = false;

  private readonly inspection = new Task(this, {
    task: async ([file]: readonly [BaseFile | null]) =>
      file ? this.lab.inspectCheckpoint(file.bytes) : null,
    args: () => [this.file] as const,
  });

  static override styles = [
    controlStyles,
    css`
      :host {
        display: block;
        font-size: 0.92rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        margin: 0.4rem 0;
      }
      input {
        font-size: 0.85rem;
      }
      .message {
        border-radius: 6px;
        padding: 0.45rem 0.7rem;
        margin: 0.4rem 0;
      }
      .warn {
        background: #fff4d6;
        border: 1px solid #e6c25c;
      }
      .bad {
        background: #fde8e4;
        border: 1px solid #d55e00;
      }
      .ok {
        background: #e6f4ee;
        border: 1px solid #009e73;
      }
      .adoption ul {
        margin: 0.3rem 0 0;
        padding-left: 1.2rem;
      }
    `,
  ];

  private async onFile(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.fetchMessage = null;
    this.file = { name: file.name, bytes: await fileBytes(file) };
  }

  private async onShipped() {
    this.fetching = true;
    this.fetchMessage = null;
    try {
      const response = await fetch(new URL(SHIPPED_BASE, document.baseURI));
      // A static server may answer a missing file with the app's index page: that is not a checkpoint.
      const html = (response.headers.get('content-type') ?? '').includes('text/html');
      if (!response.ok || html) {
        this.fetchMessage = `The shipped base (${SHIPPED_BASE}) is not part of this build yet. Pretrain one here, or load a .ckpt file.`;
        return;
      }
      this.file = { name: 'classroom-base.ckpt', bytes: new Uint8Array(await response.arrayBuffer()) };
    } catch (error) {
      this.fetchMessage = `The shipped base could not be fetched: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.fetching = false;
    }
  }

  private start(stage: StartFromDetail['stage'], recipe: ExperimentRecipe | null) {
    if (!this.file) return;
    this.dispatchEvent(
      new CustomEvent<StartFromDetail>('pl-start-from', {
        detail: { stage, name: this.file.name, bytes: this.file.bytes, recipe },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private renderInspection() {
    if (!this.file) return nothing;
    return this.inspection.render({
      pending: () => html`<p class="note" role="status">Checking ${this.file?.name}…</p>`,
      error: (error) =>
        html`<p class="message bad" role="alert">
          ${this.file?.name} was refused: ${error instanceof Error ? error.message : String(error)}
        </p>`,
      complete: (info) => {
        if (!info) return nothing;
        const pretrainedOnly = info.stage === 'pretrain' || info.stage === null;
        return html`<div class="message ok" role="status">
            <strong>${this.file?.name}</strong>: ${count(info.parameterCount)} parameters, trained
            ${count(info.step)} steps${info.stage ? html`, saved after the ${info.stage} stage` : nothing}.
          </div>
          <div class="row">
            <button
              class=${pretrainedOnly ? 'primary' : ''}
              ?disabled=${this.disabled}
              @click=${() => this.start('select', info.recipe)}
            >
              Select the Assistant, then fine-tune
            </button>
            <button
              class=${pretrainedOnly ? '' : 'primary'}
              ?disabled=${this.disabled}
              @click=${() => this.start('finetune', info.recipe)}
            >
              Fine-tune from this base
            </button>
          </div>
          <p class="note">
            ${
              pretrainedOnly
                ? 'This is a pretrained base: run selection on it first so there is an Assistant to fine-tune.'
                : 'This model already went through selection: its fine-tunes can start right away.'
            }
            Both use the current recipe's selection and fine-tune settings.
          </p>
          ${this.renderAdoption(info.recipe)}`;
      },
    });
  }

  /** What of the current recipe the base's recipe replaces, as a list (nothing when nothing changes). */
  private renderAdoption(base: ExperimentRecipe | null) {
    if (!base || !this.recipe) return nothing;
    const { changed } = adoptBaseRecipe(this.recipe, base);
    if (changed.length === 0) return nothing;
    return html`<div class="message warn adoption" role="status">
      This base was trained with a different corpus or model from the current recipe; the run will use its
      corpus and model settings:
      <ul>
        ${changed.map((line) => html`<li>${line}</li>`)}
      </ul>
    </div>`;
  }

  override render() {
    return html`
      <div class="row">
        <button ?disabled=${this.disabled || this.fetching} @click=${() => void this.onShipped()}>
          ${this.fetching ? 'Fetching…' : 'Use the shipped base'}
        </button>
        <span class="note">or</span>
        <input
          type="file"
          accept=".ckpt"
          aria-label="Load a base checkpoint file"
          ?disabled=${this.disabled}
          @change=${this.onFile}
        />
      </div>
      ${this.fetchMessage ? html`<p class="message warn" role="status">${this.fetchMessage}</p>` : nothing}
      ${this.renderInspection()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-base-checkpoint': BaseCheckpoint;
  }
}
