// <pl-persona-bars>: the persona posterior per domain as horizontal stacked bars (one segment per
// persona), with the exact numbers in an accessible table beneath. Few, static bars: plain HTML.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { colorFor } from '../palette.ts';

export interface PersonaBarRow {
  /** Domain label, e.g. "oversight". */
  label: string;
  /** Posterior per persona id, summing to 1. */
  shares: Readonly<Record<string, number>>;
  /** Marks domains that were trained on (e.g. by selection), to tell them from untouched ones. */
  trained?: boolean;
}

@customElement('pl-persona-bars')
export class PersonaBars extends LitElement {
  @property({ attribute: false }) rows: readonly PersonaBarRow[] = [];
  /** Persona ids in display order, with their labels (and a colour, when palette.ts has none for the id). */
  @property({ attribute: false }) personas: readonly { id: string; label: string; color?: string }[] = [];
  @property() caption = 'Persona posterior per domain';

  static override styles = css`
    :host {
      display: block;
    }
    .row {
      display: grid;
      grid-template-columns: 8rem 1fr;
      align-items: center;
      gap: 0.5rem;
      margin: 0.3rem 0;
    }
    .label {
      font-size: 0.9rem;
      text-align: right;
    }
    .trained::after {
      content: ' (trained)';
      color: #666;
      font-size: 0.75rem;
    }
    .bar {
      display: flex;
      height: 1.4rem;
      border-radius: 3px;
      overflow: hidden;
      background: #e5e5e0;
    }
    .seg {
      height: 100%;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.8rem;
      font-size: 0.85rem;
      margin: 0.5rem 0 0 8.5rem;
    }
    .swatch {
      display: inline-block;
      width: 0.8rem;
      height: 0.8rem;
      border-radius: 2px;
      margin-right: 0.3rem;
      vertical-align: -0.1rem;
    }
    details {
      margin-top: 0.5rem;
      font-size: 0.85rem;
    }
    table {
      border-collapse: collapse;
    }
    th,
    td {
      padding: 0.15rem 0.5rem;
      text-align: right;
      border-bottom: 1px solid #ddd;
    }
    th:first-child,
    td:first-child {
      text-align: left;
    }
  `;

  override render() {
    return html`
      <div role="img" aria-label=${this.caption}>
        ${this.rows.map(
          (row) =>
            html`<div class="row">
              <span class="label ${row.trained ? 'trained' : ''}">${row.label}</span>
              <div class="bar">
                ${this.personas.map((p, i) => {
                  const share = row.shares[p.id] ?? 0;
                  return html`<div
                    class="seg"
                    title="${p.label}: ${(share * 100).toFixed(1)}%"
                    style="width:${(share * 100).toFixed(3)}%;background:${p.color ?? colorFor(p.id, i)}"
                  ></div>`;
                })}
              </div>
            </div>`,
        )}
      </div>
      <div class="legend">
        ${this.personas.map(
          (p, i) =>
            html`<span
              ><span class="swatch" style="background:${p.color ?? colorFor(p.id, i)}"></span>${p.label}</span
            >`,
        )}
      </div>
      <details>
        <summary>Numbers</summary>
        <table>
          <caption class="visually-hidden">
            ${this.caption}
          </caption>
          <thead>
            <tr>
              <th>domain</th>
              ${this.personas.map((p) => html`<th>${p.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${this.rows.map(
              (row) =>
                html`<tr>
                  <td>${row.label}</td>
                  ${this.personas.map((p) => html`<td>${(row.shares[p.id] ?? 0).toFixed(3)}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-persona-bars': PersonaBars;
  }
}
