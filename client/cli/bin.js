#!/usr/bin/env node
// The CLI's entry in a clone: it runs the TypeScript source (main.ts) through tsx (a dependency
// that `npm ci` installs), so a clone needs no build step and runs exactly the code the tests
// cover. The installed package runs main.ts built to JavaScript instead (client/package.json).
import { tsImport } from 'tsx/esm/api';

await tsImport('./main.ts', import.meta.url);
