import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newPassword } from '../server/auth/secrets.ts';
import { startHub, type Hub } from '../server/hub.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import type { Command } from './cli.ts';
import { DemoActivity } from './demo-activity.ts';
import { freePort } from './free-port.ts';
import { DemoDevices } from './demo-devices.ts';
import { DEMO_ADMIN_PIN, DEMO_KIOSKS, DEMO_VENUE } from './demo-venue.ts';
import { onShutdown } from './shutdown.ts';

const WAITWELL = join(import.meta.dirname, 'waitwell.mjs');

export const runDemo: Command = {
  summary: 'run a whole demo venue on this machine: hub, two kiosks on emulated devices',
  usage: 'waitwell demo [--port N] [--data DIR]\nEnvironment: WAITWELL_HUB_PORT (default 7400; taken -> a free port).',
  options: { port: { type: 'string' }, data: { type: 'string' } },
  async run(values) {
    const dataDir = resolve((values.data as string | undefined) ?? join('data', 'demo'));
    mkdirSync(dataDir, { recursive: true });
    const port = Number((values.port as string | undefined) ?? process.env.WAITWELL_HUB_PORT ?? 7400);
    const hub = await startDemoHub(join(dataDir, 'hub.db'), port);
    const login = await ensureDemoLogin(hub, dataDir);
    await hub.venues.upsert(DEMO_VENUE);
    const boardToken = await hub.venues.newBoardToken(DEMO_VENUE.id);

    const emulated = new DemoDevices(dataDir, (line) => console.log(line));
    const kiosks: ChildProcess[] = [];
    const printerFolders: string[] = [];
    const kioskUrls: string[] = [];
    for (const kiosk of DEMO_KIOSKS) {
      const attached = await emulated.forKiosk(kiosk);
      printerFolders.push(attached.printerOut);
      const token = (await hub.store.getDevice(kiosk.deviceId))
        ? await hub.venues.rotateDeviceToken(kiosk.deviceId)
        : (await hub.venues.addDevice({ venueId: DEMO_VENUE.id, deviceId: kiosk.deviceId, name: kiosk.name })).token;
      const configFile = join(dataDir, `${kiosk.deviceId}.json`);
      const localPort = await freePort();
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
      });
      kiosks.push(child);
    }

    const venue = (await hub.store.getVenue(DEMO_VENUE.id))!;
    const activity = new DemoActivity(hub, venue, kioskUrls, (line) => console.log(line));
    await activity.start();

    console.log(`
waitwell demo venue "${DEMO_VENUE.name}" is running.

  Live board:     ${hub.url}/board/?venue=${DEMO_VENUE.id}#token=${boardToken}
  Kiosk screens:  ${kioskUrls.map((url) => `${url}/`).join('  ')}   (staff panel PIN ${DEMO_ADMIN_PIN})
  Staff console:  ${hub.url}/staff/?venue=${DEMO_VENUE.id}&counter=counter-1
  Manager:        ${hub.url}/manage/?venue=${DEMO_VENUE.id}
  Login:          ${login.username} / ${login.password}   (admin; for the console and the dashboard)
  Phone page:     scan a ticket's QR code, or ${hub.url}/t/<ticket id>
  Hub API:        ${hub.url}/api  (sign in: POST /api/login)
  Data:           ${dataDir}

Two kiosks run on emulated devices: smiley button boxes and wait displays on pseudo-terminal
serial lines, ticket printers on TCP (printed tickets: ${printerFolders.join(', ')}).
${
  emulated.fallbackReason
    ? `No pseudo-terminals here (${emulated.fallbackReason}):
smiley presses come from the in-process simulated source instead, and the displays are left out.
`
    : ''
}Simulated customers take tickets at the kiosks (printed on the emulated printers) and staff at
two counters call and serve them. Press Ctrl-C to stop everything.
`);

    onShutdown(async () => {
      console.log('stopping the demo venue...');
      activity.stop();
      emulated.prepareStop();
      await Promise.all(kiosks.map(stopChild));
      await emulated.stop();
      await hub.close();
      console.log('stopped.');
    });
  },
};

async function startDemoHub(file: string, port: number): Promise<Hub> {
  try {
    return await startHub({ store: new SqliteHubStore(file), port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`port ${port} is taken; using a free port instead`);
    return startHub({ store: new SqliteHubStore(file), port: 0 });
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
