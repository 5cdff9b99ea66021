import { read } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';

/**
 * serialport 13's unix read retries forever when read(2) returns 0 bytes (bindings-cpp issue
 * #162, fix PR #164 never merged). But on a tty opened non-blocking with VMIN=1 (serialport's
 * setting), "no data yet" is EAGAIN, and 0 bytes means the line hung up: the USB device was
 * unplugged or the far end of a pty closed. Unpatched, the port spins at 100% CPU, never emits
 * 'close', and the transport never learns it should reconnect. This binding is the platform
 * binding with that one read replaced; Windows ports (no fd, no poller) are left as they are.
 */
type Binding = typeof SerialPort.binding;
type BindingPort = Awaited<ReturnType<Binding['open']>>;

interface UnixPort {
  fd: number | null;
  poller: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
}

const fsRead = promisify(read);

function isUnixPort(port: object): port is UnixPort {
  return (
    'fd' in port &&
    typeof port.fd === 'number' &&
    'poller' in port &&
    typeof (port.poller as { once?: unknown })?.once === 'function'
  );
}

/** The shapes serialport's stream understands: `canceled` after close, `disconnect` for a lost line. */
function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

async function readUntilData(
  port: UnixPort,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  let pollError: Error | undefined;
  for (;;) {
    if (port.fd === null) throw canceled();
    try {
      const { bytesRead } = await fsRead(port.fd, buffer, offset, length, null);
      if (bytesRead === 0) throw Object.assign(new Error('the line hung up'), { disconnect: true, code: 'EOF' });
      return { buffer, bytesRead };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw error;
      if (port.fd === null) throw canceled();
      // libuv's poll can fail on a hung-up tty (EBADF); the read retried above then tells the
      // real cause. A poll that fails while the read still has nothing is the line failing.
      if (pollError) throw Object.assign(pollError, { disconnect: true });
      pollError = await new Promise<Error | undefined>((resolve) =>
        port.poller.once('readable', (failure) => resolve(failure ?? undefined)),
      );
    }
  }
}

function detectHangup(port: BindingPort): BindingPort {
  if (!isUnixPort(port)) return port;
  const unix = port;
  // Shadowing the method on this fresh instance keeps every other behaviour of the binding.
  Object.defineProperty(port, 'read', {
    value: (buffer: Buffer, offset: number, length: number) => readUntilData(unix, buffer, offset, length),
  });
  return port;
}

export function hangupAwareBinding(base: Binding = SerialPort.binding): Binding {
  return {
    list: () => base.list(),
    open: async (options: Parameters<Binding['open']>[0]) => detectHangup(await base.open(options)),
  } as Binding;
}
