import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bin/free-port.ts';

/** A database server of this test run alone: a fresh data folder and a free loopback port. */
export interface ThrowawayServer {
  url: string;
  /** Its data folder, removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

const POSTGRES_VERSIONS = '/usr/lib/postgresql';
const READY_MS = 30_000;
const STOP_MS = 10_000;

/**
 * PostgreSQL from Debian's packages (apt-get install postgresql), trusting loopback connections as
 * `waitwell`, with durability off (a test database is thrown away). initdb and postgres refuse to
 * run as root: as root they run as the `postgres` user the package creates.
 */
export async function startPostgres(): Promise<ThrowawayServer> {
  const bin = postgresBin();
  const user = process.getuid?.() === 0 ? accountOf('postgres') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dir, '-U', 'waitwell', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { stdio: 'pipe', cwd: dir, ...user },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(error as Error).message}\n${output}`);
  }
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
  };
  const args = ['-D', dir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  return serve({
    name: 'PostgreSQL',
    command: join(bin, 'postgres'),
    args,
    dir,
    user,
    ready: /database system is ready to accept connections/,
    url: `postgres://waitwell@127.0.0.1:${port}/postgres`,
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing is written for later.
    stopSignal: 'SIGINT',
  });
}

/** Redis from Debian's redis-server, on loopback, keeping nothing on disk. */
export async function startRedis(): Promise<ThrowawayServer> {
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-redis-'));
  const port = await freePort();
  return serve({
    name: 'Redis',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    dir,
    user: undefined,
    ready: /Ready to accept connections/,
    url: `redis://127.0.0.1:${port}`,
    stopSignal: 'SIGTERM',
  });
}

function postgresBin(): string {
  const versions = existsSync(POSTGRES_VERSIONS)
    ? readdirSync(POSTGRES_VERSIONS).filter((version) => existsSync(join(POSTGRES_VERSIONS, version, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      `no PostgreSQL under ${POSTGRES_VERSIONS}: apt-get install -y postgresql, ` +
        'or point WAITWELL_TEST_POSTGRES_URL at a running server',
    );
  }
  return join(POSTGRES_VERSIONS, newest, 'bin');
}

function accountOf(name: string): { uid: number; gid: number } {
  const entry = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).split(':');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/**
 * Runs a server as a child of this process until its log says it is ready; stop() signals it,
 * waits for it to exit and removes its folder. If this process ends first, the server goes too.
 */
function serve(server: {
  name: string;
  command: string;
  args: string[];
  dir: string;
  user: { uid: number; gid: number } | undefined;
  ready: RegExp;
  url: string;
  stopSignal: NodeJS.Signals;
}): Promise<ThrowawayServer> {
  const child = spawn(server.command, server.args, {
    cwd: server.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...server.user,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeDir = () => rmSync(server.dir, { recursive: true, force: true });
  const killOnExit = () => {
    child.kill('SIGKILL');
    removeDir();
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(server.stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
      await exited;
      clearTimeout(timer);
    }
    removeDir();
  };

  return new Promise((resolve, reject) => {
    const output: string[] = [];
    const fail = async (why: string) => {
      clearTimeout(timer);
      await stop();
      reject(new Error(`${server.name} (${server.command}) ${why}; its output:\n${output.join('')}`));
    };
    const timer = setTimeout(() => void fail(`was not ready within ${READY_MS / 1000} s`), READY_MS);
    const onError = (error: Error) => void fail(`could not start: ${error.message}`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      void fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onOutput = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (!server.ready.test(output.join(''))) return;
      clearTimeout(timer);
      child.off('error', onError).off('exit', onExit);
      // Its later log is not read, but must keep flowing or the server blocks on a full pipe.
      child.stdout!.off('data', onOutput).resume();
      child.stderr!.off('data', onOutput).resume();
      resolve({ url: server.url, dir: server.dir, stop });
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}
