// <pl-step-bar>: the guided lab's current step, shown above every view while a lab is followed: which lab
// and step, what to do and where, and buttons to move between steps and to go to the step's view (landing
// on the control it names). Emits `pl-lab-step` (the new index) and `pl-navigate` (view and control).
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GuidedLab } from '../../experiment/guidedLabs.ts';
import { VIEW_LABELS, type NavigateDetail } from '../navigate.ts';
import { controlStyles } from '../views/viewStyles.ts';

@customElement('pl-step-bar')
export class StepBar extends LitElement {
  /** The lab being followed. */
  @property({ attribute: false }) guided: GuidedLab | null = null;
  /** Its current step (0-based). */
  @property({ type: Number }) step = 0;

  static override styles = [
    controlStyles,
    css`
      :host {
        display: block;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 0.8rem;
        align-items: center;
        background: #e8f1f8;
        border: 1px solid #0072b2;
        border-radius: 8px;
        padding: 0.5rem 0.8rem;
        margin: 0 0 0.8rem;
      }
      p {
        flex: 1 1 24rem;
        margin: 0;
        font-size: 0.9rem;
      }
      .buttons {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
      }
    `,
  ];

  private moveTo(index: number) {
    this.dispatchEvent(
      new CustomEvent<{ index: number }>('pl-lab-step', { detail: { index }, bubbles: true, composed: true }),
    );
  }

  private go() {
    const step = this.guided?.steps[this.step];
    if (!step) return;
    this.dispatchEvent(
      new CustomEvent<NavigateDetail>('pl-navigate', {
        detail: { view: step.view, control: step.control ?? null },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    const lab = this.guided;
    const step = lab?.steps[this.step];
    if (!lab || !step) return html``;
    const last = lab.steps.length - 1;
    return html`<nav aria-label="Guided lab step" data-testid="step-bar">
      <p>
        <strong>${lab.title.split(':')[0]}, step ${this.step + 1} of ${lab.steps.length}</strong>
        (${VIEW_LABELS[step.view]}): ${step.do}
      </p>
      <div class="buttons">
        <button ?disabled=${this.step === 0} @click=${() => this.moveTo(this.step - 1)}>Previous step</button>
        <button @click=${() => this.go()}>Go to ${VIEW_LABELS[step.view]}</button>
        <button class="primary" ?disabled=${this.step === last} @click=${() => this.moveTo(this.step + 1)}>
          Next step
        </button>
      </div>
    </nav>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-step-bar': StepBar;
  }
}
