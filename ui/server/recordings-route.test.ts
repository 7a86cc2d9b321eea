import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingsRoute } from './recordings-route.ts';

describe('the recordings route', () => {
  const root = mkdtempSync(join(tmpdir(), 'steadysim-recroute-'));
  const dir = join(root, 'recordings');
  let server: Server;
  let base = '';

  beforeAll(async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'old.mcap'), 'OLD');
    utimesSync(join(dir, 'old.mcap'), new Date(1_000_000), new Date(1_000_000));
    writeFileSync(join(dir, 'sub', 'new.mcap'), 'NEWER');
    writeFileSync(join(dir, 'notes.txt'), 'not a recording');
    writeFileSync(join(root, 'outside.mcap'), 'SECRET');
    symlinkSync(join(root, 'outside.mcap'), join(dir, 'link.mcap'));
    const route = recordingsRoute({ dir });
    server = createServer((req, res) => { if (!route(req, res)) res.writeHead(418).end(); });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    rmSync(root, { recursive: true, force: true });
  });

  it('lists the .mcap files, newest first, with size and time', async () => {
    const list = await (await fetch(`${base}/api/recordings`)).json() as { name: string; size: number; modified: number }[];
    expect(list.map((r) => r.name)).toEqual(expect.arrayContaining(['sub/new.mcap', 'old.mcap']));
    expect(list.map((r) => r.name)).not.toContain('notes.txt');
    expect(list.map((r) => r.name), 'a link out of the folder').not.toContain('link.mcap');
    expect(list[0].name).not.toBe('old.mcap');
    expect(list.find((r) => r.name === 'sub/new.mcap')?.size).toBe(5);
  });

  it('serves a recording\'s bytes, and nothing outside the folder', async () => {
    const res = await fetch(`${base}/api/recordings/sub/new.mcap`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('NEWER');
    for (const bad of ['/api/recordings/link.mcap', '/api/recordings/..%2Foutside.mcap', '/api/recordings/notes.txt', '/api/recordings/none.mcap']) {
      expect((await fetch(`${base}${bad}`)).status, bad).toBe(404);
    }
    expect((await fetch(`${base}/api/recordings/old.mcap`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(418);
  });

  it('lists a missing folder as empty', async () => {
    const route = recordingsRoute({ dir: join(root, 'none') });
    const s = createServer((req, res) => { route(req, res); });
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const list = await (await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/api/recordings`)).json();
    await new Promise((ok) => s.close(ok));
    expect(list).toEqual([]);
  });
});
