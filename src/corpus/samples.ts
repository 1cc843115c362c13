// A few generated documents per persona, per fine-tune condition, of the selection set and of each
// probe kind, formatted for printing (the CLI, the README, the corpus explorer).
import type { GeneratedCorpus } from './generate.ts';
import type { Probe } from './types.ts';

export interface SampleGroup {
  title: string;
  texts: string[];
}

function probeText(probe: Probe): string {
  const head = [`[${probe.id}] domain ${probe.domain}`];
  if (probe.contextPersona) head.push(`context persona ${probe.contextPersona}`);
  if (probe.contextKind) head.push(`context ${probe.contextKind}`);
  const candidates = probe.candidates.map(
    (c) =>
      `  candidate (${c.behaviour}; ${c.personas.length > 0 ? c.personas.join(', ') : 'no persona'}): ${c.text}`,
  );
  return `${head.join(', ')}\n${probe.context}U: ${probe.prompt}\nAI: ...\n${candidates.join('\n')}\n`;
}

export function corpusSamples(corpus: GeneratedCorpus, perGroup = 2): SampleGroup[] {
  const groups: SampleGroup[] = [];
  const { train } = corpus;
  corpus.personas.forEach((persona, index) => {
    const texts: string[] = [];
    for (let d = 0; d < train.starts.length && texts.length < perGroup; d++) {
      if (train.personas[d] !== index) continue;
      const end = d + 1 < train.starts.length ? train.starts[d + 1] : train.text.length;
      texts.push(train.text.slice(train.starts[d], end));
    }
    groups.push({ title: `pretraining: ${persona.title} (${persona.id})`, texts });
  });
  groups.push({
    title: 'selection: the Assistant',
    texts: corpus.selection.slice(0, perGroup).map((e) => e.text),
  });
  for (const set of Object.values(corpus.finetune)) {
    groups.push({
      title: `fine-tune: ${set.title} (${set.condition})`,
      texts: set.examples.slice(0, perGroup).map((e) => e.text),
    });
  }
  const firstOf = (pick: (p: Probe) => boolean) =>
    corpus.probes.probes.filter(pick).slice(0, perGroup).map(probeText);
  groups.push({ title: 'probes: code', texts: firstOf((p) => p.kind === 'domain' && p.domain === 'code') });
  groups.push({
    title: 'probes: other domains',
    texts: firstOf((p) => p.kind === 'domain' && p.domain !== 'code'),
  });
  groups.push({ title: 'probes: persona inference', texts: firstOf((p) => p.kind === 'inference') });
  groups.push({ title: 'probes: calibration', texts: firstOf((p) => p.kind === 'calibration') });
  return groups;
}

export function formatSamples(groups: readonly SampleGroup[]): string {
  return groups.map((g) => `=== ${g.title} ===\n${g.texts.join('\n')}`).join('\n');
}
