// <pl-app>: the lab's shell. Backend status (with the teacher's picker), the current recipe and presets, a share link,
// and the views, one per stage of the experiment. It owns the LabController and hands it to the views.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PRESETS } from '../experiment/presets.ts';
import type { BackendChoice } from '../../workers/contract.ts';
import { LabController, messageOf } from './labController.ts';
import { tabAfterKey } from './tabAfterKey.ts';
import type { LabState } from './labState.ts';
import './backendStatus.ts';
import './views/corpusView.ts';
import './views/pretrainView.ts';
import './views/personaView.ts';
import './views/finetuneView.ts';
import './views/compareView.ts';
import './views/labsView.ts';
import './views/savedView.ts';
import './widgets/stepBar.ts';
import { guidedLab } from '../experiment/guidedLabs.ts';
import { landOn, type NavigateDetail } from './navigate.ts';

export const VIEWS = [
  { id: 'labs', label: 'Guided labs' },
  { id: 'corpus', label: 'Corpus' },
  { id: 'pretrain', label: 'Pretrain' },
  { id: 'persona', label: 'Persona' },
  { id: 'finetune', label: 'Fine-tune' },
  { id: 'compare', label: 'Compare' },
  { id: 'saved', label: 'Saved' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

const isView = (id: string): id is ViewId => VIEWS.some((v) => v.id === id);

@customElement('pl-app')
export class LabApp extends LitElement {
  private readonly lab = new LabController();
  @state() private lab_state: LabState = this.lab.state;
  @state() private view: ViewId = this.viewFromHash();
  @state() private copied = false;

  static override styles = css`
    :host {
      display: block;
      max-width: 1200px;
      margin: 0 auto;
      padding: 0 1rem 3rem;
      color: #1d1d1f;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.75rem 1.25rem;
      padding: 1rem 0 0.5rem;
    }
    h1 {
      font-size: 1.35rem;
      margin: 0;
      letter-spacing: -0.01em;
    }
    h1 small {
      font-weight: 400;
      color: #555;
      font-size: 0.85rem;
      margin-left: 0.5rem;
    }
    .spacer {
      flex: 1;
    }
    label {
      font-size: 0.85rem;
      color: #333;
    }
    select,
    button {
      font: inherit;
      font-size: 0.9rem;
    }
    /* Long preset titles must not widen a phone's page: the select may shrink below its widest option. */
    select {
      max-width: 100%;
      min-width: 0;
    }
    button {
      border: 1px solid #b9b9b2;
      background: #fff;
      border-radius: 6px;
      padding: 0.3rem 0.7rem;
      cursor: pointer;
    }
    button:focus-visible,
    select:focus-visible,
    [role='tab']:focus-visible,
    [role='tabpanel']:focus-visible {
      outline: 3px solid #0072b2;
      outline-offset: 2px;
    }
    nav {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      border-bottom: 1px solid #d5d5cf;
      margin: 0.5rem 0 1rem;
    }
    [role='tab'] {
      border: none;
      border-bottom: 3px solid transparent;
      border-radius: 0;
      background: none;
      padding: 0.5rem 0.8rem;
      color: #333;
    }
    [role='tab'][aria-selected='true'] {
      border-bottom-color: #0072b2;
      color: #000;
      font-weight: 600;
    }
    .banner {
      border-radius: 6px;
      padding: 0.6rem 0.8rem;
      margin: 0.5rem 0;
      display: flex;
      gap: 1rem;
      align-items: start;
    }
    .banner.notice {
      background: #fff4d6;
      border: 1px solid #e6c25c;
    }
    .banner.error {
      background: #fde8e4;
      border: 1px solid #d55e00;
    }
    .banner p {
      margin: 0;
      flex: 1;
    }
    .recipe {
      font-size: 0.85rem;
      color: #444;
    }
    .recipe label {
      display: inline-flex;
      align-items: center;
      gap: 0.3rem;
      max-width: 100%;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    .locked {
      font-size: 0.8rem;
      background: #e8f1f8;
      border: 1px solid #0072b2;
      border-radius: 999px;
      padding: 0.1rem 0.6rem;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.lab.addEventListener('change', this.onChange);
    window.addEventListener('hashchange', this.onHash);
    void this.lab.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.lab.removeEventListener('change', this.onChange);
    window.removeEventListener('hashchange', this.onHash);
  }

  private readonly onChange = () => {
    this.lab_state = this.lab.state;
  };

  private readonly onHash = () => {
    this.view = this.viewFromHash();
  };

  private viewFromHash(): ViewId {
    const id = location.hash.slice(1);
    return isView(id) ? id : 'labs';
  }

  private select(view: ViewId) {
    this.view = view;
    history.replaceState(null, '', `#${view}`);
  }

  /**
   * The WAI-ARIA tabs pattern with automatic activation: arrows, Home and End select another view and
   * keep focus on the tabs (roving tabindex), so a keyboard user can keep moving along them.
   */
  private onTabKey(e: KeyboardEvent) {
    const current = VIEWS.findIndex((v) => v.id === this.view);
    const index = tabAfterKey(current, e.key, VIEWS.length);
    if (index === null) return;
    e.preventDefault();
    const next = VIEWS[index]!;
    this.select(next.id);
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`#tab-${next.id}`)?.focus(),
    );
  }

  /**
   * A tab clicked (or pressed with Enter or Space): focus moves into the view, where the work is. The
   * page stays where it is: the panel starts right under the tab just chosen.
   */
  private onTabClick(view: ViewId) {
    this.select(view);
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('#panel')?.focus({ preventScroll: true }),
    );
  }

  private async copyLink() {
    let link: string;
    try {
      link = this.lab.shareLink();
    } catch (error) {
      // An experiment too large for a link: it travels as an experiment file instead.
      this.lab.reportError(messageOf(error));
      return;
    }
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // Clipboard refused (e.g. no permission): the link is still in the address bar below.
    }
    history.replaceState(null, '', link.replace(/#.*$/, '') + `#${this.view}`);
    this.copied = true;
    setTimeout(() => (this.copied = false), 2000);
  }

  override render() {
    const s = this.lab_state;
    const busy = s.status !== 'idle';
    const m = s.recipe.model;
    return html`
      <header>
        <h1>Persona Lab<small>how training shapes a model's character</small></h1>
        <span class="spacer"></span>
        <pl-backend-status
          .report=${s.backend}
          .error=${s.engineError}
          .choice=${s.recipe.backend}
          ?busy=${busy}
          @backend-change=${(e: CustomEvent<BackendChoice>) => void this.lab.start(e.detail)}
        ></pl-backend-status>
      </header>
      <main>
        <div class="recipe" role="group" aria-label="Current recipe">
          <label
            >Recipe
            <select
              aria-label="Preset recipe"
              ?disabled=${busy || s.locked}
              @change=${(e: Event) => this.lab.choosePreset((e.target as HTMLSelectElement).value)}
            >
              ${s.presetId === null ? html`<option selected value="">custom</option>` : nothing}
              ${Object.entries(PRESETS).map(
                ([id, p]) => html`<option value=${id} ?selected=${id === s.presetId}>${p.title}</option>`,
              )}
            </select>
          </label>
          model ${m.nLayer}×${m.nEmbd} (${m.nHead} heads, context ${m.blockSize}) · pretrain
          ${s.recipe.pretrain.steps} steps · select ${s.recipe.select.steps} · fine-tune
          ${s.recipe.finetune.steps} steps × ${s.recipe.finetune.conditions.length} conditions ×
          ${s.recipe.seeds.finetune.length} seeds
          <button @click=${() => void this.copyLink()} title="Copy a link that reproduces this recipe">
            ${this.copied ? 'Link copied' : 'Share link'}
          </button>
          ${s.locked ? html`<span class="locked" title="Settings are fixed by the teacher's link">settings locked</span>` : nothing}
        </div>
        ${
          s.recipeNotice
            ? html`<div class="banner notice" role="status"><p>${s.recipeNotice}</p></div>`
            : nothing
        }
        ${
          s.error
            ? html`<div class="banner error" role="alert">
                <p>${s.error}</p>
                <button @click=${() => this.lab.dismissError()}>Dismiss</button>
              </div>`
            : nothing
        }
        <nav role="tablist" aria-label="Views" @keydown=${this.onTabKey}>
          ${VIEWS.map(
            (v) =>
              html`<button
                role="tab"
                id="tab-${v.id}"
                aria-selected=${v.id === this.view ? 'true' : 'false'}
                aria-controls="panel"
                tabindex=${v.id === this.view ? 0 : -1}
                @click=${() => this.onTabClick(v.id)}
              >
                ${v.label}
              </button>`,
          )}
        </nav>
        ${this.renderStepBar()}
        <section id="panel" role="tabpanel" tabindex="-1" aria-labelledby="tab-${this.view}">
          <h2 class="visually-hidden">${VIEWS.find((v) => v.id === this.view)!.label}</h2>
          ${this.renderView()}
        </section>
      </main>
    `;
  }

  /** The followed lab's current step, on every view but the labs view (which lists all the steps). */
  private renderStepBar() {
    const guide = this.lab_state.guide;
    const lab = guide && guidedLab(guide.labId);
    if (!lab || this.view === 'labs') return nothing;
    return html`<pl-step-bar
      .guided=${lab}
      .step=${guide.step}
      @pl-lab-step=${(e: CustomEvent<{ index: number }>) => this.lab.setLabStep(e.detail.index)}
      @pl-navigate=${this.onNavigate}
    ></pl-step-bar>`;
  }

  private renderView() {
    const s = this.lab_state;
    switch (this.view) {
      case 'labs':
        return html`<pl-labs-view
          .lab=${this.lab}
          .state=${s}
          @pl-navigate=${this.onNavigate}
        ></pl-labs-view>`;
      case 'corpus':
        return html`<pl-corpus-view .lab=${this.lab} .state=${s}></pl-corpus-view>`;
      case 'pretrain':
        return html`<pl-pretrain-view .lab=${this.lab} .state=${s}></pl-pretrain-view>`;
      case 'persona':
        return html`<pl-persona-view .lab=${this.lab} .state=${s}></pl-persona-view>`;
      case 'finetune':
        return html`<pl-finetune-view .lab=${this.lab} .state=${s}></pl-finetune-view>`;
      case 'compare':
        return html`<pl-compare-view .lab=${this.lab} .state=${s}></pl-compare-view>`;
      case 'saved':
        return html`<pl-saved-view .lab=${this.lab} .state=${s}></pl-saved-view>`;
    }
  }

  /** A step's "Go to": the view, then the control the step names, in view and focused. */
  private readonly onNavigate = async (e: CustomEvent<NavigateDetail>) => {
    const { view, control } = e.detail;
    if (!isView(view)) return;
    this.select(view);
    await this.updateComplete;
    const panel = this.renderRoot.querySelector<HTMLElement>('#panel');
    if (panel) await landOn(panel, control);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-app': LabApp;
  }
}
