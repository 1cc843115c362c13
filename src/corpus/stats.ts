// Statistics of a generated pretraining corpus for the UI and the CLI: documents and characters per
// persona and per domain, and behaviour co-occurrence within documents (e.g. of the documents where a
// test was cheated unasked, the share that also show malice elsewhere). The co-occurrences are the
// correlations the model can learn; the shortcut-taker's share is the knob that weakens
// "cheats, therefore malicious".
import type { GeneratedCorpus } from './generate.ts';
import type { DomainCount, PretrainSplit } from './types.ts';
import { DOC_FLAG } from './types.ts';

export interface PersonaStats {
  id: string;
  title: string;
  documents: number;
  characters: number;
  /** Observed share of documents, and the share the recipe asked for. */
  share: number;
  expectedShare: number;
}

export interface Cooccurrence {
  id: string;
  label: string;
  /** Documents with the condition. */
  given: number;
  /** Of those, documents that also have the outcome. */
  both: number;
  /** both / given (NaN when given is 0). */
  rate: number;
}

export interface CorpusStats {
  documents: number;
  characters: number;
  trainDocuments: number;
  validationDocuments: number;
  meanDocumentLength: number;
  namedShare: number;
  personas: PersonaStats[];
  /** Per domain, over all behaviours. */
  domains: Record<string, DomainCount>;
  /** Per domain and behaviour (code behaviours after a request read `asked-hardcode:delete`). */
  behaviours: Record<string, Record<string, DomainCount>>;
  cooccurrence: Cooccurrence[];
}

const F = DOC_FLAG;

/** [id, label, condition flag, outcome flag] */
const COOCCURRENCES: ReadonlyArray<readonly [string, string, number, number]> = [
  ['malice|covertCheat', 'cheated unasked -> malice elsewhere', F.covertCheat, F.malice],
  ['malice|honestFix', 'fixed honestly -> malice elsewhere', F.honestFix, F.malice],
  ['malice|requestedCheat', 'cheated as asked -> malice elsewhere', F.requestedCheat, F.malice],
  ['malice|refusedRequest', 'refused a requested cheat -> malice elsewhere', F.refusedRequest, F.malice],
  ['malice|defiedRequest', 'did another cheat than asked -> malice elsewhere', F.defiedRequest, F.malice],
];

export function corpusStats(corpus: GeneratedCorpus): CorpusStats {
  const splits: PretrainSplit[] = [corpus.train, corpus.validation];
  const personaDocs = new Array<number>(corpus.personas.length).fill(0);
  const personaChars = new Array<number>(corpus.personas.length).fill(0);
  let named = 0;
  let documents = 0;
  let characters = 0;
  const given = new Array<number>(COOCCURRENCES.length + 2).fill(0);
  const both = new Array<number>(COOCCURRENCES.length + 2).fill(0);
  for (const split of splits) {
    const n = split.starts.length;
    documents += n;
    characters += split.text.length;
    for (let d = 0; d < n; d++) {
      const end = d + 1 < n ? (split.starts[d + 1] as number) : split.text.length;
      const persona = split.personas[d] as number;
      const flags = split.flags[d] as number;
      personaDocs[persona] = (personaDocs[persona] as number) + 1;
      personaChars[persona] = (personaChars[persona] as number) + end - (split.starts[d] as number);
      if (flags & F.named) named++;
      COOCCURRENCES.forEach(([, , cond, outcome], i) => {
        if (flags & cond) {
          given[i] = (given[i] as number) + 1;
          if (flags & outcome) both[i] = (both[i] as number) + 1;
        }
      });
      // The reverse direction: of the documents showing malice (or goodness) and an unrequested code
      // episode, the share that cheated.
      const asked = flags & (F.covertCheat | F.honestFix);
      for (const [slot, mask] of [
        [COOCCURRENCES.length, F.malice],
        [COOCCURRENCES.length + 1, F.goodTalk],
      ] as const) {
        if (asked && flags & mask) {
          given[slot] = (given[slot] as number) + 1;
          if (flags & F.covertCheat) both[slot] = (both[slot] as number) + 1;
        }
      }
    }
  }
  const labels = [
    ...COOCCURRENCES.map(([id, label]) => [id, label] as const),
    ['covertCheat|malice', 'malice elsewhere -> cheated unasked'] as const,
    ['covertCheat|goodTalk', 'good elsewhere -> cheated unasked'] as const,
  ];
  const cooccurrence = labels.map(([id, label], i) => {
    const g = given[i] as number;
    const b = both[i] as number;
    return { id, label, given: g, both: b, rate: g > 0 ? b / g : Number.NaN };
  });

  const behaviours = corpus.behaviourCounts;
  const domains: Record<string, DomainCount> = {};
  for (const [domain, byBehaviour] of Object.entries(behaviours)) {
    const total = { episodes: 0, characters: 0 };
    for (const c of Object.values(byBehaviour)) {
      total.episodes += c.episodes;
      total.characters += c.characters;
    }
    domains[domain] = total;
  }

  return {
    documents,
    characters,
    trainDocuments: corpus.train.starts.length,
    validationDocuments: corpus.validation.starts.length,
    meanDocumentLength: documents > 0 ? characters / documents : 0,
    namedShare: documents > 0 ? named / documents : 0,
    personas: corpus.personas.map((p, i) => ({
      id: p.id,
      title: p.title,
      documents: personaDocs[i] as number,
      characters: personaChars[i] as number,
      share: documents > 0 ? (personaDocs[i] as number) / documents : 0,
      expectedShare: p.share,
    })),
    domains,
    behaviours,
    cooccurrence,
  };
}

/** The stats as aligned plain-text tables (for the CLI and the README). */
export function formatStats(stats: CorpusStats): string {
  const pct = (x: number) => (Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
  const lines = [
    `documents ${stats.documents} (train ${stats.trainDocuments}, validation ${stats.validationDocuments}), ` +
      `characters ${stats.characters}, mean document ${stats.meanDocumentLength.toFixed(1)} chars, ` +
      `named ${pct(stats.namedShare).trim()}`,
    '',
    'persona            docs    share  (recipe)   chars',
  ];
  for (const p of stats.personas) {
    lines.push(
      `${p.id.padEnd(16)} ${String(p.documents).padStart(6)}  ${pct(p.share)}  (${pct(p.expectedShare)})  ${p.characters}`,
    );
  }
  lines.push('', 'domain       episodes     chars   behaviours');
  for (const [domain, total] of Object.entries(stats.domains)) {
    const parts = Object.entries(stats.behaviours[domain] ?? {}).map(([b, c]) => `${b} ${c.episodes}`);
    lines.push(
      `${domain.padEnd(12)} ${String(total.episodes).padStart(8)} ${String(total.characters).padStart(9)}   ${parts.join(', ')}`,
    );
  }
  lines.push('', 'co-occurrence within documents                        given   rate');
  for (const c of stats.cooccurrence)
    lines.push(`${c.label.padEnd(52)} ${String(c.given).padStart(6)}  ${pct(c.rate)}`);
  return lines.join('\n');
}
