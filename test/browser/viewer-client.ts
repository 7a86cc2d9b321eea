// A viewer over the WebSocket (ui/protocol.ts): what the server says, independent of the page under test.
import WebSocket from 'ws';
import type { ServerMessage, StateMessage, WelcomeMessage } from '../../ui/protocol.ts';

export class ViewerClient {
  welcome: WelcomeMessage | undefined;
  latest: StateMessage | undefined;
  private readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type === 'welcome') this.welcome = m;
      else if (m.type === 'state') this.latest = m;
    });
  }

  static async connect(wsUrl: string): Promise<ViewerClient> {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((ok, fail) => { ws.once('open', () => ok()); ws.once('error', fail); });
    ws.send(JSON.stringify({ type: 'hello', role: 'viewer', client: 'browser test' }));
    return new ViewerClient(ws);
  }

  /** Resolves with the first state (from now on) that satisfies `pred`; rejects after `timeoutMs` saying what it waited for. */
  async waitFor(what: string, pred: (s: StateMessage) => boolean, timeoutMs = 20_000): Promise<StateMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.latest;
      if (s && pred(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state: ${JSON.stringify(s && { tick: s.tick, estop: s.estop, robots: s.robots.map((r) => ({ id: r.id, teleop: r.teleop, safe: r.safe, tip: r.tip.slice(0, 3) })) })}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  robot(id: string): StateMessage['robots'][number] | undefined {
    return this.latest?.robots.find((r) => r.id === id);
  }

  close(): void {
    this.ws.close();
  }
}
