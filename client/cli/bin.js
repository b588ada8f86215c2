#!/usr/bin/env node
// The CLI's entry. It runs the TypeScript source through tsx (a dependency that `npm ci`
// installs), so a clone needs no build step and runs exactly the code the tests cover.
import { tsImport } from 'tsx/esm/api';

// Installed before the CLI loads: the first Ctrl-C stops requests and prints how to resume.
const { interruptOnSignal } = await tsImport('./interruptOnSignal.ts', import.meta.url);
const interrupt = interruptOnSignal(process);

const { runCli } = await tsImport('./runCli.ts', import.meta.url);
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt,
});
