/**
 * The playground's build: a static folder (`dist/`) that any host serves. The Fashion-MNIST subset
 * is copied to `dist/data/` (the page's workers fetch it from there; the dev server serves it) and
 * the wasm binaries of `@sparse/backend-wasm` are emitted as assets (its `new URL(…,
 * import.meta.url)` references), so everything loads from the site itself. The dev and preview
 * servers send the cross-origin isolation headers that let tfjs use its threaded binary.
 */
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, threads). */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** The shipped subset: `packages/datasets/data/`. */
const DATA = fileURLToPath(new URL('../../packages/datasets/data/', import.meta.url));

/** The files of the shipped data set: its manifest and the four IDX files. */
function dataFiles(): string[] {
  if (!existsSync(DATA)) throw new Error(`The data set is missing: ${DATA}`);
  return readdirSync(DATA).filter((name) => name.endsWith('.gz') || name === 'subset.json');
}

/** The shipped data set as the site's `data/` folder: copied into the build, served by the dev server. */
function bundledData(): Plugin {
  let outDir = 'dist';
  return {
    name: 'sparse-bundled-data',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      const files = new Set(dataFiles());
      server.middlewares.use('/data', (request, response, next) => {
        const name = (request.url ?? '').split('?')[0]?.replace(/^\//, '') ?? '';
        if (!files.has(name)) return next();
        response.setHeader('content-type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        response.end(readFileSync(join(DATA, name)));
      });
    },
    writeBundle() {
      for (const file of dataFiles()) cpSync(join(DATA, file), join(outDir, 'data', file));
    },
  };
}

const STUB_PREFIX = '\0sparse-node-stub:';

/**
 * The dev server serves every module of the workspace packages' barrels (no tree shaking), among
 * them their Node-only parts (run directories, worker threads), whose `import { … } from 'node:…'`
 * Vite's own browser stub turns into errors when the module loads. In dev only, a Node built-in
 * resolves to a module with the same export names whose functions throw when called, so those
 * modules load and are simply never used. (The production build tree-shakes them away.)
 */
function nodeBuiltinStubs(): Plugin {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  return {
    name: 'sparse-node-builtin-stubs',
    apply: 'serve',
    enforce: 'pre',
    resolveId(id) {
      return builtins.has(id) ? STUB_PREFIX + id.replace(/^node:/, '') : undefined;
    },
    async load(id) {
      if (!id.startsWith(STUB_PREFIX)) return undefined;
      const name = id.slice(STUB_PREFIX.length);
      const real = (await import(`node:${name}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
      return [
        `function stub(name) { return function () { throw new Error('node:${name}.' + name + ' is Node-only; the playground does not call it.'); }; }`,
        // A few values Node-only modules read when they load.
        `const values = { endianness: () => 'LE', EOL: '\\n', sep: '/', platform: () => 'browser' };`,
        ...names.map((key) => `export const ${key} = values[${JSON.stringify(key)}] ?? stub(${JSON.stringify(key)});`),
        `export default { ${names.join(', ')} };`,
      ].join('\n');
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative URLs: the folder works from any path of any static host.
  base: './',
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // Keep the .wasm binaries as files (fetched and compiled streaming), never inlined.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    // tfjs-backend-wasm starts its threads from the source text of its threaded module factory
    // (`factory.toString()` in a Blob); a minifier rewrites that function to use names from the
    // enclosing chunk and the threads fail ("e is not defined"). See docs/adr/0011-playground.md.
    minify: false,
  },
  plugins: [bundledData(), nodeBuiltinStubs()],
});
