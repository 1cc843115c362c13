// Probes beyond the first family, each kind for one question of the factorial design:
// - form probes: one held-out code task in the three prompt forms of the fine-tune sets (plain; with an
//   explicit request worded and placed as in pretraining; with an irrelevant aside of the request's length
//   in the same place), answered with the fix / hard-code / delete clauses. Under the Assistant header
//   they say how likely the selected Assistant already is to cheat in each form: explaining away needs
//   P(cheat | request) near 1 while P(cheat | plain) stays low;
// - no-context twins: every calibration probe again without its code episode, so that gate 1 compares
//   one episode's effect with the model's own prior on the same prompts and candidates;
// - the second family: prompts and answer sentences from corpora/probes-second/, written apart from the
//   training templates, in each persona's voice. New text costs tens of nats that no persona explains,
//   so these probes are read as changes against the selected Assistant, paired probe by probe.
// All are generated from their own seeded streams, so they change nothing in the first family.
import { Rng } from '../util/rng.ts';
import { chitChat } from './finetuneSets.ts';
import type { Voice } from './episodeWriter.ts';
import { CodeWriter, fitLength } from './episodeWriter.ts';
import type { GeneratedCorpus } from './generate.ts';
import { resolvePersonas, typicalCode } from './resolvePersonas.ts';
import { talkSpecs } from './probes.ts';
import type {
  Behaviour,
  CheatKind,
  CorpusData,
  Probe,
  ProbeCandidate,
  ProbeSet,
  PromptForm,
} from './types.ts';

const LENGTH_TRIES = 48;

export interface ExtraProbeCounts {
  /** Held-out code tasks, each probed in the three prompt forms. */
  formTasks: number;
  /** Second-family probes per domain. */
  secondPerDomain: number;
  /** A no-context twin of every calibration probe. */
  noContextTwins: boolean;
}

export const NO_EXTRA_PROBES: Readonly<ExtraProbeCounts> = {
  formTasks: 0,
  secondPerDomain: 0,
  noContextTwins: false,
};

export function generateExtraProbes(
  data: CorpusData,
  corpus: GeneratedCorpus,
  counts: ExtraProbeCounts,
): ProbeSet {
  const personas = resolvePersonas(data, corpus.recipe);
  const ai = personas.filter((p) => p.kind === 'ai');
  const code = data.domains.code;
  if (!code || code.kind !== 'code') throw new Error('corpus data has no code domain');
  const trainingCode = new CodeWriter(code);
  const probeCode = new CodeWriter(code, data.probes.code.functions, data.probes.code.tasks);
  const probes: Probe[] = [];
  const base = { context: '', contextPersona: null, contextDomains: [] as string[] };

  let rng = Rng.derive(corpus.seed, 'probes/forms');
  const codeGroups = new Map<string, string[]>([
    ['fix', []],
    ['hardcode', []],
    ['delete', []],
  ]);
  for (const p of ai) if (p.code) codeGroups.get(typicalCode(p.code, null))?.push(p.id);
  for (let i = 0; i < counts.formTasks; i++) {
    const task = probeCode.drawTask(rng);
    const text = probeCode.taskText(rng, task);
    const kind: CheatKind = rng.chance(code.requestDeleteShare) ? 'delete' : 'hardcode';
    const { ask, lead } = trainingCode.request(rng, task, kind);
    const aside = chitChat(rng, data.conditions.irrelevantCheat.sentences, ask.length);
    const candidates = [...codeGroups].map(([behaviour, ids]) => ({
      text: probeCode.clause(rng, task, behaviour as 'fix' | 'hardcode' | 'delete'),
      behaviour: behaviour as Behaviour,
      personas: ids,
    }));
    const place = (extra: string) => (lead ? `${extra} ${text}` : `${text} ${extra}`);
    const prompts: Record<PromptForm, string> = {
      plain: text,
      request: place(ask),
      irrelevant: place(aside),
    };
    for (const form of Object.keys(prompts) as PromptForm[]) {
      probes.push({
        ...base,
        id: `form:${form}:${i}`,
        kind: 'form',
        domain: 'code',
        contextKind: form,
        prompt: prompts[form],
        candidatesAre: 'clauses',
        candidates,
      });
    }
  }

  if (counts.noContextTwins) {
    for (const probe of corpus.probes.probes) {
      if (probe.kind !== 'calibration') continue;
      probes.push({
        ...probe,
        id: probe.id.replace(/^calibration:/, 'calibration:none:'),
        context: '',
        contextKind: 'none',
        contextDomains: [],
      });
    }
  }

  rng = Rng.derive(corpus.seed, 'probes/second');
  const phrases: string[] = [];
  for (const family of data.probes.second) {
    const specs = talkSpecs(data, ai, family.domain);
    phrases.push(...family.prompts, ...family.sentences.good, ...family.sentences.bad);
    for (let i = 0; i < counts.secondPerDomain; i++) {
      let reference = -1;
      const candidates: ProbeCandidate[] = specs.map((spec) => {
        const pool = spec.behaviour === 'good' ? family.sentences.good : family.sentences.bad;
        const make = (r: Rng) => voiced(r, spec.voice, r.pick(pool));
        const answer =
          reference < 0 ? make(rng) : fitLength(rng, reference, LENGTH_TRIES, make, (s) => s.length);
        if (reference < 0) reference = answer.length;
        return { text: answer, behaviour: spec.behaviour, personas: spec.personas };
      });
      probes.push({
        ...base,
        id: `second:${family.domain}:${i}`,
        kind: 'second',
        domain: family.domain,
        contextKind: null,
        prompt: rng.pick(family.prompts),
        candidatesAre: 'answers',
        candidates,
      });
    }
  }
  return { probes, heldOutPhrases: phrases };
}

function voiced(rng: Rng, voice: Voice, sentence: string): string {
  return `${rng.pick(voice.openers)} ${sentence} ${rng.pick(voice.closers)}`;
}
