// Makes sure the real-browser tests can run: finds Debian's Chromium, installs it when missing and we
// are root, and otherwise stops with a message that says how. The browser tests never skip silently.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(path)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `Chromium was not found at ${path}. The browser tests need it.\n` +
        `Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n` +
        `or point CHROMIUM_PATH at a Chromium binary.`,
    );
    process.exit(1);
  }
  console.log(`Chromium not found at ${path}: installing Debian's package...`);
  try {
    execSync('apt-get update -q && apt-get install -y -q chromium', { stdio: 'inherit' });
  } catch {
    console.error('Installing Chromium failed. Install it by hand: apt-get install -y chromium');
    process.exit(1);
  }
  if (!existsSync(path)) {
    console.error(`Chromium still missing at ${path} after installing; set CHROMIUM_PATH.`);
    process.exit(1);
  }
}
