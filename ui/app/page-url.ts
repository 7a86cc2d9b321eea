// What the page's address says: the operator token (`?token=`), the replay route (`?replay`, optionally
// `?replay=<url of an .mcap>`), and a WebSocket address override (`?ws=`, for development).
export interface PageParams {
  readonly token: string | undefined;
  readonly replay: boolean;
  readonly replayUrl: string | undefined;
  readonly wsUrl: string;
}

export function pageParams(loc: Location = window.location): PageParams {
  const q = new URLSearchParams(loc.search);
  const replayParam = q.get('replay');
  const replay = replayParam !== null || loc.hash === '#replay' || loc.hash.startsWith('#replay=');
  const fromHash = loc.hash.startsWith('#replay=') ? decodeURIComponent(loc.hash.slice('#replay='.length)) : undefined;
  const wsDefault = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
  return {
    token: q.get('token') ?? undefined,
    replay,
    replayUrl: replayParam ? replayParam : fromHash,
    wsUrl: q.get('ws') ?? wsDefault,
  };
}
