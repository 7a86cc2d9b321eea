// The server's WebSocket class: `ws` itself closes a connection whose frame exceeds maxPayload (code 1009)
// without a word; this one first sends the protocol's `too_large` error, so the client learns why.
import { WebSocket } from 'ws';
import { LIMITS, type ErrorMessage } from '../protocol.ts';

const TOO_LARGE: ErrorMessage = {
  type: 'error', code: 'too_large',
  message: `a frame over ${LIMITS.maxMessageBytes} bytes: the connection closes (code 1009); messages are small JSON texts`,
};

export class LimitedWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === 1009 && this.readyState === WebSocket.OPEN) {
      this.send(JSON.stringify(TOO_LARGE));
      super.close(1009, 'message too large');
      return;
    }
    super.close(code, data);
  }
}
