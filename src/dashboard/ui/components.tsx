/** Small building blocks of the page. */
import type { ComponentChildren } from 'preact';
import { formatCount } from './format.js';

export function Panel(props: { title: string; id: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="panel" id={props.id} data-testid={props.id}>
      <header>
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

/** A line of the last values, scaled to its own maximum. */
export function Sparkline(props: { values: number[] }) {
  const { values } = props;
  if (values.length < 2) return <svg class="spark" viewBox="0 0 100 24" aria-hidden="true" />;
  const max = Math.max(1, ...values);
  const points = values.map((v, i) => `${((i / (values.length - 1)) * 100).toFixed(1)},${(23 - (v / max) * 22).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true">
      <polyline points={points} />
    </svg>
  );
}

export function Stat(props: { label: string; value: string; testId: string; history?: number[]; note?: string }) {
  return (
    <div class="stat">
      <div class="label">{props.label}</div>
      <div class="value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.history ? <Sparkline values={props.history} /> : null}
      {props.note ? <div class="note">{props.note}</div> : null}
    </div>
  );
}

/** Counts by error code, largest first; `empty` when there are none. */
export function CodeTable(props: { counts: Record<string, number>; empty: string; testId: string }) {
  const rows = Object.entries(props.counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rows.length === 0)
    return (
      <p class="muted" data-testid={props.testId}>
        {props.empty}
      </p>
    );
  return (
    <table class="codes" data-testid={props.testId}>
      <tbody>
        {rows.map(([code, n]) => (
          <tr key={code} data-code={code}>
            <td>
              <code>{code}</code>
            </td>
            <td class="num">{formatCount(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Cursor paging: back to the previous page, or on to the next. */
export function Pager(props: { atStart: boolean; next: string | null; onPrevious(): void; onNext(cursor: string): void }) {
  return (
    <div class="pager">
      <button type="button" class="secondary" disabled={props.atStart} onClick={props.onPrevious}>
        ← Previous
      </button>
      <button type="button" class="secondary" disabled={!props.next} onClick={() => props.next && props.onNext(props.next)}>
        Next →
      </button>
    </div>
  );
}

export function ErrorLine(props: { error: { code: string; message: string } | undefined }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      <code>{props.error.code}</code> {props.error.message}
    </p>
  );
}
