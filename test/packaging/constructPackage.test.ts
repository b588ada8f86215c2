import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elfArchitecture, ffmpegBuildKey } from '../../layers/ffmpeg/ffmpegBuild.js';
import { bundleHandler } from '../../lib/bundleHandler.js';
import { folderFiles } from '../support/folderFiles.js';
import { fakeBuild } from '../unit/layers/ffmpeg/fakeBuild.js';
import { cleanEnvironment, installInFreshProject, type PackedPackage, packPackage } from './support/packedPackage.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONSTRUCT_DIR = join(ROOT, 'packages', 'construct');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const PACKAGE = '@media-pipeline/cdk';
const STACK = 'UserMedia';
/** Bounds every child process; a synth on a loaded 2-core machine takes well under this. */
const PROCESS_TIMEOUT_MS = 180_000;

/** The versions the repository's lockfile pins: what the construct was built and tested against. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) throw new Error(`package-lock.json pins no ${name}`);
  return `${name}@${entry.version}`;
}

/** The user's CDK app, in TypeScript, as the README shows it: the pipeline from the installed package in a stack of theirs. */
const APP = `
import { App, CfnOutput, Duration, Size, Stack } from 'aws-cdk-lib';
import { MediaPipeline, type MediaPipelineProps } from '${PACKAGE}';

const props: MediaPipelineProps = {
  maxFileSize: Size.gibibytes(2),
  uploadExpiry: Duration.hours(12),
  corsOrigins: ['https://app.example.com'],
  processing: { transcoder: 'ffmpeg' },
  demoPage: true,
};

const app = new App();
const stack = new Stack(app, '${STACK}');
const media = new MediaPipeline(stack, 'Media', props);
new CfnOutput(stack, 'ApiUrl', { value: media.api.url });
new CfnOutput(stack, 'MediaBaseUrl', { value: media.cdn.mediaBaseUrl });
`;

/** A prop the pipeline cannot honour: the app must stop before any template is written. */
const BAD_APP = `
import { App, Duration, Stack } from 'aws-cdk-lib';
import { MediaPipeline } from '${PACKAGE}';

new MediaPipeline(new Stack(new App(), 'Bad'), 'Media', { uploadExpiry: Duration.seconds(10) });
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['*.ts'],
};

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with `args` in the user's project as the user would (no tsx, no loaders), with `env` on top, bounded. */
function runInProject(cwd: string, file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...cleanEnvironment(), ...env }, timeout: PROCESS_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

type Resources = Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }>;

describe(`${PACKAGE} installed from its tarball into a fresh CDK app`, () => {
  let dir: string;
  let project: string;
  let cache: string;
  let packed: PackedPackage;
  let synth: Ran;
  let template: Template;
  let resources: Resources;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'construct-package-'));
    project = join(dir, 'app');
    // The machine's ffmpeg build cache, as `npm run build:ffmpeg` leaves it, under build.sh's hash:
    // the package must find it by the same key a clone does (binaries stand in for a 20-minute build).
    cache = join(dir, 'ffmpeg-cache');
    await fakeBuild(join(cache, `${ffmpegBuildKey()}-arm64`), 'arm64');

    packed = await packPackage(CONSTRUCT_DIR, dir);
    await installInFreshProject(project, [
      packed.tarball,
      lockedVersion('aws-cdk-lib'),
      lockedVersion('constructs'),
      lockedVersion('aws-cdk'),
      lockedVersion('@types/node'),
    ]);
    await writeFile(join(project, 'app.ts'), APP);
    await writeFile(join(project, 'bad.ts'), BAD_APP);
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    await writeFile(join(project, 'cdk.json'), JSON.stringify({ app: 'node app.js' }, null, 2));

    const compiled = await runInProject(project, process.execPath, [TSC, '-p', 'tsconfig.json']);
    if (compiled.code !== 0) throw new Error(`tsc failed on the user's app:\n${compiled.stdout}${compiled.stderr}`);
    synth = await runInProject(project, join(project, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices'], {
      MEDIA_PIPELINE_FFMPEG_CACHE: cache,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    });
    if (synth.code !== 0) throw new Error(`cdk synth failed (${synth.code}):\n${synth.stderr}`);
    const json = JSON.parse(await readFile(join(project, 'cdk.out', `${STACK}.template.json`), 'utf8')) as { Resources: Resources };
    template = Template.fromJSON(json);
    resources = json.Resources;
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The cdk.out folder of a resource's asset (the CLI's asset metadata names it). */
  const assetDir = (logicalId: string) => join(project, 'cdk.out', resources[logicalId]!.Metadata!['aws:asset:path']!);
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  it('ships compiled ESM with declarations, build.sh, one bundle per handler and the built demo page, and no sources', () => {
    const handlers = readdirSync(join(ROOT, 'lambdas')).filter((name) => existsSync(join(ROOT, 'lambdas', name, 'handler.ts')));
    expect(handlers.length).toBeGreaterThan(20);
    expect(packed.files).toEqual(expect.arrayContaining(['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/MediaPipeline.d.ts', 'dist/layers/ffmpeg/build.sh']));
    for (const handler of handlers) expect(packed.files).toContain(`dist/bundles/${handler}/index.mjs`);
    expect(packed.files).toEqual(expect.arrayContaining(['dist/demo-page/index.html', 'dist/demo-page/demo/app.js']));
    expect(packed.files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(packed.files.filter((file) => !file.startsWith('dist/') && file !== 'package.json' && file !== 'README.md')).toEqual([]);
  });

  it('ships build.sh byte for byte, so the cache key is the one a clone computes', () => {
    const shipped = readFileSync(join(project, 'node_modules', PACKAGE, 'dist/layers/ffmpeg/build.sh'));
    expect(shipped.equals(readFileSync(join(ROOT, 'layers/ffmpeg/build.sh')))).toBe(true);
  });

  it('synthesizes with cdk synth, running no esbuild: the user installs none, and no Docker or build ran', () => {
    expect(synth.code).toBe(0);
    expect(existsSync(join(project, 'node_modules', 'esbuild'))).toBe(false);
  });

  it('has the JWT-authorized HTTP API with its routes', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /uploads', AuthorizationType: 'JWT' });
  });

  it('has the encrypted private buckets with the app’s CORS origin, and the Uploads table keyed by uploadId', () => {
    const buckets = ofType('AWS::S3::Bucket').map(([, bucket]) => bucket.Properties);
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const bucket of buckets) expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.stringify(buckets)).toContain('https://app.example.com');
    template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'uploadId', KeyType: 'HASH' }] });
  });

  it('runs the process function on its prebuilt bundle with the ffmpeg layer assembled from the cached build', async () => {
    const [layerId, layer] = ofType('AWS::Lambda::LayerVersion').find(([, candidate]) => String(candidate.Properties.Description).startsWith('FFmpeg'))!;
    expect(layer.Properties.Description).toContain(`build ${ffmpegBuildKey()}`);
    const [processId, processFunction] = ofType('AWS::Lambda::Function').find(([, fn]) => JSON.stringify(fn.Properties.Layers ?? []).includes(layerId))!;
    expect(processFunction.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: { FFMPEG_PATH: '/opt/bin/ffmpeg', FFPROBE_PATH: '/opt/bin/ffprobe' } },
    });

    const layerContent = assetDir(layerId);
    expect(elfArchitecture(join(layerContent, 'bin', 'ffmpeg'))).toBe('arm64');
    expect(readFileSync(join(layerContent, 'bin', 'ffprobe')).equals(readFileSync(join(cache, `${ffmpegBuildKey()}-arm64`, 'bin', 'ffprobe')))).toBe(true);

    // The deployed bundle is the one a clone's NodejsFunction makes from today's sources, byte for byte.
    const outdir = join(dir, 'process-upload');
    await bundleHandler(join(ROOT, 'lambdas', 'process-upload', 'handler.ts'), outdir);
    expect(folderFiles(assetDir(processId))).toEqual(folderFiles(outdir));
  });

  it('has the CloudFront distribution in front of the media bucket, serving the demo page from the package', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: '/demo/*' })]) },
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'demo/' });
  });

  it('refuses an invalid prop before synth writes anything, naming the prop and its value', async () => {
    const ran = await runInProject(project, process.execPath, ['bad.js']);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain('uploadExpiry must be at least 1 minute, got 10 seconds');
  });
});
