/** The wire contract, importable as `switchboard/protocol` by clients without the server. */
export * from './error-codes.js';
export * from './events.js';
export * from './shapes.js';
export * from './webhook-events.js';
