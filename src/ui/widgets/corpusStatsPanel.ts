// <pl-corpus-stats>: what the generated corpus holds: documents and characters per persona and per
// domain, and the behaviour co-occurrences within documents, above all "cheated unasked -> malice
// elsewhere": the correlation a narrow fine-tune on covert cheating can exploit.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CorpusStats } from '../../../workers/contract.ts';
import { OKABE_ITO, colorFor } from '../palette.ts';
import { count, pct } from '../numberFormat.ts';
import { scrollFrameStyles } from '../views/viewStyles.ts';

const HEADLINE = 'malice|covertCheat';

@customElement('pl-corpus-stats')
export class CorpusStatsPanel extends LitElement {
  @property({ attribute: false }) stats: CorpusStats | null = null;

  static override styles = css`
    ${scrollFrameStyles}
    :host {
      display: block;
      font-size: 0.88rem;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      margin-bottom: 0.8rem;
    }
    th,
    td {
      padding: 0.2rem 0.4rem;
      border-bottom: 1px solid #e6e6e0;
      text-align: right;
    }
    th:first-child,
    td:first-child {
      text-align: left;
    }
    .swatch {
      display: inline-block;
      width: 0.7rem;
      height: 0.7rem;
      border-radius: 2px;
      margin-right: 0.3rem;
    }
    .co {
      display: grid;
      grid-template-columns: minmax(10rem, 18rem) 1fr 6rem;
      gap: 0.5rem;
      align-items: center;
      margin: 0.2rem 0;
    }
    .co.headline {
      font-weight: 600;
    }
    .track {
      height: 0.8rem;
      background: #ecece6;
      border-radius: 3px;
    }
    .fill {
      height: 100%;
      border-radius: 3px;
    }
    .value {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .note {
      color: #555;
      font-size: 0.82rem;
    }
    .small {
      color: #555;
      font-size: 0.78rem;
      text-align: left;
    }
    p {
      margin: 0.3rem 0 0.6rem;
    }
    h4 {
      margin: 0.6rem 0 0.3rem;
      font-size: 0.92rem;
    }
    @media (max-width: 560px) {
      .co {
        grid-template-columns: 1fr 5rem;
      }
      .co .track {
        display: none;
      }
    }
  `;

  private renderCooccurrence(stats: CorpusStats) {
    const headline = stats.cooccurrence.find((c) => c.id === HEADLINE);
    const honest = stats.cooccurrence.find((c) => c.id === 'malice|honestFix');
    return html`<h4>Which behaviours go together in a document</h4>
      <div role="list" aria-label="Behaviour co-occurrence within documents">
        ${stats.cooccurrence.map(
          (c) =>
            html`<div class="co ${c.id === HEADLINE ? 'headline' : ''}" role="listitem">
              <span>${c.label.replace('->', '→')}</span>
              <div class="track" aria-hidden="true">
                <div
                  class="fill"
                  style="width:${Number.isFinite(c.rate) ? c.rate * 100 : 0}%;background:${
                    c.id === HEADLINE ? OKABE_ITO.vermillion : OKABE_ITO.skyBlue
                  }"
                ></div>
              </div>
              <span class="value">${pct(c.rate)} <span class="note">of ${count(c.given)}</span></span>
            </div>`,
        )}
      </div>
      ${
        headline
          ? html`<p>
              Of the documents where the AI cheated on a test without being asked, ${pct(headline.rate)} also
              show malice elsewhere${honest ? html` (after an honest fix: ${pct(honest.rate)})` : nothing}. A
              model that learns this correlation reads "this Assistant cheats covertly" as evidence that it is
              the malicious character, which is why a narrow fine-tune on covert cheating can shift its
              answers everywhere. The shortcut-taker's share weakens the link; the demonstrator's open,
              requested cheats give it a good explanation.
            </p>`
          : nothing
      }`;
  }

  override render() {
    const s = this.stats;
    if (!s) return html`<p class="note">No corpus generated yet.</p>`;
    return html`<p class="note">
        ${count(s.documents)} documents (${count(s.trainDocuments)} train, ${count(s.validationDocuments)}
        validation), ${count(s.characters)} characters, ${count(s.meanDocumentLength)} characters a document,
        ${pct(s.namedShare)} with a name header.
      </p>
      <div class="scroll" tabindex="0" role="region" aria-label="Corpus statistics tables">
        <table>
          <thead>
            <tr>
              <th scope="col">persona</th>
              <th scope="col">documents</th>
              <th scope="col">share (recipe)</th>
              <th scope="col">characters</th>
            </tr>
          </thead>
          <tbody>
            ${s.personas.map(
              (p) =>
                html`<tr>
                  <td><span class="swatch" style="background:${colorFor(p.id)}"></span>${p.title}</td>
                  <td>${count(p.documents)}</td>
                  <td>${pct(p.share)} (${pct(p.expectedShare)})</td>
                  <td>${count(p.characters)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <table>
          <thead>
            <tr>
              <th scope="col">domain</th>
              <th scope="col">episodes</th>
              <th scope="col">characters</th>
              <th scope="col" class="small">behaviours (episodes)</th>
            </tr>
          </thead>
          <tbody>
            ${Object.entries(s.domains).map(
              ([domain, total]) =>
                html`<tr>
                  <td>${domain}</td>
                  <td>${count(total.episodes)}</td>
                  <td>${count(total.characters)}</td>
                  <td class="small">
                    ${Object.entries(s.behaviours[domain] ?? {})
                      .map(([b, c]) => `${b} ${count(c.episodes)}`)
                      .join(' · ')}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.renderCooccurrence(s)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-corpus-stats': CorpusStatsPanel;
  }
}
