/**
 * The web app build: `npm run build:web` → `web/dist`, served by the local twin at `/` and by
 * CloudFront in AWS. Routes are code-split (see App.tsx); vendor code is grouped so the sign-in and
 * inbox chunks stay small and the form renderer loads only with the task page.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  server: {
    // `vite --config web/vite.config.ts` during development: the API comes from a running twin.
    proxy: {
      '/api': 'http://localhost:3000',
      '/county': 'http://localhost:3000',
      '/config.json': 'http://localhost:3000',
    },
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
