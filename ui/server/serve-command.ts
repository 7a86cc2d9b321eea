// `steadysim serve`: builds the page when it is missing or stale (ui/build-page.ts), starts the live server,
// prints where to point a browser (the operator URL carries the token), and runs until Ctrl-C / SIGTERM, which
// finishes a recording in progress before exiting.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../../scenarios/loader.ts';
import { DEFAULT_HOST, DEFAULT_PORT, startServer, type RunningServer } from './index.ts';

export interface ServeCliOptions {
  port?: number;
  host?: string;
  scenario?: string;
  record?: string;
  recordDir?: string;
  recordRate?: number;
  /** commander's --no-build: false when given. */
  build?: boolean;
  quiet?: boolean;
}

const APP_DIR = fileURLToPath(new URL('../app/', import.meta.url));

/** Resolves with the exit code once the server has stopped. */
export async function serveCommand(o: ServeCliOptions): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const log = o.quiet ? () => undefined : (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
  if (o.build !== false && existsSync(APP_DIR)) {
    try {
      const { ensurePageBuilt } = await import('../build-page.ts');
      await ensurePageBuilt({ log: (l) => process.stderr.write(`${l}\n`) });
    } catch (e) {
      process.stderr.write(`the page could not be built (${(e as Error).message.split('\n')[0]}); serving without it\n`);
    }
  }
  const envPort = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : undefined;
  if (envPort !== undefined && !(Number.isInteger(envPort) && envPort >= 0 && envPort < 65536)) {
    process.stderr.write(`PORT=${process.env.PORT} is not a port number\n`);
    return 2;
  }
  let server: RunningServer;
  try {
    server = await startServer({
      port: o.port ?? envPort ?? DEFAULT_PORT,
      host: o.host ?? DEFAULT_HOST,
      scenario: o.scenario,
      record: o.record,
      recordDir: o.recordDir,
      recordRate: o.recordRate,
      log,
    });
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`invalid scenario:\n${e.message}\n`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(`cannot listen on ${o.host ?? DEFAULT_HOST}:${o.port ?? envPort ?? DEFAULT_PORT}: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
  const s = server.sim.welcome('viewer').scene;
  out(`SteadySim live: scene '${s.name}' (${s.robots.map((r) => `${r.id} ${r.type}`).join(', ')}), ${Math.round(1 / s.dt)} Hz`);
  out(`  operator:  ${server.operatorUrl}`);
  out(`  viewers:   ${server.viewerNeedsToken ? `${server.operatorUrl}  (listening beyond loopback: watching needs the token too)` : server.url}`);
  out(`  WebSocket: ${server.wsUrl}  (protocol: ui/PROTOCOL.md)`);
  if (o.record) out(`  recording to ${o.record}`);
  out('Ctrl-C stops the server (a recording in progress is finished first).');
  return new Promise<number>((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      log(`${signal}: stopping`);
      server.close().then(() => done(0), (e: unknown) => { process.stderr.write(`${(e as Error).message}\n`); done(1); });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
