// The page's link to the server, in a worker: the WebSocket (connection.ts) and the 250 Hz operator input
// (input-sender.ts) live here, away from the page's main thread, so rendering (slow in a software-GL browser)
// never starves the input stream the server's 30 ms watchdog watches. Server messages are parsed here and
// handed to the page; the page hands over device rates, nudges, the view axes, the selected arm and commands.
import type { ServerMessage } from '../protocol.ts';
import { Connection } from './connection.ts';
import { InputSender } from './input-sender.ts';
import type { FromWorker, ToWorker } from './link-messages.ts';

const post = (m: FromWorker) => postMessage(m);
let conn: Connection | undefined;
const sender = new InputSender((m) => conn?.send(m) ?? false);

/** After a new scene, input already on its way for an arm the new scene lacks is refused: not worth showing. */
const STALE_INPUT_MS = 1000;
let welcomedAt = -Infinity;

function onServer(m: ServerMessage): void {
  if (m.type === 'error' && m.code === 'unknown_robot' && m.id === undefined && performance.now() - welcomedAt < STALE_INPUT_MS) return;
  if (m.type === 'welcome') {
    welcomedAt = performance.now();
    if (m.role === 'operator') {
      const takes = m.inputRobots ?? m.scene.robots.filter((r) => r.type === 'psm').map((r) => r.id);
      sender.setRobots(m.scene.robots.filter((r) => takes.includes(r.id)));
      sender.start();
    } else {
      sender.stop();
    }
  } else if (m.type === 'state') {
    sender.state(m);
  }
  post({ kind: 'message', message: m });
}

addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.kind) {
    case 'connect':
      conn?.close();
      conn = new Connection(m.url, m.token, {
        message: onServer,
        status: (status, detail) => {
          if (status === 'closed') sender.stop();
          post({ kind: 'status', status, detail });
        },
      });
      break;
    case 'send':
      conn?.send(m.message);
      break;
    case 'rates':
      sender.rates = m.rates;
      break;
    case 'nudge':
      sender.addNudge(m.nudge);
      break;
    case 'axes':
      sender.right.fromArray(m.right);
      sender.up.fromArray(m.up);
      sender.back.fromArray(m.back);
      break;
    case 'select':
      if (sender.hands.has(m.robot)) sender.selected = m.robot;
      break;
    case 'tremor':
      sender.tremor = m.settings;
      break;
  }
});

setInterval(() => post({ kind: 'stats', inputRate: sender.rate, inputsSent: sender.sent, maxGapMs: sender.maxGapMs }), 500);
