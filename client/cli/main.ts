#!/usr/bin/env node
/**
 * The CLI's process entry: the installed package's `bin` (built to `dist/cli/main.js` and run by
 * plain `node`), and in a clone the module `client/cli/bin.js` runs through tsx.
 */
import { interruptOnSignal } from './interruptOnSignal.js';

// Installed before the rest of the CLI loads: the first Ctrl-C stops requests and prints how to resume.
const interrupt = interruptOnSignal(process);

const { runCli } = await import('./runCli.js');
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt,
});
