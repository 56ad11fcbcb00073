/**
 * The outbox: one row per (event, endpoint). `id` is the row's own key; `event_id`
 * is the `webhook-id` every attempt to every endpoint carries. `payload` is the body,
 * fixed when the event is stored, so every retry sends the same bytes.
 */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint: string;
  type: string;
  payload: string;
  created_at: number;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: number | null;
  finished_at: number | null;
}

export interface WebhooksTables {
  webhook_deliveries: WebhookDeliveriesTable;
}

declare module '../store/database.js' {
  interface Database extends WebhooksTables {}
}
