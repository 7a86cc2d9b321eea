// The entry file of batch worker threads: the worker and everything it imports bundled into one ES module
// by esbuild, cached until a source changes. Why: a worker thread that loads the TypeScript through tsx
// transpiles and resolves some 400 modules itself, 1.6 s before its first run; the bundle is ready in 0.35 s.
// Two workers cannot halve a batch whose start-up does not shrink. If esbuild fails, the tsx bootstrap is used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** The .js bootstrap registers tsx in the worker thread, then imports batch-worker.ts (the fallback). */
export const TSX_WORKER_ENTRY = new URL('./batch-worker.js', import.meta.url);

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SOURCE = fileURLToPath(new URL('./batch-worker.ts', import.meta.url));

interface Manifest {
  readonly esbuild: string;
  readonly node: string;
  /** Every input of the bundle (relative to ROOT) with the size and modification time it was built from. */
  readonly inputs: readonly (readonly [string, number, number])[];
}

/** A cache folder per checkout (the bundle holds absolute paths of nothing, but sources differ per checkout). */
export function bundleCacheDir(): string {
  return join(tmpdir(), `steadysim-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
}

/** Whether the cached bundle was built from the sources as they are now (by this esbuild and Node). */
export function bundleUpToDate(esbuildVersion: string, manifestFile = join(bundleCacheDir(), 'batch-worker.json')): boolean {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch {
    return false;
  }
  if (m.esbuild !== esbuildVersion || m.node !== process.version) return false;
  for (const [file, size, mtime] of m.inputs) {
    try {
      const st = statSync(join(ROOT, file));
      if (st.size !== size || st.mtimeMs !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

let cached: Promise<URL> | undefined;

/**
 * The worker entry to start threads from: the cached bundle, rebuilt first when a source changed since it was
 * built, or the tsx bootstrap when bundling is not possible (`STEADYSIM_BATCH_TSX=1` forces that).
 */
export function batchWorkerEntry(): Promise<URL> {
  cached ??= build().catch((e: unknown) => {
    if (process.env.STEADYSIM_DEBUG) process.stderr.write(`batch: bundling the worker failed, using tsx (${String(e)})\n`);
    return TSX_WORKER_ENTRY;
  });
  return cached;
}

async function build(): Promise<URL> {
  if (process.env.STEADYSIM_BATCH_TSX === '1') return TSX_WORKER_ENTRY;
  const esbuild = await import('esbuild');
  const dir = bundleCacheDir();
  const outFile = join(dir, 'batch-worker.mjs');
  const manifestFile = join(dir, 'batch-worker.json');
  if (bundleUpToDate(esbuild.version, manifestFile)) return pathToFileURL(outFile);
  mkdirSync(dir, { recursive: true });
  // Built under a name of our own, then renamed: another batch starting at the same time never sees half a file.
  const tmp = join(dir, `batch-worker.${process.pid}.mjs`);
  try {
    const result = await esbuild.build({
      entryPoints: [SOURCE],
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: tmp,
      metafile: true,
      logLevel: 'silent',
      plugins: rxjsModulePlugin(),
      // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
      banner: { js: "import { createRequire as __steadysimRequire } from 'node:module'; const require = __steadysimRequire(import.meta.url);" },
    });
    const inputs = Object.keys(result.metafile.inputs).map((file) => {
      const st = statSync(join(ROOT, file));
      return [file, st.size, st.mtimeMs] as const;
    });
    renameSync(tmp, outFile);
    const manifest: Manifest = { esbuild: esbuild.version, node: process.version, inputs };
    const tmpManifest = `${manifestFile}.${process.pid}`;
    writeFileSync(tmpManifest, JSON.stringify(manifest));
    renameSync(tmpManifest, manifestFile);
  } finally {
    rmSync(tmp, { force: true });
  }
  return pathToFileURL(outFile);
}

/**
 * rxjs as ES modules: its package sends Node to the CommonJS build, all of which (350 kB) a bundle then parses and
 * runs at every worker's start. The ES module build (the same version) lets esbuild keep only what the loop uses
 * (18 kB): each worker thread is ready about 40 ms sooner. Without that build, the default resolution.
 */
function rxjsModulePlugin(): Plugin[] {
  const cjs = createRequire(import.meta.url).resolve('rxjs');
  const esm = join(dirname(dirname(cjs)), 'esm', 'index.js');
  if (!cjs.endsWith(join('dist', 'cjs', 'index.js')) || !existsSync(esm)) return [];
  return [{ name: 'rxjs-esm', setup: (b) => b.onResolve({ filter: /^rxjs$/ }, () => ({ path: esm })) }];
}
