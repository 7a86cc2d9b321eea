// The page's entry: the replay viewer at `?replay` (or `#replay`), else the live console. `window.steadysim`
// exposes read-only state for scripts and the browser tests.
import { startConsole, type ConsoleDebug } from './console-page.ts';
import { byId } from './dom.ts';
import { pageParams } from './page-url.ts';
import { startReplay, type ReplayDebug } from './replay-page.ts';

declare global {
  interface Window { steadysim?: ConsoleDebug | ReplayDebug }
}

const params = pageParams();
// Keep the operator token when switching tabs.
const keep = params.token ? `token=${encodeURIComponent(params.token)}` : '';
byId<HTMLAnchorElement>('tab-console').href = `./${keep ? `?${keep}` : ''}`;
byId<HTMLAnchorElement>('tab-replay').href = `./?replay${keep ? `&${keep}` : ''}`;
byId(params.replay ? 'tab-replay' : 'tab-console').classList.add('active');
window.steadysim = params.replay ? startReplay(params) : startConsole(params);
