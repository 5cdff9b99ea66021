import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * `waitwell <command>`. bin/ is the composition root: the one place that may import both the
 * kiosk and the hub rooms, because the demo runs a whole venue in one go.
 */
export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<void>;
}

/**
 * Each command's module is loaded only when it runs (or for the help): a hub process should not
 * hold the simulator, the demo's drivers or the workbook library in memory.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  hub: async () => (await import('./hub-command.ts')).runHubCommand,
  kiosk: async () => (await import('./kiosk-command.ts')).runKioskCommand,
  demo: async () => (await import('./demo.ts')).runDemo,
  devices: async () => (await import('./devices-command.ts')).devicesCommand,
  emulate: async () => (await import('./emulate-command.ts')).emulateCommand,
  ticket: async () => (await import('./ticket-command.ts')).ticketCommand,
  simulate: async () => (await import('./simulate-command.ts')).simulateCommand,
  replay: async () => (await import('./replay-command.ts')).replayCommand,
  clips: async () => (await import('./call-clips.ts')).clipsCommand,
};

async function mainHelp(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(8)} ${(await load()).summary}`),
  );
  return [
    'waitwell: in-venue kiosks, queues and moments of truth',
    '',
    'Usage: waitwell <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    `Run "waitwell <command> --help" for a command's options.`,
  ].join('\n');
}

export function commandHelp(name: string, command: Command): string {
  const options = Object.entries(command.options).map(([flag, spec]) => {
    const value = spec.type === 'string' ? ' <value>' : '';
    return `  --${flag}${value}`;
  });
  return `waitwell ${name}: ${command.summary}\n\nUsage: ${command.usage}\n\nOptions:\n${options.join('\n')}\n  --help`;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await mainHelp());
    return;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`waitwell: unknown command "${name}"\n\n${await mainHelp()}`);
    process.exitCode = 2;
    return;
  }
  const command = await load();
  const parse = () =>
    parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    console.error(`waitwell ${name}: ${(error as Error).message}\n\n${commandHelp(name, command)}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.values.help) {
    console.log(commandHelp(name, command));
    return;
  }
  await command.run(parsed.values, parsed.positionals);
}

// A command that fails to start exits non-zero at once, even if some part of it (a socket, a
// device) would keep the process alive: a supervisor restarts it only if it exits.
main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`waitwell: ${error.message}`);
  process.exit(1);
});
