// <pl-base-checkpoint>: start from a trained base instead of pretraining: a .ckpt file or the shipped
// classroom base (fetched next to the page when the build has one). Loading goes through the controller,
// so the base becomes the run state's base (kept on every view, offered by the Fine-tune view's run
// button); the worker inspects it first (step, size, stage, or why it is refused) and the widget says what
// of the current recipe the base's own recipe replaces (its corpus and model). Starting emits
// `pl-start-from` for the view to run. Focus moves to the start button once a base is loaded, so a
// keyboard user is never dropped to the page's start.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LabController } from '../labController.ts';
import { messageOf, SHIPPED_BASE } from '../labController.ts';
import type { RunBase } from '../labState.ts';
import { adoptBaseRecipe } from '../../experiment/adoptBase.ts';
import type { ExperimentRecipe } from '../../../workers/contract.ts';
import { count } from '../numberFormat.ts';
import { controlStyles } from '../views/viewStyles.ts';
import { fileBytes } from '../download.ts';

export { SHIPPED_BASE };

export interface StartFromDetail {
  stage: 'select' | 'finetune';
}

@customElement('pl-base-checkpoint')
export class BaseCheckpoint extends LitElement {
  /** The page's link to the engine (loads and inspects the file). */
  @property({ attribute: false }) lab!: LabController;
  /** True while a run is going or settings are locked: nothing can start. */
  @property({ type: Boolean }) disabled = false;
  /** The current recipe, to say what starting from the base changes. */
  @property({ attribute: false }) recipe: ExperimentRecipe | null = null;
  /** The run state's loaded base (null until one is loaded). */
  @property({ attribute: false }) base: RunBase | null = null;

  /** What is being loaded ('the shipped base' or a file name), while the worker checks it. */
  @state() private loading: string | null = null;
  @state() private message: string | null = null;
  /** Set when a load finished here: the next render moves focus to the start button. */
  private focusStart = false;

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
      button[aria-disabled='true'] {
        opacity: 0.5;
        cursor: default;
      }
      .adoption ul {
        margin: 0.3rem 0 0;
        padding-left: 1.2rem;
      }
    `,
  ];

  private async load(what: string, loader: () => Promise<void>) {
    if (this.loading) return;
    this.loading = what;
    this.message = null;
    try {
      await loader();
      this.focusStart = true;
    } catch (error) {
      this.message = `${what} could not be used: ${messageOf(error)}`;
    } finally {
      this.loading = null;
    }
  }

  private async onFile(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const bytes = await fileBytes(file);
    await this.load(file.name, () => this.lab.loadBase(file.name, bytes));
  }

  private onShipped() {
    void this.load('The shipped base', () => this.lab.loadShippedBase());
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.focusStart || !this.base) return;
    this.focusStart = false;
    this.renderRoot.querySelector<HTMLButtonElement>('button[data-start].primary')?.focus();
  }

  private start(stage: StartFromDetail['stage']) {
    if (!this.base) return;
    this.dispatchEvent(
      new CustomEvent<StartFromDetail>('pl-start-from', { detail: { stage }, bubbles: true, composed: true }),
    );
  }

  private renderBase() {
    if (this.loading) return html`<p class="note">Checking ${this.loading}…</p>`;
    const base = this.base;
    if (!base) return nothing;
    const info = base.info;
    const pretrainedOnly = info.stage === 'pretrain' || info.stage === null;
    const title = base.source === 'shipped' ? 'The shipped base' : base.name;
    return html`<div class="message ok">
        <strong>${title}</strong> is this run’s base: ${count(info.parameterCount)} parameters, trained
        ${count(info.step)} steps${info.stage ? html`, saved after the ${info.stage} stage` : nothing}.
      </div>
      <div class="row">
        <button
          data-start
          class=${pretrainedOnly ? 'primary' : ''}
          ?disabled=${this.disabled}
          @click=${() => this.start('select')}
        >
          Select the Assistant, then fine-tune
        </button>
        <button
          data-start
          class=${pretrainedOnly ? '' : 'primary'}
          ?disabled=${this.disabled}
          @click=${() => this.start('finetune')}
        >
          Fine-tune from this base
        </button>
      </div>
      <p class="note">
        ${
          pretrainedOnly
            ? 'This is a pretrained base: run selection on it first so there is an Assistant to fine-tune.'
            : 'This model already went through selection: its fine-tunes can start right away (here, or with “Run the fine-tunes” on the Fine-tune tab).'
        }
        Both use the current recipe's selection and fine-tune settings.
      </p>
      ${this.renderAdoption(info.recipe)}`;
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
    // The button stays enabled (and focused) while loading: a disabled button would drop keyboard focus.
    return html`
      <div class="row">
        <button
          aria-disabled=${this.disabled || this.loading !== null ? 'true' : 'false'}
          @click=${() => {
            if (!this.disabled) this.onShipped();
          }}
        >
          Use the shipped base
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
      ${this.message ? html`<p class="message bad" role="alert">${this.message}</p>` : nothing}
      <div role="status">${this.renderBase()}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-base-checkpoint': BaseCheckpoint;
  }
}
