// Prints the README's table of sources and permissions per command (between the
// permissions-by-command markers), derived from the checks' declared sources and
// src/collect/source-actions.ts. test/cli/permissions-table.test.ts fails when the README differs.
import { permissionsTable } from '../dist/cli/commands.js';

process.stdout.write(permissionsTable());
