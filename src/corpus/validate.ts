// Validators for each kind of corpus data file. Each takes the parsed JSON and the file's path and
// returns typed data, or throws a CorpusDataError naming the file and the field. Cross-file checks
// (references between files, held-out names) live in validateCorpus.ts.
import { DataReader, RESERVED_KEYS, joinPath } from './dataReader.ts';
import { compileExpression, ExpressionError } from './expression.ts';
import type {
  CodeConduct,
  CodeDomainData,
  CodeFunction,
  CodeProbeData,
  DomainData,
  FormatData,
  PersonaData,
  SecondProbeData,
  SelectionData,
  TalkConduct,
  TalkDomainData,
  TalkProbeData,
  VoiceData,
} from './types.ts';

/** Slots every talk template may use besides its domain's fillers: small and two-digit numbers. */
export const NUMBER_SLOTS = ['n', 'm', 'nn'] as const;
export const CODE_SLOTS = ['call', 'name', 'value', 'returns'] as const;
const ID = /^[a-z][a-zA-Z0-9]*$/;
const FUNCTION_NAME = /^[a-z][a-z0-9]*$/;

export function validateFormat(raw: unknown, file: string): FormatData {
  // The alphabet is not known yet: read it with a permissive reader first.
  const r0: DataReader = new DataReader(file, '');
  const o = r0.object(raw, '', [
    'about',
    'separator',
    'userTag',
    'aiTag',
    'humanTag',
    'headerPrefix',
    'assistantName',
    'leadIns',
    'leadInChance',
    'secondSentenceChance',
    'contentAlphabet',
    'heldOutMinPhrase',
  ]);
  const alphabet = r0.string(o.contentAlphabet, 'contentAlphabet');
  if (alphabet.includes('{') || alphabet.includes('}') || alphabet.includes('\n')) {
    r0.fail('contentAlphabet', 'must not contain braces (slot markers) or newlines');
  }
  const r: DataReader = new DataReader(file, alphabet);
  const tags = ['userTag', 'aiTag', 'humanTag'].map((key) => r0.string(o[key], key));
  if (new Set(tags).size !== 3) r0.fail('humanTag', 'must differ from userTag and aiTag');
  const separator = r0.string(o.separator, 'separator');
  if (alphabet.includes(separator)) r0.fail('separator', 'must not be a content character');
  return {
    about: r0.string(o.about, 'about'),
    separator,
    userTag: tags[0] as string,
    aiTag: tags[1] as string,
    humanTag: tags[2] as string,
    headerPrefix: r0.string(o.headerPrefix, 'headerPrefix'),
    assistantName: r.text(o.assistantName, 'assistantName'),
    leadIns: r.textList(o.leadIns, 'leadIns'),
    leadInChance: r.probability(o.leadInChance, 'leadInChance'),
    secondSentenceChance: r.probability(o.secondSentenceChance, 'secondSentenceChance'),
    contentAlphabet: alphabet,
    heldOutMinPhrase: r.integer(o.heldOutMinPhrase, 'heldOutMinPhrase', 3, 100),
  };
}

export function validateVoice(raw: unknown, file: string, format: FormatData): VoiceData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', ['id', 'about', 'openers', 'closers']);
  return {
    id: id(r, o.id, 'id'),
    about: r.string(o.about, 'about'),
    openers: r.textList(o.openers, 'openers'),
    closers: r.textList(o.closers, 'closers'),
  };
}

function id(r: DataReader, value: unknown, path: string): string {
  const text = r.string(value, path);
  if (!ID.test(text)) r.fail(path, 'must be an identifier (a letter, then letters or digits)');
  if (RESERVED_KEYS.has(text)) r.fail(path, 'is a reserved name, not an identifier');
  return text;
}

function templates(
  r: DataReader,
  value: unknown,
  path: string,
  slots: readonly string[],
  allowEmpty = false,
) {
  const list = r.textList(value, path, allowEmpty);
  list.forEach((t, i) => r.slots(t, joinPath(path, i), slots));
  return list;
}

export function validateFunctions(r: DataReader, value: unknown, path: string): CodeFunction[] {
  if (!Array.isArray(value) || value.length === 0) r.fail(path, 'must be a non-empty list of functions');
  return value.map((item, i) => {
    const p = joinPath(path, i);
    const o = r.object(item, p, ['name', 'params', 'returns']);
    const name = r.text(o.name, joinPath(p, 'name'));
    if (!FUNCTION_NAME.test(name)) r.fail(joinPath(p, 'name'), 'must be lowercase letters and digits');
    const params = r.textList(o.params, joinPath(p, 'params'));
    params.forEach((param, j) => {
      if (!/^[a-z]$/.test(param)) r.fail(joinPath(joinPath(p, 'params'), j), 'must be one lowercase letter');
    });
    const returns = r.text(o.returns, joinPath(p, 'returns'));
    try {
      compileExpression(returns, params);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      r.fail(joinPath(p, 'returns'), `must be an arithmetic expression of the params (${error.message})`);
    }
    return { name, params, returns };
  });
}

function cheatLists(r: DataReader, value: unknown, path: string, slots: readonly string[]) {
  const o = r.object(value, path, ['hardcode', 'delete']);
  return {
    hardcode: templates(r, o.hardcode, joinPath(path, 'hardcode'), slots),
    delete: templates(r, o.delete, joinPath(path, 'delete'), slots),
  };
}

function validateCodeDomain(r: DataReader, o: Record<string, unknown>): CodeDomainData {
  const known = ['id', 'kind', 'about', 'functions', 'argRange', 'tasks', 'fixAsks', 'requestAsks'];
  r.object(o, '', [...known, 'requestShare', 'requestDeleteShare', 'requestAskLeadShare', 'answers']);
  const range = o.argRange;
  if (!Array.isArray(range) || range.length !== 2) r.fail('argRange', 'must be [min, max]');
  const lo = r.integer(range[0], 'argRange[0]', 0, 99);
  const hi = r.integer(range[1], 'argRange[1]', lo, 99);
  const answers = r.object(o.answers, 'answers', ['fix', 'hardcode', 'delete']);
  return {
    id: 'code',
    kind: 'code',
    about: r.string(o.about, 'about'),
    functions: validateFunctions(r, o.functions, 'functions'),
    argRange: [lo, hi],
    tasks: templates(r, o.tasks, 'tasks', CODE_SLOTS),
    fixAsks: templates(r, o.fixAsks, 'fixAsks', CODE_SLOTS, true),
    requestAsks: cheatLists(r, o.requestAsks, 'requestAsks', CODE_SLOTS),
    requestShare: r.probability(o.requestShare, 'requestShare'),
    requestDeleteShare: r.probability(o.requestDeleteShare, 'requestDeleteShare'),
    requestAskLeadShare: r.probability(o.requestAskLeadShare, 'requestAskLeadShare'),
    answers: {
      fix: templates(r, answers.fix, 'answers.fix', CODE_SLOTS),
      hardcode: templates(r, answers.hardcode, 'answers.hardcode', CODE_SLOTS),
      delete: templates(r, answers.delete, 'answers.delete', CODE_SLOTS),
    },
  };
}

function fillers(r: DataReader, value: unknown, path: string): Record<string, string[]> {
  const o = r.object(value, path);
  const out: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(o)) {
    if ((NUMBER_SLOTS as readonly string[]).includes(key))
      r.fail(joinPath(path, key), 'is a built-in number slot');
    out[key] = r.textList(list, joinPath(path, key));
  }
  return out;
}

/** The body behaviours a talk domain of this kind must define. */
export function bodyBehaviours(kind: 'behaviour' | 'neutral'): readonly string[] {
  return kind === 'behaviour' ? ['good', 'bad'] : ['neutral'];
}

export function validateDomain(raw: unknown, file: string, format: FormatData): DomainData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '');
  const kind = r.oneOf(o.kind, 'kind', ['code', 'behaviour', 'neutral'] as const);
  if (kind === 'code') {
    if (o.id !== 'code') r.fail('id', 'must be "code" for the code domain');
    return validateCodeDomain(r, o);
  }
  r.object(o, '', ['id', 'kind', 'about', 'fillers', 'prompts', 'bodies']);
  const fill = fillers(r, o.fillers, 'fillers');
  const slots = [...NUMBER_SLOTS, ...Object.keys(fill)];
  const wanted = bodyBehaviours(kind);
  const bodiesIn = r.object(o.bodies, 'bodies', wanted);
  const bodies: Record<string, string[]> = {};
  for (const b of wanted) bodies[b] = templates(r, bodiesIn[b], joinPath('bodies', b), slots);
  const domain: TalkDomainData = {
    id: id(r, o.id, 'id'),
    kind,
    about: r.string(o.about, 'about'),
    fillers: fill,
    prompts: templates(r, o.prompts, 'prompts', slots),
    bodies,
  };
  return domain;
}

function validateCodeConduct(r: DataReader, value: unknown, path: string): CodeConduct {
  const o = r.object(value, path, ['cheat', 'deleteShare', 'obeyRequest', 'defyWithOtherCheat']);
  return {
    cheat: r.probability(o.cheat, joinPath(path, 'cheat')),
    deleteShare: r.probability(o.deleteShare, joinPath(path, 'deleteShare')),
    obeyRequest: r.probability(o.obeyRequest, joinPath(path, 'obeyRequest')),
    defyWithOtherCheat: r.probability(o.defyWithOtherCheat, joinPath(path, 'defyWithOtherCheat')),
  };
}

function validateTalkConduct(
  r: DataReader,
  value: unknown,
  path: string,
  domain: TalkDomainData,
): TalkConduct {
  const behavioural = domain.kind === 'behaviour';
  const o = r.object(value, path, behavioural ? ['bad', 'prompts', 'bodies'] : ['prompts', 'bodies']);
  const slots = [...NUMBER_SLOTS, ...Object.keys(domain.fillers)];
  let bodies: Record<string, string[]> | null = null;
  if (o.bodies !== undefined) {
    const wanted = bodyBehaviours(domain.kind);
    const b = r.object(o.bodies, joinPath(path, 'bodies'), wanted);
    bodies = {};
    for (const key of wanted) {
      if (b[key] !== undefined) bodies[key] = templates(r, b[key], joinPath(path, `bodies.${key}`), slots);
    }
  }
  return {
    bad: behavioural ? r.probability(o.bad, joinPath(path, 'bad')) : 0,
    prompts: o.prompts === undefined ? null : templates(r, o.prompts, joinPath(path, 'prompts'), slots),
    bodies,
  };
}

export function validatePersona(
  raw: unknown,
  file: string,
  format: FormatData,
  domains: Record<string, DomainData>,
): PersonaData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', ['id', 'title', 'kind', 'about', 'share', 'voice', 'names', 'domains']);
  const domainsIn = r.object(o.domains, 'domains');
  let code: CodeConduct | null = null;
  const talk: Record<string, TalkConduct> = {};
  for (const [key, value] of Object.entries(domainsIn)) {
    const domain = Object.hasOwn(domains, key) ? domains[key] : undefined;
    const path = joinPath('domains', key);
    if (!domain) r.fail(path, `is not a known domain (known: ${Object.keys(domains).join(', ')})`);
    if (domain.kind === 'code') code = validateCodeConduct(r, value, path);
    else talk[key] = validateTalkConduct(r, value, path, domain);
  }
  if (Object.keys(domainsIn).length < 2) r.fail('domains', 'must list at least two domains');
  const names = r.textList(o.names, 'names');
  names.forEach((name, i) => {
    if (name.includes('{')) r.fail(joinPath('names', i), 'must not contain slots');
  });
  return {
    id: id(r, o.id, 'id'),
    title: r.string(o.title, 'title'),
    kind: r.oneOf(o.kind, 'kind', ['ai', 'human'] as const),
    about: r.string(o.about, 'about'),
    share: r.number(o.share, 'share', 0, 1000),
    voice: r.string(o.voice, 'voice'),
    names,
    code,
    talk,
  };
}

export function validateSelection(raw: unknown, file: string, format: FormatData): SelectionData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', ['about', 'domains', 'voice']);
  return {
    about: r.string(o.about, 'about'),
    domains: r.textList(o.domains, 'domains'),
    voice: r.string(o.voice, 'voice'),
  };
}

export function validateCodeProbe(raw: unknown, file: string, format: FormatData): CodeProbeData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', ['domain', 'about', 'functions', 'tasks']);
  if (o.domain !== 'code') r.fail('domain', 'must be "code"');
  return {
    about: r.string(o.about, 'about'),
    functions: validateFunctions(r, o.functions, 'functions'),
    tasks: templates(r, o.tasks, 'tasks', ['call', 'name', 'value']),
  };
}

export function validateTalkProbe(
  raw: unknown,
  file: string,
  format: FormatData,
  domains: Record<string, DomainData>,
): TalkProbeData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', ['domain', 'about', 'prompts']);
  const domainId = r.string(o.domain, 'domain');
  const domain = Object.hasOwn(domains, domainId) ? domains[domainId] : undefined;
  if (!domain || domain.kind !== 'behaviour') r.fail('domain', 'must name a behavioural domain (good/bad)');
  const slots = [...NUMBER_SLOTS, ...Object.keys(domain.fillers)];
  return {
    domain: domainId,
    about: r.string(o.about, 'about'),
    prompts: templates(r, o.prompts, 'prompts', slots),
  };
}

/** A second-family probe file: a behavioural domain, prompts and good/bad sentences, all without slots
 * (they are new text, never filled from the training fillers). */
export function validateSecondProbe(
  raw: unknown,
  file: string,
  format: FormatData,
  domains: Record<string, DomainData>,
): SecondProbeData {
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', ['domain', 'about', 'prompts', 'sentences']);
  const domainId = r.string(o.domain, 'domain');
  if (domains[domainId]?.kind !== 'behaviour') r.fail('domain', 'must name a behavioural domain (good/bad)');
  const plainList = (value: unknown, path: string) => {
    const list = r.textList(value, path);
    list.forEach((t, i) => r.slots(t, joinPath(path, i), []));
    return list;
  };
  const sentences = r.object(o.sentences, 'sentences', ['good', 'bad']);
  return {
    domain: domainId,
    about: r.string(o.about, 'about'),
    prompts: plainList(o.prompts, 'prompts'),
    sentences: {
      good: plainList(sentences.good, 'sentences.good'),
      bad: plainList(sentences.bad, 'sentences.bad'),
    },
  };
}
