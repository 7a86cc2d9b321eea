// Side by side, or one view at a time: the #view-layout button and the V key cycle both → endoscope → orbit.
import { byId } from './dom.ts';

const LAYOUTS = ['both', 'endoscope', 'orbit'] as const;
const LABEL: Record<(typeof LAYOUTS)[number], string> = { both: 'Views: both', endoscope: 'Views: endoscope', orbit: 'Views: orbit' };

export class ViewLayout {
  private readonly views = byId('views');
  private readonly button = byId<HTMLButtonElement>('view-layout');

  constructor(private readonly onChange: () => void) {
    this.button.addEventListener('click', () => this.next());
  }

  next(): void {
    const i = LAYOUTS.indexOf(this.views.dataset.layout as (typeof LAYOUTS)[number]);
    this.set(LAYOUTS[(i + 1) % LAYOUTS.length]);
  }

  set(layout: (typeof LAYOUTS)[number]): void {
    this.views.dataset.layout = layout;
    this.button.textContent = LABEL[layout];
    this.onChange();
  }
}
