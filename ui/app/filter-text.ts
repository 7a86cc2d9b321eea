// A tremor filter setting as a short text for the display.
import type { WelcomeMessage } from '../protocol.ts';

export type TremorFilter = WelcomeMessage['controllers'][string]['tremor_filter'];

export function filterText(f: TremorFilter | undefined): string {
  if (!f) return '–';
  if (f.type === 'none') return 'none';
  if (f.type === 'lowpass') return `lowpass ${f.cutoff_hz} Hz, order ${f.order}`;
  const band = f.band_hz ? `${f.band_hz[0]}–${f.band_hz[1]} Hz` : '6–14 Hz';
  return `adaptive ${band}${f.mu !== undefined ? `, μ ${f.mu}` : ''}`;
}
