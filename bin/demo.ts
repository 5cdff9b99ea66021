import { rootLogger } from './root-logger.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newPassword, tokenMatches } from '../server/auth/secrets.ts';
import { startHub, type Hub } from '../server/hub.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { venueSchema } from '../core/venue.ts';
import { DEFAULT_CLIPS_DIR, ensureCallClips } from './call-clips.ts';
import type { Command } from './cli.ts';
import { DemoActivity } from './demo-activity.ts';
import { describeFigures, demoFigures } from './demo-figures.ts';
import { freePortFrom, portIsFree } from './free-port.ts';
import { loadDemoState, saveDemoState } from './demo-state.ts';
import { DemoDevices } from './demo-devices.ts';
import {
  DEMO_ADMIN_PIN,
  DEMO_CLERK_COUNTERS,
  DEMO_KIOSKS,
  DEMO_PACE,
  DEMO_PERSON_COUNTER,
  DEMO_VENUE,
} from './demo-venue.ts';
import { onShutdown } from './shutdown.ts';

const WAITWELL = join(import.meta.dirname, 'waitwell.mjs');

export const runDemo: Command = {
  summary: 'run a whole demo venue on this machine: hub, two kiosks on emulated devices',
  usage: [
    'waitwell demo [--port N] [--data DIR]',
    'Environment: WAITWELL_HUB_PORT (default: the port of the last run, else 7400; taken -> a free port).',
    'The board link and the kiosk ports are kept in DIR/demo.json (default data/demo) across restarts.',
  ].join('\n'),
  options: { port: { type: 'string' }, data: { type: 'string' } },
  async run(values) {
    const dataDir = resolve((values.data as string | undefined) ?? join('data', 'demo'));
    mkdirSync(dataDir, { recursive: true });
    const state = loadDemoState(dataDir, (line) => console.log(line));
    const asked = (values.port as string | undefined) ?? process.env.WAITWELL_HUB_PORT;
    const port = asked === undefined ? (state.hubPort ?? 7400) : Number(asked);
    await demoClips();
    const hub = await startDemoHub(join(dataDir, 'hub.db'), port);
    state.hubPort = hub.port;
    const login = await ensureDemoLogin(hub, dataDir);
    await hub.venues.upsert(DEMO_VENUE);
    // The board link of the last run keeps working: its token is kept while the hub still holds its hash.
    const boardHash = await hub.store.getBoardTokenHash(DEMO_VENUE.id);
    const boardToken =
      state.boardToken && boardHash && tokenMatches(state.boardToken, boardHash)
        ? state.boardToken
        : await hub.venues.newBoardToken(DEMO_VENUE.id);
    state.boardToken = boardToken;

    const emulated = new DemoDevices(dataDir, (line) => console.log(line));
    const kiosks: ChildProcess[] = [];
    let activity: DemoActivity | undefined;
    let figures: NodeJS.Timeout | undefined;
    // Before the first kiosk starts: a Ctrl-C at any moment from here stops the kiosks too, never
    // leaving one behind that holds its screen's port.
    onShutdown(async () => {
      console.log('stopping the demo venue...');
      clearInterval(figures);
      activity?.stop();
      emulated.prepareStop();
      await Promise.all(kiosks.map(stopChild));
      await emulated.stop();
      await hub.close();
      console.log('stopped.');
    });
    const printerFolders: string[] = [];
    const kioskUrls: string[] = [];
    const chosenPorts = new Set<number>();
    for (const kiosk of DEMO_KIOSKS) {
      const attached = await emulated.forKiosk(kiosk);
      printerFolders.push(attached.printerOut);
      const token = (await hub.store.getDevice(kiosk.deviceId))
        ? await hub.venues.rotateDeviceToken(kiosk.deviceId)
        : (await hub.venues.addDevice({ venueId: DEMO_VENUE.id, deviceId: kiosk.deviceId, name: kiosk.name })).token;
      const configFile = join(dataDir, `${kiosk.deviceId}.json`);
      // Screens sit just above the hub (7401, 7402 by default), the same ports on every run.
      const saved = state.kioskPorts[kiosk.deviceId];
      const localPort =
        saved !== undefined && !chosenPorts.has(saved) && (await portIsFree(saved))
          ? saved
          : await freePortFrom(hub.port + 1, new Set([...chosenPorts, ...Object.values(state.kioskPorts)]));
      if (saved !== undefined && saved !== localPort)
        console.log(`port ${saved} of ${kiosk.deviceId}'s screen is taken; it moves to ${localPort}`);
      chosenPorts.add(localPort);
      state.kioskPorts[kiosk.deviceId] = localPort;
      kioskUrls.push(`http://127.0.0.1:${localPort}`);
      writeFileSync(
        configFile,
        JSON.stringify(
          {
            hubUrl: hub.url,
            venueId: DEMO_VENUE.id,
            deviceId: kiosk.deviceId,
            token,
            store: join(dataDir, `${kiosk.deviceId}.db`),
            localPort,
            devices: attached.devices,
            screen: { touchpointId: kiosk.screenTouchpoint, adminPin: DEMO_ADMIN_PIN },
            ...(attached.simulate ? { simulate: attached.simulate } : {}),
          },
          null,
          2,
        ),
        { mode: 0o600 },
      );
      const child = spawn(process.execPath, [WAITWELL, 'kiosk', '--config', configFile], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, WAITWELL_LOG_LEVEL: process.env.WAITWELL_LOG_LEVEL ?? DEMO_LOG_LEVEL },
      });
      kiosks.push(child);
    }

    saveDemoState(dataDir, state);
    await kiosksAnswering(kioskUrls);

    const venue = (await hub.store.getVenue(DEMO_VENUE.id))!;
    activity = new DemoActivity(hub, venue, kioskUrls, (line) => console.log(line), {
      clerkCounters: DEMO_CLERK_COUNTERS,
    });
    await activity.start();
    const startedAt = Date.now();
    figures = setInterval(() => {
      demoFigures(hub, venue, startedAt).then(
        (f) => console.log(describeFigures(f, Math.round((Date.now() - startedAt) / 60_000))),
        (error: Error) => console.log(`demo: could not sum up the figures: ${error.message}`),
      );
    }, 60_000);

    console.log(`
waitwell demo venue "${DEMO_VENUE.name}" is running.

  Live board:     ${hub.url}/board/?venue=${DEMO_VENUE.id}#token=${boardToken}
  Kiosk screens:  ${kioskUrls.map((url) => `${url}/`).join('  ')}   (staff panel PIN ${DEMO_ADMIN_PIN})
  Staff console:  ${hub.url}/staff/?venue=${DEMO_VENUE.id}&counter=${DEMO_PERSON_COUNTER}   (your own counter)
  Manager:        ${hub.url}/manage/?venue=${DEMO_VENUE.id}
  Login:          ${login.username} / ${login.password}   (admin; for the console and the dashboard)
  Phone page:     scan a ticket's QR code, or ${hub.url}/t/<ticket id>
  Hub API:        ${hub.url}/api  (sign in: POST /api/login)
  Data:           ${dataDir}

Two kiosks run on emulated devices: smiley button boxes and wait displays on pseudo-terminal
serial lines, ticket printers on TCP (printed tickets, numbered on across runs:
${printerFolders.join(', ')}).
${
  emulated.fallbackReason
    ? `No pseudo-terminals here (${emulated.fallbackReason}):
smiley presses come from the in-process simulated source instead, and the displays are left out.
`
    : ''
}Simulated customers arrive about every ${Math.round(60 / DEMO_PACE.arrivalsPerMin)} s and take tickets at the kiosks;
simulated clerks at ${DEMO_CLERK_COUNTERS.join(' and ')} serve each for a few minutes and step aside
while you work their counter. Open ${DEMO_PERSON_COUNTER} in the staff console to serve customers
yourself. Every minute the demo prints posted against actual waits and the share of presses
flagged as repeats. Press Ctrl-C to stop everything.
`);
  },
};

/** Customers start arriving once the kiosks' screen APIs answer (each kiosk is a child process). */
async function kiosksAnswering(urls: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    while (
      !(await fetch(`${url}/local/status`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) {
        console.log(`the kiosk at ${url} is not answering yet; customers may find it closed`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The demo's screen prints its own summary; its parts log only what needs a look (WAITWELL_LOG_LEVEL overrides). */
const DEMO_LOG_LEVEL = 'warn';
const demoLog = () => rootLogger({}, DEMO_LOG_LEVEL);

/** The clips the demo board announces calls with, its services' names included; made when missing. */
async function demoClips(): Promise<void> {
  try {
    const { made } = await ensureCallClips(DEFAULT_CLIPS_DIR, { services: venueSchema.parse(DEMO_VENUE).services });
    if (made > 0) console.log(`made ${made} call clips in ${DEFAULT_CLIPS_DIR}`);
  } catch (error) {
    console.log(`the board will show calls without saying them: ${(error as Error).message}`);
  }
}

async function startDemoHub(file: string, port: number): Promise<Hub> {
  try {
    return await startHub({ store: new SqliteHubStore(file), port, log: demoLog() });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`port ${port} is taken; using a free port instead`);
    return startHub({ store: new SqliteHubStore(file), port: 0, log: demoLog() });
  }
}

/** The demo's admin login, created on first run and kept beside the demo data (readable by you only). */
async function ensureDemoLogin(hub: Hub, dataDir: string): Promise<{ username: string; password: string }> {
  const file = join(dataDir, 'login.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { username: string; password: string };
    if (await hub.store.getUserByUsername(saved.username)) return saved;
  }
  const login = { username: 'admin', password: newPassword() };
  if (!(await hub.store.getUserByUsername(login.username))) {
    await hub.accounts.createUser({ ...login, role: 'admin' });
    writeFileSync(file, JSON.stringify(login), { mode: 0o600 });
    return login;
  }
  throw new Error(
    `the demo data in ${dataDir} has an admin whose password is unknown: delete ${dataDir} to start afresh`,
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
