/**
 * An AWS answer as either reader meets it: the SDK's output object, or the AWS CLI's
 * `--output json` of the same operation (the same field names, read by JSON.parse). Every field
 * may be absent or null, and a timestamp may be a Date, an ISO string or epoch seconds (read it
 * with isoDate). The mappings from an answer to the snapshot take this shape, so a live
 * collection and an import of CLI exports share them.
 */
export type Answer<T> = T extends Date
  ? Date | string | number
  : T extends readonly (infer U)[]
    ? Answer<U>[]
    : T extends object
      ? { [K in keyof T]?: Answer<NonNullable<T[K]>> | null }
      : T;
