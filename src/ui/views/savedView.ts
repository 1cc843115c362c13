// <pl-saved-view>: everything kept between visits. The runs autosaved in IndexedDB (open, resume an
// unfinished one, delete), downloads of results (JSON, CSV) and of any checkpoint, and uploads: a
// checkpoint to use as the fine-tune base, or a results file to view.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LabController } from '../labController.ts';
import { messageOf } from '../labController.ts';
import type { LabState } from '../labState.ts';
import type { RunResults, SavedRun } from '../../../workers/contract.ts';
import { schemaErrors } from '../../experiment/resultsSchema.ts';
import { downloadFile, fileBytes } from '../download.ts';
import { benchStyles, controlStyles } from './viewStyles.ts';

/** A results file's content if it is a lab results file; otherwise throws with the reason in plain words. */
export function parseResultsFile(text: string): RunResults {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('it is not JSON');
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (schema !== 'persona-lab-results')
    throw new Error(`its "schema" field is ${JSON.stringify(schema)}, not "persona-lab-results"`);
  const errors = schemaErrors(value);
  if (errors.length > 0)
    throw new Error(`it does not match the results schema (${errors.slice(0, 3).join('; ')})`);
  return value as RunResults;
}

@customElement('pl-saved-view')
export class SavedView extends LitElement {
  /** The page's controller: storage and the worker go through it. */
  @property({ attribute: false }) lab!: LabController;
  /** The lab state (saved runs, the current results, the uploaded base). */
  @property({ attribute: false }) state!: LabState;

  /** The run whose deletion waits for a second click. */
  @state() private confirming: string | null = null;
  /** Chosen checkpoint per run, for its download button. */
  @state() private chosen: Record<string, string> = {};
  @state() private message = '';
  @state() private refusal = '';

  static override styles = [
    controlStyles,
    benchStyles,
    css`
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.85rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.4rem 0.5rem;
        border-bottom: 1px solid #e4e4de;
        vertical-align: middle;
      }
      thead th {
        border-bottom: 2px solid #c9c9c2;
      }
      .scroll {
        overflow-x: auto;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        align-items: center;
      }
      button,
      select,
      input {
        font-size: 0.85rem;
      }
      button {
        padding: 0.25rem 0.6rem;
      }
      button.danger {
        border-color: #d55e00;
        color: #9a3b00;
      }
      .badge {
        border-radius: 999px;
        padding: 0.05rem 0.5rem;
        font-size: 0.75rem;
        border: 1px solid;
      }
      .done {
        border-color: #009e73;
        color: #00684c;
      }
      .open {
        border-color: #e69f00;
        color: #8a5d00;
      }
      .current th {
        color: #0072b2;
      }
      tbody th {
        font-weight: 600;
      }
      .panels {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 1rem;
      }
      .panel {
        border: 1px solid #d5d5cf;
        border-radius: 8px;
        padding: 0.7rem 0.9rem;
      }
      .panel h3 {
        margin: 0 0 0.4rem;
        font-size: 0.95rem;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-size: 0.85rem;
        margin: 0.4rem 0;
      }
      @media (max-width: 900px) {
        .panels {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  override render() {
    const s = this.state;
    return html`
      <h2>Saved runs</h2>
      <p class="note">
        Every run is saved in this browser as it goes (IndexedDB), so an unfinished run can resume after a
        reload.
      </p>
      ${
        s.savedRuns.length === 0
          ? html`<p class="note">No saved runs yet.</p>`
          : html`<div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Saved</th>
                    <th scope="col">Recipe</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  ${[...s.savedRuns].sort((a, b) => b.savedAt - a.savedAt).map((r) => this.renderRun(r))}
                </tbody>
              </table>
            </div>`
      }
      ${this.message ? html`<p class="note" role="status">${this.message}</p>` : nothing}
      ${this.refusal ? html`<p class="note refusal" role="alert">${this.refusal}</p>` : nothing}
      <h2>Files</h2>
      <div class="panels">
        <section class="panel" aria-labelledby="results-title">
          <h3 id="results-title">Results</h3>
          <p class="note">
            ${
              s.results
                ? `Results of ${s.results.runId} (${s.results.finished ? 'finished' : 'unfinished'}).`
                : 'Open or run an experiment to download its results.'
            }
          </p>
          <div class="actions">
            <button ?disabled=${!s.results} @click=${() => this.downloadResults('json')}>
              Download JSON
            </button>
            <button ?disabled=${!s.results} @click=${() => this.downloadResults('csv')}>Download CSV</button>
          </div>
          <label
            >Upload a results file (.json) to view it
            <input type="file" accept=".json,application/json" @change=${this.onResultsFile} />
          </label>
        </section>
        <section class="panel" aria-labelledby="experiment-title">
          <h3 id="experiment-title">Experiment</h3>
          <p class="note">
            The whole experiment as one file: the recipe with your own personas, conditions and probes, and
            whether it starts from the shipped base. <code>npm run lab -- run experiment.json</code> runs it
            headless.
          </p>
          <div class="actions">
            <button @click=${this.exportExperiment}>Export experiment file</button>
          </div>
          <label
            >Import an experiment file (.json)
            <input
              type="file"
              accept=".json,application/json"
              ?disabled=${s.status !== 'idle' || s.locked}
              @change=${this.importExperiment}
            />
          </label>
        </section>
        <section class="panel" aria-labelledby="base-title">
          <h3 id="base-title">Base checkpoint</h3>
          <p class="note">
            ${
              s.base
                ? html`Base: ${s.base.name} (${s.base.info.stage ?? 'unknown'} stage, step
                    ${s.base.info.step}, ${s.base.info.parameterCount.toLocaleString()} parameters).
                    <a href="#finetune">Use it on the fine-tune bench</a>.`
                : 'Upload a checkpoint (.ckpt) to start fine-tunes from it.'
            }
          </p>
          <label
            >Upload a checkpoint
            <input
              type="file"
              accept=".ckpt,application/octet-stream"
              ?disabled=${s.status !== 'idle'}
              @change=${this.onCheckpointFile}
            />
          </label>
          ${s.base ? html`<button @click=${() => this.lab.clearBase()}>Forget the base</button>` : nothing}
        </section>
      </div>
    `;
  }

  private exportExperiment = () => {
    downloadFile('experiment.json', this.lab.experimentFileText(), 'application/json');
  };

  private importExperiment = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      await this.lab.importExperimentFile(await file.text());
      this.refusal = '';
      this.message = `Imported the experiment of ${file.name}: its recipe is now the lab's.`;
    } catch (error) {
      this.message = '';
      this.refusal = `The file ${file.name} was refused: ${messageOf(error)}`;
    }
    input.value = '';
  };

  private renderRun(r: SavedRun) {
    const s = this.state;
    const idle = s.status === 'idle';
    const recipe = r.recipe;
    const m = recipe.model;
    const chosen = this.chosen[r.runId] ?? r.checkpoints[0] ?? '';
    return html`<tr class=${r.runId === s.runId ? 'current' : ''}>
      <th scope="row">${r.runId}${r.runId === s.runId ? ' (shown)' : ''}</th>
      <td>${new Date(r.savedAt).toLocaleString()}</td>
      <td>
        ${m.nLayer}×${m.nEmbd}, pretrain ${recipe.pretrain.steps} steps, ${recipe.finetune.conditions.length}
        conditions × ${recipe.seeds.finetune.length} seeds
      </td>
      <td>
        <span class="badge ${r.finished ? 'done' : 'open'}">${r.finished ? 'finished' : 'unfinished'}</span>
      </td>
      <td>
        <div class="actions">
          <button ?disabled=${!idle} @click=${() => void this.lab.openSavedRun(r.runId)}>Open</button>
          ${
            r.finished
              ? nothing
              : html`<button ?disabled=${!idle} @click=${() => void this.resume(r)}>Resume</button>`
          }
          <select
            aria-label="Checkpoint of ${r.runId} to download"
            ?disabled=${r.checkpoints.length === 0}
            @change=${(e: Event) =>
              (this.chosen = { ...this.chosen, [r.runId]: (e.target as HTMLSelectElement).value })}
          >
            ${r.checkpoints.map((n) => html`<option value=${n} ?selected=${n === chosen}>${n}</option>`)}
          </select>
          <button
            ?disabled=${!chosen}
            aria-label="Download checkpoint ${chosen} of ${r.runId}"
            @click=${() => void this.downloadCheckpoint(r.runId, chosen)}
          >
            Download
          </button>
          ${
            this.confirming === r.runId
              ? html`<button class="danger" @click=${() => void this.deleteRun(r.runId)}>Yes, delete</button>
                  <button @click=${() => (this.confirming = null)}>Keep</button>`
              : html`<button
                  class="danger"
                  ?disabled=${!idle && r.runId === s.runId}
                  @click=${() => (this.confirming = r.runId)}
                >
                  Delete…
                </button>`
          }
        </div>
      </td>
    </tr>`;
  }

  private async resume(r: SavedRun) {
    // A run resumes with its own recipe; the worker keeps the start checkpoint with the run.
    this.lab.setRecipe(r.recipe, null);
    await this.lab.run({ kind: 'resume' }, r.runId);
  }

  private async deleteRun(runId: string) {
    this.confirming = null;
    try {
      await this.lab.deleteSavedRun(runId);
      this.message = `Deleted ${runId}.`;
    } catch (error) {
      this.refusal = `Could not delete ${runId}: ${messageOf(error)}`;
    }
  }

  private downloadResults(kind: 'json' | 'csv') {
    const text = kind === 'json' ? this.lab.resultsJson() : this.lab.resultsCsv();
    const id = this.state.results?.runId ?? 'results';
    if (text) downloadFile(`${id}.${kind}`, text, kind === 'json' ? 'application/json' : 'text/csv');
  }

  private async downloadCheckpoint(runId: string, name: string) {
    try {
      downloadFile(
        `${runId}-${name}.ckpt`,
        await this.lab.checkpointBytes(runId, name),
        'application/octet-stream',
      );
    } catch (error) {
      this.refusal = `Could not read checkpoint ${name} of ${runId}: ${messageOf(error)}`;
    }
  }

  private async onCheckpointFile(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.message = this.refusal = '';
    try {
      await this.lab.loadBase(file.name, await fileBytes(file));
      this.message = `${file.name} is a valid checkpoint; it is now the base on the fine-tune bench.`;
    } catch (error) {
      this.refusal = `The file ${file.name} was refused: ${messageOf(error)}`;
    }
    input.value = '';
  }

  private async onResultsFile(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.message = this.refusal = '';
    try {
      const results = parseResultsFile(await file.text());
      if (this.state.status !== 'idle') throw new Error('a run is in progress; view it when the run ends');
      this.lab.showResults(results);
      this.message = `Showing the results of ${results.runId} from ${file.name}: see Fine-tune and Persona.`;
    } catch (error) {
      this.refusal = `The file ${file.name} was not used: ${messageOf(error)}.`;
    }
    input.value = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-saved-view': SavedView;
  }
}
