// Electron's entry: loads the TypeScript main process through tsx, as bin/waitwell.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
