/** Runs `stop` once on Ctrl-C or SIGTERM, then lets the process end; a second Ctrl-C forces it. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`\n${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
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
