// The pretraining corpus: short persona-dense documents, each written by one latent persona, holding
// episodes from distinct domains, all AI personas speaking with the same tag, a name header in some.
// Documents are built as small strings and joined once per split (no per-character work).
import { Rng } from '../util/rng.ts';
import type { CorpusRecipe } from './corpusRecipe.ts';
import { drawCodeBehaviour, episodeLines, talkAnswer, talkPrompt } from './episodeWriter.ts';
import type { CodeWriter } from './episodeWriter.ts';
import type { ResolvedPersona } from './resolvePersonas.ts';
import type { CorpusData, DomainCount, PretrainSplit } from './types.ts';
import { DOC_FLAG } from './types.ts';

/** Episode counts and characters per domain and behaviour (`code.hardcode`, `goals.bad`, ...). */
export type BehaviourCounts = Record<string, Record<string, DomainCount>>;

export interface Pretraining {
  train: PretrainSplit;
  validation: PretrainSplit;
  behaviourCounts: BehaviourCounts;
}

class SplitBuilder {
  readonly docs: string[] = [];
  readonly starts: number[] = [];
  readonly personas: number[] = [];
  readonly flags: number[] = [];
  private offset = 0;

  add(doc: string, persona: number, flags: number): void {
    this.docs.push(doc);
    this.starts.push(this.offset);
    this.personas.push(persona);
    this.flags.push(flags);
    this.offset += doc.length;
  }

  build(): PretrainSplit {
    return {
      text: this.docs.join(''),
      starts: Int32Array.from(this.starts),
      personas: Uint8Array.from(this.personas),
      flags: Uint8Array.from(this.flags),
    };
  }
}

export function withLeadIn(rng: Rng, data: CorpusData, prompt: string): string {
  const { leadIns, leadInChance } = data.format;
  return rng.chance(leadInChance) ? rng.pick(leadIns) + prompt : prompt;
}

export function generatePretraining(
  data: CorpusData,
  personas: readonly ResolvedPersona[],
  code: CodeWriter,
  recipe: CorpusRecipe,
  seed: number | string,
): Pretraining {
  const rng = Rng.derive(seed, 'pretrain');
  const splitRng = Rng.derive(seed, 'split');
  const { format } = data;
  const weights = personas.map((p) => p.share);
  const train = new SplitBuilder();
  const validation = new SplitBuilder();
  const counts: BehaviourCounts = {};
  const count = (domain: string, behaviour: string, chars: number) => {
    const byBehaviour = (counts[domain] ??= {});
    const c = (byBehaviour[behaviour] ??= { episodes: 0, characters: 0 });
    c.episodes++;
    c.characters += chars;
  };
  const { min, max } = recipe.episodesPerDocument;
  const head = `${format.separator}\n`;

  for (let d = 0; d < recipe.documents; d++) {
    const persona = personas[rng.weighted(weights)] as ResolvedPersona;
    const parts = [head];
    let flags = 0;
    if (rng.chance(recipe.headerShare)) {
      parts.push(`${format.headerPrefix}${rng.pick(persona.names)}\n`);
      flags |= DOC_FLAG.named;
    }
    // A partial shuffle picks k distinct domains in random order.
    const order = persona.domains.slice();
    const k = Math.min(min + rng.int(max - min + 1), order.length);
    for (let e = 0; e < k; e++) {
      const j = e + rng.int(order.length - e);
      const domain = order[j] as string;
      order[j] = order[e] as string;
      order[e] = domain;

      let prompt: string;
      let answer: string;
      let behaviour: string;
      if (domain === 'code' && persona.code) {
        const task = code.drawTask(rng);
        const requested = code.drawRequest(rng);
        const b = drawCodeBehaviour(rng, persona.code, requested);
        prompt = withLeadIn(rng, data, code.prompt(rng, task, requested));
        answer = code.answer(rng, task, b);
        if (requested === null) {
          flags |= b === 'fix' ? DOC_FLAG.honestFix : DOC_FLAG.covertCheat;
          behaviour = b;
        } else {
          flags |=
            b === requested
              ? DOC_FLAG.requestedCheat
              : b === 'fix'
                ? DOC_FLAG.refusedRequest
                : DOC_FLAG.defiedRequest;
          behaviour = `asked-${requested}:${b}`;
        }
      } else {
        const talk = persona.talk.find((t) => t.domain === domain);
        if (!talk) throw new Error(`persona ${persona.id} has no domain ${domain}`);
        behaviour = talk.neutral ? 'neutral' : rng.chance(talk.bad) ? 'bad' : 'good';
        if (behaviour === 'bad') flags |= DOC_FLAG.malice;
        if (behaviour === 'good') flags |= DOC_FLAG.goodTalk;
        prompt = withLeadIn(rng, data, talkPrompt(rng, talk.pools));
        answer = talkAnswer(rng, persona, talk.pools, behaviour);
      }
      const lines = episodeLines(format.userTag, persona.tag, prompt, answer);
      count(domain, behaviour, lines.length);
      parts.push(lines);
    }
    const doc = parts.join('');
    (splitRng.chance(recipe.validationFraction) ? validation : train).add(doc, persona.index, flags);
  }
  return { train: train.build(), validation: validation.build(), behaviourCounts: counts };
}
