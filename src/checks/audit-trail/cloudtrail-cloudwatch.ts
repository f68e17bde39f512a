import { defineCheck } from '../check.js';
import { judgeEachTrail } from './per-trail.js';

/** Every trail delivers to CloudWatch Logs, so alarms can watch it. */
export default defineCheck({
  meta: {
    controlId: 'cloudtrail-cloudwatch',
    riskId: 'IAM-029',
    title: 'CloudTrail delivers to CloudWatch Logs',
    group: 'audit-trail',
    severity: 'low',
    hipaa: ['164.308(a)(5)(ii)(C)', '164.312(b)'],
    description: 'Every trail sends its events to a CloudWatch Logs group, where metric filters and alarms can act on them.',
    remediation: 'aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn LOG_GROUP_ARN --cloud-watch-logs-role-arn ROLE_ARN',
    documentation: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
    sources: ['cloudTrail'],
  },
  run: (context) => judgeEachTrail(context, 'CloudWatch Logs delivery', (t) => t.cloudWatchLogsLogGroupArn !== null, (t) => t.cloudWatchLogsLogGroupArn),
});
