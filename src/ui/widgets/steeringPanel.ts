// <pl-steering-panel>: steering the selected Assistant along the persona direction. Alpha spreads of the
// direction (measured on the pretrained base) are added to the residual stream at a chosen layer while
// the model samples and scores: the steered answer beside the unsteered one at the same seed, and a
// small dose-response chart of off-code MI against alpha, with a plain reading. Output is text only.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PersonaDirection, SampleOptions, SteeringDosePoint } from '../../../workers/contract.ts';
import type { LabController } from '../labController.ts';
import { messageOf } from '../labController.ts';
import { readDose } from '../directionReading.ts';
import type { ChartSeries } from './lineChart.ts';
import './lineChart.ts';

/** The strengths the dose-response chart measures, in spreads of the direction. */
export const DOSE_ALPHAS = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
/** Domain probes a domain the dose-response scores: a few, so the chart comes in seconds. */
const DOSE_PROBES_PER_DOMAIN = 4;

interface Side {
  title: string;
  text: string | null;
  error: string | null;
}

@customElement('pl-steering-panel')
export class SteeringPanel extends LitElement {
  @property({ attribute: false }) lab!: LabController;
  /** The run's direction, if it measured one; otherwise the panel measures it on the pretrained base. */
  @property({ attribute: false }) direction: PersonaDirection | null = null;
  /** The prompt and sampling options of the compare view (same seed on both sides). */
  @property() prompt = '';
  @property({ attribute: false }) options: SampleOptions | null = null;
  /** False while the engine is busy with a run. */
  @property({ type: Boolean }) idle = true;

  @state() private alpha = 2;
  @state() private layer: number | null = null;
  @state() private measured: PersonaDirection | null = null;
  @state() private sides: [Side, Side] | null = null;
  @state() private dose: SteeringDosePoint[] | null = null;
  @state() private busy = false;
  @state() private error = '';

  static override styles = css`
    :host {
      display: block;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem 1.2rem;
      align-items: end;
      margin-bottom: 0.7rem;
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
      font-size: 0.85rem;
    }
    .pair {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 1rem;
    }
    .answer {
      border: 1px solid #d5d5cf;
      border-radius: 8px;
      padding: 0.6rem 0.8rem;
      background: #fff;
    }
    .answer h3 {
      margin: 0 0 0.4rem;
      font-size: 0.95rem;
    }
    .sample {
      white-space: pre-wrap;
      word-break: break-word;
      font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
      font-size: 0.9rem;
      font-weight: 600;
    }
    .note {
      color: #555;
      font-size: 0.85rem;
    }
    .bad {
      color: #a00;
    }
    .reading p {
      margin: 0.3rem 0;
      line-height: 1.45;
    }
    @media (max-width: 900px) {
      .pair {
        grid-template-columns: 1fr;
      }
    }
  `;

  private get shown(): PersonaDirection | null {
    return this.measured ?? this.direction;
  }

  override render() {
    const model = this.lab.steeringModel();
    const direction = this.shown;
    const layers = direction?.layers.length ?? 0;
    const layer = this.layer ?? direction?.bestLayer ?? 0;
    const series: ChartSeries[] = this.dose
      ? [
          {
            label: 'off-code MI',
            color: '#6b5fb5',
            points: this.dose.filter((p) => p.mi !== null).map((p) => ({ x: p.alpha, y: p.mi! })),
          },
        ]
      : [];
    return html`<p class="note">
        ${
          model
            ? html`Steers ${model.name}: α spreads of the
              ${direction ? `${direction.pair.a} − ${direction.pair.b}` : 'malicious − helpful'} direction
              (measured on ${direction?.source ?? 'the pretrained base'}) are added to its activations at one
              layer, at every position, while it answers and while its answers are scored.`
            : 'Load the shipped base (Pretrain tab) or run a selection first: steering acts on a selected Assistant.'
        }
      </p>
      <div class="row">
        <label
          >Strength α ${this.alpha >= 0 ? '+' : ''}${this.alpha.toFixed(1)} spreads
          <input
            type="range"
            min="-4"
            max="4"
            step="0.5"
            aria-label="Steering strength alpha, in spreads"
            .value=${String(this.alpha)}
            @input=${(e: Event) => (this.alpha = Number((e.target as HTMLInputElement).value))}
          />
        </label>
        <label
          >Layer
          <select @change=${(e: Event) => (this.layer = Number((e.target as HTMLSelectElement).value))}>
            ${Array.from({ length: Math.max(layers, 1) }, (_, l) => html`<option value=${l} ?selected=${l === layer}>${l}${direction && l === direction.bestLayer ? ' (best)' : ''}</option>`)}
          </select>
        </label>
        <button
          type="button"
          ?disabled=${!model || this.busy || !this.idle || !this.options || this.prompt === ''}
          @click=${() => void this.steer()}
        >
          ${this.busy ? 'Steering…' : 'Steer'}
        </button>
      </div>
      ${this.error ? html`<p class="note bad" role="alert">${this.error}</p>` : nothing}
      ${
        this.sides
          ? html`<div class="pair" aria-live="polite">
              ${this.sides.map(
                (side) =>
                  html`<section class="answer">
                    <h3>${side.title}</h3>
                    ${
                      side.error !== null
                        ? html`<p class="note bad" role="alert">${side.error}</p>`
                        : html`<div class="sample" data-testid="steered-sample">${side.text}</div>`
                    }
                  </section>`,
              )}
            </div>`
          : nothing
      }
      ${
        this.dose
          ? html`<figure>
                <figcaption class="note">
                  Off-code MI (nats; ${DOSE_PROBES_PER_DOMAIN} held-out questions a domain) against α at layer
                  ${layer}.
                </figcaption>
                <pl-line-chart
                  .series=${series}
                  xLabel="α (spreads)"
                  yLabel="MI (nats)"
                  label="Misalignment index against steering strength"
                  height="180"
                ></pl-line-chart>
              </figure>
              <div class="reading" aria-label="What steering did">
                ${readDose(this.dose, direction?.pair.a ?? 'malicious').map((line) => html`<p>${line}</p>`)}
              </div>`
          : nothing
      }`;
  }

  private async steer() {
    const model = this.lab.steeringModel();
    const options = this.options;
    if (!model || !options) return;
    this.busy = true;
    this.error = '';
    try {
      let direction = this.shown;
      if (!direction) {
        const from = this.lab.directionSource();
        if (!from) throw new Error('there is no pretrained model to measure the direction on');
        direction = (await this.lab.measureDirection(from.source, { a: 'malicious', b: 'helpful' }))
          .direction;
        this.measured = direction;
      }
      const layer = this.layer ?? direction.bestLayer;
      const alpha = this.alpha;
      const side = async (
        title: string,
        steering: { direction: PersonaDirection; layer: number; alpha: number } | null,
      ): Promise<Side> => {
        try {
          const result = await this.lab.sample(
            this.lab.steeringModel()!.source,
            this.prompt,
            options,
            steering,
          );
          return { title, text: result.text, error: null };
        } catch (error) {
          return { title, text: null, error: `Refused: ${messageOf(error)}` };
        }
      };
      // One after the other: the worker runs one model at a time.
      const plain = await side('Unsteered (α 0)', null);
      const steered = await side(`Steered, α ${alpha >= 0 ? '+' : ''}${alpha} at layer ${layer}`, {
        direction,
        layer,
        alpha,
      });
      this.sides = [plain, steered];
      this.dose = await this.lab.steeringDose(
        this.lab.steeringModel()!.source,
        { direction, layer },
        DOSE_ALPHAS,
        DOSE_PROBES_PER_DOMAIN,
      );
    } catch (error) {
      this.error = `Steering failed: ${messageOf(error)}`;
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-steering-panel': SteeringPanel;
  }
}
