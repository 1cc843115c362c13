// `score <checkpoint> <probes.jsonl>`: the log-probability of each candidate after each prompt, so that
// anyone can bring their own probes. Input: one JSON object a line, {"prompt", "candidates": [...],
// "id"?}. Output (stdout): one JSON object a line with each candidate's total and per-character
// log-probability and the posterior over the candidates. Format: docs/cli.md.
import { personaPosterior } from '../eval/index.ts';
import { GPT } from '../model/gpt.ts';
import { scoreCandidates } from '../model/scoring.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import { ModelOutputError } from '../model/modelOutputError.ts';
import { nodeBackendArg, startBackend } from './cliBackend.ts';
import { CliError, EXIT, readCheckpointFile, readInputFile } from './cliErrors.ts';

interface ProbeLine {
  id: string | number | null;
  prompt: string;
  candidates: string[];
}

export function parseProbeLines(
  text: string,
  file: string,
  tokenizer: CharTokenizer,
  blockSize: number,
): ProbeLine[] {
  const probes: ProbeLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new CliError(`${where}: not valid JSON (${(error as Error).message})`);
    }
    const o = value as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw new CliError(`${where}: each line must be a JSON object`);
    for (const key of Object.keys(o)) {
      if (!['id', 'prompt', 'candidates'].includes(key))
        throw new CliError(`${where}: unknown field ${JSON.stringify(key)} (fields: id, prompt, candidates)`);
    }
    if (typeof o.prompt !== 'string' || o.prompt.length === 0)
      throw new CliError(`${where}: prompt must be a non-empty string`);
    if (
      !Array.isArray(o.candidates) ||
      o.candidates.length === 0 ||
      o.candidates.some((c) => typeof c !== 'string' || c.length === 0)
    ) {
      throw new CliError(`${where}: candidates must be a non-empty list of non-empty strings`);
    }
    if (o.id !== undefined && typeof o.id !== 'string' && typeof o.id !== 'number')
      throw new CliError(`${where}: id must be a string or a number`);
    const candidates = o.candidates as string[];
    for (const [field, text] of [
      ['prompt', o.prompt],
      ...candidates.map((c, j) => [`candidates[${j}]`, c]),
    ] as [string, string][]) {
      const unknown = tokenizer.unknownCharacters(text);
      if (unknown.length > 0) {
        throw new CliError(
          `${where}: ${field} has characters outside the model's vocabulary: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`,
        );
      }
    }
    candidates.forEach((c, j) => {
      if (c.length > blockSize)
        throw new CliError(`${where}: candidates[${j}] is longer than the model's context (${blockSize})`);
    });
    probes.push({ id: o.id ?? null, prompt: o.prompt, candidates });
  });
  if (probes.length === 0) throw new CliError(`${file} holds no probes`);
  return probes;
}

export async function scoreCommand(
  checkpointPath: string | undefined,
  probesPath: string | undefined,
  backendArg: string | undefined,
): Promise<number> {
  if (!checkpointPath || !probesPath) throw new CliError('usage: score <checkpoint> <probes.jsonl>');
  const backend = nodeBackendArg(backendArg);
  const ckpt = await readCheckpointFile(checkpointPath);
  const tokenizer = new CharTokenizer(ckpt.vocab);
  const text = (await readInputFile(probesPath, 'probes file')).toString('utf8');
  const probes = parseProbeLines(text, probesPath, tokenizer, ckpt.config.blockSize);
  await startBackend(backend);
  const model = GPT.fromWeights(ckpt.config, ckpt.weights);
  try {
    let scores;
    try {
      scores = await scoreCandidates(model, tokenizer, probes);
    } catch (error) {
      if (error instanceof ModelOutputError) throw new CliError(`${checkpointPath}: ${error.message}`);
      throw error;
    }
    probes.forEach((probe, i) => {
      const row = scores[i]!;
      const posterior = personaPosterior(row.map((s) => s.total));
      const out = {
        ...(probe.id === null ? {} : { id: probe.id }),
        prompt: probe.prompt,
        candidates: probe.candidates.map((text, j) => ({
          text,
          logProb: row[j]!.total,
          logProbPerChar: row[j]!.total / row[j]!.perChar.length,
          posterior: posterior[j]!,
        })),
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
  } finally {
    model.dispose();
  }
  return EXIT.ok;
}
