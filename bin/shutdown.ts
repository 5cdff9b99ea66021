/**
 * Grace for a second signal: Ctrl-C in a terminal reaches every process of the group, and the
 * demo then asks its kiosks to stop as well, so one person's Ctrl-C arrives twice in a moment.
 */
const SAME_REQUEST_MS = 2000;

/** Runs `stop` once on Ctrl-C or SIGTERM, then lets the process end; a later second Ctrl-C forces it. */
export function onShutdown(stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_REQUEST_MS) return;
      console.error(`\n${signal} again: exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    stop()
      .then(() => process.exit(0))
      .catch((error: Error) => {
        console.error(`error while stopping: ${error.message}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
