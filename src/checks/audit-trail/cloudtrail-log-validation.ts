import { defineCheck } from '../check.js';
import { judgeEachTrail } from './per-trail.js';

/** Every trail has log file validation, so tampering with delivered logs is detectable. */
export default defineCheck({
  meta: {
    controlId: 'cloudtrail-log-validation',
    riskId: 'IAM-027',
    title: 'CloudTrail log file validation is on',
    group: 'audit-trail',
    severity: 'medium',
    hipaa: ['164.312(c)(1)', '164.312(c)(2)'],
    description: 'Every trail writes digest files, so any change to a delivered log can be detected.',
    remediation: 'aws cloudtrail update-trail --name TRAIL --enable-log-file-validation',
    documentation: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-enabling.html',
    sources: ['cloudTrail'],
  },
  run: (context) => judgeEachTrail(context, 'log file validation', (t) => t.logFileValidationEnabled, (t) => t.logFileValidationEnabled),
});
