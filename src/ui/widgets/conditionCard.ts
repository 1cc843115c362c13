// <pl-condition-card>: one fine-tune condition on the bench: its title and colour, the question it
// tests, a few of its training pairs (as text), and a checkbox to include it in the run.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { colorFor } from '../palette.ts';

export interface ConditionCardData {
  id: string;
  title: string;
  /** The one question the condition tests. */
  question: string;
  examples: readonly { prompt: string; answer: string }[];
}

@customElement('pl-condition-card')
export class ConditionCard extends LitElement {
  /** The condition shown. */
  @property({ attribute: false }) condition: ConditionCardData | null = null;
  /** Whether the condition is part of the recipe's fine-tunes. */
  @property({ type: Boolean }) selected = false;
  /** No changes while a run is going or when a teacher's link locks the settings. */
  @property({ type: Boolean }) disabled = false;

  static override styles = css`
    :host {
      display: block;
    }
    article {
      border: 1px solid #d5d5cf;
      border-left: 5px solid var(--accent);
      border-radius: 8px;
      padding: 0.6rem 0.75rem;
      background: #fff;
      height: 100%;
      box-sizing: border-box;
    }
    article.off {
      background: #f7f7f4;
      border-left-color: #c9c9c2;
    }
    label {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      font-weight: 600;
      cursor: pointer;
    }
    input:focus-visible {
      outline: 3px solid #0072b2;
      outline-offset: 2px;
    }
    .swatch {
      width: 0.8rem;
      height: 0.8rem;
      border-radius: 50%;
      background: var(--accent);
      flex: none;
    }
    p {
      margin: 0.35rem 0;
      font-size: 0.85rem;
      color: #444;
      line-height: 1.35;
    }
    ul {
      list-style: none;
      margin: 0.4rem 0 0;
      padding: 0;
    }
    li {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
      font-size: 0.75rem;
      word-break: break-word;
      background: #f3f3ef;
      border-radius: 4px;
      padding: 0.25rem 0.4rem;
      margin-top: 0.25rem;
      color: #222;
    }
    li div {
      white-space: pre-wrap;
    }
    /* Dark enough for small text on the card's tinted background (WCAG AA, 4.5:1). */
    .tag {
      color: #555;
    }
  `;

  override render() {
    const c = this.condition;
    if (!c) return nothing;
    const examples = c.examples.slice(0, 3);
    return html`<article class=${this.selected ? '' : 'off'} style="--accent: ${colorFor(c.id)}">
      <label>
        <input
          type="checkbox"
          .checked=${this.selected}
          ?disabled=${this.disabled}
          @change=${this.onToggle}
          aria-describedby="question"
        />
        <span class="swatch" aria-hidden="true"></span>
        ${c.title}
      </label>
      <p id="question">${c.question}</p>
      ${
        examples.length
          ? html`<ul aria-label="Example training pairs of ${c.title}">
              ${examples.map(
                (e) =>
                  html`<li>
                    <div><span class="tag">U:</span> ${e.prompt}</div>
                    <div><span class="tag">AI:</span> ${e.answer}</div>
                  </li>`,
              )}
            </ul>`
          : html`<p>Example pairs appear once the corpus preview is ready.</p>`
      }
    </article>`;
  }

  private onToggle(e: Event) {
    const selected = (e.target as HTMLInputElement).checked;
    this.dispatchEvent(
      new CustomEvent<{ id: string; selected: boolean }>('pl-toggle', {
        detail: { id: this.condition!.id, selected },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-condition-card': ConditionCard;
  }
}
