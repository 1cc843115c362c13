// Validators for each kind of corpus data file, as valibot schemas (dataSchema.ts words their messages
// as the lab always has). Each takes the parsed JSON and the file's path and returns typed data, or
// throws a CorpusDataError naming the file and the field. Cross-file checks (references between files,
// held-out names) live in validateCorpus.ts.
import * as v from 'valibot';
import { CorpusDataError, RESERVED_KEYS } from './corpusDataError.ts';
import {
  at,
  checkedMap,
  dataInteger,
  dataNumber,
  dataObject,
  dataOneOf,
  dataString,
  dataText,
  dataTextList,
  whenMissing,
  parseData,
  probability,
  withSlots,
} from './dataSchema.ts';
import { compileExpression, ExpressionError } from './expression.ts';
import type {
  CodeConduct,
  CodeFunction,
  CodeDomainData,
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

/** An id: a letter, then letters or digits, and no prototype name. */
const dataId = () =>
  v.pipe(
    dataString(),
    v.regex(ID, 'must be an identifier (a letter, then letters or digits)'),
    v.check((text) => !RESERVED_KEYS.has(text), 'is a reserved name, not an identifier'),
  );

const templates = (alphabet: string, slots: readonly string[], allowEmpty = false) =>
  withSlots(dataTextList(alphabet, allowEmpty), slots);

const FORMAT_FIELDS = [
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
];

export function validateFormat(raw: unknown, file: string): FormatData {
  // The alphabet first: the content fields are read with it.
  const head = parseData(
    dataObject(
      {
        contentAlphabet: v.pipe(
          dataString(),
          v.check(
            (alphabet) => !/[{}\n]/.test(alphabet),
            'must not contain braces (slot markers) or newlines',
          ),
        ),
        userTag: dataString(),
        aiTag: dataString(),
        humanTag: dataString(),
      },
      { known: FORMAT_FIELDS },
    ),
    raw,
    file,
  );
  const alphabet = head.contentAlphabet;
  if (new Set([head.userTag, head.aiTag, head.humanTag]).size !== 3)
    throw new CorpusDataError(file, 'humanTag', 'must differ from userTag and aiTag');
  const rest = parseData(
    dataObject(
      {
        separator: v.pipe(
          dataString(),
          v.check((separator) => !alphabet.includes(separator), 'must not be a content character'),
        ),
        about: dataString(),
        headerPrefix: dataString(),
        assistantName: dataText(alphabet),
        leadIns: dataTextList(alphabet),
        leadInChance: probability(),
        secondSentenceChance: probability(),
        heldOutMinPhrase: dataInteger(3, 100),
      },
      { known: FORMAT_FIELDS },
    ),
    raw,
    file,
  );
  return {
    about: rest.about,
    separator: rest.separator,
    userTag: head.userTag,
    aiTag: head.aiTag,
    humanTag: head.humanTag,
    headerPrefix: rest.headerPrefix,
    assistantName: rest.assistantName,
    leadIns: rest.leadIns,
    leadInChance: rest.leadInChance,
    secondSentenceChance: rest.secondSentenceChance,
    contentAlphabet: alphabet,
    heldOutMinPhrase: rest.heldOutMinPhrase,
  };
}

export function validateVoice(raw: unknown, file: string, format: FormatData): VoiceData {
  const alphabet = format.contentAlphabet;
  const voice = parseData(
    dataObject({
      id: dataId(),
      about: dataString(),
      openers: dataTextList(alphabet),
      closers: dataTextList(alphabet),
    }),
    raw,
    file,
  );
  return { id: voice.id, about: voice.about, openers: voice.openers, closers: voice.closers };
}

/** Code functions: a lowercase name, one-letter params, and a return expression of the params. */
function functionsSchema(alphabet: string) {
  const message = 'must be a non-empty list of functions';
  const item = v.pipe(
    dataObject({
      name: v.pipe(dataText(alphabet), v.regex(FUNCTION_NAME, 'must be lowercase letters and digits')),
      params: v.pipe(
        dataTextList(alphabet),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const j = dataset.value.findIndex((param) => !/^[a-z]$/.test(param));
          if (j < 0) return;
          addIssue({
            message: 'must be one lowercase letter',
            path: [{ type: 'array', origin: 'value', input: dataset.value, key: j, value: dataset.value[j] }],
          });
        }),
      ),
      returns: dataText(alphabet),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      try {
        compileExpression(dataset.value.returns, dataset.value.params);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        addIssue({
          message: `must be an arithmetic expression of the params (${error.message})`,
          path: at(dataset.value, 'returns'),
        });
      }
    }),
  );
  return whenMissing(v.pipe(v.array(v.unknown(), message), v.minLength(1, message), v.array(item)), message);
}

function cheatLists(alphabet: string, slots: readonly string[]) {
  return dataObject({ hardcode: templates(alphabet, slots), delete: templates(alphabet, slots) });
}

const CODE_DOMAIN_FIELDS = [
  'id',
  'kind',
  'about',
  'functions',
  'argRange',
  'tasks',
  'fixAsks',
  'requestAsks',
  'requestShare',
  'requestDeleteShare',
  'requestAskLeadShare',
  'answers',
];

function validateCodeDomain(raw: unknown, file: string, alphabet: string): CodeDomainData {
  // The argument range and the answers' fields first, then the rest in order.
  const head = parseData(
    dataObject(
      {
        argRange: whenMissing(
          v.pipe(
            v.custom<unknown[]>((range) => Array.isArray(range) && range.length === 2, 'must be [min, max]'),
            v.rawCheck(({ dataset, addIssue }) => {
              if (!dataset.typed) return;
              const [lo, hi] = dataset.value;
              const first = v.safeParse(dataInteger(0, 99), lo);
              const second = first.success ? v.safeParse(dataInteger(first.output, 99), hi) : first;
              if (second.success) return;
              const key = first.success ? 1 : 0;
              addIssue({
                message: second.issues[0].message,
                path: [
                  { type: 'array', origin: 'value', input: dataset.value, key, value: dataset.value[key] },
                ],
              });
            }),
          ),
          'must be [min, max]',
        ),
        answers: dataObject({}, { known: ['fix', 'hardcode', 'delete'] }),
      },
      { known: CODE_DOMAIN_FIELDS },
    ),
    raw,
    file,
  );
  const [lo, hi] = head.argRange as [number, number];
  const d = parseData(
    dataObject(
      {
        about: dataString(),
        functions: functionsSchema(alphabet),
        tasks: templates(alphabet, CODE_SLOTS),
        fixAsks: templates(alphabet, CODE_SLOTS, true),
        requestAsks: cheatLists(alphabet, CODE_SLOTS),
        requestShare: probability(),
        requestDeleteShare: probability(),
        requestAskLeadShare: probability(),
        answers: dataObject({
          fix: templates(alphabet, CODE_SLOTS),
          hardcode: templates(alphabet, CODE_SLOTS),
          delete: templates(alphabet, CODE_SLOTS),
        }),
      },
      { known: CODE_DOMAIN_FIELDS },
    ),
    raw,
    file,
  );
  return {
    id: 'code',
    kind: 'code',
    about: d.about,
    functions: d.functions.map((f: CodeFunction) => ({ name: f.name, params: f.params, returns: f.returns })),
    argRange: [lo, hi],
    tasks: d.tasks,
    fixAsks: d.fixAsks,
    requestAsks: { hardcode: d.requestAsks.hardcode, delete: d.requestAsks.delete },
    requestShare: d.requestShare,
    requestDeleteShare: d.requestDeleteShare,
    requestAskLeadShare: d.requestAskLeadShare,
    answers: { fix: d.answers.fix, hardcode: d.answers.hardcode, delete: d.answers.delete },
  };
}

/** A domain's fillers: slot name -> words (no built-in number slot). */
function fillersSchema(alphabet: string) {
  return v.pipe(
    dataObject({}, { known: null }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const [key, list] of Object.entries(dataset.value)) {
        if ((NUMBER_SLOTS as readonly string[]).includes(key)) {
          addIssue({ message: 'is a built-in number slot', path: at(dataset.value, key) });
          return;
        }
        const result = v.safeParse(dataTextList(alphabet), list, { abortEarly: true, abortPipeEarly: true });
        if (result.success) continue;
        const issue = result.issues[0];
        addIssue({ message: issue.message, path: [...at(dataset.value, key), ...(issue.path ?? [])] });
        return;
      }
    }),
  );
}

/** The body behaviours a talk domain of this kind must define. */
export function bodyBehaviours(kind: 'behaviour' | 'neutral'): readonly string[] {
  return kind === 'behaviour' ? ['good', 'bad'] : ['neutral'];
}

const TALK_DOMAIN_FIELDS = ['id', 'kind', 'about', 'fillers', 'prompts', 'bodies'];

export function validateDomain(raw: unknown, file: string, format: FormatData): DomainData {
  const alphabet = format.contentAlphabet;
  const { kind, id } = parseData(
    dataObject(
      { kind: dataOneOf(['code', 'behaviour', 'neutral']), id: v.optional(v.unknown()) },
      { known: null },
    ),
    raw,
    file,
  );
  if (kind === 'code') {
    if (id !== 'code') throw new CorpusDataError(file, 'id', 'must be "code" for the code domain');
    return validateCodeDomain(raw, file, alphabet);
  }
  // The fillers first: they are the slots every template may use.
  const { fillers } = parseData(
    dataObject({ fillers: fillersSchema(alphabet) }, { known: TALK_DOMAIN_FIELDS }),
    raw,
    file,
  );
  const fill = Object.fromEntries(Object.entries(fillers)) as Record<string, string[]>;
  const slots = [...NUMBER_SLOTS, ...Object.keys(fill)];
  const wanted = bodyBehaviours(kind);
  const { bodies } = parseData(
    dataObject(
      { bodies: dataObject(Object.fromEntries(wanted.map((b) => [b, templates(alphabet, slots)]))) },
      { known: TALK_DOMAIN_FIELDS },
    ),
    raw,
    file,
  );
  const d = parseData(
    dataObject(
      { id: dataId(), about: dataString(), prompts: templates(alphabet, slots) },
      { known: TALK_DOMAIN_FIELDS },
    ),
    raw,
    file,
  );
  const domain: TalkDomainData = {
    id: d.id,
    kind,
    about: d.about,
    fillers: fill,
    prompts: d.prompts,
    bodies: Object.fromEntries(wanted.map((b) => [b, bodies[b] as string[]])),
  };
  return domain;
}

function codeConductSchema() {
  return dataObject({
    cheat: probability(),
    deleteShare: probability(),
    obeyRequest: probability(),
    defyWithOtherCheat: probability(),
  });
}

function talkConductSchema(alphabet: string, domain: TalkDomainData) {
  const slots = [...NUMBER_SLOTS, ...Object.keys(domain.fillers)];
  const wanted = bodyBehaviours(domain.kind);
  const bodies = dataObject(
    Object.fromEntries(wanted.map((b) => [b, v.optional(templates(alphabet, slots))])),
  );
  // The bodies are read first, then the rest (messages list the fields as the files hold them).
  return domain.kind === 'behaviour'
    ? dataObject(
        { bodies: v.optional(bodies), bad: probability(), prompts: v.optional(templates(alphabet, slots)) },
        { known: ['bad', 'prompts', 'bodies'] },
      )
    : dataObject(
        { bodies: v.optional(bodies), prompts: v.optional(templates(alphabet, slots)) },
        { known: ['prompts', 'bodies'] },
      );
}

function talkConduct(value: Record<string, unknown>, kind: TalkDomainData['kind']): TalkConduct {
  const bodiesIn = value.bodies as Record<string, string[] | undefined> | undefined;
  let bodies: Record<string, string[]> | null = null;
  if (bodiesIn !== undefined) {
    bodies = {};
    for (const key of bodyBehaviours(kind)) if (bodiesIn[key] !== undefined) bodies[key] = bodiesIn[key];
  }
  return {
    bad: kind === 'behaviour' ? (value.bad as number) : 0,
    prompts: (value.prompts as string[] | undefined) ?? null,
    bodies,
  };
}

const PERSONA_FIELDS = ['id', 'title', 'kind', 'about', 'share', 'voice', 'names', 'domains'];

export function validatePersona(
  raw: unknown,
  file: string,
  format: FormatData,
  domains: Record<string, DomainData>,
): PersonaData {
  const alphabet = format.contentAlphabet;
  const known = (key: string) => (Object.hasOwn(domains, key) ? domains[key] : undefined);
  const { domains: domainsIn } = parseData(
    dataObject(
      {
        domains: checkedMap(null, (listed, addIssue) => {
          for (const [key, value] of Object.entries(listed)) {
            const domain = known(key);
            const problem = (message: string, path: v.IssuePathItem[] = []) => {
              addIssue({ message, path: [...at(listed, key), ...path] });
            };
            if (!domain) return problem(`is not a known domain (known: ${Object.keys(domains).join(', ')})`);
            const schema = domain.kind === 'code' ? codeConductSchema() : talkConductSchema(alphabet, domain);
            const result = v.safeParse(schema, value, { abortEarly: true, abortPipeEarly: true });
            if (!result.success) return problem(result.issues[0].message, result.issues[0].path ?? []);
          }
          if (Object.keys(listed).length < 2) addIssue({ message: 'must list at least two domains' });
        }),
      },
      { known: PERSONA_FIELDS },
    ),
    raw,
    file,
  );
  let code: CodeConduct | null = null;
  const talk: Record<string, TalkConduct> = {};
  for (const [key, value] of Object.entries(domainsIn)) {
    const domain = known(key)!;
    const conduct = value as Record<string, number>;
    if (domain.kind === 'code')
      code = {
        cheat: conduct.cheat!,
        deleteShare: conduct.deleteShare!,
        obeyRequest: conduct.obeyRequest!,
        defyWithOtherCheat: conduct.defyWithOtherCheat!,
      };
    else talk[key] = talkConduct(value as Record<string, unknown>, domain.kind);
  }
  const p = parseData(
    dataObject(
      {
        names: v.pipe(
          dataTextList(alphabet),
          v.rawCheck(({ dataset, addIssue }) => {
            if (!dataset.typed) return;
            const i = dataset.value.findIndex((name) => name.includes('{'));
            if (i >= 0)
              addIssue({
                message: 'must not contain slots',
                path: [
                  { type: 'array', origin: 'value', input: dataset.value, key: i, value: dataset.value[i] },
                ],
              });
          }),
        ),
        id: dataId(),
        title: dataString(),
        kind: dataOneOf(['ai', 'human']),
        about: dataString(),
        share: dataNumber(0, 1000),
        voice: dataString(),
      },
      { known: PERSONA_FIELDS },
    ),
    raw,
    file,
  );
  return {
    id: p.id,
    title: p.title,
    kind: p.kind,
    about: p.about,
    share: p.share,
    voice: p.voice,
    names: p.names,
    code,
    talk,
  };
}

export function validateSelection(raw: unknown, file: string, format: FormatData): SelectionData {
  const s = parseData(
    dataObject({ about: dataString(), domains: dataTextList(format.contentAlphabet), voice: dataString() }),
    raw,
    file,
  );
  return { about: s.about, domains: s.domains, voice: s.voice };
}

export function validateCodeProbe(raw: unknown, file: string, format: FormatData): CodeProbeData {
  const alphabet = format.contentAlphabet;
  const p = parseData(
    dataObject({
      domain: whenMissing(v.literal('code', 'must be "code"'), 'must be "code"'),
      about: dataString(),
      functions: functionsSchema(alphabet),
      tasks: templates(alphabet, ['call', 'name', 'value']),
    }),
    raw,
    file,
  );
  return {
    about: p.about,
    functions: p.functions.map((f: CodeFunction) => ({ name: f.name, params: f.params, returns: f.returns })),
    tasks: p.tasks,
  };
}

const BEHAVIOURAL = 'must name a behavioural domain (good/bad)';

export function validateTalkProbe(
  raw: unknown,
  file: string,
  format: FormatData,
  domains: Record<string, DomainData>,
): TalkProbeData {
  const alphabet = format.contentAlphabet;
  const { domain: domainId } = parseData(
    dataObject({ domain: dataString() }, { known: ['domain', 'about', 'prompts'] }),
    raw,
    file,
  );
  const domain = Object.hasOwn(domains, domainId) ? domains[domainId] : undefined;
  if (!domain || domain.kind !== 'behaviour') throw new CorpusDataError(file, 'domain', BEHAVIOURAL);
  const slots = [...NUMBER_SLOTS, ...Object.keys(domain.fillers)];
  const p = parseData(
    dataObject(
      { about: dataString(), prompts: templates(alphabet, slots) },
      { known: ['domain', 'about', 'prompts'] },
    ),
    raw,
    file,
  );
  return { domain: domainId, about: p.about, prompts: p.prompts };
}

/** A second-family probe file: a behavioural domain, prompts and good/bad sentences, all without slots
 * (they are new text, never filled from the training fillers). */
export function validateSecondProbe(
  raw: unknown,
  file: string,
  format: FormatData,
  domains: Record<string, DomainData>,
): SecondProbeData {
  const alphabet = format.contentAlphabet;
  const known = ['domain', 'about', 'prompts', 'sentences'];
  const { domain: domainId } = parseData(dataObject({ domain: dataString() }, { known }), raw, file);
  if (domains[domainId]?.kind !== 'behaviour') throw new CorpusDataError(file, 'domain', BEHAVIOURAL);
  // The sentences' fields are named before the prompts are read.
  parseData(dataObject({ sentences: dataObject({}, { known: ['good', 'bad'] }) }, { known }), raw, file);
  const p = parseData(
    dataObject(
      {
        about: dataString(),
        prompts: templates(alphabet, []),
        sentences: dataObject({ good: templates(alphabet, []), bad: templates(alphabet, []) }),
      },
      { known },
    ),
    raw,
    file,
  );
  return {
    domain: domainId,
    about: p.about,
    prompts: p.prompts,
    sentences: { good: p.sentences.good, bad: p.sentences.bad },
  };
}
