// The character vocabulary. The declared vocabulary follows from the data (content alphabet, tags,
// header, separator, newline), so a model's tokenizer does not depend on which characters a sampled
// corpus happened to use; the validator keeps every data string inside it.
import { assistantHeader } from './trainingExample.ts';
import type { CorpusData } from './types.ts';

function sortedChars(chars: Iterable<string>): string {
  // Default sort compares UTF-16 code units: the same order in every engine and locale.
  return [...new Set(chars)].sort().join('');
}

export function corpusVocabulary(data: CorpusData): string {
  const f = data.format;
  return sortedChars(
    [
      f.contentAlphabet,
      f.separator,
      f.userTag,
      f.aiTag,
      f.humanTag,
      f.headerPrefix,
      assistantHeader(f),
      ': \n',
    ].join(''),
  );
}

/** The characters some texts actually use, sorted. */
export function textVocabulary(texts: readonly string[]): string {
  const seen = new Uint8Array(65536);
  for (const text of texts) for (let i = 0; i < text.length; i++) seen[text.charCodeAt(i)] = 1;
  const chars: string[] = [];
  seen.forEach((flag, code) => {
    if (flag) chars.push(String.fromCharCode(code));
  });
  return sortedChars(chars);
}
