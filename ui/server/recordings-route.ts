// HTTP route for the replay viewer: lists the MCAP recordings in one folder and serves their bytes.
//
//   GET /api/recordings          → 200 JSON [{ name, size, modified }] (newest first; names relative to the folder, '/'-separated)
//   GET /api/recordings/<name>   → 200 the file (application/octet-stream), 404 when there is no such recording
//
// Mount it in front of the static files: `if (recordingsRoute({ dir })(req, res)) return;`. Only `*.mcap` files
// inside the folder are listed or served (no `..`, no absolute paths, no symlinks out of it); anything else under
// /api/recordings is a 404, a method other than GET or HEAD a 405. A missing folder lists as empty.
import { createReadStream, readdirSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export const RECORDINGS_PATH = '/api/recordings';

export interface RecordingsRouteOptions {
  /** The folder the live server records into (and any other recordings to offer). */
  readonly dir: string;
}

export interface RecordingEntry {
  readonly name: string;
  readonly size: number;
  /** Last modification, ms since the epoch. */
  readonly modified: number;
}

/** Returns a handler that answers requests under /api/recordings and returns true, or returns false for any other path. */
export function recordingsRoute(opts: RecordingsRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const dir = resolve(opts.dir);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== RECORDINGS_PATH && !url.pathname.startsWith(`${RECORDINGS_PATH}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return true;
    }
    if (url.pathname === RECORDINGS_PATH || url.pathname === `${RECORDINGS_PATH}/`) {
      const body = JSON.stringify(listRecordings(dir));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(RECORDINGS_PATH.length + 1));
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad name\n');
      return true;
    }
    const file = recordingPath(dir, name);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such recording\n');
      return true;
    }
    const size = statSync(file).size;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).on('error', () => res.destroy()).pipe(res);
    return true;
  };
}

/** The recordings in `dir` (recursively), newest first. */
export function listRecordings(dir: string): RecordingEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  const out: RecordingEntry[] = [];
  for (const n of names) {
    if (!n.endsWith('.mcap') || !recordingPath(dir, n)) continue; // only what the route would serve
    try {
      const st = statSync(join(dir, n));
      if (st.isFile()) out.push({ name: n.split(sep).join('/'), size: st.size, modified: st.mtimeMs });
    } catch {
      // removed while listing
    }
  }
  return out.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
}

/** The real path of recording `name` inside `dir`, or undefined when it is not one. */
function recordingPath(dir: string, name: string): string | undefined {
  if (!name.endsWith('.mcap') || name.includes('\0')) return undefined;
  try {
    const root = realpathSync(dir);
    const file = realpathSync(resolve(root, name));
    const rel = relative(root, file);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || !statSync(file).isFile()) return undefined;
    return file;
  } catch {
    return undefined;
  }
}
