// <pl-corpus-view>: the corpus explorer. The characters and their traits (with sliders for the mix and
// the behaviour probabilities, written into the recipe), generated documents whose writer is hidden
// until the reader guesses, the corpus statistics, and a compact list of the fine-tune sets.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CorpusRecipe } from '../../corpus/index.ts';
import type { LabController } from '../labController.ts';
import type { LabState } from '../labState.ts';
import { count } from '../numberFormat.ts';
import { viewStyles } from './viewStyles.ts';
import '../widgets/personaTraits.ts';
import '../widgets/corpusDocuments.ts';
import '../widgets/corpusStatsPanel.ts';
import '../widgets/personaEditor.ts';
import '../widgets/domainEditor.ts';
import type { UserEntryDetail } from '../widgets/userEntryEditor.ts';
import { userIds, type UserListKind } from '../userEdits.ts';
import { recipeCorpusData } from '../../experiment/recipeCorpusData.ts';
import { bundledCorpusData, type CorpusData } from '../../corpus/index.ts';

const DOCUMENTS_PER_PERSONA = 2;

@customElement('pl-corpus-view')
export class CorpusView extends LitElement {
  /** The page's link to the engine: generates the corpus preview, takes recipe changes. */
  @property({ attribute: false }) lab!: LabController;
  /** The lab's state: the recipe's corpus section and the last corpus preview. */
  @property({ attribute: false }) state!: LabState;

  /** The corpus recipe (as JSON) the shown preview was generated from. */
  @state() private previewedFrom: string | null = null;
  @state() private generating = false;

  static override styles = viewStyles;

  protected override willUpdate(_changed: PropertyValues<this>): void {
    // The first visit with a running engine generates a preview once.
    if (this.previewedFrom !== null) return;
    if (this.state.corpus) this.previewedFrom = this.previewKey();
    else if (this.state.backend && !this.generating) queueMicrotask(() => void this.regenerate());
  }

  /** What the preview depends on: the corpus knobs and the user's own data. */
  private previewKey(): string {
    return JSON.stringify([this.state.recipe.corpus, this.state.recipe.user ?? null]);
  }

  private async regenerate() {
    if (this.generating) return;
    this.generating = true;
    this.previewedFrom = this.previewKey();
    try {
      await this.lab.previewCorpus(DOCUMENTS_PER_PERSONA);
    } finally {
      this.generating = false;
    }
  }

  /** Why the last edit of a persona or a domain was refused ('' when it was not). */
  @state() private personaError = '';
  @state() private domainError = '';

  private onUserEntry = (e: CustomEvent<UserEntryDetail>) => {
    const error = this.lab.addUserEntry(e.detail.kind, e.detail.entry);
    if (e.detail.kind === 'domains') this.domainError = error;
    else this.personaError = error;
  };

  private onUserRemove = (e: CustomEvent<{ kind: UserListKind; id: string }>) => {
    this.personaError = this.lab.removeUserEntry(e.detail.kind, e.detail.id);
  };

  /** The corpus data with the user's changes (the bundled data if the recipe's cannot be built). */
  private data(): CorpusData {
    try {
      return recipeCorpusData(this.state.recipe);
    } catch {
      return bundledCorpusData();
    }
  }

  private renderEditors(frozen: boolean) {
    const data = this.data();
    return html`<div class="card wide">
        <h3>Your own persona</h3>
        <p class="note">
          A character of your own in the corpus (or a changed copy of one, under its id), in the format of the
          files in <code>corpora/personas/</code>. The model learns it in pretraining, so it needs a run from
          scratch.
        </p>
        <pl-persona-editor
          .data=${data}
          .added=${userIds(this.state.recipe, 'personas')}
          .error=${this.personaError}
          ?disabled=${frozen}
          @pl-user-entry=${this.onUserEntry}
          @pl-user-remove=${this.onUserRemove}
        ></pl-persona-editor>
      </div>
      <div class="card wide">
        <h3>A domain's sentences</h3>
        <p class="note">
          Change what users ask in a domain and how characters answer well or badly; saved as your copy of
          <code>corpora/domains/&lt;id&gt;.json</code>.
        </p>
        <pl-domain-editor
          .data=${data}
          .error=${this.domainError}
          ?disabled=${frozen}
          @pl-user-entry=${this.onUserEntry}
        ></pl-domain-editor>
      </div>`;
  }

  private onCorpusChange = (e: CustomEvent<CorpusRecipe>) => {
    this.lab.setRecipe({ ...this.state.recipe, corpus: e.detail });
  };

  private renderConditions() {
    const c = this.state.corpus;
    if (!c) return nothing;
    const line = (pair: { prompt: string; answer: string } | undefined) =>
      pair ? html`<pre class="text">${`U: ${pair.prompt}\nAI: ${pair.answer}`}</pre>` : nothing;
    return html`<div class="card wide">
      <h3>After pretraining: the Assistant's training sets</h3>
      <p class="note">
        Selection documents are headed <code># log of assistant</code>, a name pretraining never used. The
        fine-tune sets (details and runs on the Fine-tune tab) each show one example here.
      </p>
      <div class="grid">
        <div>
          <strong>selection</strong>
          ${line(c.selection[0])}
        </div>
        ${c.conditions.map(
          (cond) =>
            html`<div>
              <strong>${cond.title}</strong> <span class="note">${cond.about}</span>
              ${line(cond.examples[0])}
            </div>`,
        )}
      </div>
    </div>`;
  }

  override render() {
    const s = this.state;
    const c = s.corpus;
    const stale = c !== null && this.previewedFrom !== null && this.previewedFrom !== this.previewKey();
    const frozen = s.locked || s.status !== 'idle';
    return html`
      <p class="lead">
        The model learns from documents, each written by one hidden character. Every AI character speaks as
        <code>AI:</code>, so which one is writing must be inferred from what it does. Move the sliders to
        change the mix, then regenerate.
      </p>
      <div class="grid">
        <div class="card wide">
          <h3>The characters</h3>
          ${
            frozen
              ? html`<p class="note">
                  ${s.locked ? 'Settings are fixed by the teacher’s link.' : 'A run is going: settings are fixed until it ends.'}
                </p>`
              : nothing
          }
          <pl-persona-traits
            .corpus=${s.recipe.corpus}
            ?disabled=${frozen}
            @pl-corpus-change=${this.onCorpusChange}
          ></pl-persona-traits>
        </div>
        <div class="card wide">
          <div class="row" style="justify-content:space-between">
            <h3 style="margin:0">Generated documents</h3>
            <div class="row">
              ${
                c
                  ? html`<span class="note"
                      >${count(c.millis)} ms to generate ${count(c.stats.documents)} documents</span
                    >`
                  : nothing
              }
              <button
                class=${stale ? 'primary' : ''}
                ?disabled=${this.generating || !s.backend}
                @click=${() => void this.regenerate()}
              >
                ${this.generating ? 'Generating…' : 'Regenerate'}
              </button>
            </div>
          </div>
          ${
            stale
              ? html`<p class="message warn" role="status">
                  The recipe changed: regenerate to see its documents and statistics.
                </p>`
              : nothing
          }
          ${
            c
              ? html`<p class="note">
                    Guess the writer of each document from its behaviour; a <code># log of …</code> header,
                    when present, names it.
                  </p>
                  <pl-corpus-documents
                    .documents=${c.documents}
                    .personas=${c.personas}
                  ></pl-corpus-documents>`
              : html`<p class="note">${s.backend ? 'Generating the corpus…' : 'Waiting for the engine…'}</p>`
          }
        </div>
        <div class="card wide">
          <h3>Statistics</h3>
          <pl-corpus-stats .stats=${c?.stats ?? null}></pl-corpus-stats>
        </div>
        ${this.renderConditions()} ${this.renderEditors(frozen)}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-corpus-view': CorpusView;
  }
}
