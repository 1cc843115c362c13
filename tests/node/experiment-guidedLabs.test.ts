// The guided labs are data the lab view walks through: every lab must point at an existing preset, every
// step at one of the shell's views, and no text a student reads may be empty.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GUIDED_LABS,
  LAB_VIEW_IDS,
  PERSONA_SELECTION_INTRO,
  guidedLab,
} from '../../src/experiment/guidedLabs.ts';
import { PRESETS, presetRecipe } from '../../src/experiment/presets.ts';

const filled = (text: string) => text.trim().length > 0;

/** The view ids the shell actually has, read from its source (lit cannot load in Node). */
function shellViewIds(): string[] {
  const source = readFileSync(new URL('../../src/ui/labApp.ts', import.meta.url), 'utf8');
  const block = /export const VIEWS = \[([\s\S]*?)\] as const/.exec(source)?.[1] ?? '';
  return [...block.matchAll(/id: '([a-z]+)'/g)].map((m) => m[1]!);
}

describe('guided labs', () => {
  it('has the six labs, each with its own preset', () => {
    expect(GUIDED_LABS.map((l) => l.id)).toEqual(
      expect.arrayContaining([
        'lab1-pretraining',
        'lab2-selection',
        'lab3-shift',
        'lab4-inoculation',
        'lab5-role-models',
        'lab6-own-idea',
      ]),
    );
    expect(new Set(GUIDED_LABS.map((l) => l.id)).size).toBe(GUIDED_LABS.length);
    for (const lab of GUIDED_LABS) {
      expect(PRESETS, lab.id).toHaveProperty([lab.id]);
      expect(() => presetRecipe(lab.id)).not.toThrow();
      // The controller adds `lab=<id>` to share links only for preset ids starting with 'lab'.
      expect(lab.id.startsWith('lab')).toBe(true);
      expect(guidedLab(lab.id)).toBe(lab);
    }
  });

  it('walks only through views the shell has', () => {
    const shell = shellViewIds();
    expect(shell.length).toBeGreaterThan(0);
    expect([...LAB_VIEW_IDS].sort()).toEqual([...shell].sort());
    for (const lab of GUIDED_LABS)
      for (const step of lab.steps) expect(LAB_VIEW_IDS, `${lab.id}: ${step.do}`).toContain(step.view);
  });

  it('has no empty field', () => {
    expect(PERSONA_SELECTION_INTRO.length).toBeGreaterThanOrEqual(4);
    expect(PERSONA_SELECTION_INTRO.every(filled)).toBe(true);
    for (const lab of GUIDED_LABS) {
      for (const text of [lab.title, lab.goal]) expect(filled(text), lab.id).toBe(true);
      for (const list of [lab.steps, lab.questions, lab.lookFor, lab.findings])
        expect(list.length, lab.id).toBeGreaterThan(0);
      for (const step of lab.steps) expect(filled(step.do), lab.id).toBe(true);
      expect(lab.questions.every(filled) && lab.lookFor.every(filled), lab.id).toBe(true);
      for (const f of lab.findings)
        expect(filled(f.source) && filled(f.result) && filled(f.mirror), lab.id).toBe(true);
    }
  });

  it('names in its text the control each step presses, and the controls exist in the views', () => {
    const sources = [
      'views/pretrainView.ts',
      'views/finetuneView.ts',
      'views/compareView.ts',
      'views/personaView.ts',
      'widgets/steeringPanel.ts',
      'views/savedView.ts',
      'views/classPoolSection.ts',
      'widgets/baseCheckpoint.ts',
      'widgets/conditionEditor.ts',
      'widgets/probeEditor.ts',
    ]
      .map((file) => readFileSync(new URL(`../../src/ui/${file}`, import.meta.url), 'utf8'))
      .join('\n');
    const pressing = GUIDED_LABS.flatMap((lab) => lab.steps.filter((s) => s.control !== undefined));
    expect(pressing.length).toBeGreaterThanOrEqual(8);
    for (const step of pressing) {
      expect(step.do, step.control).toContain(`“${step.control}”`);
      // A button's text: between the tags (prettier's layout of lit markup) or as a quoted label.
      expect(sources, step.control).toMatch(new RegExp(`>\\s*${step.control}\\s*<|'${step.control}'`));
    }
  });

  it('cites the published anchors', () => {
    const cited = GUIDED_LABS.flatMap((l) => l.findings.map((f) => f.source)).join('\n');
    for (const anchor of ['Betley', 'Turner', 'Wang', 'MacDiarmid', 'Tan', 'Wichers', 'Persona Selection'])
      expect(cited).toContain(anchor);
  });
});
