#!/usr/bin/env node
// The package's executable: loads the TypeScript sources through tsx, so there is no build step
// between a checkout and a running venue.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
