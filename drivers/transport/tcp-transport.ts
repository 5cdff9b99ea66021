import { connect, type Socket } from 'node:net';
import type { BackoffPolicy } from '../../core/backoff.ts';
import { ReconnectingTransport, type Link, type LinkHandlers } from './reconnecting-transport.ts';

/**
 * A TCP client, for LAN printers on their raw port 9100 (and serial-to-Ethernet servers). A
 * dropped socket (printer rebooted, cable pulled, switch restarted) reconnects by itself with the
 * shared backoff. A connect that hangs (a host that is gone drops the SYN) gives up after
 * `connectTimeoutMs`; TCP keepalive probes an idle connection so a printer that vanished without a
 * FIN is noticed. Keepalive's probe interval and count are the OS's (Linux: 75 s x 9), so
 * drivers that need to know sooner poll their device (the printer driver does).
 */
export interface TcpTransportOptions {
  host: string;
  /** Default 9100, the raw printing port. */
  port?: number;
  /** Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Idle time before the first keepalive probe; 0 turns keepalive off. Default 10 000 ms. */
  keepAliveMs?: number;
  backoff?: BackoffPolicy;
}

const RAW_PRINT_PORT = 9100;

function describeTcp(options: TcpTransportOptions): string {
  return `tcp ${options.host}:${options.port ?? RAW_PRINT_PORT}`;
}

/** A connect failure in words staff can act on; the raw message stays at the end for support. */
function explainTcpError(error: Error & { code?: string }, where: string): string {
  const raw = error.message;
  switch (error.code) {
    case 'ECONNREFUSED':
      return (
        `nothing accepts connections at ${where}: ` +
        `is the printer switched on, and is this its address and port? (${raw})`
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return (
        `no route to ${where}: ` +
        `check the network cable and that the kiosk and printer are on the same network (${raw})`
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name in ${where} does not resolve: use the printer's IP address, or fix the DNS name (${raw})`;
    case 'ECONNRESET':
      return (
        `${where} reset the connection: ` +
        `the printer restarted, or another computer holds its only connection (${raw})`
      );
    case 'EPIPE':
      return `${where} closed the connection while data was being sent (${raw})`;
    default:
      return `${where}: ${raw}`;
  }
}

function openTcpLink(options: TcpTransportOptions, where: string, handlers: LinkHandlers): Promise<Link> {
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  const keepAliveMs = options.keepAliveMs ?? 10_000;
  return new Promise<Link>((resolve, reject) => {
    const socket: Socket = connect({ host: options.host, port: options.port ?? RAW_PRINT_PORT });
    let connected = false;
    let gone = false;
    let lastError: string | undefined;

    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`${where} did not answer within ${timeoutMs} ms: is the printer on this network and switched on?`),
      );
    }, timeoutMs);

    // Always listened to: an 'error' without a listener would crash the kiosk.
    socket.on('error', (error: Error & { code?: string }) => {
      lastError = explainTcpError(error, where);
      if (!connected) {
        clearTimeout(timer);
        reject(new Error(lastError));
      }
    });
    socket.on('close', () => {
      if (!connected || gone) return;
      gone = true;
      handlers.onClose(lastError ?? `${where} closed the connection`);
    });

    socket.once('connect', () => {
      clearTimeout(timer);
      connected = true;
      // Tickets and status queries are small and latency matters more than packet count.
      socket.setNoDelay(true);
      if (keepAliveMs > 0) socket.setKeepAlive(true, keepAliveMs);
      socket.on('data', (chunk: Buffer) => {
        if (!gone) handlers.onData(chunk);
      });
      resolve({
        write: (data) =>
          new Promise<void>((resolveWrite, rejectWrite) => {
            if (gone || socket.destroyed) {
              rejectWrite(new Error(lastError ?? `${where} is closed`));
              return;
            }
            socket.write(data, (error) =>
              error
                ? rejectWrite(new Error(explainTcpError(error as Error & { code?: string }, where)))
                : resolveWrite(),
            );
          }),
        close: () =>
          new Promise<void>((resolveClose) => {
            gone = true;
            if (socket.destroyed) return resolveClose();
            socket.once('close', () => resolveClose());
            // end() lets queued bytes go out first; destroy after a grace period if the peer hangs.
            socket.end();
            setTimeout(() => socket.destroy(), 1000).unref();
          }),
      });
    });
  });
}

export class TcpTransport extends ReconnectingTransport {
  constructor(readonly options: TcpTransportOptions) {
    const where = describeTcp(options);
    super(
      where,
      (handlers) => openTcpLink(options, `${options.host}:${options.port ?? RAW_PRINT_PORT}`, handlers),
      options.backoff,
    );
  }
}
