// The playground: static files (npm run web:build → web/dist) that any web server can host.
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  publicDir: 'public',
  // Vega and Vega-Lite are most of the page's script (~1 MB, 350 kB gzipped)
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1600 },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
