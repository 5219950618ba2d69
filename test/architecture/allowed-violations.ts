/**
 * Known violations of DESIGN.md's import direction, one `<file> → <import target>` each, as
 * test/architecture/check-imports.ts names them.
 *
 * THIS LIST MUST ONLY SHRINK, and it is empty now: the CLI and the server call only src/app, and
 * security keeps its rows through ports of its own (src/security/storage.ts) that the store implements
 * (issue 12). import-direction.test.ts fails
 * - on any violation that is not listed here (fix the import: never add a line), and
 * - on any line that is no longer a violation (delete it, and lower `allowedViolationsCeiling`).
 */
export const allowedViolations: readonly string[] = [];

/** How many entries the list may hold: today's count. Lower it with every line you delete; never raise it. */
export const allowedViolationsCeiling = 0;
