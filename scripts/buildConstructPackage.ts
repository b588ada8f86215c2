/**
 * Builds the construct package (packages/construct, `npm pack` there runs this as `prepack`)
 * into packages/construct/dist, a mirror of the repository's tree that holds only what a
 * user's synth runs:
 * - `lib/` and the runtime modules it imports (constants, schemas, the ffmpeg cache lookup),
 *   compiled by tsc to ESM with declarations;
 * - `layers/ffmpeg/build.sh`, byte for byte: its hash is the ffmpeg build cache's key, so the
 *   package finds the same cached build as a clone does, and the Docker path runs it;
 * - `bundles/<handler>/` (`index.mjs`, its chunks, their maps): every handler bundled by `bundleHandler`,
 *   the bundle a clone makes at synth (test/infra/pipelineEsbuildOptions.test.ts), so
 *   the user's synth runs no esbuild and installs none of the handlers' dependencies;
 * - `demo-page/`: the demo page (web/demo/), bundled with its browser dependencies.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PREBUILT_DEMO_PAGE_DIR } from '../lib/DemoPage.js';
import { HANDLER_BUNDLES_DIR, PROJECT_ROOT } from '../lib/PipelineFunction.js';
import { bundleHandler } from '../lib/bundleHandler.js';
import { buildDemoPage, writeDemoPage } from '../web/buildDemoPage.js';

const PACKAGE_DIR = join(PROJECT_ROOT, 'packages', 'construct');
const DIST = join(PACKAGE_DIR, 'dist');
/** dist mirrors the repository, so a path under the root maps to the same path under dist. */
const inDist = (path: string) => join(DIST, path.slice(PROJECT_ROOT.length));

const started = Date.now();
rmSync(DIST, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PACKAGE_DIR, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) throw new Error(`tsc -p packages/construct/tsconfig.build.json exited ${tsc.status ?? tsc.signal}`);

copyFileSync(join(PROJECT_ROOT, 'layers', 'ffmpeg', 'build.sh'), join(DIST, 'layers', 'ffmpeg', 'build.sh'));

const handlers = readdirSync(join(PROJECT_ROOT, 'lambdas')).filter((dir) => existsSync(join(PROJECT_ROOT, 'lambdas', dir, 'handler.ts')));
await Promise.all(
  handlers.map((dir) => bundleHandler(join(PROJECT_ROOT, 'lambdas', dir, 'handler.ts'), join(inDist(HANDLER_BUNDLES_DIR), dir))),
);

writeDemoPage(await buildDemoPage(), inDist(PREBUILT_DEMO_PAGE_DIR));

console.log(`Built ${DIST}: lib, ${handlers.length} handler bundles, the demo page (${((Date.now() - started) / 1000).toFixed(1)} s)`);
