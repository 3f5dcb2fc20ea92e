// The console's build: a React single-page app served by the API at /admin
// (src/api/admin/pages.ts). Vite's own JSX transform is enough; `npm run dev`
// rebuilds on every change (a watch build) rather than running a second server,
// so the console always talks to the API on the same origin and port.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-router marks modules "use client" for server-component bundlers; a browser bundle has no use for it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
