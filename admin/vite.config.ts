import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// Served by the API server at /admin/; `huika-source` bundles the shared contracts from their TypeScript source.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  resolve: { conditions: ['huika-source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // zod's sources carry doc comments where Rollup looks for /* @__PURE__ */ marks: harmless, and not ours.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
