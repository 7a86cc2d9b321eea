#!/usr/bin/env node
// The `steadysim` command: loads the TypeScript CLI through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../scenarios/cli.ts');
process.exitCode = await main(process.argv.slice(2));
