#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';

// The SDK warns on every run that its 2027 releases will need Node 22; hipaa-iam pins a release
// that supports Node 20, and the warning would only clutter cron mail.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('hipaa-iam: not built yet; run `npm ci` (or `npm run build`) in the package folder first\n');
  process.exit(2);
}
await import(entry.href);
