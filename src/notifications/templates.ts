/**
 * Notification templates of the contract (PROTOCOL.md, "Notification templates"),
 * with the texts of the assistant seed (`shared/seeds/000_*`). A template gives the
 * type, title and message; the request's `data` is passed through unchanged.
 */
import type { NotificationType } from '../protocol/shapes.js';

/** The template names, as accepted by `notify({ template })` and the Kafka bridge. */
export const TEMPLATE_NAMES = ['email:new', 'event:upcoming', 'alarm:trigger', 'task:due', 'document:processed', 'report:ready'] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface Template {
  type: NotificationType;
  title: string;
  /** The message from the request's data; missing fields fall back to plain words, never to "undefined". */
  message(data: Record<string, unknown>): string;
}

/** A data field as text, or `fallback` when absent. */
function field(data: Record<string, unknown>, key: string, fallback: string): string {
  const value = data[key];
  if (value === undefined || value === null || value === '') return fallback;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export const TEMPLATES: Record<TemplateName, Template> = {
  // Seed: "From: john@example.com\nSubject: Meeting Tomorrow"
  'email:new': {
    type: 'info',
    title: '📧 New Email',
    message: (d) => `From: ${field(d, 'from', 'unknown sender')}\nSubject: ${field(d, 'subject', '(no subject)')}`,
  },
  // Seed: "Team Standup at 10:00 AM"
  'event:upcoming': {
    type: 'warning',
    title: '📅 Upcoming Event',
    message: (d) => (d.time ? `${field(d, 'title', 'Event')} at ${field(d, 'time', '')}` : field(d, 'title', 'Event')),
  },
  // Seed: "Wake up!" (the alarm's title)
  'alarm:trigger': { type: 'warning', title: '⏰ Alarm', message: (d) => field(d, 'title', 'Alarm') },
  // Not shown in the seed: "{title} is due" (with " at {due}" when given).
  'task:due': {
    type: 'warning',
    title: '✅ Task Due',
    message: (d) => (d.due ? `${field(d, 'title', 'A task')} is due at ${field(d, 'due', '')}` : `${field(d, 'title', 'A task')} is due`),
  },
  // Contract: "{title} has been processed ({chunks} chunks)"
  'document:processed': {
    type: 'success',
    title: '📄 Document Ready',
    message: (d) => `${field(d, 'title', 'Your document')} has been processed (${field(d, 'chunks', '0')} chunks)`,
  },
  // Contract: "Your {type} report is ready!"
  'report:ready': {
    type: 'success',
    title: '📊 Report Ready',
    message: (d) => (d.type ? `Your ${field(d, 'type', '')} report is ready!` : 'Your report is ready!'),
  },
};

/** Renders a template with the request's data (an object, or nothing). */
export function renderTemplate(name: TemplateName, data: unknown): { type: NotificationType; title: string; message: string } {
  const template = TEMPLATES[name];
  const fields = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return { type: template.type, title: template.title, message: template.message(fields) };
}
