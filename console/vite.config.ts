// Builds the console into console/dist, served by the service at /console/ (src/api/routes/console.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  // Preact's automatic JSX runtime through Vite's own transformer: no Babel preset needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
