/** Local mode's own messages (the handlers log through Powertools as in AWS). */
export interface LocalLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Plain lines on stderr, so stdout stays free for what the CLI prints (URLs, token). */
export const consoleLog: LocalLog = {
  info: (message) => console.error(`[local] ${message}`),
  warn: (message) => console.error(`[local] warning: ${message}`),
  error: (message, error) => console.error(`[local] error: ${message}`, ...(error === undefined ? [] : [error])),
};

export const silentLog: LocalLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Only errors, for benchmarks and tests whose output should show failures and nothing else. */
export const errorsOnlyLog: LocalLog = {
  info: () => undefined,
  warn: () => undefined,
  error: consoleLog.error,
};
