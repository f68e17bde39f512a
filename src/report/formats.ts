/** Evidence formats a run can write; run.json and manifest.json are always written. */
export const FORMATS = ['csv', 'json', 'html', 'ocsf', 'asff'] as const;
/** What a run writes when --format is not given. */
export const DEFAULT_FORMATS: readonly Format[] = ['csv', 'json', 'html'];
export type Format = (typeof FORMATS)[number];
