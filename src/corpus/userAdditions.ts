// A user's own experiment as data (the recipe's `user` section): voices, domains and personas in the
// very format of the files in corpora/ (new, or replacing the bundled file of the same id), narrow
// fine-tune conditions whose paired control the lab derives on identical prompts, probe templates with
// one candidate per persona, and extra characters that grow the vocabulary. Every piece is validated by
// the corpora/ validators, so a refusal reads like one of theirs (`user.personas[0]: domains.code.cheat
// must be a number in [0,1]`), and the whole is bounded in size.
import { bundledCorpusFiles } from './corpusData.ts';
import { CorpusDataError, DataReader, joinPath } from './dataReader.ts';
import type { CorpusData, FormatData } from './types.ts';
import { NUMBER_SLOTS } from './validate.ts';
import { validateCorpusData, type CorpusFiles, type DataFile } from './validateCorpus.ts';

/** A narrow condition: prompts and answers from templates (with fillers), or pasted pairs; the control
 * answers the same prompts with `controlAnswers` (or each pair's `control`). */
export interface UserConditionData {
  id: string;
  title: string;
  about: string;
  /** `${id}Control`: the paired control's condition id. */
  controlId: string;
  controlTitle: string;
  fillers: Record<string, string[]>;
  prompts: string[];
  answers: string[];
  controlAnswers: string[];
  pairs: { prompt: string; answer: string; control: string }[];
}

/** Probe templates of one kind: prompts (with fillers) and one candidate answer per persona. */
export interface UserProbeData {
  id: string;
  about: string;
  fillers: Record<string, string[]>;
  prompts: string[];
  /** persona id -> that persona's answer (a template over the same slots). */
  candidates: Record<string, string>;
  /** Probes drawn from the templates. */
  count: number;
}

export interface UserData {
  characters: string;
  conditions: UserConditionData[];
  probes: UserProbeData[];
}

/** The raw section as it sits in a recipe (every list may be empty). */
export interface UserAdditions {
  characters: string;
  voices: unknown[];
  domains: unknown[];
  personas: unknown[];
  conditions: unknown[];
  probes: unknown[];
}

export const EMPTY_USER_ADDITIONS: Readonly<UserAdditions> = {
  characters: '',
  voices: [],
  domains: [],
  personas: [],
  conditions: [],
  probes: [],
};

/** Bounds on what a user may add: a browser must generate, hold and train it in seconds to minutes. */
export const USER_LIMITS = {
  characters: 24,
  files: 8,
  conditions: 4,
  probes: 12,
  templates: 200,
  pairs: 2000,
  textLength: 240,
  probeCount: 64,
} as const;

const ID = /^[a-z][a-zA-Z0-9]*$/;
const KEYS = ['characters', 'voices', 'domains', 'personas', 'conditions', 'probes'] as const;

export function isEmptyUserAdditions(user: UserAdditions): boolean {
  return user.characters === '' && KEYS.slice(1).every((k) => (user[k] as unknown[]).length === 0);
}

/** Characters the grown vocabulary can never take: only printable ASCII fits the tokenizer's and the
 * leak check's tables, and the braces and the separator have a meaning of their own. */
function refusedCharacters(text: string, format: FormatData): string[] {
  const bad = new Set<string>();
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code > 0x7e || char === '{' || char === '}' || char === format.separator)
      bad.add(char);
  }
  return [...bad];
}

function list(r: DataReader, value: unknown, path: string, max: number): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) r.fail(path, 'must be a list');
  if (value.length > max) r.fail(path, `holds ${value.length} entries; at most ${max} fit in the lab`);
  return value;
}

/** Reads the section's shape and bounds (contents are checked later, file by file). */
export function readUserAdditions(value: unknown, path = 'user'): UserAdditions {
  const r: DataReader = new DataReader('recipe', '');
  if (value === undefined) return structuredClone(EMPTY_USER_ADDITIONS) as UserAdditions;
  const o = r.object(value, path, KEYS);
  const characters = o.characters === undefined ? '' : o.characters;
  if (typeof characters !== 'string') r.fail(joinPath(path, 'characters'), 'must be a string');
  return {
    characters,
    voices: list(r, o.voices, joinPath(path, 'voices'), USER_LIMITS.files),
    domains: list(r, o.domains, joinPath(path, 'domains'), USER_LIMITS.files),
    personas: list(r, o.personas, joinPath(path, 'personas'), USER_LIMITS.files),
    conditions: list(r, o.conditions, joinPath(path, 'conditions'), USER_LIMITS.conditions),
    probes: list(r, o.probes, joinPath(path, 'probes'), USER_LIMITS.probes),
  };
}

/** Replaces the bundled file whose data has the same id, or appends the user's file. */
function placeFiles(bundled: DataFile[], added: unknown[], path: string): DataFile[] {
  const out = [...bundled];
  added.forEach((data, i) => {
    const file = { path: joinPath(path, i), data };
    const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
    const at = out.findIndex((f) => (f.data as { id?: unknown }).id === id);
    if (at >= 0 && typeof id === 'string') out[at] = file;
    else out.push(file);
  });
  return out;
}

/** Every text item of a file at most USER_LIMITS.textLength characters (names the first that is not). */
function checkLengths(value: unknown, file: string, path = ''): void {
  if (typeof value === 'string') {
    if (value.length > USER_LIMITS.textLength) {
      throw new CorpusDataError(
        file,
        path,
        `is ${value.length} characters long; at most ${USER_LIMITS.textLength} fit in one episode`,
      );
    }
  } else if (Array.isArray(value)) {
    if (value.length > USER_LIMITS.templates && !path.endsWith('pairs'))
      throw new CorpusDataError(
        file,
        path,
        `holds ${value.length} entries; at most ${USER_LIMITS.templates}`,
      );
    value.forEach((item, i) => checkLengths(item, file, joinPath(path, i)));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) checkLengths(item, file, joinPath(path, key));
  }
}

function fillerLists(r: DataReader, value: unknown, path: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  if (value === undefined) return out;
  const o = r.object(value, path);
  for (const [key, items] of Object.entries(o)) {
    if (!ID.test(key)) r.fail(joinPath(path, key), 'must be a slot name (a letter, then letters or digits)');
    if ((NUMBER_SLOTS as readonly string[]).includes(key))
      r.fail(joinPath(path, key), 'is a built-in number slot');
    out[key] = r.textList(items, joinPath(path, key));
  }
  return out;
}

function templateList(r: DataReader, value: unknown, path: string, slots: readonly string[]): string[] {
  const items = r.textList(value, path);
  items.forEach((t, i) => r.slots(t, joinPath(path, i), slots));
  return items;
}

function id(r: DataReader, value: unknown, path: string): string {
  const text = r.string(value, path);
  if (!ID.test(text)) r.fail(path, 'must be an identifier (a letter, then letters or digits)');
  return text;
}

function validateCondition(raw: unknown, file: string, format: FormatData, taken: Set<string>) {
  checkLengths(raw, file);
  const r: DataReader = new DataReader(file, format.contentAlphabet);
  const o = r.object(raw, '', [
    'id',
    'title',
    'about',
    'control',
    'fillers',
    'prompts',
    'answers',
    'controlAnswers',
    'pairs',
  ]);
  const conditionId = id(r, o.id, 'id');
  const controlId = `${conditionId}Control`;
  for (const used of [conditionId, controlId])
    if (taken.has(used)) r.fail('id', `${JSON.stringify(used)} is already a condition`);
  taken.add(conditionId).add(controlId);
  const control = r.object(o.control ?? {}, 'control', ['title']);
  const fillers = fillerLists(r, o.fillers, 'fillers');
  const slots = [...NUMBER_SLOTS, ...Object.keys(fillers)];
  const templated = o.prompts !== undefined || o.answers !== undefined || o.controlAnswers !== undefined;
  if (templated === (o.pairs !== undefined))
    r.fail('pairs', 'give either prompts, answers and controlAnswers (templates) or pairs, not both');
  let pairs: UserConditionData['pairs'] = [];
  if (o.pairs !== undefined) {
    if (!Array.isArray(o.pairs) || o.pairs.length === 0) r.fail('pairs', 'must be a non-empty list');
    if (o.pairs.length > USER_LIMITS.pairs)
      r.fail('pairs', `holds ${o.pairs.length}; at most ${USER_LIMITS.pairs}`);
    pairs = o.pairs.map((item, i) => {
      const p = joinPath('pairs', i);
      const pair = r.object(item, p, ['prompt', 'answer', 'control']);
      const text = (key: string) => {
        const value = r.text(pair[key], joinPath(p, key));
        r.slots(value, joinPath(p, key), []);
        return value;
      };
      const out = { prompt: text('prompt'), answer: text('answer'), control: text('control') };
      if (out.answer === out.control) r.fail(joinPath(p, 'control'), 'must differ from the answer');
      return out;
    });
  }
  return {
    id: conditionId,
    title: r.string(o.title, 'title'),
    about: o.about === undefined ? '' : r.string(o.about, 'about'),
    controlId,
    controlTitle:
      control.title === undefined ? `control of ${conditionId}` : r.string(control.title, 'control.title'),
    fillers,
    prompts: templated ? templateList(r, o.prompts, 'prompts', slots) : [],
    answers: templated ? templateList(r, o.answers, 'answers', slots) : [],
    controlAnswers: templated ? templateList(r, o.controlAnswers, 'controlAnswers', slots) : [],
    pairs,
  };
}

function validateProbe(raw: unknown, file: string, data: CorpusData, taken: Set<string>): UserProbeData {
  checkLengths(raw, file);
  const r: DataReader = new DataReader(file, data.format.contentAlphabet);
  const o = r.object(raw, '', ['id', 'about', 'fillers', 'prompts', 'candidates', 'count']);
  const probeId = id(r, o.id, 'id');
  if (taken.has(probeId) || Object.hasOwn(data.domains, probeId))
    r.fail('id', `${JSON.stringify(probeId)} already names a domain or another probe set`);
  taken.add(probeId);
  const fillers = fillerLists(r, o.fillers, 'fillers');
  const slots = [...NUMBER_SLOTS, ...Object.keys(fillers)];
  const personaIds = data.personas.map((p) => p.id);
  const candidatesIn = r.object(o.candidates, 'candidates', personaIds);
  const candidates: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [persona, text] of Object.entries(candidatesIn)) {
    const path = joinPath('candidates', persona);
    candidates[persona] = r.text(text, path);
    r.slots(candidates[persona], path, slots);
  }
  const entries = Object.entries(candidates);
  if (entries.length < 2) r.fail('candidates', 'must give at least two personas an answer');
  entries.forEach(([persona, text], i) => {
    const twin = entries.findIndex(([, other]) => other === text);
    if (twin < i) r.fail(joinPath('candidates', persona), `is the same answer as ${entries[twin]![0]}'s`);
  });
  return {
    id: probeId,
    about: o.about === undefined ? '' : r.string(o.about, 'about'),
    fillers,
    prompts: templateList(r, o.prompts, 'prompts', slots),
    candidates,
    count: o.count === undefined ? 8 : r.integer(o.count, 'count', 1, USER_LIMITS.probeCount),
  };
}

/**
 * The corpus data of an experiment: the bundled files with the user's voices, domains and personas put
 * in (the same cross-file checks run over the whole), the content alphabet grown by the user's
 * characters, and the user's conditions and probes. The bundled data itself when the section is empty.
 */
export function userCorpusData(user: UserAdditions, conditionIds: readonly string[]): CorpusData {
  const files: CorpusFiles = bundledCorpusFiles();
  const format = files.format.data as { contentAlphabet: string; separator: string };
  const refused = refusedCharacters(user.characters, format as FormatData);
  if (refused.length > 0) {
    throw new CorpusDataError(
      'user',
      'characters',
      `has ${refused.map((c) => JSON.stringify(c)).join(', ')}, which the vocabulary cannot take ` +
        `(printable ASCII only, not braces or the separator ${JSON.stringify(format.separator)})`,
    );
  }
  const extra = [...new Set(user.characters)].filter((c) => !format.contentAlphabet.includes(c));
  if (extra.length > USER_LIMITS.characters) {
    throw new CorpusDataError(
      'user',
      'characters',
      `adds ${extra.length} characters to the vocabulary; at most ${USER_LIMITS.characters}`,
    );
  }
  format.contentAlphabet += extra.join('');
  const added = (kind: 'voices' | 'domains' | 'personas') => user[kind];
  for (const kind of ['voices', 'domains', 'personas'] as const)
    added(kind).forEach((raw, i) => checkLengths(raw, `user.${kind}[${i}]`));
  files.voices = placeFiles(files.voices, added('voices'), 'user.voices');
  files.domains = placeFiles(files.domains, added('domains'), 'user.domains');
  files.personas = placeFiles(files.personas, added('personas'), 'user.personas');
  const data = validateCorpusData(files);
  const taken = new Set(conditionIds);
  const conditions = user.conditions.map((raw, i) =>
    validateCondition(raw, `user.conditions[${i}]`, data.format, taken),
  );
  const probeIds = new Set<string>();
  const probes = user.probes.map((raw, i) => validateProbe(raw, `user.probes[${i}]`, data, probeIds));
  return { ...data, user: { characters: extra.join(''), conditions, probes } };
}
