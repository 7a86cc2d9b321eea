// A problem with what a client sent: becomes an `error` reply with its code; nothing is applied.
import type { ErrorCode } from '../protocol.ts';

export class ClientError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ClientError';
  }
}
