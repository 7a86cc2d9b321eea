// The live server for `npm run bench:live`, in a process of its own (so the benchmark's clients do not share its
// CPU time): started with the default scene, it reports its address over IPC and answers `stats` requests.
import { startServer } from '../ui/server/index.ts';

const send = (m: unknown): void => { process.send?.(m); };
const server = await startServer({ port: 0, token: process.env.STEADYSIM_TOKEN, recordDir: 'out/recordings' });
send({ kind: 'ready', wsUrl: server.wsUrl, token: server.token });
process.on('message', (m: { kind: string }) => {
  if (m.kind === 'stats') {
    server.sim.stats().then((sim) => send({ kind: 'stats', sim, sent: server.broadcaster.sent, skipped: server.broadcaster.skipped }));
  } else if (m.kind === 'close') {
    server.close().then(() => process.exit(0));
  }
});
