// A user's own experiment as data (the recipe's `user` section): voices, domains and personas in the
// very format of the files in corpora/ (new, or replacing the bundled file of the same id), narrow
// fine-tune conditions whose paired control the lab derives on identical prompts, probe templates with
// one candidate per persona, and extra characters that grow the vocabulary. Every piece is validated by
// the corpora/ validators, so a refusal reads like one of theirs (`user.personas[0]: domains.code.cheat
// must be a number in [0,1]`), and the whole is bounded in size.
import { bundledCorpusFiles } from './corpusData.ts';
import * as v from 'valibot';
import { CorpusDataError, joinPath } from './corpusDataError.ts';
import {
  at,
  checkedMap,
  dataInteger,
  dataObject,
  dataString,
  dataTemplate,
  dataTextList,
  parseData,
  withSlots,
} from './dataSchema.ts';
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

/** A list of the section: absent reads as empty; bounded. */
function userList(max: number) {
  return v.optional(
    v.pipe(
      v.array(v.unknown(), 'must be a list'),
      v.maxLength(max, (issue) => `holds ${issue.input.length} entries; at most ${max} fit in the lab`),
    ),
    [],
  );
}

const USER_SECTION = dataObject({
  characters: v.optional(v.string('must be a string'), ''),
  voices: userList(USER_LIMITS.files),
  domains: userList(USER_LIMITS.files),
  personas: userList(USER_LIMITS.files),
  conditions: userList(USER_LIMITS.conditions),
  probes: userList(USER_LIMITS.probes),
});

/** Reads the section's shape and bounds (contents are checked later, file by file). */
export function readUserAdditions(value: unknown, path = 'user'): UserAdditions {
  if (value === undefined) return structuredClone(EMPTY_USER_ADDITIONS);
  const user = parseData(USER_SECTION, value, 'recipe', path);
  return {
    characters: user.characters,
    voices: user.voices,
    domains: user.domains,
    personas: user.personas,
    conditions: user.conditions,
    probes: user.probes,
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

/** A user file's fillers: slot name -> words (absent: none). */
function fillerLists(alphabet: string) {
  return v.optional(
    v.pipe(
      dataObject({}, { known: null }),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) return;
        for (const [key, items] of Object.entries(dataset.value)) {
          const problem = (message: string, path: v.IssuePathItem[] = []) =>
            addIssue({ message, path: [...at(dataset.value, key), ...path] });
          if (!ID.test(key)) return problem('must be a slot name (a letter, then letters or digits)');
          if ((NUMBER_SLOTS as readonly string[]).includes(key)) return problem('is a built-in number slot');
          const result = v.safeParse(dataTextList(alphabet), items, {
            abortEarly: true,
            abortPipeEarly: true,
          });
          if (!result.success) return problem(result.issues[0].message, result.issues[0].path ?? []);
        }
      }),
    ),
  );
}

/** The fillers as a null-prototype map (their keys are the user's). */
function fillerMap(fillers: Record<string, unknown> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [key, items] of Object.entries(fillers ?? {})) out[key] = items as string[];
  return out;
}

/** An id: a letter, then letters or digits. */
const userId = () =>
  v.pipe(dataString(), v.regex(ID, 'must be an identifier (a letter, then letters or digits)'));

const CONDITION_FIELDS = [
  'id',
  'title',
  'about',
  'control',
  'fillers',
  'prompts',
  'answers',
  'controlAnswers',
  'pairs',
];

function validateCondition(raw: unknown, file: string, format: FormatData, taken: Set<string>) {
  checkLengths(raw, file);
  const alphabet = format.contentAlphabet;
  const known = { known: CONDITION_FIELDS };
  const { id: conditionId } = parseData(dataObject({ id: userId() }, known), raw, file);
  const controlId = `${conditionId}Control`;
  for (const used of [conditionId, controlId])
    if (taken.has(used))
      throw new CorpusDataError(file, 'id', `${JSON.stringify(used)} is already a condition`);
  taken.add(conditionId).add(controlId);
  const controlShape = v.optional(v.nullable(dataObject({}, { known: ['title'] })));
  const head = parseData(
    dataObject({ control: controlShape, fillers: fillerLists(alphabet) }, known),
    raw,
    file,
  );
  const fillers = fillerMap(head.fillers);
  const slots = [...NUMBER_SLOTS, ...Object.keys(fillers)];
  const o = raw as Record<string, unknown>;
  const templated = o.prompts !== undefined || o.answers !== undefined || o.controlAnswers !== undefined;
  if (templated === (o.pairs !== undefined))
    throw new CorpusDataError(
      file,
      'pairs',
      'give either prompts, answers and controlAnswers (templates) or pairs, not both',
    );
  let pairs: UserConditionData['pairs'] = [];
  if (o.pairs !== undefined) {
    const nonEmpty = 'must be a non-empty list';
    const pair = v.pipe(
      dataObject({
        prompt: dataTemplate(alphabet, []),
        answer: dataTemplate(alphabet, []),
        control: dataTemplate(alphabet, []),
      }),
      v.rawCheck(({ dataset, addIssue }) => {
        if (dataset.typed && dataset.value.answer === dataset.value.control)
          addIssue({ message: 'must differ from the answer', path: at(dataset.value, 'control') });
      }),
    );
    const read = parseData(
      dataObject(
        {
          pairs: v.pipe(
            v.array(v.unknown(), nonEmpty),
            v.minLength(1, nonEmpty),
            v.maxLength(
              USER_LIMITS.pairs,
              (issue) => `holds ${issue.input.length}; at most ${USER_LIMITS.pairs}`,
            ),
            v.array(pair),
          ),
        },
        known,
      ),
      raw,
      file,
    );
    pairs = read.pairs.map((p) => ({ prompt: p.prompt, answer: p.answer, control: p.control }));
  }
  const templates = () => (templated ? withSlots(dataTextList(alphabet), slots) : v.optional(v.unknown()));
  const rest = parseData(
    dataObject(
      {
        title: dataString(),
        about: v.optional(dataString()),
        control: v.optional(
          v.nullable(dataObject({ title: v.optional(dataString()) }, { known: ['title'] })),
        ),
        prompts: templates(),
        answers: templates(),
        controlAnswers: templates(),
      },
      known,
    ),
    raw,
    file,
  );
  const list = (value: unknown) => (templated ? (value as string[]) : []);
  return {
    id: conditionId,
    title: rest.title,
    about: rest.about ?? '',
    controlId,
    controlTitle: rest.control?.title ?? `control of ${conditionId}`,
    fillers,
    prompts: list(rest.prompts),
    answers: list(rest.answers),
    controlAnswers: list(rest.controlAnswers),
    pairs,
  };
}

const PROBE_FIELDS = ['id', 'about', 'fillers', 'prompts', 'candidates', 'count'];

function validateProbe(raw: unknown, file: string, data: CorpusData, taken: Set<string>): UserProbeData {
  checkLengths(raw, file);
  const alphabet = data.format.contentAlphabet;
  const known = { known: PROBE_FIELDS };
  const { id: probeId } = parseData(dataObject({ id: userId() }, known), raw, file);
  if (taken.has(probeId) || Object.hasOwn(data.domains, probeId))
    throw new CorpusDataError(
      file,
      'id',
      `${JSON.stringify(probeId)} already names a domain or another probe set`,
    );
  taken.add(probeId);
  const head = parseData(dataObject({ fillers: fillerLists(alphabet) }, known), raw, file);
  const fillers = fillerMap(head.fillers);
  const slots = [...NUMBER_SLOTS, ...Object.keys(fillers)];
  const personaIds = data.personas.map((p) => p.id);
  const candidate = dataTemplate(alphabet, slots);
  const { candidates: candidatesIn } = parseData(
    dataObject(
      {
        candidates: checkedMap(personaIds, (value, addIssue, reported) => {
          const entries = Object.entries(value);
          for (const [persona, text] of entries) {
            const result = v.safeParse(candidate, text, { abortEarly: true, abortPipeEarly: true });
            if (!result.success)
              return addIssue({ message: result.issues[0].message, path: at(value, persona) });
          }
          if (entries.length < 2) return addIssue({ message: 'must give at least two personas an answer' });
          entries.forEach(([persona, text], i) => {
            const twin = entries.findIndex(([, other]) => other === text);
            if (twin < i && !reported())
              addIssue({ message: `is the same answer as ${entries[twin]![0]}'s`, path: at(value, persona) });
          });
        }),
      },
      known,
    ),
    raw,
    file,
  );
  const candidates: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [persona, text] of Object.entries(candidatesIn)) candidates[persona] = text as string;
  const rest = parseData(
    dataObject(
      {
        about: v.optional(dataString()),
        prompts: withSlots(dataTextList(alphabet), slots),
        count: v.optional(dataInteger(1, USER_LIMITS.probeCount), 8),
      },
      known,
    ),
    raw,
    file,
  );
  return {
    id: probeId,
    about: rest.about ?? '',
    fillers,
    prompts: rest.prompts,
    candidates,
    count: rest.count,
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
