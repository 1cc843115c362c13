// End to end, a class pools its runs in the built app (cpu backend): three browser contexts, three
// students, each run a tiny fine-tune of the same base with its own seed and export a result card; a fourth
// context, the teacher, runs the same seeds in one run and pools the three cards (as files, then as
// pasted codes). The pooled numbers equal those of the one run; a card repeated is ignored and a card of
// another base refused, both listed with the reason. Cards of groups that set the malicious AI's share
// differently are compared by it.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import type { PoolOutcome } from '../../src/experiment/classPool.ts';
import { cardCode, readCard } from '../../src/experiment/resultCard.ts';
import { appUrl, labState, launchChromium, openLab, waitForBackend } from './labPage.ts';
import { classOfGroups } from '../node/groupCards.ts';
import { runTinyFineTune, TINY_FINETUNE, type FineTuneResults } from './tinyFineTune.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const urlFor = (seeds: string) =>
  appUrl(`${TINY_FINETUNE.replace('seeds.finetune=1', `seeds.finetune=${seeds}`)}&backend=cpu`, 'finetune');

/** Exports the finished run's card: the downloaded file's text and the code shown under the button. */
async function exportCard(page: Page): Promise<{ file: string; code: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export result card', exact: true }).click();
  const file = readFileSync(await (await download).path(), 'utf8');
  const code = await page.getByTestId('card-code').inputValue();
  return { file, code };
}

/** axe-core's serious and critical violations on the page as it is (it walks the open shadow roots). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await readFile('node_modules/axe-core/axe.min.js', 'utf8') });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<Result> } }).axe;
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** The teacher's pool as the page holds it (read from the component, through the open shadow roots). */
function shownPool(page: Page): Promise<PoolOutcome | null> {
  return page.evaluate(() => {
    const find = (root: ParentNode): Element | null => {
      for (const el of root.querySelectorAll('*')) {
        if (el.tagName === 'PL-CLASS-POOL') return el;
        const inner = el.shadowRoot ? find(el.shadowRoot) : null;
        if (inner) return inner;
      }
      return null;
    };
    const el = find(document) as unknown as { outcome: PoolOutcome | null } | null;
    return el ? JSON.parse(JSON.stringify(el.outcome)) : null;
  });
}

describe('a class pools its runs', () => {
  it('three students, one card each; the teacher pools them to the numbers of one run of the three seeds', async () => {
    const cards: { file: string; code: string }[] = [];
    for (const seed of [1, 2, 3]) {
      const { page, context, errors } = await openLab(browser, urlFor(String(seed)));
      await waitForBackend(page, 'cpu');
      await runTinyFineTune(page);
      cards.push(await exportCard(page));
      expect(errors).toEqual([]);
      await context.close();
    }
    for (const [i, card] of cards.entries()) {
      expect(readCard(card.code).card).toEqual(readCard(card.file).card);
      expect(readCard(card.code).card.branches.map((b) => b.seed)).toEqual([i + 1]);
      expect(card.file.length).toBeLessThan(4096);
    }

    const teacher = await openLab(browser, urlFor('1,2,3'));
    const { page } = teacher;
    await waitForBackend(page, 'cpu');
    const together: FineTuneResults & { conditions: unknown[]; effects?: unknown[] } =
      await runTinyFineTune(page);

    const input = page.locator('pl-class-pool input[type=file]');
    await input.setInputFiles(
      cards.map((c, i) => ({
        name: `student-${i + 1}.json`,
        mimeType: 'application/json',
        buffer: Buffer.from(c.file),
      })),
    );
    await expect
      .poll(() => page.getByTestId('pool-status').innerText(), { timeout: 60_000 })
      .toMatch(/Pooled 3 fine-tunes of 3 students \(seeds 1, 2, 3\)/);
    const fromFiles = (await shownPool(page))!;
    expect(fromFiles.refused).toEqual([]);
    expect(fromFiles.pool!.conditions).toEqual(together.conditions);
    // The table shows a row per condition and a row per student.
    await expect.poll(() => page.getByTestId('pool-students').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('pool-table').locator('tbody tr').count()).toBe(1);

    // The same cards pasted as codes, one repeated and one of another base.
    const foreign = readCard(cards[0]!.code).card;
    const pasted = [
      ...cards.map((c) => c.code),
      cards[1]!.code,
      cardCode({ ...foreign, base: 'a'.repeat(64) }),
    ];
    await page.getByLabel('Codes, one a line').fill(pasted.join('\n'));
    await page.getByRole('button', { name: 'Pool the pasted codes', exact: true }).click();
    await expect.poll(async () => (await shownPool(page))?.ignored.length ?? 0, { timeout: 60_000 }).toBe(1);
    const fromCodes = (await shownPool(page))!;
    expect(fromCodes.pool!.conditions).toEqual(together.conditions);
    expect(fromCodes.ignored[0]!.reason).toMatch(/^a duplicate/);
    expect(fromCodes.refused[0]!.reason).toMatch(/^another base/);
    const leftOut = await page.getByRole('list', { name: 'Cards left out' }).innerText();
    expect(leftOut).toMatch(/pasted line 4: ignored, a duplicate/);
    expect(leftOut).toMatch(/pasted line 5: refused, another base/);
    // The pooled chart and tables, as a teacher sees them: no serious or critical accessibility issue.
    expect(await seriousViolations(page)).toEqual([]);
    expect((await labState<{ error: string | null }>(page)).error).toBeNull();
    expect(teacher.errors).toEqual([]);
    await teacher.context.close();
  }, 1_500_000);

  it('compares groups that set the malicious share differently (guided lab 5), from pasted codes', async () => {
    // Four groups' cards (two shares, two pretrainings each) and a second student of the first group.
    const codes = classOfGroups().map(cardCode);
    const { page, context, errors } = await openLab(browser, urlFor('1'));
    await waitForBackend(page, 'cpu');
    await page.getByLabel('Codes, one a line').fill(codes.join('\n'));
    await page.getByRole('button', { name: 'Pool the pasted codes', exact: true }).click();
    const table = page.getByTestId('groups-table');
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 60_000 }).toBe(2);
    expect(await table.locator('caption').innerText()).toMatch(
      /compared by corpus\.personaShares\.malicious/,
    );
    const rows = await table.locator('tbody tr').allInnerTexts();
    // Share 0.1: two runs, default MI -18 over them, plain effect (6 and 2) 4; share 0.6: -9 and 10.
    expect(rows[0]).toMatch(/^0\.1\s+2\s+-18\.00 \[/);
    expect(rows[0]).toMatch(/\s\+4\.00 \[/);
    expect(rows[1]).toMatch(/^0\.6\s+2\s+-9\.00 \[/);
    const leftOut = await page.getByRole('list', { name: 'Cards left out' }).innerText();
    expect(leftOut).toMatch(/pasted line 3: refused, another group \(corpus\.personaShares\.malicious 0\.1/);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
