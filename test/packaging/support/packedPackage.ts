import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Bounds every npm call: generous for a loaded 2-core machine, never endless. */
const NPM_TIMEOUT_MS = 180_000;

/**
 * npm's settings that reach the registry (and where its cache is) pass through; the rest of
 * what `npm test` exports to its scripts is dropped. `npm_config_local_prefix` (the repository)
 * and `npm_config_prefix` would otherwise point a nested `npm install` at the wrong folder.
 */
const KEPT_NPM_SETTINGS = new Set(['registry', 'cache', 'userconfig', 'globalconfig', 'cafile', 'ca', 'proxy', 'https_proxy', 'noproxy', 'strict_ssl']);

/** The environment for a process run as a user of the package would run it: no npm script context, no loaders. */
export function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('npm_') && !KEPT_NPM_SETTINGS.has(lower.replace(/^npm_config_/, ''))) continue;
    // vitest or a developer may load tsx or another hook into every node; a user's node has none.
    if (name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return env;
}

export interface PackedPackage {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  /** Paths inside the tarball, relative to the package folder. */
  readonly files: readonly string[];
}

/**
 * `npm pack` of the package in `packageDir` into `destination`, as a release would make it: the
 * package's `prepack` script builds it first.
 */
export async function packPackage(packageDir: string, destination: string): Promise<PackedPackage> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: packageDir,
    env: cleanEnvironment(),
    timeout: NPM_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  // The build's own output precedes npm's JSON on stdout.
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

/**
 * A fresh ESM project in `projectDir` with `tarballs` installed, as a user installs them: from
 * the npm registry for their dependencies (from npm's cache when it has them), nothing else.
 */
export async function installInFreshProject(projectDir: string, tarballs: readonly string[]): Promise<void> {
  await mkdir(projectDir, { recursive: true });
  await writeFile(join(projectDir, 'package.json'), JSON.stringify({ name: 'packaging-check', private: true, type: 'module' }, null, 2));
  await run('npm', ['install', ...tarballs, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error'], {
    cwd: projectDir,
    env: cleanEnvironment(),
    timeout: NPM_TIMEOUT_MS,
  });
}
