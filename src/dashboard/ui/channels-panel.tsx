/** Channels with live subscribers, a page at a time, with their history size. */
import { useState } from 'preact/hooks';
import type { Api } from './api.js';
import { ErrorLine, Pager, Panel } from './components.js';
import { formatCount } from './format.js';
import { useCursor, usePoll } from './hooks.js';

const PAGE_SIZE = 25;

export function ChannelsPanel(props: { api: Api; onPick(channel: string): void }) {
  const [prefix, setPrefix] = useState('');
  const paging = useCursor();
  const { cursor } = paging;
  const page = usePoll(() => props.api.channels({ cursor, prefix, limit: PAGE_SIZE }), 2000, [cursor, prefix]);
  const channels = page.data?.channels ?? [];
  return (
    <Panel
      title="Channels"
      id="channels-panel"
      actions={
        <input
          type="search"
          placeholder="Filter by prefix (trip:)"
          value={prefix}
          aria-label="Channel prefix"
          onInput={(e) => {
            setPrefix(e.currentTarget.value.trim());
            paging.reset();
          }}
        />
      }
    >
      <ErrorLine error={page.error} />
      <table>
        <thead>
          <tr>
            <th>Channel</th>
            <th class="num">Subscribers</th>
            <th class="num">History</th>
            <th class="num">Last offset</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.name} data-channel={c.name}>
              <td>
                <code>{c.name}</code>
              </td>
              <td class="num" data-testid="subscribers">
                {formatCount(c.subscribers)}
              </td>
              <td class="num">{c.history ? formatCount(c.history.size) : '—'}</td>
              <td class="num">{c.history ? formatCount(c.history.lastOffset) : '—'}</td>
              <td class="num">
                <button type="button" class="link" onClick={() => props.onPick(c.name)}>
                  publish…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data && channels.length === 0 ? <p class="muted">No channel has subscribers{prefix ? ` under "${prefix}"` : ''}.</p> : null}
      <Pager atStart={paging.atStart} next={page.data?.nextCursor ?? null} onPrevious={paging.previous} onNext={paging.next} />
    </Panel>
  );
}
