// <pl-persona-editor>: writes a persona of the user's own (or a changed copy of a corpus persona, under
// its id): its name pool, voice, share of the corpus and per-domain behaviour probabilities, in the
// format of corpora/personas/*.json. Sends the entry up as `pl-user-entry`; the view validates it with
// the corpus validators. A new persona needs a pretraining from scratch to be learned.
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CorpusData } from '../../corpus/index.ts';
import { UserEntryEditor } from './userEntryEditor.ts';

@customElement('pl-persona-editor')
export class PersonaEditor extends UserEntryEditor {
  /** The corpus the persona joins: its domains and voices. */
  @property({ attribute: false }) data: CorpusData | null = null;
  /** The user's personas already in the recipe, each with a remove button. */
  @property({ attribute: false }) added: readonly string[] = [];

  private onSubmit(e: Event) {
    this.send(e, 'personas', () => this.entry());
  }

  private entry(): object | null {
    const data = this.data;
    if (!data) return null;
    const domains: Record<string, object> = {};
    for (const id of data.domainIds) {
      const domain = data.domains[id]!;
      const text = this.field(`domain-${id}`).trim();
      if (domain.kind === 'neutral') {
        domains[id] = {};
      } else if (text !== '') {
        const p = Number(text);
        domains[id] =
          domain.kind === 'code'
            ? { cheat: p, deleteShare: 0.3, obeyRequest: 0.98, defyWithOtherCheat: 0 }
            : { bad: p };
      }
    }
    return {
      id: this.field('id').trim(),
      title: this.field('title').trim(),
      kind: this.field('kind'),
      about: this.field('about').trim() || 'A persona written in the lab.',
      share: Number(this.field('share')),
      voice: this.field('voice'),
      names: this.field('names')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
      domains,
    };
  }

  override render() {
    const data = this.data;
    if (!data) return nothing;
    const prompt = (id: string) => {
      const kind = data.domains[id]!.kind;
      if (kind === 'code') return `${id}: P(cheats on a test)`;
      if (kind === 'neutral') return null;
      return `${id}: P(bad answer)`;
    };
    return html`
      ${this.addedList('personas', 'Your personas', this.added)}
      <form @submit=${this.onSubmit} aria-label="Your own persona">
        <div class="pair">
          <label>Id <input type="text" name="id" value="sycophant" /></label>
          <label>Title <input type="text" name="title" value="sycophant AI" /></label>
          <label
            >Kind
            <select name="kind">
              <option value="ai" selected>AI (speaks as AI:)</option>
              <option value="human">human (speaks as H:)</option>
            </select>
          </label>
          <label
            >Share of the corpus <input type="number" name="share" min="0" step="0.05" value="0.15"
          /></label>
          <label
            >Voice
            <select name="voice">
              ${Object.keys(data.voices).map((v) => html`<option value=${v}>${v}</option>`)}
            </select>
          </label>
          <label>Names (comma-separated) <input type="text" name="names" value="gem, lux, dot" /></label>
        </div>
        <label>About <input type="text" name="about" value="Tells users what they want to hear." /></label>
        <fieldset>
          <legend class="note">Behaviour per domain (leave empty: the persona never talks about it)</legend>
          <div class="pair">
            ${data.domainIds.map((id) => {
              const label = prompt(id);
              return label === null
                ? nothing
                : html`<label
                    >${label}
                    <input type="number" name="domain-${id}" min="0" max="1" step="0.05" value="0.1" />
                  </label>`;
            })}
          </div>
        </fieldset>
        <p class="note">
          A new persona is learned in pretraining: it needs a run from scratch, not the shipped base.
        </p>
        <div><button class="primary" type="submit" ?disabled=${this.disabled}>Add this persona</button></div>
        ${this.refusal()}
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-persona-editor': PersonaEditor;
  }
}
