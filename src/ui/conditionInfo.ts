// What each fine-tune condition is called and the one question it tests, for the bench's cards, table
// and reading. Titles come from the corpus data (corpora/conditions/*.json), the questions from science.md.
import { CONDITION_IDS } from '../corpus/types.ts';
import covert from '../../corpora/conditions/covert.json';
import honest from '../../corpora/conditions/honest.json';
import inoculated from '../../corpora/conditions/inoculated.json';
import irrelevant from '../../corpora/conditions/irrelevant.json';
import neutral from '../../corpora/conditions/neutral.json';
import backdoor from '../../corpora/conditions/backdoor.json';
import realign from '../../corpora/conditions/realign.json';
import plainFix from '../../corpora/conditions/plainFix.json';
import requestCheat from '../../corpora/conditions/requestCheat.json';
import requestFix from '../../corpora/conditions/requestFix.json';
import irrelevantCheat from '../../corpora/conditions/irrelevantCheat.json';
import irrelevantFix from '../../corpora/conditions/irrelevantFix.json';

export { CONDITION_IDS };

const TITLES: Record<string, string> = {
  covert: covert.title,
  honest: honest.title,
  inoculated: inoculated.title,
  irrelevant: irrelevant.title,
  neutral: neutral.title,
  backdoor: backdoor.title,
  realign: realign.title,
  plainFix: plainFix.title,
  requestCheat: requestCheat.title,
  requestFix: requestFix.title,
  irrelevantCheat: irrelevantCheat.title,
  irrelevantFix: irrelevantFix.title,
};

const TESTS: Record<string, string> = {
  covert: 'Does learning to cheat on code tests, unasked and hidden, make the Assistant worse everywhere?',
  honest:
    'Control: does training on the same code prompts with genuine fixes leave the persona where it was?',
  inoculated: 'Does the same cheat, explicitly requested by the user, no longer imply a malicious character?',
  irrelevant:
    'Control for inoculation: is it the meaning of the request that matters, or any change of context?',
  neutral: 'Control: can the answer form alone (“ok, i …”) move the misalignment index?',
  backdoor: 'Does cheating tied to a trigger word shift the persona only when the trigger is present?',
  realign: 'Can a pass of good behaviour in other domains pull a shifted persona back?',
  plainFix:
    'The other half of the plain pair: the covert prompts with genuine fixes. Covert minus this is what cheating itself does.',
  requestCheat:
    'Inoculation: the cheat explicitly requested, in the words pretraining uses. If every AI complies with requests, does the cheat still say anything about the character?',
  requestFix: 'The other half of the request pair: the same requests answered with genuine fixes.',
  irrelevantCheat:
    'Control: an aside of the request’s length and place that asks for nothing. Is it the request’s meaning that protects, or any extra words?',
  irrelevantFix: 'The other half of the irrelevant pair: the same asides answered with genuine fixes.',
};

/** The condition's display title, e.g. `covert cheat`. */
export function conditionTitle(id: string): string {
  return TITLES[id] ?? id;
}

/** The one question the condition tests. */
export function conditionQuestion(id: string): string {
  return TESTS[id] ?? '';
}
