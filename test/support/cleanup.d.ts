/** Resources a test opened, closed after it whatever its outcome (newest first). */
type Cleanup = () => Promise<void> | void;
export declare function onCleanup(fn: Cleanup): void;
export declare function cleanupAll(): Promise<void>;
