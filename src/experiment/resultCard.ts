// A result card: what a student's finished fine-tune hands to the teacher, a few KB that travel as a
// file or as a text code pasted into a chat. It carries the fingerprint of the base the branches started
// from (src/train/weightsFingerprint.ts), the recipe (as the share link's non-default fields), the
// provenance, and each finished branch's curve: ΔMI off-code, ΔMI on code, attainment and the second
// family's ΔMI at every evaluated step, all against the same selected checkpoint, and (version 2) the
// selected Assistant's own MI before any fine-tune. classPool.ts pools many. A card is hostile input: its text is size-limited, parsed into the results schema's checker
// (own keys only, prototype names refused, every number finite and in range), and its recipe goes
// through the URL codec and the recipe validator.
import { DEFAULT_RECIPE, type ExperimentRecipe } from './recipe.ts';
import { transferRatio } from '../eval/index.ts';
import type { RunResults, TrajectoryPoint } from './results.ts';
import {
  constant,
  fields,
  integer,
  list,
  numberOrNull,
  oneOf,
  optional,
  schemaErrors,
  string,
} from './fileSchema.ts';
import { decodeRecipeParams, encodeRecipeParams, shareQuery } from './urlCodec.ts';
import { RecipeError } from './validateRecipe.ts';

export const CARD_KIND = 'persona-lab-card';
/** 2: `defaultMI`. Version 1 cards (without it) are still read. */
export const CARD_VERSION = 2;
/** The text code: this prefix, then the card's JSON as UTF-8 in base64url. */
export const CARD_CODE_PREFIX = 'PLCARD1.';
/** Far above a real card (a reference run's five conditions: about 4 KB a seed); refused unread above. */
export const MAX_CARD_CHARS = 100_000;

/** One evaluated step: [step, ΔMI off-code, ΔMI on code, attainment, ΔMI of the second family], and
 * from runs that measured a persona direction, the projection's shift on it (spreads) as a sixth value. */
export type CurvePoint =
  | [number, number | null, number | null, number | null, number | null]
  | [number, number | null, number | null, number | null, number | null, number | null];

export interface CardBranch {
  condition: string;
  seed: number;
  curve: CurvePoint[];
}

export interface ResultCard {
  kind: typeof CARD_KIND;
  version: number;
  /** SHA-256 of the selected checkpoint's weights (what every branch started from). */
  base: string;
  /** The recipe as share-link params (the fields that differ from the defaults). */
  recipe: string;
  corpusHash: string;
  backend: string;
  codeVersion: string;
  runId: string;
  /** The selected Assistant's off-code MI before any fine-tune, nats (absent on version 1 cards). */
  defaultMI?: number | null;
  branches: CardBranch[];
}

/** A card that passed every check, with its recipe decoded. */
export interface CheckedCard {
  card: ResultCard;
  recipe: ExperimentRecipe;
}

export class CardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardError';
  }
}

const shift = () => numberOrNull(-1e6, 1e6);
/** Longest text of each string field (the schema checks types; lengths are checked here). */
const MAX_LENGTH: Record<string, number> = {
  base: 64,
  recipe: 4000,
  corpusHash: 128,
  backend: 32,
  codeVersion: 128,
  runId: 128,
};
const CARD_SCHEMA = fields({
  kind: constant(CARD_KIND),
  version: oneOf([1, CARD_VERSION]),
  base: string(),
  recipe: string(),
  corpusHash: string(),
  backend: string(),
  codeVersion: string(),
  runId: string(),
  defaultMI: optional(shift()),
  branches: list(
    fields({
      condition: string(),
      seed: integer(0, 2 ** 31 - 1),
      curve: list(list(shift())),
    }),
  ),
});

/** The card of a run's finished branches, measured from the base with fingerprint `base`. */
export function resultCard(results: RunResults, base: string): ResultCard {
  const branches = results.branches
    .filter((b) => b.status === 'done')
    .map((b) => ({
      condition: b.condition,
      seed: b.seed,
      curve: b.trajectory.map((p): CurvePoint => {
        const point: CurvePoint = [p.step, p.deltaMI, p.deltaMICode, p.attainment, p.deltaMISecond];
        return p.deltaProjection === undefined ? point : [...point, p.deltaProjection];
      }),
    }));
  if (branches.length === 0) throw new CardError('the run has no finished fine-tune branch to put on a card');
  const { provenance } = results;
  return {
    kind: CARD_KIND,
    version: CARD_VERSION,
    base,
    recipe: shareQuery(encodeRecipeParams(provenance.recipe, DEFAULT_RECIPE)),
    corpusHash: provenance.corpusHash,
    backend: provenance.backend,
    codeVersion: provenance.codeVersion,
    runId: results.runId,
    defaultMI: results.baseline?.summary.mi ?? null,
    branches,
  };
}

/** A card's curve as a run's trajectory points; the transfer ratio recomputed as a run computes it
 * (results.ts branchPoint), not taken from the card. */
export function cardTrajectory(curve: readonly CurvePoint[]): TrajectoryPoint[] {
  return curve.map((point) => {
    const [step, deltaMI, deltaMICode, attainment, deltaMISecond] = point;
    return {
      step,
      deltaMI,
      deltaMICode,
      attainment,
      deltaMISecond,
      transferRatio: deltaMI === null || deltaMICode === null ? null : transferRatio(deltaMI, deltaMICode),
      // Cards of runs that measured a persona direction carry the projection's shift.
      ...(point.length === 6 ? { deltaProjection: point[5] } : {}),
    };
  });
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(code: string): Uint8Array {
  const binary = atob(code.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The card as a text code to paste (one line, no spaces). */
export function cardCode(card: ResultCard): string {
  return CARD_CODE_PREFIX + toBase64Url(new TextEncoder().encode(JSON.stringify(card)));
}

/** The card as a file's text. */
export function cardFileText(card: ResultCard): string {
  return `${JSON.stringify(card)}\n`;
}

/** Parses a card given as a file's JSON text or as a text code; throws a CardError saying what is wrong. */
export function readCard(input: string): CheckedCard {
  if (input.length > MAX_CARD_CHARS)
    throw new CardError(`it is ${input.length} characters long; a card has at most ${MAX_CARD_CHARS}`);
  const trimmed = input.trim();
  let json: string;
  if (trimmed.startsWith('{')) {
    json = trimmed;
  } else if (trimmed.startsWith(CARD_CODE_PREFIX)) {
    const code = trimmed.slice(CARD_CODE_PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(code))
      throw new CardError('the code is damaged (a character outside the code alphabet: copy it whole)');
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(code));
    } catch {
      throw new CardError('the code is damaged (it does not decode: copy it whole)');
    }
  } else {
    throw new CardError(`it is neither a card file nor a code starting with ${CARD_CODE_PREFIX}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CardError('it is not valid JSON (a damaged or cut-off card)');
  }
  return checkCard(value);
}

/** Checks a parsed card field by field (the schema, then what the schema cannot say). */
export function checkCard(value: unknown): CheckedCard {
  const v = value as { kind?: unknown; version?: unknown } | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v.kind !== CARD_KIND)
    throw new CardError('it is not a Persona Lab result card');
  if (typeof v.version === 'number' && v.version > CARD_VERSION)
    throw new CardError(
      `version ${v.version}: written by a newer lab (this one reads ${CARD_VERSION}); update the lab`,
    );
  const problems = schemaErrors(value, CARD_SCHEMA);
  if (problems.length > 0) throw new CardError(problems[0]!.replace(/^\$\.?/, 'field '));
  const card = value as ResultCard;
  for (const [field, max] of Object.entries(MAX_LENGTH)) {
    const length = (card[field as keyof ResultCard] as string).length;
    if (length > max) throw new CardError(`field ${field}: longer than ${max} characters`);
  }
  if (!/^[0-9a-f]{64}$/.test(card.base)) throw new CardError('field base: must be 64 hex digits');
  let recipe: ExperimentRecipe;
  try {
    recipe = decodeRecipeParams(new URLSearchParams(card.recipe));
  } catch (error) {
    if (error instanceof RecipeError)
      throw new CardError(`field recipe: ${error.message.replace(/^recipe: /, '')}`);
    throw error;
  }
  if (card.branches.length === 0) throw new CardError('field branches: the card has no branch');
  const seen = new Set<string>();
  for (const [i, b] of card.branches.entries()) {
    const where = `field branches[${i}]`;
    if (!recipe.finetune.conditions.includes(b.condition))
      throw new CardError(
        `${where}.condition: ${JSON.stringify(b.condition)} is not a condition of its recipe`,
      );
    if (!recipe.seeds.finetune.includes(b.seed))
      throw new CardError(`${where}.seed: ${b.seed} is not a fine-tune seed of its recipe`);
    const key = `${b.condition}/${b.seed}`;
    if (seen.has(key)) throw new CardError(`${where}: ${b.condition} seed ${b.seed} appears twice`);
    seen.add(key);
    if (b.curve.length === 0) throw new CardError(`${where}.curve: is empty`);
    let previous = -1;
    for (const [j, point] of b.curve.entries()) {
      const at = `${where}.curve[${j}]`;
      // The card is outside input: its length is checked whatever the type says.
      const length = (point as readonly unknown[]).length;
      if (length !== 5 && length !== 6)
        throw new CardError(`${at}: must hold 5 or 6 numbers, holds ${length}`);
      const [step, , , attainment] = point;
      if (step === null || !Number.isInteger(step) || step <= previous || step > recipe.finetune.steps)
        throw new CardError(
          `${at}: the step must be a whole number after the previous one, at most the recipe's`,
        );
      if (attainment !== null && (attainment < 0 || attainment > 1))
        throw new CardError(`${at}: attainment must be in [0, 1], is ${attainment}`);
      previous = step;
    }
  }
  return { card, recipe };
}
