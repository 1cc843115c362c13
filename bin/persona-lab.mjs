#!/usr/bin/env node
// The `persona-lab` command: runs src/cli/main.ts with tsx's loader (the lab ships TypeScript sources).
// The loader, not tsx's own launcher: that launcher kills its child when the child does not answer a
// Ctrl-C within 30 ms, and a training step keeps the child busy for longer, so the run could never
// save its checkpoint. Ctrl-C reaches the child with the whole process group; it saves, then ends with
// 130, and this launcher ignores the signal and passes the child's exit code on.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const loader = import.meta.resolve('tsx');
const main = join(root, 'src/cli/main.ts');
const child = spawn(process.execPath, ['--import', loader, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
