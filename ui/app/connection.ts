// The WebSocket to the live server (protocol.ts): says hello (as operator when the page has a token, else as a
// viewer), hands every server message to the page, and reconnects after a drop (1 s, then up to 5 s apart).
import type { ClientMessage, ServerMessage } from '../protocol.ts';

export interface ConnectionHandlers {
  message(m: ServerMessage): void;
  status(s: 'connecting' | 'open' | 'closed', detail?: string): void;
}

export class Connection {
  private ws: WebSocket | undefined;
  private retryMs = 1000;
  private closedByPage = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Messages sent and received, for the display. */
  sent = 0;
  received = 0;

  constructor(private readonly url: string, private readonly token: string | undefined, private readonly on: ConnectionHandlers) {
    this.open();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(m: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(m));
    this.sent++;
    return true;
  }

  close(): void {
    this.closedByPage = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private open(): void {
    this.on.status('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.retryMs = 1000;
      const hello: ClientMessage = this.token
        ? { type: 'hello', role: 'operator', token: this.token, client: 'steadysim page' }
        : { type: 'hello', role: 'viewer', client: 'steadysim page' };
      ws.send(JSON.stringify(hello));
      this.on.status('open');
    });
    ws.addEventListener('message', (e) => {
      this.received++;
      let m: ServerMessage;
      try {
        m = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return;
      }
      this.on.message(m);
    });
    ws.addEventListener('close', (e) => {
      this.on.status('closed', e.reason || (e.code !== 1000 ? `code ${e.code}` : undefined));
      if (this.closedByPage) return;
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(5000, this.retryMs * 2);
    });
  }
}
