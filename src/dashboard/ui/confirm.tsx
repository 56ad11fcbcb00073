/**
 * Every action is confirmed: the dialog names what will happen, and the action runs
 * only on "Confirm". The result (or error) shows as a toast.
 */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface ActionRequest {
  title: string;
  body: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  /** Runs on confirm; resolves with the toast text. */
  run(): Promise<string>;
}

interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

const ConfirmContext = createContext<(request: ActionRequest) => void>(() => {});

/** Opens the confirmation dialog for an action. */
export const useConfirm = () => useContext(ConfirmContext);

let toastIds = 0;

export function ConfirmProvider(props: { children: ComponentChildren; onSignedOut(message: string): void }) {
  const [pending, setPending] = useState<ActionRequest | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const confirmButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (pending) confirmButton.current?.focus();
  }, [pending]);

  const toast = (text: string, kind: Toast['kind']) => {
    const id = ++toastIds;
    setToasts((old) => [...old, { id, text, kind }]);
    setTimeout(() => setToasts((old) => old.filter((t) => t.id !== id)), 6000);
  };

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      toast(await pending.run(), 'ok');
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('INTERNAL', String(err), 0);
      if (e.signedOut) props.onSignedOut(`${e.code}: ${e.message}`);
      toast(`${e.code}: ${e.message}`, 'error');
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  return (
    <ConfirmContext.Provider value={setPending}>
      {props.children}
      {pending ? (
        <div class="backdrop">
          <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm-dialog">
            <h3 id="confirm-title">{pending.title}</h3>
            <div class="dialog-body">{pending.body}</div>
            <div class="dialog-buttons">
              <button type="button" class="secondary" disabled={busy} onClick={() => setPending(undefined)}>
                Cancel
              </button>
              <button
                type="button"
                ref={confirmButton}
                class={pending.danger ? 'danger' : ''}
                disabled={busy}
                onClick={confirm}
                data-testid="confirm"
              >
                {pending.confirmLabel}
              </button>
            </div>
          </div>
        </div>
      ) : null}
      <div class="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast ${t.kind}`} data-testid={`toast-${t.kind}`}>
            {t.text}
          </div>
        ))}
      </div>
    </ConfirmContext.Provider>
  );
}
