// Templates such as `test {call} fails.` compiled once into literal parts and slot names, then filled
// per episode from given values, the domain's filler lists, or the built-in number slots.
import type { Rng } from '../util/rng.ts';

export interface Template {
  /** Literal pieces: parts.length === slots.length + 1. */
  parts: string[];
  slots: string[];
  source: string;
}

export type SlotValues = Readonly<Record<string, string>>;
export type Fillers = Readonly<Record<string, readonly string[]>>;

const NO_FILLERS: Fillers = {};

export function compileTemplate(source: string): Template {
  const parts: string[] = [];
  const slots: string[] = [];
  let last = 0;
  for (const match of source.matchAll(/\{([^{}]*)\}/g)) {
    parts.push(source.slice(last, match.index));
    slots.push(match[1] ?? '');
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(source.slice(last));
  return { parts, slots, source };
}

export function compileTemplates(sources: readonly string[]): Template[] {
  return sources.map(compileTemplate);
}

function numberSlot(slot: string, rng: Rng): string | null {
  if (slot === 'n' || slot === 'm') return String(2 + rng.int(8));
  if (slot === 'nn') return String(10 + rng.int(90));
  return null;
}

/** Fills a template; slot lookup order: values, fillers, built-in numbers ({n}, {m}: 2-9; {nn}: 10-99). */
export function fillTemplate(
  template: Template,
  rng: Rng,
  values: SlotValues | null = null,
  fillers: Fillers = NO_FILLERS,
): string {
  const { parts, slots } = template;
  if (slots.length === 0) return parts[0] as string;
  let out = parts[0] as string;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as string;
    const given = values?.[slot];
    let text: string | null | undefined = given;
    if (text === undefined) {
      const list = fillers[slot];
      text = list ? rng.pick(list) : numberSlot(slot, rng);
    }
    if (text === null) throw new Error(`template ${JSON.stringify(template.source)}: no value for {${slot}}`);
    out += text + (parts[i + 1] as string);
  }
  return out;
}

/** The literal pieces of a template at least `minLength` long (its distinctive phrases). */
export function literalPhrases(template: Template, minLength: number): string[] {
  return template.parts.filter((part) => part.length >= minLength);
}
