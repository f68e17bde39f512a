import type { CallCount, SourceName } from '../snapshot/schema.js';
import { operationsOf, SOURCE_ACTIONS } from './source-actions.js';

/** Which source each AWS operation feeds, so calls can be counted per source (from SOURCE_ACTIONS; an operation name is unique across them). */
export const SOURCE_OF_OPERATION: Record<string, SourceName> = Object.fromEntries(
  (Object.entries(SOURCE_ACTIONS) as [SourceName, readonly string[]][]).flatMap(([source, actions]) => actions.flatMap((action) => operationsOf(action).map((operation) => [operation, source]))),
);

interface MiddlewareClient {
  middlewareStack: {
    add: (middleware: never, options: { step: 'initialize'; name: string }) => void;
  };
}

/**
 * Counts API operations and HTTP attempts per source, so run.json can show that calls
 * grow with pages, not with users.
 */
export class CallLedger {
  private static instances = 0;
  private readonly counts: Record<string, CallCount> = {};
  /** Unique per ledger: the SDK refuses two middlewares of one name on a client. */
  private readonly middlewareName = `hipaaIamCallLedger${++CallLedger.instances}`;

  /**
   * @param partOf what each operation is counted under (default: the snapshot source it feeds,
   *   SOURCE_OF_OPERATION); an operation it does not name counts under 'other'. An organization's
   *   facts count under their parts (ORGANIZATION_PART_OF_OPERATION).
   */
  constructor(private readonly partOf: Readonly<Record<string, string>> = SOURCE_OF_OPERATION) {}

  record(operation: string, attempts: number): void {
    const source = this.partOf[operation] ?? 'other';
    const count = (this.counts[source] ??= { calls: 0, attempts: 0, operations: {} });
    count.calls += 1;
    count.attempts += Math.max(attempts, 1);
    count.operations[operation] = (count.operations[operation] ?? 0) + 1;
  }

  snapshot(): Record<string, CallCount> {
    return structuredClone(this.counts);
  }

  /** Registers on a client so every operation it sends, paginators included, is counted. */
  attach(client: MiddlewareClient): void {
    const middleware = (next: (args: unknown) => Promise<{ output: { $metadata?: { attempts?: number } } }>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        try {
          const result = await next(args);
          this.record(operation, result.output.$metadata?.attempts ?? 1);
          return result;
        } catch (error) {
          const metadata = (error as { $metadata?: { attempts?: number } }).$metadata;
          this.record(operation, metadata?.attempts ?? 1);
          throw error;
        }
      };
    client.middlewareStack.add(middleware as never, { step: 'initialize', name: this.middlewareName });
  }
}
