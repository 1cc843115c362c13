// Character tokenizer: one id per character, ids fixed by the sorted character set of the text it was
// built from, serialised with every checkpoint. Characters outside the vocabulary are REFUSED with an
// error naming them: a silent "unknown" symbol would make a probe's log-probability meaningless.

export class UnknownCharacterError extends Error {
  constructor(readonly characters: string[]) {
    super(
      `text has characters outside the model's vocabulary: ${characters.map((c) => JSON.stringify(c)).join(', ')}`,
    );
    this.name = 'UnknownCharacterError';
  }
}

export class CharTokenizer {
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: readonly string[]) {
    const seen = new Set<string>();
    for (const c of chars) {
      if ([...c].length !== 1) throw new Error(`vocabulary entry ${JSON.stringify(c)} is not one character`);
      if (seen.has(c)) throw new Error(`vocabulary has ${JSON.stringify(c)} twice`);
      seen.add(c);
    }
    if (chars.length === 0) throw new Error('vocabulary is empty');
    this.chars = [...chars];
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** Builds the vocabulary from every character that occurs in the given texts, in code-point order. */
  static fromTexts(texts: Iterable<string>): CharTokenizer {
    const set = new Set<string>();
    for (const text of texts) for (const c of text) set.add(c);
    return new CharTokenizer([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number {
    return this.chars.length;
  }

  has(c: string): boolean {
    return this.ids.has(c);
  }

  /** The characters of `text` that the vocabulary lacks (each once), in order of appearance. */
  unknownCharacters(text: string): string[] {
    const missing = new Set<string>();
    for (const c of text) if (!this.ids.has(c)) missing.add(c);
    return [...missing];
  }

  encode(text: string): Int32Array {
    const chars = [...text];
    const out = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const id = this.ids.get(chars[i] as string);
      if (id === undefined) throw new UnknownCharacterError(this.unknownCharacters(text));
      out[i] = id;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i] as number];
      if (c === undefined)
        throw new RangeError(`token id ${ids[i]} is outside the vocabulary (size ${this.size})`);
      text += c;
    }
    return text;
  }

  toJSON(): string[] {
    return [...this.chars];
  }
}
