// <pl-corpus-documents>: generated pretraining documents with their latent persona hidden: "who wrote
// this?" Readers guess from the behaviour (every AI speaks as `AI:`), then reveal. The document text is
// model input written by the generator: always shown as text.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CorpusPreview } from '../../../workers/contract.ts';
import { colorFor } from '../palette.ts';

type Doc = CorpusPreview['documents'][number];

/** A stable shuffle key, so the order never gives the persona away. */
function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

@customElement('pl-corpus-documents')
export class CorpusDocuments extends LitElement {
  @property({ attribute: false }) documents: readonly Doc[] = [];
  /** The corpus's personas (id, title, ai or human), in table order. */
  @property({ attribute: false }) personas: CorpusPreview['personas'] = [];

  /** Guess per document index (persona id), and documents revealed without a guess. */
  @state() private guesses = new Map<number, string>();
  @state() private revealed = new Set<number>();
  @state() private revealAll = false;

  static override styles = css`
    :host {
      display: block;
      font-size: 0.9rem;
    }
    .docs {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr));
      gap: 0.8rem;
    }
    article {
      border: 1px solid #deded8;
      border-radius: 8px;
      padding: 0.6rem;
      background: #fcfcfa;
      display: flex;
      flex-direction: column;
      gap: 0.4rem;
    }
    .text {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      font-size: 0.8rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 0;
    }
    .guess {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem;
    }
    button {
      font: inherit;
      font-size: 0.8rem;
      border: 1px solid #b9b9b2;
      background: #fff;
      border-radius: 999px;
      padding: 0.15rem 0.55rem;
      cursor: pointer;
    }
    button:focus-visible,
    input:focus-visible {
      outline: 3px solid #0072b2;
      outline-offset: 2px;
    }
    .answer {
      font-size: 0.85rem;
      border-top: 1px dashed #ccc;
      padding-top: 0.35rem;
    }
    .swatch {
      display: inline-block;
      width: 0.7rem;
      height: 0.7rem;
      border-radius: 2px;
      margin-right: 0.3rem;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.8rem;
      align-items: center;
      margin-bottom: 0.6rem;
    }
    .note {
      color: #555;
      font-size: 0.82rem;
    }
  `;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('documents')) {
      this.guesses = new Map();
      this.revealed = new Set();
    }
  }

  private titleOf(id: string): string {
    return this.personas.find((p) => p.id === id)?.title ?? id;
  }

  private guess(index: number, persona: string) {
    this.guesses = new Map(this.guesses).set(index, persona);
  }

  private reveal(index: number) {
    this.revealed = new Set(this.revealed).add(index);
  }

  private renderDoc(doc: Doc, index: number) {
    const human = /^H:/m.test(doc.text);
    const options = this.personas.filter((p) => (p.kind === 'human') === human);
    const guess = this.guesses.get(index);
    const shown = this.revealAll || guess !== undefined || this.revealed.has(index);
    return html`<article aria-label="Document ${index + 1}">
      <pre class="text">${doc.text.replace(/^\n+|\n+$/g, '')}</pre>
      ${
        shown
          ? html`<div class="answer" role="status">
              ${
                guess !== undefined
                  ? html`${guess === doc.persona ? '✓ Right: ' : `✗ You guessed ${this.titleOf(guess)}. It was `}`
                  : 'Written by '
              }<span class="swatch" style="background:${colorFor(doc.persona)}"></span
              ><strong>${this.titleOf(doc.persona)}</strong>
            </div>`
          : html`<div class="guess" role="group" aria-label="Who wrote document ${index + 1}?">
              <span class="note">Who wrote this?</span>
              ${options.map((p) => html`<button @click=${() => this.guess(index, p.id)}>${p.title}</button>`)}
              <button @click=${() => this.reveal(index)} aria-label="Reveal who wrote document ${index + 1}">
                reveal
              </button>
            </div>`
      }
    </article>`;
  }

  override render() {
    const order = this.documents
      .map((doc, index) => ({ doc, index }))
      .sort((a, b) => hashOf(a.doc.text) - hashOf(b.doc.text));
    const right = [...this.guesses].filter(([i, g]) => this.documents[i]?.persona === g).length;
    return html`<div class="bar">
        <label
          ><input
            type="checkbox"
            .checked=${this.revealAll}
            @change=${(e: Event) => (this.revealAll = (e.target as HTMLInputElement).checked)}
          />
          show every writer</label
        >
        ${
          this.guesses.size > 0
            ? html`<span class="note" role="status">${right} of ${this.guesses.size} guesses right</span>`
            : nothing
        }
      </div>
      <div class="docs">${order.map(({ doc, index }) => this.renderDoc(doc, index))}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-corpus-documents': CorpusDocuments;
  }
}
