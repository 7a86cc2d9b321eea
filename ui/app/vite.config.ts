// Vite config for the page: root ui/app, output ui/dist (served by `steadysim serve`), relative asset paths so
// the page works under any mount point. `npm run build:ui` builds it; ui/build-page.ts builds it when stale.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: here('../dist'),
    emptyOutDir: true,
    target: 'es2022',
    // three.js alone is ~700 kB minified; one bundle for a local page is fine.
    chunkSizeWarningLimit: 2500,
    // No plugin-timing report: on a busy 2-core machine it fires on every build and says nothing about the page.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  // The page imports plain TS from sim/ and controller/ (kinematics for the replay viewer).
  server: { fs: { allow: [here('../..')] } },
});
