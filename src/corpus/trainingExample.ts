// Formats (prompt, answer) episodes into a document for supervised training (Assistant selection and
// fine-tunes), recording where the answers lie so that a trainer can put the loss on answers only.
import type { Episode, FormatData, TrainingExample } from './types.ts';

/** The header line that names the Assistant, e.g. `# log of assistant` (never in pretraining). */
export function assistantHeader(format: FormatData): string {
  return `${format.headerPrefix}${format.assistantName}`;
}

/** `~` line, optional header line, then `U: prompt` / `AI: answer` lines. Each answer span covers the
 * answer and its newline (the model must learn where an answer ends), not the `AI: ` tag. */
export function formatExample(
  format: FormatData,
  header: string | null,
  episodes: Episode[],
): TrainingExample {
  let text = `${format.separator}\n${header === null ? '' : `${header}\n`}`;
  const answerSpans: Array<[number, number]> = [];
  for (const { prompt, answer } of episodes) {
    text += `${format.userTag}: ${prompt}\n${format.aiTag}: `;
    answerSpans.push([text.length, text.length + answer.length + 1]);
    text += `${answer}\n`;
  }
  return { text, episodes, answerSpans };
}

/** The answers of an example, read back from its spans (without the closing newlines). */
export function exampleAnswers(example: TrainingExample): string[] {
  return example.answerSpans.map(([start, end]) => example.text.slice(start, end - 1));
}
