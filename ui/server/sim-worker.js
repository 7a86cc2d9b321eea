// Worker-thread entry of the live server's simulation: registers tsx's loader in this thread (a worker does
// not inherit the parent's registration), then loads the TypeScript worker. See scenarios/batch-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./sim-worker.ts');
