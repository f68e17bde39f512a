// `node --import <this file> ...` records every module the process imports (see hooks.mjs).
// ESM has no require cache to look in afterwards; a resolve hook sees each import as it happens.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
