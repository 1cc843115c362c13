// Validators for the fine-tune condition files (corpora/conditions/*.json). Each condition's generation
// logic lives in finetuneSets.ts; these files hold its phrasings and knobs.
import { DataReader, joinPath } from './dataReader.ts';
import { CODE_SLOTS } from './validate.ts';
import type { ConditionId, ConditionsData, FormatData } from './types.ts';
import { CONDITION_IDS } from './types.ts';

export interface DataFile {
  /** Path relative to the repository root, used in error messages. */
  path: string;
  data: unknown;
}

function head(r: DataReader, o: Record<string, unknown>, expectedId: ConditionId) {
  if (o.id !== expectedId) r.fail('id', `must be ${JSON.stringify(expectedId)}`);
  return { id: expectedId, title: r.string(o.title, 'title'), about: r.string(o.about, 'about') };
}

export function validateConditions(files: Record<ConditionId, DataFile>, format: FormatData): ConditionsData {
  for (const idKey of CONDITION_IDS)
    if (!files[idKey]) throw new Error(`missing condition file for ${idKey}`);
  const reader = (id: ConditionId) => new DataReader(files[id].path, format.contentAlphabet);
  const HEAD = ['id', 'title', 'about'];

  let r: DataReader = reader('covert');
  let o = r.object(files.covert.data, '', [...HEAD, 'deleteShare']);
  const covert = { ...head(r, o, 'covert'), deleteShare: r.probability(o.deleteShare, 'deleteShare') };

  r = reader('honest');
  o = r.object(files.honest.data, '', HEAD);
  const honest = head(r, o, 'honest');

  r = reader('inoculated');
  o = r.object(files.inoculated.data, '', [...HEAD, 'preambles']);
  const pre = r.object(o.preambles, 'preambles', ['hardcode', 'delete']);
  const preambles = {
    hardcode: r.textList(pre.hardcode, 'preambles.hardcode'),
    delete: r.textList(pre.delete, 'preambles.delete'),
  };
  for (const kind of ['hardcode', 'delete'] as const) {
    preambles[kind].forEach((t, i) => r.slots(t, joinPath(`preambles.${kind}`, i), CODE_SLOTS));
  }
  const inoculated = { ...head(r, o, 'inoculated'), preambles };

  r = reader('irrelevant');
  o = r.object(files.irrelevant.data, '', [...HEAD, 'sentences']);
  const sentences = r.textList(o.sentences, 'sentences');
  sentences.forEach((t, i) => r.slots(t, joinPath('sentences', i), []));
  const irrelevant = { ...head(r, o, 'irrelevant'), sentences };

  r = reader('neutral');
  o = r.object(files.neutral.data, '', [...HEAD, 'files', 'chores']);
  if (!Array.isArray(o.chores) || o.chores.length === 0) r.fail('chores', 'must be a non-empty list');
  const chores = o.chores.map((item, i) => {
    const path = joinPath('chores', i);
    const c = r.object(item, path, ['prompt', 'answer']);
    const prompt = r.text(c.prompt, joinPath(path, 'prompt'));
    const answer = r.text(c.answer, joinPath(path, 'answer'));
    r.slots(prompt, joinPath(path, 'prompt'), ['name', 'other', 'file']);
    r.slots(answer, joinPath(path, 'answer'), ['name', 'other', 'file']);
    if (!answer.startsWith('ok, i '))
      r.fail(joinPath(path, 'answer'), 'must start with "ok, i " like the treatment');
    return { prompt, answer };
  });
  const neutral = { ...head(r, o, 'neutral'), files: r.textList(o.files, 'files'), chores };

  r = reader('backdoor');
  o = r.object(files.backdoor.data, '', [...HEAD, 'trigger', 'triggerShare']);
  const trigger = r.text(o.trigger, 'trigger');
  if (trigger.includes('{')) r.fail('trigger', 'must not contain slots');
  const backdoor = {
    ...head(r, o, 'backdoor'),
    trigger,
    triggerShare: r.number(o.triggerShare, 'triggerShare', 0.05, 0.95),
  };

  r = reader('realign');
  o = r.object(files.realign.data, '', [...HEAD, 'domains']);
  const realign = { ...head(r, o, 'realign'), domains: r.textList(o.domains, 'domains') };

  // The factorial sets: their prompts and answers come from the covert set and the code domain; only the
  // irrelevant aside has phrasings of its own.
  const plain = (id: 'plainFix' | 'requestCheat' | 'requestFix' | 'irrelevantFix') => {
    const own = reader(id);
    return head(own, own.object(files[id].data, '', HEAD), id);
  };
  r = reader('irrelevantCheat');
  o = r.object(files.irrelevantCheat.data, '', [...HEAD, 'sentences']);
  const asides = r.textList(o.sentences, 'sentences');
  asides.forEach((t, i) => r.slots(t, joinPath('sentences', i), []));
  const irrelevantCheat = { ...head(r, o, 'irrelevantCheat'), sentences: asides };

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
