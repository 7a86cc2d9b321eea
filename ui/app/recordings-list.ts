// The recordings the server offers (GET /api/recordings, see ui/server/recordings-route.ts) in #replay-list;
// a server without that route simply offers none.
import { byId } from './dom.ts';

export async function fillRecordingsList(onPick: (url: string, name: string) => void): Promise<void> {
  const select = byId<HTMLSelectElement>('replay-list');
  select.addEventListener('change', () => { if (select.value) onPick(select.value, select.selectedOptions[0]?.textContent ?? select.value); });
  try {
    const res = await fetch('./api/recordings', { cache: 'no-store' });
    if (!res.ok) return;
    const list = await res.json() as { name: string; size: number; modified: number }[];
    for (const r of list) {
      const o = new Option(`${r.name} (${(r.size / 1e6).toFixed(1)} MB, ${new Date(r.modified).toLocaleString()})`, `./api/recordings/${r.name.split('/').map(encodeURIComponent).join('/')}`);
      select.add(o);
    }
  } catch {
    // no list: the file input still works
  }
}
