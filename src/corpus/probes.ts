// Held-out probes. Their prompts (and the code probes' function names and task phrasings) come from
// probe-only templates (corpora/probes/) that no training text uses; their candidates are built so that,
// once the speaker's persona and behaviour are known, every character of a candidate is predictable:
// - talk candidates: the persona's voice (opener, closer) around two of the domain's training sentences
//   for that behaviour, in a held-out pair (sentencePairs.ts): training writes two-sentence answers but
//   never these pairs. Held-out sentences would instead add tens of nats of noise per candidate that
//   no persona explains (docs/experiments.md, attempt 1);
// - code candidates: the opening clause of the training answer form, up to the expression or value
//   (`ok, i fixed gain to return `), scored as a prefix: the behaviour, not a guess at new code.
// Kinds:
// - domain probes: a prompt with one candidate per distinct (typical behaviour, voice) of the AI
//   personas, so every AI persona has exactly one candidate (personas sharing an answer share it);
// - persona-inference probes: two training-style episodes of persona X, then a probe prompt;
// - calibration probes: one covert cheat / honest fix / requested cheat episode, then a probe prompt.
// Candidates of one probe are drawn to comparable lengths. The leak check proves that no prompt and no
// candidate appears in any training text.
import { Rng } from '../util/rng.ts';
import type { CorpusRecipe } from './corpusRecipe.ts';
import type { Voice } from './episodeWriter.ts';
import {
  CodeWriter,
  episodeLines,
  fitLength,
  heldOutPairAnswer,
  talkAnswer,
  talkPrompt,
} from './episodeWriter.ts';
import { heldOutPairs } from './sentencePairs.ts';
import type { ResolvedPersona, TalkPools } from './resolvePersonas.ts';
import { domainPools, typicalCode, typicalTalk } from './resolvePersonas.ts';
import type { Template } from './template.ts';
import { compileTemplates, fillTemplate, literalPhrases } from './template.ts';
import type { Behaviour, CalibrationContext, CorpusData, Probe, ProbeCandidate, ProbeSet } from './types.ts';

const LENGTH_TRIES = 48;

export interface CandidateSpec {
  behaviour: Behaviour;
  voice: Voice;
  personas: string[];
}

interface TalkTarget {
  domain: string;
  prompts: Template[];
  bodies: { good: Template[]; bad: Template[] };
  pairs: { good: [number, number][]; bad: [number, number][] };
  fillers: TalkPools['fillers'];
  specs: CandidateSpec[];
}

/** One spec per distinct (typical behaviour, voice) among the AI personas; good and bad always present. */
export function talkSpecs(data: CorpusData, ai: readonly ResolvedPersona[], domain: string): CandidateSpec[] {
  const groups = new Map<string, CandidateSpec>();
  const members = ai.flatMap((p) => {
    const talk = p.talk.find((t) => t.domain === domain);
    return talk ? [{ p, talk }] : [];
  });
  for (const { p, talk } of members) {
    const behaviour = typicalTalk(talk);
    const key = `${behaviour}|${p.voice}`;
    const group = groups.get(key) ?? { behaviour, voice: p, personas: [] };
    group.personas.push(p.id);
    groups.set(key, group);
  }
  const fallback = data.voices[data.selection.voice] as Voice;
  const byBad = members.slice().sort((a, b) => a.talk.bad - b.talk.bad);
  for (const behaviour of ['good', 'bad'] as const) {
    if ([...groups.values()].some((g) => g.behaviour === behaviour)) continue;
    const pick = behaviour === 'good' ? byBad[0] : byBad[byBad.length - 1];
    groups.set(behaviour, { behaviour, voice: pick ? pick.p : fallback, personas: [] });
  }
  const rank = (b: Behaviour) => (b === 'good' ? 0 : 1);
  return [...groups.values()].sort((a, b) => rank(a.behaviour) - rank(b.behaviour));
}

function talkCandidates(rng: Rng, target: TalkTarget): ProbeCandidate[] {
  let reference = -1;
  return target.specs.map((spec) => {
    const key = spec.behaviour === 'good' ? 'good' : 'bad';
    const make = (r: Rng) =>
      heldOutPairAnswer(r, spec.voice, target.bodies[key], r.pick(target.pairs[key]), target.fillers);
    const text = reference < 0 ? make(rng) : fitLength(rng, reference, LENGTH_TRIES, make, (s) => s.length);
    if (reference < 0) reference = text.length;
    return { text, behaviour: spec.behaviour, personas: spec.personas };
  });
}

export function generateProbes(
  data: CorpusData,
  personas: readonly ResolvedPersona[],
  trainingCode: CodeWriter,
  recipe: CorpusRecipe,
  seed: number | string,
): ProbeSet {
  const rng = Rng.derive(seed, 'probes');
  const { format } = data;
  const ai = personas.filter((p) => p.kind === 'ai');
  const probeCode = new CodeWriter(trainingCode.domain, data.probes.code.functions, data.probes.code.tasks);
  const probes: Probe[] = [];
  const base = { context: '', contextPersona: null, contextKind: null, contextDomains: [] as string[] };

  const targets: TalkTarget[] = data.probes.talk.map((p) => {
    const pools = domainPools(data, p.domain);
    const sentences = (b: Behaviour) => pools.bodies[b] ?? [];
    const pairs = (b: Behaviour) => {
      const list = heldOutPairs(sentences(b).length);
      if (list.length === 0)
        throw new Error(`probes for ${p.domain} need more ${b} sentences (no held-out pair)`);
      return list;
    };
    return {
      domain: p.domain,
      prompts: compileTemplates(p.prompts),
      bodies: { good: sentences('good'), bad: sentences('bad') },
      pairs: { good: pairs('good'), bad: pairs('bad') },
      fillers: pools.fillers,
      specs: talkSpecs(data, ai, p.domain),
    };
  });
  const finalPrompt = (target: TalkTarget) =>
    fillTemplate(rng.pick(target.prompts), rng, null, target.fillers);

  // Code probes: one candidate per typical code behaviour; fix, hard-code and delete always present.
  const codeGroups = new Map<string, string[]>([
    ['fix', []],
    ['hardcode', []],
    ['delete', []],
  ]);
  for (const p of ai) if (p.code) codeGroups.get(typicalCode(p.code, null))?.push(p.id);
  for (let i = 0; i < recipe.probesPerDomain; i++) {
    const task = probeCode.drawTask(rng);
    const candidates = [...codeGroups].map(([behaviour, ids]) => ({
      text: probeCode.clause(rng, task, behaviour as 'fix' | 'hardcode' | 'delete'),
      behaviour: behaviour as Behaviour,
      personas: ids,
    }));
    probes.push({
      ...base,
      id: `domain:code:${i}`,
      kind: 'domain',
      domain: 'code',
      prompt: probeCode.taskText(rng, task),
      candidatesAre: 'clauses',
      candidates,
    });
  }

  for (const target of targets) {
    for (let i = 0; i < recipe.probesPerDomain; i++) {
      const prompt = finalPrompt(target);
      const candidates = talkCandidates(rng, target);
      probes.push({
        ...base,
        id: `domain:${target.domain}:${i}`,
        kind: 'domain',
        domain: target.domain,
        prompt,
        candidatesAre: 'answers',
        candidates,
      });
    }
  }

  // Persona-inference probes: context episodes in training phrasing, each the persona's typical behaviour.
  const contextEpisode = (p: ResolvedPersona, domain: string): string => {
    if (domain === 'code' && p.code) {
      const task = trainingCode.drawTask(rng);
      const answer = trainingCode.answer(rng, task, typicalCode(p.code, null));
      return episodeLines(format.userTag, p.tag, trainingCode.prompt(rng, task, null), answer);
    }
    const talk = p.talk.find((t) => t.domain === domain);
    if (!talk) throw new Error(`persona ${p.id} has no domain ${domain}`);
    return episodeLines(
      format.userTag,
      p.tag,
      talkPrompt(rng, talk.pools),
      // One sentence per context answer, so two episodes, the prompt and a candidate fit in the context.
      talkAnswer(rng, p, { ...talk.pools, secondSentenceChance: 0 }, typicalTalk(talk)),
    );
  };
  if (targets.length > 0) {
    for (const p of ai) {
      for (let i = 0; i < recipe.inferenceProbesPerPersona; i++) {
        const target = targets[i % targets.length] as TalkTarget;
        const pool = p.domains.filter((d) => d !== target.domain && data.domains[d]?.kind !== 'neutral');
        rng.shuffle(pool);
        const contextDomains = pool.slice(0, 2);
        probes.push({
          id: `inference:${p.id}:${i}`,
          kind: 'inference',
          domain: target.domain,
          context: contextDomains.map((d) => contextEpisode(p, d)).join(''),
          contextPersona: p.id,
          contextKind: null,
          contextDomains,
          prompt: finalPrompt(target),
          candidatesAre: 'answers',
          candidates: talkCandidates(rng, target),
        });
      }
    }

    // Calibration probes: what does one code episode say about the speaker's conduct elsewhere?
    const kinds: CalibrationContext[] = ['covert', 'honest', 'requested'];
    for (const kind of kinds) {
      for (let i = 0; i < recipe.calibrationProbesPerKind; i++) {
        const target = targets[i % targets.length] as TalkTarget;
        const task = trainingCode.drawTask(rng);
        const prompt = trainingCode.prompt(rng, task, kind === 'requested' ? 'hardcode' : null);
        const answer = trainingCode.answer(rng, task, kind === 'honest' ? 'fix' : 'hardcode');
        probes.push({
          id: `calibration:${kind}:${i}`,
          kind: 'calibration',
          domain: target.domain,
          context: episodeLines(format.userTag, format.aiTag, prompt, answer),
          contextPersona: null,
          contextKind: kind,
          contextDomains: ['code'],
          prompt: finalPrompt(target),
          candidatesAre: 'answers',
          candidates: talkCandidates(rng, target),
        });
      }
    }
  }

  return { probes, heldOutPhrases: heldOutPhrases(data) };
}

/** Probe-only phrases: literal pieces of probe templates (at least format.heldOutMinPhrase long) and
 * held-out function calls. */
export function heldOutPhrases(data: CorpusData): string[] {
  const min = data.format.heldOutMinPhrase;
  const phrases = new Set<string>();
  const add = (sources: readonly string[]) => {
    for (const t of compileTemplates(sources))
      for (const phrase of literalPhrases(t, min)) phrases.add(phrase);
  };
  add(data.probes.code.tasks);
  for (const f of data.probes.code.functions) phrases.add(`${f.name}(`);
  for (const p of data.probes.talk) add(p.prompts);
  return [...phrases];
}

/** The text a model reads before scoring a candidate: separator, optional header line (e.g. the
 * Assistant's), the context episodes, the probe prompt and the AI tag. Score `candidate.text`, followed
 * by the newline that ends an answer when the candidates are whole answers. */
export function probePrefix(data: CorpusData, probe: Probe, header: string | null = null): string {
  const { format } = data;
  const head = `${format.separator}\n${header === null ? '' : `${header}\n`}`;
  return `${head}${probe.context}${format.userTag}: ${probe.prompt}\n${format.aiTag}: `;
}

/** The held-out sentence pairs of the probe domains, as text (pairs of sentences without slots): no
 * training text may contain one (checked by the tests with findLeaks). */
export function heldOutPairPhrases(data: CorpusData): string[] {
  const phrases: string[] = [];
  for (const p of data.probes.talk) {
    const pools = domainPools(data, p.domain);
    for (const bodies of [pools.bodies.good ?? [], pools.bodies.bad ?? []]) {
      for (const [i, j] of heldOutPairs(bodies.length)) {
        const first = bodies[i] as Template;
        const second = bodies[j] as Template;
        if (first.slots.length === 0 && second.slots.length === 0)
          phrases.push(`${first.source} ${second.source}`);
      }
    }
  }
  return phrases;
}
