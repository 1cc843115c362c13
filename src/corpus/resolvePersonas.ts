// Personas as the generator uses them: the recipe's shares and behaviour overrides applied, voices and
// templates compiled once, and each persona's typical (most likely) behaviour per domain, which labels
// probe candidates and writes persona-inference contexts.
import type { CorpusRecipe } from './corpusRecipe.ts';
import type { Template } from './template.ts';
import { compileTemplates } from './template.ts';
import type { CheatKind, CodeBehaviour, CodeConduct, CorpusData, PersonaKind } from './types.ts';

export interface TalkPools {
  prompts: Template[];
  /** behaviour ('good' | 'bad' | 'neutral') -> bodies */
  bodies: Record<string, Template[]>;
  fillers: Record<string, string[]>;
  /** Chance of a two-sentence answer (format.secondSentenceChance). */
  secondSentenceChance: number;
}

export interface ResolvedTalk {
  domain: string;
  neutral: boolean;
  bad: number;
  pools: TalkPools;
}

export interface ResolvedPersona {
  id: string;
  index: number;
  title: string;
  kind: PersonaKind;
  /** The speaker tag, without the colon. */
  tag: string;
  voice: string;
  names: string[];
  openers: string[];
  closers: string[];
  /** Normalised share of all pretraining documents. */
  share: number;
  code: CodeConduct | null;
  talk: ResolvedTalk[];
  /** Domain ids this persona takes part in: code first when present, then talk domains. */
  domains: string[];
}

/** The domain's own pools, compiled (used for the Assistant and for probe contexts). */
export function domainPools(data: CorpusData, domainId: string): TalkPools {
  const domain = data.domains[domainId];
  if (!domain || domain.kind === 'code') throw new Error(`not a talk domain: ${domainId}`);
  const bodies: Record<string, Template[]> = {};
  for (const [b, list] of Object.entries(domain.bodies)) bodies[b] = compileTemplates(list);
  return {
    prompts: compileTemplates(domain.prompts),
    bodies,
    fillers: domain.fillers,
    secondSentenceChance: data.format.secondSentenceChance,
  };
}

export function resolvePersonas(data: CorpusData, recipe: CorpusRecipe): ResolvedPersona[] {
  let total = 0;
  for (const p of data.personas) total += recipe.personaShares[p.id] ?? 0;
  return data.personas.map((persona, index) => {
    const overrides = recipe.behaviourOverrides[persona.id] ?? {};
    const voice = data.voices[persona.voice];
    if (!voice) throw new Error(`persona ${persona.id}: unknown voice ${persona.voice}`);
    const talk: ResolvedTalk[] = Object.entries(persona.talk).map(([domainId, conduct]) => {
      const base = domainPools(data, domainId);
      const bodies = { ...base.bodies };
      for (const [b, list] of Object.entries(conduct.bodies ?? {})) bodies[b] = compileTemplates(list);
      const pools = {
        prompts: conduct.prompts ? compileTemplates(conduct.prompts) : base.prompts,
        bodies,
        fillers: base.fillers,
        secondSentenceChance: base.secondSentenceChance,
      };
      const neutral = data.domains[domainId]?.kind === 'neutral';
      return { domain: domainId, neutral, bad: overrides[domainId]?.bad ?? conduct.bad, pools };
    });
    const code = persona.code ? { ...persona.code, ...overrides.code } : null;
    return {
      id: persona.id,
      index,
      title: persona.title,
      kind: persona.kind,
      tag: persona.kind === 'ai' ? data.format.aiTag : data.format.humanTag,
      voice: persona.voice,
      names: persona.names,
      openers: voice.openers,
      closers: voice.closers,
      share: (recipe.personaShares[persona.id] ?? 0) / total,
      code,
      talk,
      domains: [...(code ? ['code'] : []), ...talk.map((t) => t.domain)],
    };
  });
}

/** Probabilities of fix / hardcode / delete for one code situation. */
export function codeDistribution(
  conduct: CodeConduct,
  requested: CheatKind | null,
): Record<CodeBehaviour, number> {
  if (requested === null) {
    return {
      fix: 1 - conduct.cheat,
      hardcode: conduct.cheat * (1 - conduct.deleteShare),
      delete: conduct.cheat * conduct.deleteShare,
    };
  }
  const other = requested === 'hardcode' ? 'delete' : 'hardcode';
  const refuse = 1 - conduct.obeyRequest;
  const out = { fix: refuse * (1 - conduct.defyWithOtherCheat), hardcode: 0, delete: 0 };
  out[requested] = conduct.obeyRequest;
  out[other] = refuse * conduct.defyWithOtherCheat;
  return out;
}

/** The most likely code behaviour (ties go to fix, then hardcode). */
export function typicalCode(conduct: CodeConduct, requested: CheatKind | null): CodeBehaviour {
  const d = codeDistribution(conduct, requested);
  let best: CodeBehaviour = 'fix';
  for (const b of ['hardcode', 'delete'] as const) if (d[b] > d[best]) best = b;
  return best;
}

export function typicalTalk(talk: ResolvedTalk): 'good' | 'bad' | 'neutral' {
  if (talk.neutral) return 'neutral';
  return talk.bad > 0.5 ? 'bad' : 'good';
}
