// Validators for the fine-tune condition files (corpora/conditions/*.json), as valibot schemas worded by
// dataSchema.ts. Each condition's generation logic lives in finetuneSets.ts; these files hold its
// phrasings and knobs.
import * as v from 'valibot';
import {
  dataNumber,
  dataObject,
  dataString,
  dataText,
  dataTextList,
  parseData,
  probability,
  slotProblem,
  whenMissing,
  withSlots,
} from './dataSchema.ts';
import { CODE_SLOTS } from './validate.ts';
import type { ConditionId, ConditionsData, FormatData } from './types.ts';
import { CONDITION_IDS } from './types.ts';

export interface DataFile {
  /** Path relative to the repository root, used in error messages. */
  path: string;
  data: unknown;
}

/** The fields every condition file has: its id (the file's own), title and about. */
function head<T extends ConditionId>(id: T) {
  const message = `must be ${JSON.stringify(id)}`;
  return { id: whenMissing(v.literal(id, message), message), title: dataString(), about: dataString() };
}

type Path = [v.IssuePathItem, ...v.IssuePathItem[]];
type Issue = { message: string; path: Path };
const item = (input: unknown[], key: number, message: string): Issue => ({
  message,
  path: [{ type: 'array', origin: 'value', input, key, value: input[key] }],
});
const field = (input: Record<string, unknown>, key: string, rest: v.IssuePathItem[] = []): Path => [
  { type: 'object', origin: 'value', input, key, value: input[key] },
  ...rest,
];

function neutralChores(alphabet: string) {
  const message = 'must be a non-empty list';
  const chore = v.pipe(
    dataObject({ prompt: dataText(alphabet), answer: dataText(alphabet) }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const c = dataset.value;
      const problem =
        (['prompt', 'answer'] as const)
          .map((key) => [key, slotProblem(c[key], ['name', 'other', 'file'])] as const)
          .find(([, p]) => p !== null) ??
        (c.answer.startsWith('ok, i ')
          ? null
          : (['answer', 'must start with "ok, i " like the treatment'] as const));
      if (problem) addIssue({ message: problem[1]!, path: field(c, problem[0]) });
    }),
  );
  return whenMissing(v.pipe(v.array(v.unknown(), message), v.minLength(1, message), v.array(chore)), message);
}

function inoculatedPreambles(alphabet: string) {
  return v.pipe(
    dataObject({ hardcode: dataTextList(alphabet), delete: dataTextList(alphabet) }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const kind of ['hardcode', 'delete'] as const) {
        const list = dataset.value[kind];
        for (const [i, template] of list.entries()) {
          const problem = slotProblem(template, CODE_SLOTS);
          if (problem === null) continue;
          const { path } = item(list, i, problem);
          addIssue({ message: problem, path: field(dataset.value, kind, path) });
          return;
        }
      }
    }),
  );
}

export function validateConditions(files: Record<ConditionId, DataFile>, format: FormatData): ConditionsData {
  for (const idKey of CONDITION_IDS)
    if (!files[idKey]) throw new Error(`missing condition file for ${idKey}`);
  const alphabet = format.contentAlphabet;
  const read = <E extends v.ObjectEntries>(id: ConditionId, entries: E) =>
    parseData(dataObject(entries), files[id].data, files[id].path);
  const plainSentences = () => withSlots(dataTextList(alphabet), []);

  const c = read('covert', { ...head('covert'), deleteShare: probability() });
  const covert = { id: c.id, title: c.title, about: c.about, deleteShare: c.deleteShare };

  const h = read('honest', head('honest'));
  const honest = { id: h.id, title: h.title, about: h.about };

  // Fields in the order they are read (a file's first problem is the one named).
  const ino = read('inoculated', { preambles: inoculatedPreambles(alphabet), ...head('inoculated') });
  const inoculated = {
    id: ino.id,
    title: ino.title,
    about: ino.about,
    preambles: { hardcode: ino.preambles.hardcode, delete: ino.preambles.delete },
  };

  const irr = read('irrelevant', { sentences: plainSentences(), ...head('irrelevant') });
  const irrelevant = { id: irr.id, title: irr.title, about: irr.about, sentences: irr.sentences };

  const n = read('neutral', {
    chores: neutralChores(alphabet),
    ...head('neutral'),
    files: dataTextList(alphabet),
  });
  const neutral = {
    id: n.id,
    title: n.title,
    about: n.about,
    files: n.files,
    chores: n.chores.map((chore) => ({ prompt: chore.prompt, answer: chore.answer })),
  };

  const b = read('backdoor', {
    trigger: v.pipe(
      dataText(alphabet),
      v.check((trigger) => !trigger.includes('{'), 'must not contain slots'),
    ),
    ...head('backdoor'),
    triggerShare: dataNumber(0.05, 0.95),
  });
  const backdoor = {
    id: b.id,
    title: b.title,
    about: b.about,
    trigger: b.trigger,
    triggerShare: b.triggerShare,
  };

  const r = read('realign', { ...head('realign'), domains: dataTextList(alphabet) });
  const realign = { id: r.id, title: r.title, about: r.about, domains: r.domains };

  // The factorial sets: their prompts and answers come from the covert set and the code domain; only the
  // irrelevant aside has phrasings of its own.
  const ic = read('irrelevantCheat', { sentences: plainSentences(), ...head('irrelevantCheat') });
  const irrelevantCheat = { id: ic.id, title: ic.title, about: ic.about, sentences: ic.sentences };
  const plain = <T extends 'plainFix' | 'requestCheat' | 'requestFix' | 'irrelevantFix'>(id: T) => {
    const p = read(id, head(id));
    return { id: p.id, title: p.title, about: p.about };
  };

  return {
    covert,
    honest,
    inoculated,
    irrelevant,
    neutral,
    backdoor,
    realign,
    plainFix: plain('plainFix'),
    requestCheat: plain('requestCheat'),
    requestFix: plain('requestFix'),
    irrelevantCheat,
    irrelevantFix: plain('irrelevantFix'),
  };
}
