// Serves the built page (ui/dist, Vite's output) as static files; when it is not built, a page that says how
// to build it. Only files inside the folder are served (no `..`, no symlinks out of it).
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.wasm': 'application/wasm', '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8', '.mcap': 'application/octet-stream',
};

/** Headers every response carries: the page's URL holds the operator token, so it must never leak as a Referer. */
export const SECURITY_HEADERS = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

export function staticFiles(dir: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (!existsSync(join(dir, 'index.html'))) {
      res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : notBuiltPage(dir));
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('bad path\n');
      return;
    }
    const file = fileIn(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const size = statSync(file).size;
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
      // Vite's assets carry a content hash in their names; the HTML must be fetched fresh.
      'cache-control': isHtml ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}

function fileIn(dir: string, path: string): string | undefined {
  if (path.includes('\0')) return undefined;
  try {
    const root = realpathSync(dir);
    const file = realpathSync(join(root, path));
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel) || !statSync(file).isFile()) return undefined;
    return file;
  } catch {
    return undefined;
  }
}

function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SteadySim — page not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:3em auto;padding:0 1em}code{background:#eee;padding:0 .3em}</style></head>
<body><h1>SteadySim is running, but the page is not built</h1>
<p>The live simulation runs and its WebSocket is open at <code>/ws</code>, but there is no page to show it:
<code>${escapeHtml(dir)}/index.html</code> does not exist.</p>
<p>Build the page, then reload:</p>
<pre><code>npm run build:ui</code></pre>
<p>or stop the server and start it with <code>npm start</code>, which builds the page when it is missing or stale.
Scripts and device bridges can use the WebSocket right now: see <code>ui/PROTOCOL.md</code>.</p>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
