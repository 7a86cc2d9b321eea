// Worker-thread entry of `steadysim batch`: registers tsx's loader in this thread, then loads the TypeScript
// worker (the same trick as bin/run-ts.js; a worker thread does not inherit the parent's registration).
import { register } from 'tsx/esm/api';

register();
await import('./batch-worker.ts');
