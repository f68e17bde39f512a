import { defineCheck } from '../check.js';
import { judgeEachTrail } from './per-trail.js';

/** Every trail encrypts its logs with a KMS key. */
export default defineCheck({
  meta: {
    controlId: 'cloudtrail-kms',
    riskId: 'IAM-028',
    title: 'CloudTrail logs are encrypted with KMS',
    group: 'audit-trail',
    severity: 'medium',
    hipaa: ['164.312(a)(2)(iv)', '164.312(e)(2)(ii)'],
    description: 'Every trail encrypts its log files with a customer-managed KMS key (SSE-KMS).',
    remediation: 'aws cloudtrail update-trail --name TRAIL --kms-key-id KEY_ARN (the key policy must let CloudTrail use it)',
    documentation: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html',
    sources: ['cloudTrail'],
  },
  run: (context) => judgeEachTrail(context, 'KMS encryption', (t) => t.kmsKeyId !== null, (t) => t.kmsKeyId),
});
