// Module customization hooks (node:module register) that append the URL of every module the
// process imports, one per line, to the file RECORD_MODULES_FILE names. The hooks run on their
// own thread, so the record is written as modules resolve, not at exit.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.RECORD_MODULES_FILE, `${resolved.url}\n`);
  return resolved;
}
