/**
 * Start-up as a list of named steps, shutdown as its reverse (STYLE.md #12). Each step
 * may register how to undo itself; when a step fails, everything already done is
 * undone in reverse order, so nothing is left open (no Redis socket, no timer, no
 * listener on the host's http.Server) and the process can exit by itself. The error
 * names the step and the config key or service it depends on.
 */
import type { Logger } from './logger.js';

export interface StepOptions {
  /** The config key (or keys) the step depends on, named in the error when it fails. */
  configKey?: string;
}

/** Why start-up stopped: which step, which config key, and the cause. */
export class StartupError extends Error {
  constructor(
    readonly step: string,
    readonly configKey: string | undefined,
    cause: unknown,
  ) {
    const reason = reasonOf(cause);
    super(`start-up failed at "${step}"${configKey ? ` (check ${configKey})` : ''}: ${reason}`, { cause });
    this.name = 'StartupError';
  }
}

type Undo = () => Promise<void> | void;

export class Startup {
  private readonly undos: Array<{ step: string; undo: Undo }> = [];

  constructor(private readonly logger: Logger) {}

  /**
   * Runs one step. `undo` receives the step's result and is called if a later step
   * fails (or by `unwind()`). A failure here unwinds what came before and throws a
   * StartupError.
   */
  async step<T>(name: string, options: StepOptions, run: () => Promise<T> | T, undo?: (value: T) => Promise<void> | void): Promise<T> {
    let value: T;
    try {
      value = await run();
    } catch (error) {
      if (error instanceof StartupError) {
        await this.unwind();
        throw error;
      }
      const failure = new StartupError(name, options.configKey, error);
      this.logger.debug({ err: error, step: name }, 'start-up step failed');
      await this.unwind();
      throw failure;
    }
    if (undo) this.undos.push({ step: name, undo: () => undo(value) });
    return value;
  }

  /** Undoes every completed step, newest first; one failing undo does not stop the others. */
  async unwind(): Promise<void> {
    while (this.undos.length > 0) {
      const { step, undo } = this.undos.pop() as { step: string; undo: Undo };
      try {
        await undo();
      } catch (err) {
        this.logger.error({ err, step }, 'undoing a start-up step failed');
      }
    }
  }
}

/** The message of an error, with its cause's when it wraps one (an UNAVAILABLE hides the driver's for clients, not for operators). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? error.cause.message : undefined;
  return inner && !error.message.includes(inner) ? `${error.message}: ${inner}` : error.message;
}
