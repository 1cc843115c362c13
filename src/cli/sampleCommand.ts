// `sample <checkpoint> --prompt TEXT [--temperature T --top-k K --seed S --max-chars N]`: prints a
// continuation. `\n` in TEXT is read as a newline (dialogue prompts end with `\nAI: `).
import { GPT } from '../model/gpt.ts';
import { sampleText } from '../model/sampling.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import { ModelOutputError } from '../model/modelOutputError.ts';
import { nodeBackendArg, startBackend } from './cliBackend.ts';
import { CliError, EXIT, readCheckpointFile } from './cliErrors.ts';

export interface SampleArgs {
  checkpoint: string | undefined;
  prompt: string | undefined;
  temperature: string | undefined;
  topK: string | undefined;
  seed: string | undefined;
  maxChars: string | undefined;
  backend: string | undefined;
}

function numberArg(
  value: string | undefined,
  flag: string,
  fallback: number,
  integer: boolean,
  min: number,
): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value); // Number('') is 0: an empty flag is a mistake
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new CliError(
      `${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export async function sampleCommand(args: SampleArgs): Promise<number> {
  if (!args.checkpoint) throw new CliError('usage: sample <checkpoint> --prompt TEXT');
  if (args.prompt === undefined || args.prompt === '') throw new CliError('--prompt TEXT is required');
  const backend = nodeBackendArg(args.backend);
  const options = {
    temperature: numberArg(args.temperature, '--temperature', 0.8, false, 0),
    topK: numberArg(args.topK, '--top-k', 0, true, 0),
    seed: numberArg(args.seed, '--seed', 1, true, 0),
    maxNewChars: numberArg(args.maxChars, '--max-chars', 200, true, 1),
  };
  const ckpt = await readCheckpointFile(args.checkpoint);
  const tokenizer = new CharTokenizer(ckpt.vocab);
  const prompt = args.prompt.replace(/\\n/g, '\n');
  const unknown = tokenizer.unknownCharacters(prompt);
  if (unknown.length > 0) {
    throw new CliError(
      `--prompt has characters outside the model's vocabulary: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
  await startBackend(backend);
  const model = GPT.fromWeights(ckpt.config, ckpt.weights);
  try {
    const { text } = await sampleText(model, tokenizer, prompt, options);
    process.stdout.write(`${text}\n`);
  } catch (error) {
    if (error instanceof ModelOutputError) throw new CliError(`${args.checkpoint}: ${error.message}`);
    throw error;
  } finally {
    model.dispose();
  }
  return EXIT.ok;
}
