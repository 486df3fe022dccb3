// Builds the web UI into ui/dist, which `skein serve` serves on its HTTP port.
// `npm run dev:ui` serves it with hot reload and sends /api to a Skein on 16686.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:16686' } },
});
