import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));

/** One built file of the console: its URL path (`/assets/main-3F2A.js`) and its bytes. */
export interface ConsoleAsset {
  readonly path: string;
  readonly body: Uint8Array;
  readonly contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
export const contentTypeOf = (path: string) => TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * The page shell. No inline script or style: the CSP (script-src 'self'; style-src 'self') holds in both
 * the local server and CloudFront without hashes or nonces.
 */
const indexHtml = (js: string, css: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>apiscope console</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<noscript>The apiscope console needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b1f3a"/><circle cx="14" cy="14" r="7" fill="none" stroke="#5eead4" stroke-width="3"/><path d="M19 19l6 6" stroke="#5eead4" stroke-width="3" stroke-linecap="round"/></svg>`;

/**
 * Bundles the single-page app (console/src, Preact + Chart.js) with esbuild: ES modules with code splitting,
 * so the sign-in code of the deployed mode (Cognito, SigV4) loads only there; content-hashed names so
 * CloudFront and browsers may cache them, and an index.html that names them. Takes well under a second, so
 * `apiscope console` builds on start and a fresh clone needs no build step.
 *
 * @example
 * const assets = await buildConsole();                 // in memory, for the local server
 * await buildConsole({ outDir: 'cdk.out/console' });   // files, for the BucketDeployment
 */
export async function buildConsole(opts: { outDir?: string } = {}): Promise<ConsoleAsset[]> {
  const outdir = join(HERE, '.build');
  const r = await build({
    entryPoints: [join(HERE, 'src/main.tsx')],
    outdir,
    absWorkingDir: HERE,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const assets: ConsoleAsset[] = r.outputFiles.map((f) => {
    const path = '/' + relative(outdir, f.path).split('\\').join('/');
    return { path, body: f.contents, contentType: contentTypeOf(path) };
  });
  const entry = Object.entries(r.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('src/main.tsx'));
  if (!entry) throw new Error('console build: esbuild named no output for console/src/main.tsx');
  const urlOf = (metaPath: string) => '/' + relative(outdir, join(HERE, metaPath)).split('\\').join('/');
  const js = urlOf(entry[0]);
  const css = entry[1].cssBundle ? urlOf(entry[1].cssBundle) : '';
  const enc = new TextEncoder();
  assets.push({ path: '/index.html', body: enc.encode(indexHtml(js, css)), contentType: TYPES['.html'] });
  assets.push({ path: '/favicon.svg', body: enc.encode(FAVICON), contentType: TYPES['.svg'] });
  if (opts.outDir) {
    rmSync(opts.outDir, { recursive: true, force: true });
    for (const a of assets) {
      const file = join(opts.outDir, a.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, a.body);
    }
  }
  return assets;
}

// `node --import tsx console/build.ts OUT_DIR`: the CDK asset's local bundling and `npm run build:console`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) throw new Error('console/build.ts: give the output folder, e.g. node --import tsx console/build.ts console/dist');
  await buildConsole({ outDir: out });
}
