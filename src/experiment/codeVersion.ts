// The code version every result and checkpoint names: the package version (bumped on releases).
import packageJson from '../../package.json';

export const CODE_VERSION: string = `persona-lab@${packageJson.version}`;
