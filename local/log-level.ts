/**
 * The local runtime's log level: warnings and errors only (docs/local-runtime.md#ports-and-settings),
 * unless `POWERTOOLS_LOG_LEVEL` says otherwise. Powertools fixes a logger's level when the logger is made,
 * and the one logger (`shared/adapters/powertools/observability.ts`) is made when that module is first
 * imported, long before `startLocalRuntime` runs; a level set later is undone by every API request
 * (Powertools' middleware resets it to the level the logger was made with). So this module sets it as a
 * side effect of being imported, and `runtime.ts` imports it first, before anything that reaches the logger.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

export {};
