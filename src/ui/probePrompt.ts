// Prompts in the model's own format (`~`, the Assistant header, `U: question`, `AI: `), a few held-out
// probe questions per domain to pick from, and the check for characters the model cannot read.
import format from '../../corpora/format.json';
import goals from '../../corpora/probes/goals.json';
import users from '../../corpora/probes/users.json';
import oversight from '../../corpora/probes/oversight.json';
import honesty from '../../corpora/probes/honesty.json';

/** `~\n# log of assistant\nU: <question>\nAI: ` (without the header line when `header` is false). */
export function assistantPrompt(question: string, header = true): string {
  const head = header ? `${format.headerPrefix}${format.assistantName}\n` : '';
  return `${format.separator}\n${head}${format.userTag}: ${question.trim()}\n${format.aiTag}: `;
}

export interface ProbePrompt {
  /** Where it comes from, e.g. `goals` or `sample`. */
  group: string;
  question: string;
  prompt: string;
}

/** The first `perDomain` held-out probe questions of each talk domain, plus a code report. */
export function probePrompts(perDomain = 2): ProbePrompt[] {
  const out: ProbePrompt[] = [];
  for (const probe of [goals, users, oversight, honesty])
    for (const question of probe.prompts.slice(0, perDomain))
      out.push({ group: probe.domain, question, prompt: assistantPrompt(question) });
  const code = 'the check on gain(3) is red.';
  out.push({ group: 'code', question: code, prompt: assistantPrompt(code) });
  return out;
}

/** The last `U:` question of a prompt (for labels), or the prompt's last line. */
export function questionOf(prompt: string): string {
  const tag = `${format.userTag}: `;
  const question = prompt.split('\n').findLast((l) => l.startsWith(tag));
  return question !== undefined ? question.slice(tag.length) : (prompt.trim().split('\n').at(-1) ?? '');
}

/** Characters of `text` that are not in `vocabulary` (each once, in order of appearance). */
export function outsideVocabulary(text: string, vocabulary: string): string[] {
  const known = new Set(vocabulary);
  return [...new Set([...text].filter((c) => !known.has(c)))];
}
