// <pl-class-pool>: a class pools its runs without a server. A student exports the result card of a
// finished fine-tune (a file, and a code to paste in a chat); the teacher drops the class's cards (files or
// a folder) or pastes their codes, and sees the pooled chart (ΔMI against step with a 95% band over
// students, each student's final point marked) and table; cards of groups that differ in one setting
// (guided lab 5) are also compared by its value. The worker reads and pools the cards
// (src/experiment/classPool.ts) with the run's own aggregation; cards it refuses or ignores are listed
// with the reason. Everything a card carries is shown as text.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LabController } from '../labController.ts';
import { messageOf } from '../labController.ts';
import type { CardInput, ClassPool, ExportedCard, PoolOutcome } from '../../../workers/contract.ts';
import { conditionTitle } from '../conditionInfo.ts';
import { downloadFile } from '../download.ts';
import { formatNats, prob } from '../numberFormat.ts';
import { colorFor } from '../palette.ts';
import type { ChartSeries } from '../widgets/lineChart.ts';
import { controlStyles, numbersTableStyles, scrollFrameStyles } from './viewStyles.ts';
import '../widgets/groupsTable.ts';
import '../widgets/lineChart.ts';

/** A file larger than this is no card: refused unread. */
const MAX_FILE_BYTES = 200_000;
/** More cards than a class: the rest are not read. */
const MAX_CARDS = 1000;

/** The chart of a pool: each condition's mean with its band, and each student's final point. */
export function poolSeries(pool: ClassPool): ChartSeries[] {
  return pool.conditions.flatMap((c) => [
    {
      label: `${conditionTitle(c.condition)} (mean, 95% band over students)`,
      color: colorFor(c.condition),
      points: c.trajectory
        .filter((t) => t.deltaMI.mean !== null)
        .map((t) => ({
          x: t.step,
          y: t.deltaMI.mean!,
          ...(t.deltaMI.n > 1 ? { lo: t.deltaMI.low ?? undefined, hi: t.deltaMI.high ?? undefined } : {}),
        })),
    },
    {
      label: `${conditionTitle(c.condition)}: each student`,
      color: colorFor(c.condition),
      markers: true,
      points: pool.students.flatMap((s) =>
        s.finals
          .filter((f) => f.condition === c.condition && f.deltaMI !== null)
          .map((f) => ({ x: f.step, y: f.deltaMI! })),
      ),
    },
  ]);
}

@customElement('pl-class-pool')
export class ClassPoolSection extends LitElement {
  /** The page's controller (exports a card, pools cards in the worker). */
  @property({ attribute: false }) lab!: LabController;
  /** The finished run whose card can be exported; null when there is none. */
  @property({ attribute: false }) runId: string | null = null;

  @state() private card: ExportedCard | null = null;
  @state() private outcome: PoolOutcome | null = null;
  @state() private notice = '';
  @state() private pasted = '';
  @state() private busy = false;
  private series: ChartSeries[] = [];

  static override styles = [
    controlStyles,
    scrollFrameStyles,
    numbersTableStyles,
    css`
      .drop {
        border: 2px dashed #b9b9b2;
        border-radius: 8px;
        padding: 0.8rem;
        margin: 0.5rem 0;
      }
      .drop.over {
        border-color: #0072b2;
        background: #eef6fb;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        font-family: ui-monospace, monospace;
        font-size: 0.8rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: center;
        margin: 0.4rem 0;
      }
      ul.left-out {
        font-size: 0.85rem;
      }
    `,
  ];

  override render() {
    return html`
      <h3>Your result card</h3>
      <p class="note">
        Hand your finished fine-tunes to your teacher: the card holds your base's fingerprint, the recipe,
        your seeds and your curves, a few KB.
      </p>
      <div class="row">
        <button ?disabled=${this.runId === null || this.busy} @click=${() => void this.exportCard()}>
          Export result card
        </button>
        ${
          this.card
            ? html`<button @click=${() => void this.copyCode()}>Copy the code</button>
                <span>${this.card.fileName}, ${this.card.code.length} characters as a code</span>`
            : nothing
        }
      </div>
      ${
        this.card
          ? html`<label
              >The card as a code to paste
              <textarea readonly rows="3" data-testid="card-code" .value=${this.card.code}></textarea>
            </label>`
          : nothing
      }
      <h3>Pool a class</h3>
      <div
        class="drop"
        @dragover=${this.onDragOver}
        @dragleave=${() => this.classList.remove('over')}
        @drop=${(e: DragEvent) => void this.onDrop(e)}
      >
        <p class="note">
          Drop the students' card files or a folder of them here, or choose them, or paste codes.
        </p>
        <div class="row">
          <label
            >Card files
            <input
              type="file"
              multiple
              accept=".json,.txt,application/json,text/plain"
              @change=${this.onFiles}
            />
          </label>
        </div>
        <label
          >Codes, one a line
          <textarea
            rows="3"
            .value=${this.pasted}
            @input=${(e: Event) => (this.pasted = (e.target as HTMLTextAreaElement).value)}
          ></textarea>
        </label>
        <div class="row">
          <button
            class="primary"
            ?disabled=${this.busy || this.pasted.trim() === ''}
            @click=${() => void this.poolPasted()}
          >
            Pool the pasted codes
          </button>
        </div>
      </div>
      ${this.notice ? html`<p class="note refusal" role="alert">${this.notice}</p>` : nothing}
      ${this.renderOutcome()}
    `;
  }

  private renderOutcome() {
    const o = this.outcome;
    if (!o) return nothing;
    const leftOut = [
      ...o.refused.map((r) => ({ ...r, what: 'refused' })),
      ...o.ignored.map((r) => ({ ...r, what: 'ignored' })),
    ];
    return html`
      ${
        leftOut.length > 0
          ? html`<ul class="left-out" aria-label="Cards left out">
              ${leftOut.map((r) => html`<li>${r.source}: ${r.what}, ${r.reason}</li>`)}
            </ul>`
          : nothing
      }
      ${o.groups ? html`<pl-groups-table .comparison=${o.groups}></pl-groups-table>` : nothing}
      ${o.pool ? this.renderPool(o.pool) : html`<p class="note" role="status">No card could be pooled.</p>`}
    `;
  }

  private renderPool(pool: ClassPool) {
    return html`
      <p class="note" role="status" data-testid="pool-status">
        Pooled ${pool.branches.length} fine-tunes of ${pool.students.length} students (seeds
        ${pool.recipe.seeds.finetune.join(', ')}), base ${pool.base.slice(0, 12)}…, on
        ${pool.backends.join(', ')}.
      </p>
      <pl-line-chart
        .series=${this.series}
        xLabel="fine-tune step"
        xKind="integer"
        yLabel="ΔMI (nats)"
        label="The class's ΔMI against fine-tune step: a line and band per condition, a point per student"
        zeroLine
      ></pl-line-chart>
      <div class="scroll-frame" tabindex="0" role="region" aria-label="The class's results">
        <table data-testid="pool-table">
          <caption>
            ΔMI off-code against the base, nats: mean and 95% interval over students.
          </caption>
          <thead>
            <tr>
              <th scope="col">condition</th>
              <th scope="col">students</th>
              <th scope="col">ΔMI off-code [95% CI]</th>
              <th scope="col">ΔMI on code</th>
              <th scope="col">attainment</th>
            </tr>
          </thead>
          <tbody>
            ${pool.conditions.map(
              (c) =>
                html`<tr>
                  <td>${conditionTitle(c.condition)}</td>
                  <td>${c.final.deltaMI.n}</td>
                  <td>
                    ${formatNats(c.final.deltaMI.mean)} [${formatNats(c.final.deltaMI.low)},
                    ${formatNats(c.final.deltaMI.high)}]
                  </td>
                  <td>${formatNats(c.final.deltaMICode.mean)}</td>
                  <td>${prob(c.final.attainment.mean)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="scroll-frame" tabindex="0" role="region" aria-label="Each student's point">
        <table data-testid="pool-students">
          <caption>
            Each student's final ΔMI off-code, nats.
          </caption>
          <thead>
            <tr>
              <th scope="col">student</th>
              <th scope="col">seed</th>
              ${pool.conditions.map((c) => html`<th scope="col">${conditionTitle(c.condition)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${pool.students.flatMap((s) =>
              s.seeds.map(
                (seed) =>
                  html`<tr>
                    <td>${s.source}</td>
                    <td>${seed}</td>
                    ${pool.conditions.map((c) => {
                      const f = s.finals.find((x) => x.condition === c.condition && x.seed === seed);
                      return html`<td>${f ? formatNats(f.deltaMI) : '–'}</td>`;
                    })}
                  </tr>`,
              ),
            )}
          </tbody>
        </table>
      </div>
    `;
  }

  private async exportCard() {
    if (this.runId === null) return;
    this.notice = '';
    try {
      this.card = await this.lab.resultCard(this.runId);
      downloadFile(this.card.fileName, this.card.fileText, 'application/json');
    } catch (error) {
      this.notice = `No card: ${messageOf(error)}`;
    }
  }

  private async copyCode() {
    if (!this.card) return;
    try {
      await navigator.clipboard.writeText(this.card.code);
      this.notice = 'The code is copied.';
    } catch {
      this.notice = 'The browser did not allow copying: select the code and copy it by hand.';
    }
  }

  private onDragOver(e: DragEvent) {
    e.preventDefault();
    this.classList.add('over');
  }

  private async onDrop(e: DragEvent) {
    e.preventDefault();
    this.classList.remove('over');
    const entries = [...(e.dataTransfer?.items ?? [])]
      .map((item) => item.webkitGetAsEntry())
      .filter((entry): entry is FileSystemEntry => entry !== null);
    const files: File[] = [];
    for (const entry of entries) files.push(...(await filesOf(entry)));
    await this.poolFiles(files);
  }

  private onFiles(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.poolFiles(files);
  }

  private async poolFiles(files: File[]) {
    const inputs: CardInput[] = [];
    const tooLarge: string[] = [];
    for (const file of files.slice(0, MAX_CARDS)) {
      if (file.size > MAX_FILE_BYTES) tooLarge.push(file.name);
      else inputs.push(...cardInputs(file.name, await file.text()));
    }
    await this.pool(inputs, tooLarge);
  }

  private async poolPasted() {
    await this.pool(cardInputs('pasted', this.pasted), []);
  }

  private async pool(inputs: CardInput[], tooLarge: string[]) {
    this.busy = true;
    this.notice = '';
    try {
      const outcome = await this.lab.poolCards(inputs.slice(0, MAX_CARDS));
      for (const name of tooLarge)
        outcome.refused.push({ source: name, reason: `larger than ${MAX_FILE_BYTES} bytes: not a card` });
      this.series = outcome.pool ? poolSeries(outcome.pool) : [];
      this.outcome = outcome;
    } catch (error) {
      this.notice = `The cards could not be pooled: ${messageOf(error)}`;
    } finally {
      this.busy = false;
    }
  }
}

/** One card (a file's JSON) or several (codes, one a line), each named by where it came from. */
function cardInputs(source: string, text: string): CardInput[] {
  if (text.trimStart().startsWith('{')) return [{ source, text }];
  return text
    .split('\n')
    .map((line, i) => ({ source: `${source} line ${i + 1}`, text: line.trim() }))
    .filter((c) => c.text !== '');
}

/** The files of a dropped entry: the file itself, or every file in a folder (and its folders). */
async function filesOf(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile)
    return [
      await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)),
    ];
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0 || children.length > MAX_CARDS) break;
    children.push(...batch);
  }
  const files: File[] = [];
  for (const child of children) files.push(...(await filesOf(child)));
  return files;
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-class-pool': ClassPoolSection;
  }
}
