// The live server: one Node process serving the built page over HTTP and the protocol (ui/protocol.ts,
// ui/PROTOCOL.md) over a WebSocket at /ws, running one scene on the realtime clock through the same loop as a
// headless run. The simulation has a thread of its own (sim-worker.ts): what clients send is parsed, checked
// and answered on this one, so no client can delay a tick. Start it from code (tests, the page's browser
// tests) or with `steadysim serve`:
//
//   const server = await startServer({ port: 0, token: 'secret' });
//   // server.url → 'http://127.0.0.1:PORT/', server.operatorUrl → '…/?token=secret', server.wsUrl → 'ws://…/ws'
//   await server.close();
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { LIMITS } from '../protocol.ts';
import type { LoadedScenario } from '../../scenarios/loader.ts';
import { isLoopbackHost, newToken, upgradeProblem } from './auth.ts';
import { Broadcaster } from './broadcaster.ts';
import { ClientConnection } from './connection.ts';
import { LimitedWebSocket } from './limited-socket.ts';
import { recordingsRoute } from './recordings-route.ts';
import { DEFAULT_SCENE, loadSceneFile } from './scenes.ts';
import { SimHost } from './sim-host.ts';
import { SECURITY_HEADERS, staticFiles } from './static-files.ts';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
export const WS_PATH = '/ws';
/** Most simultaneous WebSocket clients. */
export const MAX_CLIENTS = 200;

export interface ServerOptions {
  /** TCP port (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1). Anything beyond loopback makes viewers need the token too. */
  readonly host?: string;
  /** The operator token (default: env STEADYSIM_TOKEN, else random per start). */
  readonly token?: string;
  /** Scene: a scenario file path, or a loaded scenario (default scenarios/live-default.yaml). */
  readonly scenario?: string | LoadedScenario;
  /** The built page (default ui/dist). */
  readonly staticDir?: string;
  /** Where `start_recording` writes (default out/recordings, from the working folder); also served at /api/recordings. */
  readonly recordDir?: string;
  /** Record from the start into this MCAP file (finished on close). */
  readonly record?: string;
  /** Joint states, commands and frames per simulated second in recordings (default 100; inputs, events, hashes: all). */
  readonly recordRate?: number;
  /** Server log (default: silent). */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** The page, e.g. http://127.0.0.1:8080/ (viewers on loopback need nothing more). */
  readonly url: string;
  /** The page with the operator token: http://127.0.0.1:8080/?token=… */
  readonly operatorUrl: string;
  /** The WebSocket: ws://127.0.0.1:8080/ws */
  readonly wsUrl: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** Viewers must present the token (the server listens beyond loopback). */
  readonly viewerNeedsToken: boolean;
  /** The simulation (its thread): stats(), state(), welcome(). */
  readonly sim: SimHost;
  readonly broadcaster: Broadcaster;
  /** Connected clients (for statistics). */
  readonly clients: ReadonlySet<ClientConnection>;
  /** Finishes a recording in progress, closes every connection and the listener, stops the simulation. */
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const loopbackOnly = isLoopbackHost(host);
  const token = opts.token ?? process.env.STEADYSIM_TOKEN ?? newToken();
  if (token.length < 8 || token.length > 256) throw new Error('the operator token must be 8 to 256 characters');
  const log = opts.log ?? (() => undefined);
  const scene = typeof opts.scenario === 'object' ? opts.scenario : loadSceneFile(resolve(opts.scenario ?? DEFAULT_SCENE));
  const recordDir = resolve(opts.recordDir ?? join('out', 'recordings'));
  const sim = await SimHost.start({ scene, recordDir, recordFile: opts.record ? resolve(opts.record) : undefined, recordRate: opts.recordRate, log });

  const clients = new Set<ClientConnection>();
  const recordings = recordingsRoute({ dir: recordDir });
  const files = staticFiles(resolve(opts.staticDir ?? DEFAULT_STATIC_DIR));
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === WS_PATH) {
      res.writeHead(426, { ...SECURITY_HEADERS, 'content-type': 'text/plain', upgrade: 'websocket' }).end('a WebSocket endpoint: see ui/PROTOCOL.md\n');
      return;
    }
    if (recordings(req, res)) return;
    files(req, res);
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxMessageBytes,
    // Bad UTF-8 is answered with an error, not a closed connection (connection.ts decodes strictly).
    skipUTF8Validation: true,
    perMessageDeflate: false,
    WebSocket: LimitedWebSocket,
  });
  let selfHost = '';
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, why: string) => {
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${why}\n`);
    };
    if (new URL(req.url ?? '/', 'http://x').pathname !== WS_PATH) return refuse(404, `the WebSocket is at ${WS_PATH}`);
    const problem = upgradeProblem(req, loopbackOnly, selfHost);
    if (problem) {
      log(`refused a WebSocket from ${req.socket.remoteAddress}: ${problem}`);
      return refuse(403, problem);
    }
    if (clients.size >= MAX_CLIENTS) return refuse(503, `at most ${MAX_CLIENTS} clients`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const address = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
      const conn = new ClientConnection(ws, sim, { token, viewerNeedsToken: !loopbackOnly }, log, address);
      clients.add(conn);
      ws.on('close', () => clients.delete(conn));
    });
  });

  const broadcaster = new Broadcaster(() => clients);
  sim.on({
    state: (json) => broadcaster.broadcast(json),
    sceneChanged: () => { for (const c of clients) if (c.role) c.send(sim.welcome(c.role)); },
    notice: (message) => { for (const c of clients) if (c.role) c.error('internal', message); },
  });

  try {
    await new Promise<void>((ok, fail) => {
      http.once('error', fail);
      http.listen(opts.port ?? DEFAULT_PORT, host, () => { http.off('error', fail); ok(); });
    });
  } catch (e) {
    await sim.close();
    throw e;
  }
  const port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  selfHost = `${shownHost}:${port}`;
  const url = `http://${selfHost}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    operatorUrl: `${url}?token=${encodeURIComponent(token)}`,
    wsUrl: `ws://${selfHost}${WS_PATH}`,
    host,
    port,
    token,
    viewerNeedsToken: !loopbackOnly,
    sim,
    broadcaster,
    clients,
    close: () => (closing ??= (async () => {
      for (const c of clients) c.ws.close(1001, 'server shutting down');
      await sim.close();
      await new Promise<void>((ok) => wss.close(() => ok()));
      for (const c of clients) c.ws.terminate();
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
    })()),
  };
}
