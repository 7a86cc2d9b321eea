// Looks up the page's elements by id, typed, failing loudly when the HTML and the code disagree.
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
}

export function setText(id: string, text: string, cls?: 'ok' | 'bad' | 'warn' | ''): void {
  const el = byId(id);
  if (el.textContent !== text) el.textContent = text;
  if (cls !== undefined) el.className = cls;
}
