// The leak check: no probe prompt, no probe candidate and no held-out phrase of a probe template may
// appear in any training text (pretraining, selection, fine-tune sets). All patterns are searched at
// once with an Aho-Corasick automaton (a dense transition table over the patterns' characters), so
// checking the 12.5M-character default corpus is one linear pass.
import type { ProbeSet } from './types.ts';

export type LeakKind = 'prompt' | 'candidate' | 'phrase';

export interface Leak {
  phrase: string;
  kind: LeakKind;
  /** The first probe that uses the phrase (null for held-out template phrases). */
  probeId: string | null;
  /** Which training text, and where in it, the phrase first appears. */
  textIndex: number;
  offset: number;
}

interface Pattern {
  phrase: string;
  kind: LeakKind;
  probeId: string | null;
}

function collectPatterns(probes: ProbeSet): Pattern[] {
  const seen = new Map<string, Pattern>();
  const add = (phrase: string, kind: LeakKind, probeId: string | null) => {
    if (phrase.length > 0 && !seen.has(phrase)) seen.set(phrase, { phrase, kind, probeId });
  };
  for (const probe of probes.probes) {
    add(probe.prompt, 'prompt', probe.id);
    for (const candidate of probe.candidates) add(candidate.text, 'candidate', probe.id);
  }
  for (const phrase of probes.heldOutPhrases) add(phrase, 'phrase', null);
  return [...seen.values()];
}

class Automaton {
  readonly columns: number;
  readonly column = new Int32Array(128); // char code -> column (0: a character in no pattern)
  readonly delta: Int32Array;
  /** Pattern ending exactly at each state, or -1. */
  readonly own: Int32Array;
  /** Nearest proper suffix state that ends a pattern, or -1. */
  readonly dictLink: Int32Array;

  constructor(patterns: readonly string[]) {
    let columns = 1;
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const code = p.charCodeAt(i);
        if (code >= 128)
          throw new Error(`leak check: pattern has a non-ASCII character: ${JSON.stringify(p)}`);
        if (this.column[code] === 0) this.column[code] = columns++;
      }
    }
    this.columns = columns;
    let states = 1;
    for (const p of patterns) states += p.length;
    const goto = new Int32Array(states * columns).fill(-1);
    const own = new Int32Array(states).fill(-1);
    let used = 1;
    patterns.forEach((p, index) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const cell = s * columns + (this.column[p.charCodeAt(i)] as number);
        if (goto[cell] === -1) goto[cell] = used++;
        s = goto[cell] as number;
      }
      own[s] = index;
    });
    // Breadth-first: complete the transitions into a DFA and set the dictionary links.
    const fail = new Int32Array(used);
    const dictLink = new Int32Array(used).fill(-1);
    const queue = new Int32Array(used);
    let head = 0;
    let tail = 0;
    for (let c = 0; c < columns; c++) {
      const next = goto[c] as number;
      if (next === -1) goto[c] = 0;
      else queue[tail++] = next;
    }
    while (head < tail) {
      const s = queue[head++] as number;
      const f = fail[s] as number;
      dictLink[s] = (own[f] as number) >= 0 ? f : (dictLink[f] as number);
      for (let c = 0; c < columns; c++) {
        const cell = s * columns + c;
        const next = goto[cell] as number;
        const viaFail = goto[f * columns + c] as number;
        if (next === -1) goto[cell] = viaFail;
        else {
          fail[next] = viaFail;
          queue[tail++] = next;
        }
      }
    }
    this.delta = goto.subarray(0, used * columns);
    this.own = own.subarray(0, used);
    this.dictLink = dictLink;
  }
}

/** Finds every probe prompt, candidate and held-out phrase that occurs in a training text (first
 * occurrence of each). An empty result means the probes are held out. */
export function findLeaks(trainingTexts: readonly string[], probes: ProbeSet): Leak[] {
  const patterns = collectPatterns(probes);
  if (patterns.length === 0) return [];
  const automaton = new Automaton(patterns.map((p) => p.phrase));
  const { delta, own, dictLink, column, columns } = automaton;
  const found = new Map<number, Leak>();
  const report = (index: number, textIndex: number, end: number) => {
    if (found.has(index)) return;
    const pattern = patterns[index] as Pattern;
    found.set(index, { ...pattern, textIndex, offset: end - pattern.phrase.length + 1 });
  };
  trainingTexts.forEach((text, textIndex) => {
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      s = delta[s * columns + (code < 128 ? (column[code] as number) : 0)] as number;
      let out = (own[s] as number) >= 0 ? s : (dictLink[s] as number);
      while (out >= 0) {
        report(own[out] as number, textIndex, i);
        out = dictLink[out] as number;
      }
    }
  });
  return [...found.values()].sort((a, b) => a.textIndex - b.textIndex || a.offset - b.offset);
}
