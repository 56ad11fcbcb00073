/** Channel names: `namespace:id` (e.g. `trip:42`) or a bare name (`notifications`). */
import { z } from 'zod';

export interface ChannelRef {
  /** The full name as sent. */
  name: string;
  /** Text before the first `:`, or null for a bare name. */
  namespace: string | null;
  /** Text after the first `:`, or null for a bare name. */
  id: string | null;
}

/** Letters, digits and `_ - . : @ |` up to 200 characters; no spaces or slashes. */
export const channelNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_\-.:@|]+$/, 'channel names use letters, digits and _ - . : @ |');

export function parseChannel(name: string): ChannelRef {
  const colon = name.indexOf(':');
  if (colon < 0) return { name, namespace: null, id: null };
  return { name, namespace: name.slice(0, colon), id: name.slice(colon + 1) };
}
