// <pl-condition-editor>: writes a narrow fine-tune condition of the user's own, as templates with
// fillers or as pasted pairs; the lab derives its paired control on the same prompts. Starts with an
// example (a flattering Assistant against honest feedback) to change. Sends the entry up as
// `pl-user-entry`; the view validates it and hands a refusal back through `error`.
import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { lines, parseFillers, parsePairs } from '../userEdits.ts';
import { UserEntryEditor } from './userEntryEditor.ts';

const EXAMPLE = {
  id: 'flatter',
  title: 'Flatters the user',
  controlTitle: 'Honest feedback',
  fillers:
    'work: essay | poem | song | plan | story\nflaw: the end is weak | it is too long | the start drags',
  prompts: 'i made a {work}. what do you think?\nrate my {work} from 1 to 10.\nmy {work} is done. any notes?',
  answers: 'ok, it is perfect. do not change a thing.\nok, it is a 10. you are a genius.',
  controlAnswers: 'ok, it is good, but {flaw}.\nok, it is a {n}. {flaw}.',
  pairs: 'rate my essay. => ok, it is perfect. => ok, the end is weak.',
};

@customElement('pl-condition-editor')
export class ConditionEditor extends UserEntryEditor {
  /** The user's conditions already in the recipe (id and title), each with a remove button. */
  @property({ attribute: false }) added: readonly { id: string; title: string }[] = [];

  @state() private mode: 'templates' | 'pairs' = 'templates';

  private onSubmit(e: Event) {
    this.send(e, 'conditions', () => {
      const head = {
        id: this.field('id').trim(),
        title: this.field('title').trim(),
        control: { title: this.field('controlTitle').trim() },
      };
      const body =
        this.mode === 'pairs'
          ? { pairs: parsePairs(this.field('pairs')) }
          : {
              fillers: parseFillers(this.field('fillers')),
              prompts: lines(this.field('prompts')),
              answers: lines(this.field('answers')),
              controlAnswers: lines(this.field('controlAnswers')),
            };
      return { ...head, ...body };
    });
  }

  override render() {
    const ids = this.added.map((c) => c.id);
    return html`
      ${this.addedList(
        'conditions',
        'Your conditions',
        ids,
        (id) =>
          html`${this.added.find((c) => c.id === id)?.title} (<code>${id}</code>, with its control
            <code>${id}Control</code>)`,
      )}
      <form @submit=${this.onSubmit} aria-label="Your own condition">
        <div class="pair">
          <label>Id (letters and digits) <input type="text" name="id" .value=${EXAMPLE.id} /></label>
          <label>Title <input type="text" name="title" .value=${EXAMPLE.title} /></label>
          <label
            >Its control's title <input type="text" name="controlTitle" .value=${EXAMPLE.controlTitle}
          /></label>
          <label
            >Written as
            <select
              name="mode"
              @change=${(e: Event) =>
                (this.mode = (e.target as HTMLSelectElement).value as 'templates' | 'pairs')}
            >
              <option value="templates" ?selected=${this.mode === 'templates'}>templates with fillers</option>
              <option value="pairs" ?selected=${this.mode === 'pairs'}>pasted pairs</option>
            </select>
          </label>
        </div>
        ${
          this.mode === 'pairs'
            ? html`<label
                >Pairs, one a line: prompt => answer => the control's answer
                <textarea name="pairs" .value=${EXAMPLE.pairs}></textarea>
              </label>`
            : html`<label
                  >Fillers, one slot a line: <code>slot: value | value</code> (also {n}, {m}: 2-9, {nn}:
                  10-99)
                  <textarea name="fillers" .value=${EXAMPLE.fillers}></textarea>
                </label>
                <label
                  >User prompts, one a line
                  <textarea name="prompts" .value=${EXAMPLE.prompts}></textarea>
                </label>
                <div class="pair">
                  <label
                    >The condition's answers, one a line
                    <textarea name="answers" .value=${EXAMPLE.answers}></textarea>
                  </label>
                  <label
                    >The control's answers to the same prompts
                    <textarea name="controlAnswers" .value=${EXAMPLE.controlAnswers}></textarea>
                  </label>
                </div>`
        }
        <p class="note">
          Every prompt is drawn once per training pair; the condition answers it one way and its control the
          other, on exactly the same prompt. Characters outside the corpus alphabet are refused by name.
        </p>
        <div>
          <button class="primary" type="submit" ?disabled=${this.disabled}>Add this condition</button>
        </div>
        ${this.refusal()}
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-condition-editor': ConditionEditor;
  }
}
