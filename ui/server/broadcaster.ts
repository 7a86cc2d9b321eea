// The `state` broadcast: the simulation thread builds and serialises each state once (60 Hz); here the same
// bytes go to every client that has said hello. A client whose socket has more than MAX_BUFFERED bytes not yet
// sent is skipped for that state (it gets the next one it can take) instead of queueing without bound.
import type { ClientConnection } from './connection.ts';

/** Bytes waiting in a client's socket above which it misses states (about ten states of the default scene). */
export const MAX_BUFFERED = 64 * 1024;

export class Broadcaster {
  /** States sent and skipped (backed-up clients), over all clients. */
  sent = 0;
  skipped = 0;

  constructor(private readonly clients: () => Iterable<ClientConnection>) {}

  broadcast(json: string): void {
    let bytes: Buffer | undefined;
    for (const c of this.clients()) {
      const ws = c.ws;
      if (c.role === undefined || ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        c.skipped++;
        this.skipped++;
        continue;
      }
      bytes ??= Buffer.from(json);
      ws.send(bytes, { binary: false });
      this.sent++;
    }
  }
}
