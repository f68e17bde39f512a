/** Evidence formats a run can write; run.json and manifest.json are always written. */
export const FORMATS = ['csv', 'json', 'html'] as const;
export type Format = (typeof FORMATS)[number];
