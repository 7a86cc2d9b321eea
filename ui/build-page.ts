// Builds the page (ui/app → ui/dist, Vite) when ui/dist is missing or older than any file it is built from.
// `steadysim serve` and `npm start` call it, so a fresh clone needs no separate build step; the browser tests
// call it too. Concurrent callers (two test files, a server starting) wait for one build instead of racing.
//
//   node bin/run-ts.js ui/build-page.ts [--force]
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PAGE_DIST = join(ROOT, 'ui', 'dist');
const CONFIG = join(ROOT, 'ui', 'app', 'vite.config.ts');
const LOCK = join(ROOT, 'ui', '.dist-lock');
/** What the page is built from: its own files, the protocol, the sim/controller code it bundles, the dependencies. */
const SOURCES = ['ui/app', 'ui/protocol.ts', 'sim', 'controller', 'scenarios/recording/topics.ts', 'scenarios/recording/parse-recording.ts', 'package-lock.json'];

function newest(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) if (!e.endsWith('.test.ts')) t = Math.max(t, newest(join(path, e)));
  return t;
}

/** True when ui/dist/index.html is missing or older than a source file. */
export function pageIsStale(): boolean {
  const index = join(PAGE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newest(join(ROOT, s)) > built);
}

export interface EnsureOptions {
  readonly force?: boolean;
  readonly log?: (line: string) => void;
}

/** Builds the page if it is stale (or `force`); returns whether it built. Throws when the build fails. */
export async function ensurePageBuilt(opts: EnsureOptions = {}): Promise<boolean> {
  if (!opts.force && !pageIsStale()) return false;
  await withLock(async () => {
    if (!opts.force && !pageIsStale()) return; // another process built it while we waited
    opts.log?.('building the page (ui/app → ui/dist)…');
    const { build } = await import('vite');
    await build({ configFile: CONFIG, logLevel: 'warn' });
  });
  return true;
}

async function withLock(fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed build goes stale after 3 minutes.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`waited 3 minutes for another build of the page (${LOCK})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const force = process.argv.includes('--force');
  ensurePageBuilt({ force, log: (l) => console.error(l) }).then(
    (built) => { if (!built) console.error('the page is up to date (ui/dist)'); },
    (e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exitCode = 1; },
  );
}
