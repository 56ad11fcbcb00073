/**
 * One attempt: POST the stored body, signed per Standard Webhooks with the
 * `standardwebhooks` library (no HMAC code of our own), with Node's fetch and an
 * abort on timeout. A 2xx within the timeout is success; anything else (another
 * status, a timeout, a refused connection) is a failure the caller may retry.
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookEndpoint } from './endpoints.js';

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** The three Standard Webhooks headers of `body` for `eventId`, signed now. */
export function signedHeaders(signer: Webhook, eventId: string, body: string, now = new Date()): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signer.sign(eventId, now, body),
  };
}

export class WebhookSender {
  private readonly signers = new Map<string, Webhook>();

  constructor(private readonly userAgent: string) {}

  private signerOf(endpoint: WebhookEndpoint): Webhook {
    let signer = this.signers.get(endpoint.secret);
    if (!signer) {
      signer = new Webhook(endpoint.secret);
      this.signers.set(endpoint.secret, signer);
    }
    return signer;
  }

  /**
   * One POST; `stop` aborts it (shutdown). One controller of its own per request, with
   * a plain timer, rather than `AbortSignal.any([AbortSignal.timeout(ms), stop])`: Node's
   * timeout timer holds its signal only weakly (whatwg/dom#1032), so a timeout signal that
   * only the combined one refers to may be collected and never fire, which left requests
   * to a hung endpoint open for ever (scripts/measure-webhooks.ts: its lane stopped after
   * three rounds of timeouts).
   */
  async send(endpoint: WebhookEndpoint, eventId: string, body: string, stop?: AbortSignal): Promise<SendResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), endpoint.timeoutMs);
    const onStop = () => controller.abort(stop?.reason);
    stop?.addEventListener('abort', onStop, { once: true });
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': this.userAgent,
          ...signedHeaders(this.signerOf(endpoint), eventId, body),
        },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      // The body is not read for its content, only drained so the connection is reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `HTTP ${response.status}` };
    } catch (err) {
      return { ok: false, status: null, error: describeFailure(controller.signal.reason ?? err, endpoint.timeoutMs) };
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    }
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return error.cause?.code ?? error.cause?.message ?? error.message ?? 'request failed';
}
