// An MCAP IWritable over a file descriptor, written synchronously: every record the writer hands over is in
// the operating system's hands before the call returns, so a run killed at any point keeps every chunk
// written so far. (The writer's own async API is still awaited; this just never leaves data in our buffers.)
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IWritable } from '@mcap/core';

export class SyncFileWritable implements IWritable {
  private readonly fd: number;
  private offset = 0n;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true }); // `--record out/today/run.mcap` before out/today exists
    this.fd = openSync(path, 'w');
  }

  async write(buffer: Uint8Array): Promise<void> {
    let done = 0;
    while (done < buffer.byteLength) done += writeSync(this.fd, buffer, done, buffer.byteLength - done);
    this.offset += BigInt(buffer.byteLength);
  }

  position(): bigint {
    return this.offset;
  }

  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}
