/** Public surface of the notifications feature. */
export type { NotifyResult } from './dispatcher.js';
export { notificationsFeature } from './notifications-feature.js';
export { NOTIFICATION_TYPES, type NotifyInput } from './notifications-schemas.js';
export { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from './templates.js';
