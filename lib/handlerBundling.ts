import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BundlingOptions, DockerImage } from 'aws-cdk-lib';

const BUNDLE_HANDLER_SCRIPT = fileURLToPath(new URL('bundleHandler.ts', import.meta.url));

/**
 * How a clone bundles a handler at synth: `lib/bundleHandler.ts` in a child process (esbuild's
 * plugins need its asynchronous API), with the `pipelineEsbuildOptions` every bundle is made
 * with. NodejsFunction's own bundling runs the esbuild CLI, which takes no plugins.
 *
 * Bundling is local only: the image is never run, since a failed local build throws (the
 * project's own esbuild and tsx are devDependencies, always there in a clone). The command names
 * the entry, so CDK's asset cache (keyed by these options) tells two handlers apart.
 */
export function handlerBundling(entry: string, projectRoot: string): BundlingOptions {
  const relativeEntry = relative(projectRoot, entry);
  return {
    image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
    command: ['node', '--import', 'tsx', 'lib/bundleHandler.ts', relativeEntry, '/asset-output'],
    local: {
      tryBundle(outputDir: string): boolean {
        const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
        const result = spawnSync(process.execPath, ['--import', tsx, BUNDLE_HANDLER_SCRIPT, entry, outputDir], { cwd: projectRoot, encoding: 'utf8' });
        if (result.status !== 0) {
          throw new Error(`Bundling ${relativeEntry} failed (exit ${result.status ?? result.signal}): ${result.stderr || result.error?.message}`);
        }
        return true;
      },
    },
  };
}
