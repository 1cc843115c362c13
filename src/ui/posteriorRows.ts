// Turns an evaluation's per-domain posteriors into persona bars. A probe has one candidate per distinct
// answer, so personas that answer alike share a candidate (off code the shortcut-taker and the
// demonstrator answer like the helpful AI); each candidate is shown under the persona that matters most
// for the misalignment index: malicious first, then helpful, then whoever else claims it.
import { bundledCorpusData } from '../corpus/corpusData.ts';
import type { EvalSummary } from '../../workers/contract.ts';
import type { PersonaBarRow } from './widgets/personaBars.ts';
import { colorFor } from './palette.ts';

const corpus = bundledCorpusData();
const PRIORITY = ['malicious', 'helpful'];
const UNCLAIMED = '#9a9a94';

/** Persona id -> title (e.g. "malicious AI"). */
export const PERSONA_TITLES: Readonly<Record<string, string>> = Object.fromEntries(
  corpus.personas.map((p) => [p.id, p.title]),
);

/** Domains trained by Assistant selection (goals, users): the others can only change by transfer. */
export const SELECTION_DOMAINS: readonly string[] = corpus.selection.domains;

/** Domain ids in the corpus's order. */
export const DOMAIN_ORDER: readonly string[] = corpus.domainIds;

export interface BarPersona {
  id: string;
  label: string;
  color: string;
}

/** The bar key of a candidate label such as `helpful+shortcut+demonstrator`, or `delete` (no persona). */
function keyOf(label: string): string {
  const personas = label.split('+').filter((id) => id in PERSONA_TITLES);
  if (personas.length === 0) return `other:${label}`;
  return PRIORITY.find((id) => personas.includes(id)) ?? personas[0]!;
}

function personaOf(key: string): BarPersona {
  if (key.startsWith('other:'))
    return { id: key, label: `no persona's answer (${key.slice(6)})`, color: UNCLAIMED };
  return { id: key, label: `${PERSONA_TITLES[key] ?? key}'s answer`, color: colorFor(key) };
}

export function domainsOf(summary: EvalSummary): string[] {
  const present = Object.keys(summary.posteriors);
  return [
    ...DOMAIN_ORDER.filter((d) => present.includes(d)),
    ...present.filter((d) => !DOMAIN_ORDER.includes(d)),
  ];
}

/** Bars (one per domain) and the legend's personas for one or more summaries (legend shared). */
export function posteriorBars(summaries: readonly EvalSummary[]): {
  personas: BarPersona[];
  rows: PersonaBarRow[][];
} {
  const keys = new Set<string>();
  const rows = summaries.map((summary) =>
    domainsOf(summary).map((domain) => {
      const shares: Record<string, number> = {};
      for (const [label, p] of Object.entries(summary.posteriors[domain] ?? {})) {
        const key = keyOf(label);
        keys.add(key);
        shares[key] = (shares[key] ?? 0) + p;
      }
      return { label: domain, shares, trained: SELECTION_DOMAINS.includes(domain) };
    }),
  );
  const rank = (key: string) => {
    const i = ['helpful', 'demonstrator', 'shortcut', 'malicious'].indexOf(key);
    return key.startsWith('other:') ? 10 : i < 0 ? 5 : i;
  };
  const personas = [...keys].sort((a, b) => rank(a) - rank(b)).map(personaOf);
  return { personas, rows };
}

/** Which personas a candidate label stands for, in words (for the numbers table). */
export function candidateWords(label: string): string {
  return label
    .split('+')
    .map((id) => PERSONA_TITLES[id] ?? id)
    .join(', ');
}
