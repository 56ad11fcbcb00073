/**
 * The database schema as Kysely sees it. Empty here: each feature declares its tables
 * in its own folder and adds them by declaration merging, so the store imports no
 * feature:
 *
 *   declare module '../store/database.js' { interface Database extends ChatTables {} }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface Database {}
