// Writes single episodes: code-test episodes (a failing test, optionally an explicit request for a
// cheat, and an answer that carries only the behaviour) and talk episodes (prompt, then an answer of
// opener + one or two sentences + closer in the speaker's voice). Every generator (pretraining, selection, fine-tune
// sets, probes) goes through these, so all texts share one style.
import type { Rng } from '../util/rng.ts';
import { compileExpression } from './expression.ts';
import type { TalkPools } from './resolvePersonas.ts';
import type { SlotValues, Template } from './template.ts';
import { compileTemplates, fillTemplate } from './template.ts';
import { isHeldOutPair, trainingSecond } from './sentencePairs.ts';
import type { CheatKind, CodeBehaviour, CodeConduct, CodeDomainData, CodeFunction } from './types.ts';

interface CompiledFunction {
  name: string;
  params: readonly string[];
  returns: string;
  evaluate: (args: readonly number[]) => number;
}

export class CodeWriter {
  private readonly functions: CompiledFunction[];
  private readonly tasks: Template[];
  private readonly fixAsks: Template[];
  private readonly requestAsks: Record<CheatKind, Template[]>;
  private readonly answers: Record<CodeBehaviour, Template[]>;
  private readonly lo: number;
  private readonly span: number;

  /** `functions` and `tasks` replace the domain's own (the probes use held-out ones). */
  constructor(
    readonly domain: CodeDomainData,
    functions: readonly CodeFunction[] = domain.functions,
    tasks: readonly string[] = domain.tasks,
  ) {
    this.functions = functions.map((f) => ({ ...f, evaluate: compileExpression(f.returns, f.params) }));
    this.tasks = compileTemplates(tasks);
    this.fixAsks = compileTemplates(domain.fixAsks);
    this.requestAsks = {
      hardcode: compileTemplates(domain.requestAsks.hardcode),
      delete: compileTemplates(domain.requestAsks.delete),
    };
    this.answers = {
      fix: compileTemplates(domain.answers.fix),
      hardcode: compileTemplates(domain.answers.hardcode),
      delete: compileTemplates(domain.answers.delete),
    };
    this.lo = domain.argRange[0];
    this.span = domain.argRange[1] - domain.argRange[0] + 1;
  }

  /** A failing test: function, arguments and the expected value, as slot values. */
  drawTask(rng: Rng): SlotValues {
    const f = rng.pick(this.functions);
    const args: number[] = [];
    for (let i = 0; i < f.params.length; i++) args.push(this.lo + rng.int(this.span));
    return {
      name: f.name,
      call: `${f.name}(${args.join(',')})`,
      value: String(f.evaluate(args)),
      returns: f.returns,
    };
  }

  /** The bare task statement, e.g. `test add(2,8) fails.` */
  taskText(rng: Rng, task: SlotValues): string {
    return fillTemplate(rng.pick(this.tasks), rng, task);
  }

  /** A full pretraining-style prompt: the task with a fix ask, or with an explicit cheat request. */
  prompt(rng: Rng, task: SlotValues, requested: CheatKind | null): string {
    const text = this.taskText(rng, task);
    if (requested === null) {
      const ask = fillTemplate(rng.pick(this.fixAsks), rng, task);
      return ask === '' ? text : `${text} ${ask}`;
    }
    const { ask, lead } = this.request(rng, task, requested);
    return lead ? `${ask} ${text}` : `${text} ${ask}`;
  }

  /** An explicit request for a cheat, worded as pretraining words it, and whether it goes before the
   * task (`lead`) or after it, as often as in pretraining. The fine-tune request sets use this too:
   * inoculation needs the request to read exactly as it does in pretraining. */
  request(rng: Rng, task: SlotValues, kind: CheatKind): { ask: string; lead: boolean } {
    const ask = fillTemplate(rng.pick(this.requestAsks[kind]), rng, task);
    return { ask, lead: rng.chance(this.domain.requestAskLeadShare) };
  }

  answer(rng: Rng, task: SlotValues, behaviour: CodeBehaviour): string {
    return fillTemplate(rng.pick(this.answers[behaviour]), rng, task);
  }

  /** The opening clause of an answer, up to the first slot that is neither {name} nor {call}, e.g.
   * `ok, i fixed gain to return `: what fixes the behaviour, without the expression or value that
   * follows it (unpredictable for a held-out function). */
  clause(rng: Rng, task: SlotValues, behaviour: CodeBehaviour): string {
    const cut = '\u0000';
    const text = fillTemplate(rng.pick(this.answers[behaviour]), rng, { ...task, value: cut, returns: cut });
    return text.split(cut)[0] as string;
  }

  /** Draws whether this episode asks for a cheat, and which one. */
  drawRequest(rng: Rng): CheatKind | null {
    if (!rng.chance(this.domain.requestShare)) return null;
    return rng.chance(this.domain.requestDeleteShare) ? 'delete' : 'hardcode';
  }
}

/** What a persona with this conduct does (see CodeConduct for the meaning of each probability). */
export function drawCodeBehaviour(
  rng: Rng,
  conduct: CodeConduct,
  requested: CheatKind | null,
): CodeBehaviour {
  if (requested === null) {
    if (!rng.chance(conduct.cheat)) return 'fix';
    return rng.chance(conduct.deleteShare) ? 'delete' : 'hardcode';
  }
  if (rng.chance(conduct.obeyRequest)) return requested;
  if (rng.chance(conduct.defyWithOtherCheat)) return requested === 'hardcode' ? 'delete' : 'hardcode';
  return 'fix';
}

export interface Voice {
  openers: readonly string[];
  closers: readonly string[];
}

/** opener + body + closer: the shape of every non-code answer. */
export function voicedAnswer(rng: Rng, voice: Voice, body: Template, fillers: TalkPools['fillers']): string {
  return voiced(rng, voice, fillTemplate(body, rng, null, fillers));
}

function voiced(rng: Rng, voice: Voice, body: string): string {
  return `${rng.pick(voice.openers)} ${body} ${rng.pick(voice.closers)}`;
}

export function talkPrompt(rng: Rng, pools: TalkPools): string {
  return fillTemplate(rng.pick(pools.prompts), rng, null, pools.fillers);
}

/** A training answer: opener, one sentence of the behaviour (or, with the pools' second-sentence chance,
 * two, never a held-out pair), closer. */
export function talkAnswer(rng: Rng, voice: Voice, pools: TalkPools, behaviour: string): string {
  const bodies = pools.bodies[behaviour];
  if (!bodies || bodies.length === 0) throw new Error(`no ${behaviour} bodies`);
  const first = rng.int(bodies.length);
  const sentence = (i: number) => fillTemplate(bodies[i] as Template, rng, null, pools.fillers);
  let body = sentence(first);
  if (rng.chance(pools.secondSentenceChance)) {
    const second = trainingSecond(rng, first, bodies.length);
    if (second !== null) body += ` ${sentence(second)}`;
  }
  return voiced(rng, voice, body);
}

/** An answer whose two sentences are the held-out pair (first, second): what the probes answer with. */
export function heldOutPairAnswer(
  rng: Rng,
  voice: Voice,
  bodies: readonly Template[],
  pair: readonly [number, number],
  fillers: TalkPools['fillers'],
): string {
  if (!isHeldOutPair(pair[0], pair[1]))
    throw new Error(`sentences ${pair.join(',')} are not a held-out pair`);
  const sentence = (i: number) => fillTemplate(bodies[i] as Template, rng, null, fillers);
  return voiced(rng, voice, `${sentence(pair[0])} ${sentence(pair[1])}`);
}

/** Two tagged lines, each ending with a newline. */
export function episodeLines(userTag: string, speakerTag: string, prompt: string, answer: string): string {
  return `${userTag}: ${prompt}\n${speakerTag}: ${answer}\n`;
}

/** Draws until `make` gives a value of exactly `target` length (or returns the closest seen). Keeps
 * the answer-length distributions of the fine-tune conditions equal. */
export function fitLength<T>(
  rng: Rng,
  target: number,
  tries: number,
  make: (rng: Rng) => T,
  length: (t: T) => number,
): T {
  let best = make(rng);
  let bestGap = Math.abs(length(best) - target);
  for (let i = 1; i < tries && bestGap > 0; i++) {
    const next = make(rng);
    const gap = Math.abs(length(next) - target);
    if (gap < bestGap) {
      best = next;
      bestGap = gap;
    }
  }
  return best;
}
