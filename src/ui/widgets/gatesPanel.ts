// <pl-gates>: the reference experiment's three gates judged from one run's results (the thresholds fixed
// in experiment/gates.ts). Per gate: HOLDS or FAILS in words (not colour alone), one line per check with
// the measured numbers next to their thresholds, and what the gate means; a gate the run cannot judge
// says which stage is missing, and gate 3 on fewer seeds than the reference design says "too few seeds to
// judge" (with its numbers) instead of a verdict. Everything is rendered as text.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { bundledCorpusData } from '../../corpus/corpusData.ts';
import { judgeGates } from '../../experiment/gates.ts';
import type { RunResults } from '../../../workers/contract.ts';
import { gateReadings, type CheckStatus, type GateReading } from '../gateReadings.ts';

const corpus = bundledCorpusData();

const MARK: Record<CheckStatus, string> = { met: '✓', 'not met': '✗', reported: '•' };

@customElement('pl-gates')
export class GatesPanel extends LitElement {
  /** The run's results to judge; nothing is judged without them. */
  @property({ attribute: false }) results: RunResults | null = null;

  @state() private readings: GateReading[] = [];

  static override styles = css`
    :host {
      display: block;
      font-size: 0.9rem;
    }
    .gates {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
      gap: 0.7rem;
    }
    section {
      border: 1px solid #d9d9d2;
      border-left-width: 6px;
      border-radius: 8px;
      padding: 0.6rem 0.8rem;
      background: #fff;
    }
    section.holds {
      border-left-color: #009e73;
    }
    section.fails {
      border-left-color: #d55e00;
    }
    section.missing {
      border-left-color: #9a9a94;
      background: #f7f7f4;
    }
    h3 {
      font-size: 0.98rem;
      margin: 0 0 0.35rem;
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.2rem 0.6rem;
    }
    .verdict {
      border-radius: 999px;
      padding: 0.05rem 0.55rem;
      font-size: 0.78rem;
      font-weight: 700;
      letter-spacing: 0.04em;
    }
    .holds .verdict {
      background: #e6f4ee;
      border: 1px solid #009e73;
    }
    .fails .verdict {
      background: #fde8e4;
      border: 1px solid #d55e00;
    }
    .missing .verdict {
      background: #ecece6;
      border: 1px solid #9a9a94;
    }
    .meaning {
      margin: 0.2rem 0 0.45rem;
      color: #333;
      line-height: 1.4;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      font-variant-numeric: tabular-nums;
    }
    li {
      display: grid;
      grid-template-columns: 1.2rem 1fr;
      gap: 0.2rem;
      margin: 0.25rem 0;
      line-height: 1.35;
    }
    li.reported {
      color: #555;
    }
    .note {
      color: #555;
      font-size: 0.82rem;
      margin: 0.4rem 0 0;
    }
  `;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('results'))
      this.readings = this.results ? gateReadings(judgeGates(this.results, corpus)) : [];
  }

  override render() {
    if (!this.results)
      return html`<p class="note">The gates are judged once a run has finished or results are loaded.</p>`;
    return html`<div class="gates">${this.readings.map((r) => this.gate(r))}</div>
      <p class="note">
        Thresholds are fixed in the lab's code before a run is measured; a smaller recipe can fail a gate
        simply because its model or corpus is too small, and a run with fewer fine-tune seeds than the
        reference design is not judged on gate 3.
      </p>`;
  }

  private gate(r: GateReading) {
    const v = r.verdict;
    const kind = v === 'holds' ? 'holds' : v === 'fails' ? 'fails' : 'missing';
    const [verdict, spoken] =
      v === 'holds'
        ? ['HOLDS', 'holds']
        : v === 'fails'
          ? ['FAILS', 'fails']
          : v === 'too-few-seeds'
            ? ['TOO FEW SEEDS TO JUDGE', 'too few seeds to judge']
            : ['NOT JUDGED', 'cannot be judged'];
    // A gate the run could not judge still shows what it did measure (n/a for the rest): the numbers
    // are what the run measured, not a verdict.
    const showChecks = v !== null;
    return html`<section class=${kind} aria-label="Gate ${r.gate}, ${r.title}: ${spoken}" data-gate=${r.gate}>
      <h3>
        <span>Gate ${r.gate}: ${r.title}</span>
        <span class="verdict">${verdict}</span>
      </h3>
      <p class="meaning">${r.meaning}</p>
      ${r.missing ? html`<p class="why-missing">${r.missing}</p>` : null}
      ${
        showChecks
          ? html`<ul>
              ${r.checks.map(
                (c) =>
                  html`<li
                    class=${c.status === 'reported' ? 'reported' : c.status === 'met' ? 'met' : 'unmet'}
                  >
                    <span aria-label=${c.status} role="img">${MARK[c.status]}</span><span>${c.text}</span>
                  </li>`,
              )}
            </ul>`
          : null
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-gates': GatesPanel;
  }
}
