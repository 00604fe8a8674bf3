#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's ESM loader, so the repository needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
