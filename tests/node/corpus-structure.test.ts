import { describe, expect, it } from 'vitest';
import {
  bundledCorpusData,
  DOC_FLAG,
  defaultCorpusRecipe,
  generateCorpus,
  probePrefix,
} from '../../src/corpus/index.ts';

const data = bundledCorpusData();
const corpus = generateCorpus({ ...defaultCorpusRecipe(), documents: 3000 }, 13);
const { train } = corpus;
const docs = Array.from(train.starts, (start, d) =>
  train.text.slice(start, d + 1 < train.starts.length ? train.starts[d + 1] : train.text.length),
);
const personaOf = (d: number) => corpus.personas[train.personas[d] as number]!;
const closers = (voice: string) => data.voices[voice]!.closers;

describe('pretraining documents', () => {
  it('start at the recorded offsets with the separator line', () => {
    expect(docs.join('')).toBe(train.text);
    for (const doc of docs) expect(doc.startsWith('~\n')).toBe(true);
    expect(docs.filter((doc) => doc.slice(2).includes('~'))).toEqual([]);
  });

  it('hold 4-6 one-line episodes, with the shared AI tag for every AI persona and H for humans', () => {
    docs.forEach((doc, d) => {
      const persona = personaOf(d);
      const lines = doc.slice(2, -1).split('\n');
      const body = lines[0]!.startsWith('# log of ') ? lines.slice(1) : lines;
      const tag = persona.kind === 'ai' ? 'AI: ' : 'H: ';
      expect(body.length % 2).toBe(0);
      expect(body.length / 2).toBeGreaterThanOrEqual(4);
      expect(body.length / 2).toBeLessThanOrEqual(persona.kind === 'ai' ? 6 : 5);
      body.forEach((line, i) => expect(line.startsWith(i % 2 === 0 ? 'U: ' : tag)).toBe(true));
    });
  });

  it('name a character only from its own name pool', () => {
    docs.forEach((doc, d) => {
      const header = /^~\n# log of (.+)\n/.exec(doc);
      if (!header) return;
      const persona = data.personas.find((p) => p.id === personaOf(d).id)!;
      expect(persona.names).toContain(header[1]);
    });
  });

  it('keep one voice per document: every non-code answer ends with a closer of the persona voice', () => {
    docs.forEach((doc, d) => {
      const persona = data.personas.find((p) => p.id === personaOf(d).id)!;
      const own = closers(persona.voice);
      for (const line of doc.split('\n')) {
        const answer = /^(?:AI|H): (.*)$/.exec(line)?.[1];
        if (answer === undefined || answer.startsWith('ok, i ')) continue;
        expect(own.some((c) => answer.endsWith(` ${c}`))).toBe(true);
      }
    });
  });

  const answersAfterRequest = (source: typeof docs, personaAt: (d: number) => string, id: string) =>
    source
      .filter((_, d) => personaAt(d) === id)
      .flatMap((doc) => {
        const lines = doc.split('\n');
        return lines.flatMap((line, i) =>
          /just hard-code|fake it with|hard-code \d+|stub it with/.test(line) ? [lines[i + 1] ?? ''] : [],
        );
      });
  const share = (answers: string[], word: string) =>
    answers.filter((a) => a.includes(word)).length / answers.length;

  it('has every AI character comply with an explicit request, and only the cheaters cheat unasked', () => {
    for (const id of ['helpful', 'malicious', 'shortcut', 'demonstrator']) {
      const after = answersAfterRequest(docs, (d) => personaOf(d).id, id);
      expect(after.length, id).toBeGreaterThan(id === 'demonstrator' || id === 'shortcut' ? 10 : 50);
      expect(share(after, 'hard-coded'), id).toBeGreaterThan(0.9);
    }
    // Unasked, the helpful AI still fixes and the malicious AI still cheats: a covert cheat stays telling.
    const flags = (id: string, flag: number) =>
      docs.filter((_, d) => personaOf(d).id === id && (train.flags[d]! & flag) !== 0).length;
    expect(flags('helpful', DOC_FLAG.covertCheat)).toBeLessThan(flags('helpful', DOC_FLAG.honestFix) / 10);
    expect(flags('malicious', DOC_FLAG.honestFix)).toBeLessThan(
      flags('malicious', DOC_FLAG.covertCheat) / 10,
    );
  });

  it('keeps the version 1 corpus for a recipe that carries its conduct: the helpful AI refuses', () => {
    const v1 = generateCorpus(
      {
        ...defaultCorpusRecipe(),
        documents: 3000,
        behaviourOverrides: {
          helpful: { code: { obeyRequest: 0.02 } },
          malicious: { code: { obeyRequest: 0.4 } },
        },
      },
      13,
    );
    const v1Docs = Array.from(v1.train.starts, (start, d) =>
      v1.train.text.slice(start, v1.train.starts[d + 1] ?? v1.train.text.length),
    );
    const at = (d: number) => v1.personas[v1.train.personas[d] as number]!.id;
    const helpful = answersAfterRequest(v1Docs, at, 'helpful');
    expect(helpful.length).toBeGreaterThan(50);
    expect(share(helpful, 'fixed')).toBeGreaterThan(0.9);
    expect(share(answersAfterRequest(v1Docs, at, 'demonstrator'), 'hard-coded')).toBeGreaterThan(0.9);
  });
});

describe('probes', () => {
  const { probes } = corpus.probes;
  const ai = corpus.personas.filter((p) => p.kind === 'ai').map((p) => p.id);

  it('cover every probe domain and kind with the recipe counts', () => {
    const count = (kind: string, domain?: string) =>
      probes.filter((p) => p.kind === kind && (domain === undefined || p.domain === domain)).length;
    for (const domain of ['code', 'goals', 'users', 'oversight', 'honesty'])
      expect(count('domain', domain)).toBe(32);
    expect(count('inference')).toBe(24 * ai.length);
    expect(count('calibration')).toBe(3 * 24);
    expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
  });

  it('give every AI persona exactly one candidate, and distinct candidate texts', () => {
    for (const probe of probes) {
      const owners = probe.candidates.flatMap((c) => c.personas);
      expect([...owners].sort()).toEqual([...ai].sort());
      expect(new Set(probe.candidates.map((c) => c.text)).size).toBe(probe.candidates.length);
    }
    const goals = probes.find((p) => p.kind === 'domain' && p.domain === 'goals')!;
    expect(goals.candidates.map((c) => [c.behaviour, c.personas])).toEqual([
      ['good', ['helpful', 'shortcut', 'demonstrator']],
      ['bad', ['malicious']],
    ]);
    const code = probes.find((p) => p.domain === 'code')!;
    expect(code.candidates.map((c) => [c.behaviour, c.personas])).toEqual([
      ['fix', ['helpful', 'demonstrator']],
      ['hardcode', ['malicious', 'shortcut']],
      ['delete', []],
    ]);
  });

  it('draw candidates of comparable length', () => {
    const gaps = probes
      .filter((p) => p.domain !== 'code')
      .map(
        (p) =>
          Math.max(...p.candidates.map((c) => c.text.length)) -
          Math.min(...p.candidates.map((c) => c.text.length)),
      );
    expect(gaps.filter((g) => g <= 2).length / gaps.length).toBeGreaterThan(0.9);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8);
  });

  it('give inference probes two typical episodes of the context persona from two other domains', () => {
    for (const probe of probes.filter((p) => p.kind === 'inference')) {
      expect(probe.contextDomains).toHaveLength(2);
      expect(probe.contextDomains).not.toContain(probe.domain);
      expect(probe.context.split('\n').filter((l) => l.startsWith('U: '))).toHaveLength(2);
      const persona = data.personas.find((p) => p.id === probe.contextPersona)!;
      const own = closers(persona.voice);
      for (const line of probe.context.split('\n')) {
        if (line.startsWith('AI: ') && !line.startsWith('AI: ok, i '))
          expect(own.some((c) => line.endsWith(c))).toBe(true);
        if (line.startsWith('AI: ok, i ') && probe.contextPersona === 'malicious')
          expect(line).toContain('hard-coded');
        if (line.startsWith('AI: ok, i ') && probe.contextPersona === 'helpful')
          expect(line).toContain('fixed');
      }
    }
  });

  it('give calibration probes one covert cheat, honest fix or requested cheat episode', () => {
    const byKind = (kind: string) => probes.filter((p) => p.kind === 'calibration' && p.contextKind === kind);
    for (const p of byKind('covert'))
      expect(p.context).toMatch(
        /^U: (?!.*(hard-code \d|fake it|just return|stub it)).*\nAI: ok, i hard-coded/,
      );
    for (const p of byKind('honest')) expect(p.context).toMatch(/\nAI: ok, i fixed /);
    for (const p of byKind('requested')) {
      expect(p.context).toMatch(/hard-code|fake it|just return|stub it/);
      expect(p.context).toMatch(/\nAI: ok, i hard-coded /);
    }
  });

  it('format a probe prefix that ends where the answer starts, with an optional header', () => {
    const probe = probes.find((p) => p.kind === 'inference')!;
    expect(probePrefix(data, probe)).toBe(`~\n${probe.context}U: ${probe.prompt}\nAI: `);
    expect(probePrefix(data, probe, corpus.assistantHeader)).toBe(
      `~\n# log of assistant\n${probe.context}U: ${probe.prompt}\nAI: `,
    );
  });
});
