#!/usr/bin/env node
// The CLI's entry. It runs the TypeScript source through tsx (a dependency that `npm ci`
// installs), so a clone needs no build step and runs exactly the code the tests cover.
import { tsImport } from 'tsx/esm/api';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C stops requests and prints how to resume; a second one does not wait.
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

const { runCli } = await tsImport('./runCli.ts', import.meta.url);
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: interrupt.signal,
});
