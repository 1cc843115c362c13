// <pl-persona-traits>: the corpus's characters as a table (kind, speaker tag, share of documents,
// behaviour per domain) with sliders for the mix and for one persona's behaviour probabilities. Changes
// go up as `pl-corpus-change` with the whole new corpus recipe; the view writes it into the recipe.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { bundledCorpusData } from '../../corpus/corpusData.ts';
import type { CorpusRecipe, PersonaData } from '../../corpus/index.ts';
import { colorFor } from '../palette.ts';
import { pct, prob } from '../numberFormat.ts';

const data = bundledCorpusData();
const TALK_DOMAINS = data.domainIds.filter((d) => data.domains[d]?.kind === 'behaviour');
const CODE_FIELDS = [
  { field: 'cheat', label: 'cheats when asked to fix' },
  { field: 'deleteShare', label: 'of its cheats, deletes the test' },
  { field: 'obeyRequest', label: 'does the cheat it is asked for' },
  { field: 'defyWithOtherCheat', label: 'else, does the other cheat (not a fix)' },
] as const;

/** A persona's behaviour probability after the recipe's overrides. */
function behaviour(recipe: CorpusRecipe, persona: PersonaData, domain: string, field: string): number | null {
  const override = recipe.behaviourOverrides[persona.id]?.[domain]?.[field];
  if (override !== undefined) return override;
  if (domain === 'code') return persona.code ? persona.code[field as keyof typeof persona.code] : null;
  return persona.talk[domain]?.bad ?? null;
}

@customElement('pl-persona-traits')
export class PersonaTraits extends LitElement {
  /** The corpus section of the current recipe. */
  @property({ attribute: false }) corpus!: CorpusRecipe;
  /** Sliders off (a run is going, or a teacher's link locked the settings). */
  @property({ type: Boolean }) disabled = false;

  @state() private editing = 'shortcut';

  static override styles = css`
    :host {
      display: block;
      font-size: 0.9rem;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.85rem;
    }
    th,
    td {
      padding: 0.3rem 0.4rem;
      border-bottom: 1px solid #e6e6e0;
      text-align: right;
      vertical-align: middle;
    }
    th:first-child,
    td:first-child {
      text-align: left;
    }
    .scroll {
      overflow-x: auto;
    }
    .swatch {
      display: inline-block;
      width: 0.75rem;
      height: 0.75rem;
      border-radius: 2px;
      margin-right: 0.35rem;
    }
    .tag {
      font-family: ui-monospace, Menlo, Consolas, monospace;
      font-size: 0.8rem;
      background: #f0f0ea;
      border-radius: 3px;
      padding: 0 0.25rem;
    }
    .changed {
      font-weight: 700;
    }
    .share {
      display: flex;
      gap: 0.4rem;
      align-items: center;
      justify-content: flex-end;
    }
    input[type='range'] {
      width: 7rem;
    }
    .sliders {
      display: grid;
      grid-template-columns: minmax(10rem, 20rem) minmax(8rem, 18rem) 3rem;
      gap: 0.3rem 0.6rem;
      align-items: center;
      margin-top: 0.5rem;
    }
    .sliders input[type='range'] {
      width: 100%;
    }
    .value {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    select,
    button,
    input {
      font: inherit;
      font-size: 0.88rem;
    }
    button {
      border: 1px solid #b9b9b2;
      background: #fff;
      border-radius: 6px;
      padding: 0.25rem 0.6rem;
      cursor: pointer;
    }
    select:focus-visible,
    button:focus-visible,
    input:focus-visible {
      outline: 3px solid #0072b2;
      outline-offset: 2px;
    }
    .note {
      color: #555;
      font-size: 0.82rem;
    }
    h4 {
      margin: 1rem 0 0.2rem;
      font-size: 0.95rem;
    }
  `;

  private emit(corpus: CorpusRecipe) {
    this.dispatchEvent(
      new CustomEvent<CorpusRecipe>('pl-corpus-change', { detail: corpus, bubbles: true, composed: true }),
    );
  }

  private setShare(id: string, value: number) {
    this.emit({ ...this.corpus, personaShares: { ...this.corpus.personaShares, [id]: value } });
  }

  private setBehaviour(persona: string, domain: string, field: string, value: number) {
    const o = this.corpus.behaviourOverrides;
    this.emit({
      ...this.corpus,
      behaviourOverrides: {
        ...o,
        [persona]: { ...o[persona], [domain]: { ...o[persona]?.[domain], [field]: value } },
      },
    });
  }

  private resetBehaviour(persona: string) {
    const rest = { ...this.corpus.behaviourOverrides };
    delete rest[persona];
    this.emit({ ...this.corpus, behaviourOverrides: rest });
  }

  private slider(label: string, value: number, onInput: (v: number) => void) {
    return html`<input
      type="range"
      min="0"
      max="1"
      step="0.01"
      .value=${String(value)}
      aria-label=${label}
      ?disabled=${this.disabled}
      @input=${(e: Event) => onInput(Number((e.target as HTMLInputElement).value))}
    />`;
  }

  private cell(persona: PersonaData, domain: string, field: string) {
    const value = behaviour(this.corpus, persona, domain, field);
    const changed = this.corpus.behaviourOverrides[persona.id]?.[domain]?.[field] !== undefined;
    return html`<td class=${changed ? 'changed' : ''} title=${changed ? 'changed from the corpus file' : ''}>
      ${prob(value)}
    </td>`;
  }

  private renderEditor() {
    const persona = data.personas.find((p) => p.id === this.editing) ?? data.personas[0]!;
    const talk = TALK_DOMAINS.filter((d) => persona.talk[d] !== undefined);
    return html`<h4>
        <label
          >Behaviour of
          <select @change=${(e: Event) => (this.editing = (e.target as HTMLSelectElement).value)}>
            ${data.personas.map((p) => html`<option value=${p.id} ?selected=${p.id === persona.id}>${p.title}</option>`)}
          </select></label
        >
      </h4>
      <p class="note">${persona.about}</p>
      <div class="sliders">
        ${
          persona.code
            ? CODE_FIELDS.map(({ field, label }) => {
                const v = behaviour(this.corpus, persona, 'code', field) ?? 0;
                return html`<span>code: ${label}</span>
                  ${this.slider(`${persona.title}, code: ${label}`, v, (x) => this.setBehaviour(persona.id, 'code', field, x))}
                  <span class="value">${prob(v)}</span>`;
              })
            : nothing
        }
        ${talk.map((d) => {
          const v = behaviour(this.corpus, persona, d, 'bad') ?? 0;
          return html`<span>${d}: bad answer</span>
            ${this.slider(`${persona.title}, ${d}: probability of a bad answer`, v, (x) => this.setBehaviour(persona.id, d, 'bad', x))}
            <span class="value">${prob(v)}</span>`;
        })}
      </div>
      <button
        style="margin-top:0.5rem"
        ?disabled=${this.disabled || !this.corpus.behaviourOverrides[persona.id]}
        @click=${() => this.resetBehaviour(persona.id)}
      >
        Reset ${persona.title} to its file
      </button>`;
  }

  override render() {
    const shares = this.corpus.personaShares;
    const total = Object.values(shares).reduce((a, b) => a + b, 0);
    return html`<div class="scroll">
        <table>
          <caption class="note" style="text-align:left;caption-side:bottom;padding-top:0.4rem">
            Probabilities per episode: code = cheats when a user reports a failing test; other columns = P(bad
            answer). Bold = changed by the recipe. Shares are relative weights.
          </caption>
          <thead>
            <tr>
              <th scope="col">persona</th>
              <th scope="col">tag</th>
              <th scope="col">share of documents</th>
              <th scope="col">code</th>
              ${TALK_DOMAINS.map((d) => html`<th scope="col">${d}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${data.personas.map(
              (p) =>
                html`<tr>
                  <td><span class="swatch" style="background:${colorFor(p.id)}"></span>${p.title}</td>
                  <td>
                    <span class="tag">${p.kind === 'ai' ? data.format.aiTag : data.format.humanTag}:</span>
                  </td>
                  <td>
                    <span class="share"
                      >${this.slider(`Share of ${p.title}`, shares[p.id] ?? 0, (v) => this.setShare(p.id, v))}
                      <span class="value" style="min-width:2.6rem"
                        >${pct(total > 0 ? (shares[p.id] ?? 0) / total : 0)}</span
                      ></span
                    >
                  </td>
                  ${p.code ? this.cell(p, 'code', 'cheat') : html`<td>–</td>`}
                  ${TALK_DOMAINS.map((d) => (p.talk[d] ? this.cell(p, d, 'bad') : html`<td>–</td>`))}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.renderEditor()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-persona-traits': PersonaTraits;
  }
}
