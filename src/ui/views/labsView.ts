// <pl-labs-view>: the guided classroom labs. A short introduction to the persona selection model, the
// list of labs (choosing one loads its preset), and the open lab: its goal, a stepper whose steps send
// the student to the view they happen in, questions with notes saved in this browser, what to look for,
// the published finding it mirrors, and a teacher's link that fixes the lab's settings for a class.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  GUIDED_LABS,
  PERSONA_SELECTION_INTRO,
  guidedLab,
  type GuidedLab,
} from '../../experiment/guidedLabs.ts';
import type { LabController } from '../labController.ts';
import type { LabState } from '../labState.ts';
import { VIEW_LABELS, type NavigateDetail } from '../navigate.ts';
import { loadLocal as load, saveLocal as save } from '../localSettings.ts';
import { viewStyles } from './viewStyles.ts';

@customElement('pl-labs-view')
export class LabsView extends LitElement {
  /** The page's controller: choosing a lab loads its preset through it. */
  @property({ attribute: false }) lab!: LabController;
  /** The lab state (recipe, preset, locked, run status). */
  @property({ attribute: false }) state!: LabState;

  @state() private notes: Record<string, string[]> = {};
  @state() private shared: 'idle' | 'copied' | 'shown' = 'idle';
  @state() private sharedLink = '';
  private introOpen = !load<boolean>('introSeen', false);

  static override styles = [
    viewStyles,
    css`
      .labs {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
        gap: 0.75rem;
        margin: 0 0 1rem;
        padding: 0;
        list-style: none;
      }
      .labs li {
        display: flex;
      }
      .lab-card {
        flex: 1;
        text-align: left;
        display: flex;
        flex-direction: column;
        gap: 0.3rem;
        padding: 0.7rem 0.8rem;
        border-radius: 8px;
        background: #fff;
      }
      .lab-card[aria-pressed='true'] {
        border: 2px solid #0072b2;
        background: #e8f1f8;
      }
      .lab-card strong {
        font-size: 0.95rem;
      }
      .lab-card span {
        font-size: 0.82rem;
        color: #444;
      }
      details summary {
        cursor: pointer;
        font-weight: 600;
      }
      .intro p {
        max-width: 60rem;
      }
      ol.steps {
        list-style: none;
        counter-reset: step;
        padding: 0;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.4rem;
      }
      ol.steps li {
        counter-increment: step;
        display: grid;
        grid-template-columns: 2rem 1fr auto;
        gap: 0.6rem;
        align-items: center;
        padding: 0.45rem 0.6rem;
        border-radius: 6px;
        border: 1px solid #e6e6e0;
      }
      ol.steps li::before {
        content: counter(step);
        display: grid;
        place-items: center;
        width: 1.7rem;
        height: 1.7rem;
        border-radius: 50%;
        background: #e6e6e0;
        font-weight: 600;
        font-size: 0.85rem;
      }
      ol.steps li[aria-current='step'] {
        border-color: #0072b2;
        background: #e8f1f8;
      }
      ol.steps li[aria-current='step']::before {
        background: #0072b2;
        color: #fff;
      }
      .where {
        font-size: 0.78rem;
        color: #555;
        display: block;
      }
      .questions label {
        display: block;
        margin: 0.6rem 0 0.25rem;
      }
      textarea {
        font: inherit;
        font-size: 0.88rem;
        width: 100%;
        box-sizing: border-box;
        min-height: 3.5rem;
        resize: vertical;
        border: 1px solid #b9b9b2;
        border-radius: 6px;
        padding: 0.4rem 0.5rem;
      }
      textarea:focus-visible {
        outline: 3px solid #0072b2;
        outline-offset: 1px;
      }
      .finding {
        margin: 0 0 0.8rem;
      }
      .finding cite {
        font-style: normal;
        font-weight: 600;
        display: block;
      }
      .share input {
        flex: 1;
        min-width: 12rem;
      }
      ul.look {
        margin: 0.2rem 0;
        padding-left: 1.2rem;
      }
    `,
  ];

  /** The lab on screen: the one being followed (kept across a base's custom recipe), else the recipe's. */
  private current(): GuidedLab | undefined {
    return guidedLab(this.state.guide?.labId ?? '') ?? guidedLab(this.state.presetId ?? '');
  }

  private choose(id: string) {
    this.shared = 'idle';
    if (!this.state.locked && this.state.status === 'idle') this.lab.choosePreset(id);
    else this.lab.followLab(id);
  }

  private step(lab: GuidedLab): number {
    const guide = this.state.guide;
    return guide?.labId === lab.id ? guide.step : 0;
  }

  private setStep(lab: GuidedLab, index: number) {
    if (this.state.guide?.labId !== lab.id) this.lab.followLab(lab.id);
    this.lab.setLabStep(index);
  }

  private go(lab: GuidedLab, index: number) {
    this.setStep(lab, index);
    const { view, control } = lab.steps[index]!;
    this.dispatchEvent(
      new CustomEvent<NavigateDetail>('pl-navigate', {
        detail: { view, control: control ?? null },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private notesOf(lab: GuidedLab): string[] {
    this.notes[lab.id] ??= load<string[]>(`notes:${lab.id}`, []);
    return this.notes[lab.id]!;
  }

  private onNote(lab: GuidedLab, index: number, text: string) {
    const next = [...this.notesOf(lab)];
    next[index] = text;
    this.notes = { ...this.notes, [lab.id]: next };
    save(`notes:${lab.id}`, next);
  }

  private async share() {
    this.sharedLink = this.lab.shareLink(true);
    try {
      await navigator.clipboard.writeText(this.sharedLink);
      this.shared = 'copied';
    } catch {
      this.shared = 'shown'; // No clipboard permission: the link is shown to copy by hand.
    }
  }

  private onIntroToggle(e: Event) {
    if (!(e.target as HTMLDetailsElement).open) save('introSeen', true);
  }

  override render() {
    const s = this.state;
    const lab = this.current();
    const busy = s.status !== 'idle';
    return html`
      <details
        class="card intro"
        data-testid="labs-intro"
        ?open=${this.introOpen}
        @toggle=${this.onIntroToggle}
      >
        <summary>What is this lab? The persona selection model in five sentences</summary>
        <p>${PERSONA_SELECTION_INTRO.join(' ')}</p>
      </details>
      ${
        s.locked
          ? html`<p class="message warn" role="status" data-testid="labs-locked">
              Settings are fixed by your teacher’s link: the lab’s recipe cannot be changed here. Reload
              without
              <code>locked=1</code> in the address to experiment freely.
            </p>`
          : nothing
      }
      <h2 id="labs-heading">Guided labs</h2>
      <p class="lead">
        Each lab loads its own recipe and walks you through the views. Your notes stay in this browser.
      </p>
      ${
        busy && !s.locked
          ? html`<p class="note" role="status">
              A run is in progress: finish or stop it to load another lab.
            </p>`
          : nothing
      }
      <ul class="labs" aria-labelledby="labs-heading">
        ${GUIDED_LABS.map(
          (l) =>
            html`<li>
              <button
                class="lab-card"
                data-testid="lab-card-${l.id}"
                aria-pressed=${l.id === lab?.id ? 'true' : 'false'}
                ?disabled=${(s.locked || busy) && l.id !== lab?.id}
                @click=${() => this.choose(l.id)}
              >
                <strong>${l.title}</strong><span>${l.goal}</span>
              </button>
            </li>`,
        )}
      </ul>
      ${lab ? this.renderLab(lab) : html`<p class="note">Choose a lab to begin.</p>`}
    `;
  }

  private renderLab(lab: GuidedLab) {
    const current = this.step(lab);
    const notes = this.notesOf(lab);
    // A base's corpus and model make the lab's recipe a custom one: still this lab's.
    const s = this.state;
    const loaded = s.presetId === lab.id || (s.presetId === null && s.guide?.labId === lab.id);
    return html`
      <article class="grid" data-testid="lab-open" aria-labelledby="lab-title">
        <section class="card wide">
          <h2 id="lab-title">${lab.title}</h2>
          <p>${lab.goal}</p>
          ${
            loaded
              ? nothing
              : html`<p class="message warn">
                  This lab’s recipe is not loaded (the current recipe is different). Finish or stop the run,
                  then choose the lab again.
                </p>`
          }
          <h3 id="steps-heading">Steps</h3>
          <ol class="steps" aria-labelledby="steps-heading" data-testid="lab-steps">
            ${lab.steps.map(
              (step, i) =>
                html`<li aria-current=${i === current ? 'step' : 'false'} data-testid="lab-step-${i}">
                  <span>${step.do}<span class="where">in ${VIEW_LABELS[step.view]}</span></span>
                  <button
                    data-testid="lab-goto-${i}"
                    aria-label="Go to ${VIEW_LABELS[step.view]} (step ${i + 1})"
                    @click=${() => this.go(lab, i)}
                  >
                    Go to ${VIEW_LABELS[step.view]}
                  </button>
                </li>`,
            )}
          </ol>
          <div class="row">
            <button
              data-testid="lab-prev"
              ?disabled=${current === 0}
              @click=${() => this.setStep(lab, current - 1)}
            >
              Previous step
            </button>
            <button
              class="primary"
              data-testid="lab-next"
              ?disabled=${current === lab.steps.length - 1}
              @click=${() => this.setStep(lab, current + 1)}
            >
              Next step
            </button>
            <span class="note" aria-live="polite">Step ${current + 1} of ${lab.steps.length}</span>
          </div>
        </section>
        <section class="card questions" aria-labelledby="q-heading">
          <h3 id="q-heading">Questions</h3>
          ${lab.questions.map(
            (q, i) =>
              html`<label for="note-${i}">${i + 1}. ${q}</label>
                <textarea
                  id="note-${i}"
                  data-testid="lab-notes-${i}"
                  placeholder="Your notes (saved in this browser)"
                  .value=${notes[i] ?? ''}
                  @input=${(e: Event) => this.onNote(lab, i, (e.target as HTMLTextAreaElement).value)}
                ></textarea>`,
          )}
        </section>
        <div>
          <section class="card" aria-labelledby="look-heading">
            <h3 id="look-heading">What to look for</h3>
            <ul class="look">
              ${lab.lookFor.map((item) => html`<li>${item}</li>`)}
            </ul>
          </section>
          <section class="card" aria-labelledby="finding-heading" style="margin-top:1rem">
            <h3 id="finding-heading">The published finding it mirrors</h3>
            ${lab.findings.map(
              (f) =>
                html`<div class="finding">
                  <cite>${f.source}</cite>
                  <p>${f.result}</p>
                  <p class="note">Here: ${f.mirror}</p>
                </div>`,
            )}
          </section>
        </div>
        <section class="card wide share" aria-labelledby="share-heading">
          <h3 id="share-heading">For teachers</h3>
          <p class="note">
            A link that opens this lab with its settings fixed, so every student runs the same recipe.
          </p>
          <div class="row">
            <button data-testid="lab-share" ?disabled=${!loaded} @click=${() => void this.share()}>
              Copy lab link with settings locked
            </button>
            ${
              this.shared === 'idle'
                ? nothing
                : html`<input
                      readonly
                      aria-label="Lab link with settings locked"
                      data-testid="lab-share-link"
                      .value=${this.sharedLink}
                      @focus=${(e: Event) => (e.target as HTMLInputElement).select()}
                    />
                    <span class="note" role="status"
                      >${this.shared === 'copied' ? 'Copied.' : 'Copy it from the box.'}</span
                    >`
            }
          </div>
        </section>
      </article>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-labs-view': LabsView;
  }
}
