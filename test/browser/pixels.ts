// Reads a screenshot's pixels (decoded by the browser itself, so no image library is needed) and tells what
// share of them differ from the given background colours: a blank 3D canvas scores about 0.
import type { Page } from 'playwright-core';

/** Share (0…1) of pixels farther than `tolerance` (sum of |ΔR|+|ΔG|+|ΔB|) from every colour in `backgrounds`. */
export async function shareUnlike(page: Page, png: Buffer, backgrounds: readonly (readonly [number, number, number])[], tolerance = 30): Promise<number> {
  return page.evaluate(async ({ b64, bgs, tol }) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const img = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(img.width, img.height);
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (bgs.every(([r, gr, b]) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - gr) + Math.abs(d[i + 2] - b) > tol)) n++;
    }
    return n / (d.length / 4);
  }, { b64: png.toString('base64'), bgs: backgrounds.map((c) => [...c]), tol: tolerance });
}
