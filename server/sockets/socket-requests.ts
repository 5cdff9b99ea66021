import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Failure, QueueFailure } from '../../core/protocol.ts';
import type { HubEvents } from '../hub-events.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';

/**
 * What a namespace receives: every message of its client-to-server map in core/protocol.ts, with
 * arguments unknown until checked (a socket can send anything; test/socket-garbage.test.ts).
 */
export type Received<ClientToServer> = { [E in keyof ClientToServer]: (...args: unknown[]) => void };

/** The payload a request of a client-to-server map carries (undefined for one that is only an ack). */
export type PayloadOf<Request> = Request extends (...args: infer A) => void
  ? A extends [infer Payload, unknown]
    ? Payload
    : undefined
  : never;

/** What a request's ack is called with. */
export type ReplyOf<Request> = Request extends (...args: infer A) => void
  ? A extends [...unknown[], (result: infer Reply) => void]
    ? Reply
    : never
  : never;

/** How a request of one family is refused: a payload that is not valid, and a failure of the hub's own. */
export interface RequestAnswers<Reply> {
  /** Where a hub fault in such a request is reported (HubEvents 'fault'). */
  where: string;
  invalid(message: string): Reply;
  fault(error: Error): Reply;
}

/** Queue requests (kiosk, clerk, phone): a hub fault, the store most likely, is worth trying again. */
export const QUEUE_ANSWERS: RequestAnswers<QueueFailure> = {
  where: 'queue',
  invalid: (message) => ({ ok: false, code: 'invalid-command', message }),
  fault: (error) => ({
    ok: false,
    code: 'busy',
    message: `the hub could not carry this out (${error.message}); try again`,
  }),
};

/** Sync requests of a kiosk (hello, batches). */
export const SYNC_ANSWERS: RequestAnswers<Failure> = {
  where: 'sync',
  invalid: (message) => ({ ok: false, code: 'invalid-message', message }),
  fault: (error) => ({
    ok: false,
    code: 'internal',
    message: `the hub could not answer (${error.message}); try again`,
  }),
};

/** A payload checked by hand rather than by a zod schema: its value, or the reply refusing it. */
export type Checked<Payload, Reply> = { value: Payload } | { refused: Reply };

type MinimalSocket = Pick<Socket, 'on' | 'onAny' | 'emit'>;

/**
 * The requests one socket answers, each typed from its namespace's map in core/protocol.ts: the
 * ack must be a function (a message without one is refused by a 'message.refused' event), the payload
 * is parsed before the handler sees it (a bad one is answered with a typed error), and a handler
 * that throws is reported as a hub fault and answered, so a request never goes unanswered.
 */
export class SocketRequests<ClientToServer> {
  private readonly known = new Set<string>();

  constructor(
    private readonly socket: MinimalSocket,
    private readonly events: HubEvents,
  ) {}

  /** A request with a payload, checked by `check` (a zod schema, or a function for what a schema cannot say). */
  on<E extends keyof ClientToServer & string>(
    name: E,
    check:
      | z.ZodType<PayloadOf<ClientToServer[E]>>
      | ((raw: unknown) => Checked<PayloadOf<ClientToServer[E]>, ReplyOf<ClientToServer[E]>>),
    answers: RequestAnswers<ReplyOf<ClientToServer[E]>>,
    handler: (
      payload: PayloadOf<ClientToServer[E]>,
    ) => Promise<ReplyOf<ClientToServer[E]>> | ReplyOf<ClientToServer[E]>,
  ): this {
    this.listen(name, answers, async (args, reply) => {
      const raw = args.length > 1 ? args[0] : undefined;
      if (typeof check === 'function') {
        const checked = check(raw);
        if ('refused' in checked) return reply(checked.refused);
        return reply(await handler(checked.value));
      }
      const parsed = check.safeParse(raw);
      if (!parsed.success) return reply(answers.invalid(describeZodIssues(parsed.error)));
      reply(await handler(parsed.data));
    });
    return this;
  }

  /** A request that is only an ack (it acts on what the connection already names). */
  onAck<E extends keyof ClientToServer & string>(
    name: E,
    answers: RequestAnswers<ReplyOf<ClientToServer[E]>>,
    handler: () => Promise<ReplyOf<ClientToServer[E]>> | ReplyOf<ClientToServer[E]>,
  ): this {
    this.listen(name, answers, async (_args, reply) => reply(await handler()));
    return this;
  }

  /**
   * Answers any other message with `unknown-message`, naming what `namespace` understands: on its
   * ack, or by a 'message.refused' event when it has none, so no message is silently dropped.
   */
  answerUnknown(namespace: string): void {
    this.socket.onAny((name: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (this.known.has(name)) {
        if (typeof ack !== 'function')
          this.socket.emit('message.refused', {
            ok: false,
            code: 'invalid-message',
            message: `"${name}" is a request: send it with an acknowledgement callback to get its answer`,
          } satisfies Failure);
        return;
      }
      const failure: Failure = {
        ok: false,
        code: 'unknown-message',
        message: `"${name}" is not a ${namespace} message; this hub understands ${[...this.known].join(', ')}`,
      };
      if (typeof ack === 'function') ack(failure);
      else this.socket.emit('message.refused', failure);
    });
  }

  private listen<Reply>(
    name: string,
    answers: RequestAnswers<Reply>,
    answer: (args: unknown[], reply: (result: Reply) => void) => Promise<void>,
  ): void {
    this.known.add(name);
    this.socket.on(name, (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return;
      const reply = (result: Reply) => void ack(result);
      answer(args, reply).catch((error: unknown) => {
        const fault = error instanceof Error ? error : new Error(String(error));
        this.events.emit('fault', { where: answers.where, error: fault });
        reply(answers.fault(fault));
      });
    });
  }
}
