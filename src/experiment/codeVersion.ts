// The code version every result and checkpoint names: the package version plus the git commit it was
// built from, with a dirty flag when the working tree had uncommitted changes (semver build metadata,
// e.g. `persona-lab@0.1.0+git.5e06ac8.dirty`), so two runs from different code never look alike.
// The built app and the tests get the commit from vite's `define` (vite.config.ts); the command line,
// which runs the sources through tsx, asks git itself. Without git: `+git.unknown`.
import packageJson from '../../package.json';

declare const __PERSONA_LAB_COMMIT__: string | undefined;

type GetBuiltin = (id: string) => unknown;
interface ChildProcessLike {
  execFileSync(file: string, args: string[], options: object): string;
}

/** `<short commit>` or `<short commit>.dirty` for the git work tree at `cwd`; `unknown` without git. */
export function gitCommitLabel(cwd: string): string {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process
    ?.getBuiltinModule;
  if (!getBuiltin) return 'unknown';
  const childProcess = getBuiltin('node:child_process') as ChildProcessLike;
  const git = (...args: string[]) =>
    childProcess
      .execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim();
  try {
    const commit = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}.dirty`;
  } catch {
    return 'unknown';
  }
}

function commitLabel(): string {
  if (typeof __PERSONA_LAB_COMMIT__ === 'string') return __PERSONA_LAB_COMMIT__;
  return gitCommitLabel(new URL('../..', import.meta.url).pathname);
}

export const CODE_VERSION: string = `persona-lab@${packageJson.version}+git.${commitLabel()}`;
