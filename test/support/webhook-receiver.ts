/**
 * A real HTTP receiver for the outbound webhooks: verifies every request with the
 * `standardwebhooks` library (the receiver's side of the spec), records each attempt
 * and each verified event, and answers as the test tells it (a status, or no answer
 * at all, for timeouts). A request whose signature does not verify is recorded in
 * `invalid` and answered 400; tests assert that list stays empty.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookPayload } from '../../src/protocol/webhook-events.js';
import { newWebhookSecret } from '../../src/webhooks/sample-event.js';
import { onCleanup } from './cleanup.js';

/** How the receiver answers one verified request: a status, or `hang` (never answers). */
export type ReceiverAnswer = number | 'hang';

export interface WebhookAttempt {
  webhookId: string;
  timestamp: string;
  payload: WebhookPayload;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly secret: string;
  /** Every verified attempt, in arrival order (retries included). */
  readonly attempts: WebhookAttempt[];
  /** Requests whose signature did not verify (must stay empty). */
  readonly invalid: string[];
  /** Verified attempts that were answered 2xx: what the app backend took in. */
  readonly accepted: WebhookAttempt[];
  /** Sets how the next requests are answered (per request; default 204). */
  answer(decide: (attempt: WebhookAttempt) => ReceiverAnswer): void;
  /** Events of `type` that were accepted. */
  events<T extends WebhookPayload['type']>(type: T): Array<Extract<WebhookPayload, { type: T }>>;
  /** Stops listening (the endpoint is down: connections are refused). */
  close(): Promise<void>;
  /** Listens again on the same port. */
  reopen(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

export async function startWebhookReceiver(secret = newWebhookSecret()): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const attempts: WebhookAttempt[] = [];
  const accepted: WebhookAttempt[] = [];
  const invalid: string[] = [];
  const hanging = new Set<ServerResponse>();
  let decide: (attempt: WebhookAttempt) => ReceiverAnswer = () => 204;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    let payload: WebhookPayload;
    try {
      payload = verifier.verify(body, request.headers as Record<string, string>) as WebhookPayload;
    } catch (err) {
      invalid.push(`${(err as Error).message}: ${body.slice(0, 200)}`);
      response.writeHead(400).end();
      return;
    }
    const attempt = {
      webhookId: String(request.headers['webhook-id']),
      timestamp: String(request.headers['webhook-timestamp']),
      payload,
    };
    attempts.push(attempt);
    const answer = decide(attempt);
    if (answer === 'hang') {
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
      return;
    }
    if (answer >= 200 && answer < 300) accepted.push(attempt);
    response.writeHead(answer).end();
  };

  let server: Server = createServer((req, res) => void handle(req, res));
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const close = () =>
    new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  onCleanup(() => (server.listening ? close() : undefined));

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    secret,
    attempts,
    accepted,
    invalid,
    answer(next) {
      decide = next;
    },
    events(type) {
      return accepted.map((a) => a.payload).filter((p) => p.type === type) as never;
    },
    close,
    async reopen() {
      server = createServer((req, res) => void handle(req, res));
      await listen(port);
    },
  };
}
