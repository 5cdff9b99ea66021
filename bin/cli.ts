import { parseArgs, type ParseArgsConfig } from 'node:util';
import { clipsCommand } from './call-clips.ts';
import { runDemo } from './demo.ts';
import { devicesCommand } from './devices-command.ts';
import { emulateCommand } from './emulate-command.ts';
import { replayCommand } from './replay-command.ts';
import { simulateCommand } from './simulate-command.ts';
import { ticketCommand } from './ticket-command.ts';
import { runHubCommand } from './hub-command.ts';
import { runKioskCommand } from './kiosk-command.ts';

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

const COMMANDS: Record<string, Command> = {
  hub: runHubCommand,
  kiosk: runKioskCommand,
  demo: runDemo,
  devices: devicesCommand,
  emulate: emulateCommand,
  ticket: ticketCommand,
  simulate: simulateCommand,
  replay: replayCommand,
  clips: clipsCommand,
};

function mainHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`);
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
    console.log(mainHelp());
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`waitwell: unknown command "${name}"\n\n${mainHelp()}`);
    process.exitCode = 2;
    return;
  }
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
