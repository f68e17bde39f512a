import { accountFinding, defineCheck } from '../check.js';

const DAY_MS = 86_400_000;

/**
 * The archive of runs shows an access review at least every N days (default 31) over the last
 * 3 months; this run counts as the latest review. `history.reviews` holds only full audits
 * whose manifest verifies (src/audit.ts, src/report/archive.ts): a subcommand run looked at part
 * of the account and wrote no access-review.csv, and a folder that does not verify proves nothing.
 */
export default defineCheck({
  meta: {
    controlId: 'review-cadence',
    riskId: 'IAM-003',
    title: 'Access is reviewed every month',
    group: 'risk-register',
    severity: 'medium',
    hipaa: ['164.308(a)(1)(ii)(D)', '164.308(a)(3)(ii)(B)'],
    description: 'The evidence archive holds a verified full hipaa-iam audit (an access review) at least every 31 days across the last 3 months.',
    remediation: 'Schedule `hipaa-iam audit --out /srv/evidence` monthly (cron or a systemd timer) and keep the archive; have managers re-approve access-review.csv.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html',
    sources: [],
  },
  run({ snapshot, settings, now, history }) {
    const archive = history.reviews;
    if (archive === null) {
      return [accountFinding(snapshot.accountId, 'ERROR', 'the archive of earlier runs was not available to judge the review cadence')];
    }
    const windowStart = new Date(now.getTime() - settings.reviewWindowDays * DAY_MS);
    const reviews = archive
      .map((iso) => new Date(iso))
      .filter((d) => d >= windowStart && d <= now)
      .sort((a, b) => a.getTime() - b.getTime());
    const points = [windowStart, ...reviews, now];
    let widest = { from: windowStart, to: now, days: 0 };
    for (let i = 1; i < points.length; i += 1) {
      const days = (points[i]!.getTime() - points[i - 1]!.getTime()) / DAY_MS;
      if (days > widest.days) widest = { from: points[i - 1]!, to: points[i]!, days };
    }
    const evidence = {
      windowDays: settings.reviewWindowDays,
      maxGapDays: settings.reviewCadenceDays,
      reviewsInWindow: reviews.map((d) => d.toISOString()),
      widestGap: { from: widest.from.toISOString(), to: widest.to.toISOString(), days: Math.round(widest.days) },
    };
    const day = (d: Date) => d.toISOString().slice(0, 10);
    return widest.days <= settings.reviewCadenceDays
      ? [accountFinding(snapshot.accountId, 'PASS', `${reviews.length} earlier review(s) in the last ${settings.reviewWindowDays} days, never more than ${settings.reviewCadenceDays} days apart`, evidence)]
      : [accountFinding(snapshot.accountId, 'FAIL', `no review between ${day(widest.from)} and ${day(widest.to)} (${Math.round(widest.days)} days; limit ${settings.reviewCadenceDays})`, evidence)];
  },
});
