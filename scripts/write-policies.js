// Regenerates the policies in policies/ that are derived from code and data (npm run policies).
// test/policies.test.ts fails when a shipped file no longer matches what this writes.
import { writeFileSync } from 'node:fs';
import { BUILT_IN_ELIGIBLE_SERVICES } from '../dist/hipaa/eligible-services.js';
import { buildHipaaBoundary } from '../dist/hipaa/permissions-boundary.js';
import { buildHipaaScp } from '../dist/hipaa/scp-allowlist.js';
import { policyFileText } from '../dist/cli/scp-command.js';
import { DENY_WITHOUT_MFA_DOCUMENT } from '../dist/policy/prescribed.js';

const scp = buildHipaaScp(BUILT_IN_ELIGIBLE_SERVICES, { form: 'deny-not-action' });
const files = {
  'policies/deny-without-mfa.json': DENY_WITHOUT_MFA_DOCUMENT,
  'policies/permissions-boundary.json': buildHipaaBoundary(BUILT_IN_ELIGIBLE_SERVICES),
  'policies/hipaa-scp-allowlist.json': scp.documents[0],
};
for (const [path, document] of Object.entries(files)) {
  writeFileSync(new URL(`../${path}`, import.meta.url), policyFileText(document));
  console.log(`wrote ${path}`);
}
