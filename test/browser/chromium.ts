// Finds Debian's Chromium for the browser tests (playwright-core drives it; no browser is ever downloaded).
// Order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser. When none is there and we are root on a
// system with apt-get (CI), it installs Debian's `chromium` package; otherwise it fails saying what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Headless, no sandbox (root in CI), no GPU: WebGL runs on SwiftShader (ANGLE's CPU backend), which Chromium
 * only allows for WebGL with --enable-unsafe-swiftshader. No network chatter, no component updates.
 */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
  '--disable-dev-shm-usage',
];

export const MISSING_MESSAGE = 'The browser tests need Chromium and found none (looked at $CHROMIUM_PATH, '
  + `${CANDIDATES.join(', ')}). Install Debian's package: \`apt-get update && apt-get install -y chromium\` `
  + '(as root), or set CHROMIUM_PATH to a Chromium or Chrome binary.';

function found(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!existsSync(env)) throw new Error(`CHROMIUM_PATH=${env} does not exist. ${MISSING_MESSAGE}`);
    return env;
  }
  return CANDIDATES.find((p) => existsSync(p));
}

/** The Chromium binary: found, or installed with apt-get when root; else throws MISSING_MESSAGE. */
export function findChromium(): string {
  const path = found();
  if (path) return path;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env, timeout: 600_000 });
    } catch (e) {
      throw new Error(`apt-get install chromium failed (${(e as Error).message}). ${MISSING_MESSAGE}`);
    }
    const after = found();
    if (after) return after;
  }
  throw new Error(MISSING_MESSAGE);
}

/** Through chromium-nice.sh: the browser yields the CPU to the server under test (see there). */
const NICE_WRAPPER = fileURLToPath(new URL('./chromium-nice.sh', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  const path = findChromium();
  return chromium.launch({ executablePath: NICE_WRAPPER, env: { ...process.env, STEADYSIM_CHROMIUM: path }, headless: true, args: CHROMIUM_ARGS });
}
