// The headless lab: `npm run lab -- <command>` (or the `persona-lab` bin). Commands: run, sweep, plan,
// job, merge, card, pool, gates, eval, direction, score, sample, corpus. Bad input ends with a one-line
// message and exit code 2; a failed run with 1; a job or merge whose inputs have not finished with 75; a stopped run
// (Ctrl-C, after saving a checkpoint) with 130.
import { parseArgs } from 'node:util';
import { stopBackend } from './cliBackend.ts';
import { CliError, EXIT } from './cliErrors.ts';
import { cardCommand } from './cardCommand.ts';
import { corpusCommand } from './corpusCommand.ts';
import { directionCommand } from './directionCommand.ts';
import { jobCommand } from './jobCommand.ts';
import { mergeCommand } from './mergeCommand.ts';
import { planCommand } from './planCommand.ts';
import { poolCommand } from './poolCommand.ts';
import { evalCommand } from './evalCommand.ts';
import { gatesCommand } from './gatesCommand.ts';
import { runCommand } from './runCommand.ts';
import { sampleCommand } from './sampleCommand.ts';
import { scoreCommand } from './scoreCommand.ts';
import { sweepCommand } from './sweepCommand.ts';

const USAGE = `usage: persona-lab <command> [options]   (details: docs/cli.md)
  run <recipe.json|preset> --out DIR [--force] [--backend auto|wasm|cpu|webgpu] [--quiet]
                                  [--from CHECKPOINT --from-stage select|finetune [--direction-from CHECKPOINT]]
  sweep <recipe.json|preset> --param DOT.PATH --values V1,V2,... --out DIR
                                  [--pretrainings S1,S2,...] [--backend auto|wasm|cpu|webgpu] [--quiet]
  plan <recipe.json|preset> --out DIR [--param DOT.PATH --values V1,V2,... [--pretrainings S1,S2,...]]
                                  [--backend wasm|cpu]
  job DIR --index N               (exit 75: its inputs have not finished yet)
  merge DIR                       (exit 75: some jobs have not finished yet)
  card RUN_DIR [--out FILE]
  pool <card files or folders...> --out DIR
  gates <results.json> [--json]
  eval <checkpoint> [recipe.json|preset] [--backend auto|wasm|cpu|webgpu] [--json]
  direction <checkpoint|results.json> [recipe.json|preset] [--pair A,B] [--backend auto|wasm|cpu|webgpu] [--json]
  score <checkpoint> <probes.jsonl> [--backend auto|wasm|cpu|webgpu]
  sample <checkpoint> --prompt TEXT [--temperature T] [--top-k K] [--seed S] [--max-chars N]
  corpus <recipe.json|preset> --print`;

const OPTIONS = {
  out: { type: 'string' },
  force: { type: 'boolean' },
  backend: { type: 'string' },
  quiet: { type: 'boolean' },
  from: { type: 'string' },
  'from-stage': { type: 'string' },
  'direction-from': { type: 'string' },
  pair: { type: 'string' },
  param: { type: 'string' },
  values: { type: 'string' },
  pretrainings: { type: 'string' },
  prompt: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  seed: { type: 'string' },
  'max-chars': { type: 'string' },
  print: { type: 'boolean' },
  json: { type: 'boolean' },
  index: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !v.help ? EXIT.badInput : EXIT.ok;
  }
  const only = (n: number) => {
    if (rest.length > n)
      throw new CliError(`${command}: unexpected argument ${JSON.stringify(rest[n])}\n${USAGE}`);
  };
  switch (command) {
    case 'run':
      only(1);
      return runCommand({
        recipe: rest[0],
        out: v.out,
        force: v.force === true,
        backend: v.backend,
        from: v.from,
        fromStage: v['from-stage'],
        directionFrom: v['direction-from'],
        quiet: v.quiet === true,
      });
    case 'sweep':
      only(1);
      return sweepCommand({
        recipe: rest[0],
        param: v.param,
        values: v.values,
        pretrainings: v.pretrainings,
        out: v.out,
        backend: v.backend,
        quiet: v.quiet === true,
      });
    case 'plan':
      only(1);
      return planCommand({
        recipe: rest[0],
        out: v.out,
        param: v.param,
        values: v.values,
        pretrainings: v.pretrainings,
        backend: v.backend,
        quiet: v.quiet === true,
      });
    case 'job':
      only(1);
      return jobCommand({ dir: rest[0], index: v.index, quiet: v.quiet === true });
    case 'merge':
      only(1);
      return mergeCommand(rest[0], v.quiet === true);
    case 'card':
      only(1);
      return cardCommand(rest[0], v.out);
    case 'pool':
      return poolCommand(rest, v.out);
    case 'gates':
      only(1);
      return gatesCommand(rest[0], v.json === true);
    case 'eval':
      only(2);
      return evalCommand(rest[0], rest[1], v.backend, v.json === true);
    case 'direction':
      only(2);
      return directionCommand({
        path: rest[0],
        recipe: rest[1],
        pair: v.pair,
        backend: v.backend,
        json: v.json === true,
      });
    case 'score':
      only(2);
      return scoreCommand(rest[0], rest[1], v.backend);
    case 'sample':
      only(1);
      return sampleCommand({
        checkpoint: rest[0],
        prompt: v.prompt,
        temperature: v.temperature,
        topK: v['top-k'],
        seed: v.seed,
        maxChars: v['max-chars'],
        backend: v.backend,
      });
    case 'corpus':
      only(1);
      return corpusCommand(rest[0], v.print === true);
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    stopBackend();
    process.exitCode = code;
  },
  (error: unknown) => {
    stopBackend();
    if (error instanceof CliError) {
      console.error(`persona-lab: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      // Still one line: the stack is for whoever debugs the lab, on request.
      const debug = process.env.PERSONA_LAB_DEBUG === '1';
      const message = error instanceof Error ? error.message : String(error);
      const text = debug && error instanceof Error ? (error.stack ?? message) : message.split('\n')[0];
      console.error(
        `persona-lab: failed: ${text}${debug ? '' : ' (PERSONA_LAB_DEBUG=1 shows where it failed)'}`,
      );
      process.exitCode = EXIT.failure;
    }
  },
);
