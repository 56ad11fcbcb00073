/**
 * Users online (paged), a user's presence and sockets (looked up by id, refreshed
 * live), and the two user actions: notify and disconnect.
 */
import { useState } from 'preact/hooks';
import type { Api } from './api.js';
import { ErrorLine, Pager, Panel } from './components.js';
import { useConfirm } from './confirm.js';
import { formatCount, formatSince, formatTime } from './format.js';
import { useCursor, usePoll } from './hooks.js';

const PAGE_SIZE = 25;

function OnlineList(props: { api: Api; onPick(userId: string): void }) {
  const [prefix, setPrefix] = useState('');
  const paging = useCursor();
  const { cursor } = paging;
  const page = usePoll(() => props.api.users({ cursor, prefix, limit: PAGE_SIZE }), 2000, [cursor, prefix]);
  return (
    <div class="online-list">
      <input
        type="search"
        placeholder="Filter ids by prefix"
        aria-label="User id prefix"
        value={prefix}
        onInput={(e) => {
          setPrefix(e.currentTarget.value.trim());
          paging.reset();
        }}
      />
      <ErrorLine error={page.error} />
      <ul data-testid="online-users">
        {(page.data?.users ?? []).map((u) => (
          <li key={u.userId}>
            <button type="button" class="link" onClick={() => props.onPick(u.userId)}>
              <span class={`dot ${u.presence.status === 'online' ? 'up' : 'degraded'}`} />
              {u.userId}
            </button>
            <span class="muted">
              {u.presence.devices} device{u.presence.devices === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>
      {page.data ? <p class="muted">{formatCount(page.data.total)} online</p> : null}
      <Pager atStart={paging.atStart} next={page.data?.nextCursor ?? null} onPrevious={paging.previous} onNext={paging.next} />
    </div>
  );
}

function NotifyForm(props: { api: Api; userId: string }) {
  const confirm = useConfirm();
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [type, setType] = useState('info');
  return (
    <form
      class="inline-form"
      data-testid="notify-form"
      onSubmit={(e) => {
        e.preventDefault();
        const { userId } = props;
        confirm({
          title: 'Send a notification?',
          body: (
            <p>
              To <code>{userId}</code>: <b>{title}</b> {message}
            </p>
          ),
          confirmLabel: 'Send notification',
          run: async () => {
            await props.api.notify(userId, title, message, type);
            setTitle('');
            setMessage('');
            return `Notification sent to ${userId}`;
          },
        });
      }}
    >
      <h3>Notify</h3>
      <select value={type} aria-label="Notification type" onChange={(e) => setType(e.currentTarget.value)}>
        {['info', 'success', 'warning', 'error'].map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      <input required placeholder="Title" name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <input placeholder="Message" name="message" value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
      <button type="submit">Notify…</button>
    </form>
  );
}

function UserDetail(props: { api: Api; userId: string }) {
  const confirm = useConfirm();
  const { userId } = props;
  const presence = usePoll(() => props.api.presence(userId), 2000, [userId]);
  const sockets = usePoll(() => props.api.sockets(userId), 2000, [userId]);
  const p = presence.data?.presence;
  const list = sockets.data?.sockets ?? [];
  return (
    <div class="user-detail" data-testid="user-detail" data-user={userId}>
      <h3>
        <code>{userId}</code>{' '}
        {p ? (
          <span class={`tag ${p.online ? 'up' : ''}`} data-testid="user-status">
            {p.online ? `${p.status} · ${p.devices} device${p.devices === 1 ? '' : 's'}` : 'offline'}
          </span>
        ) : null}
        {p && !p.online && p.lastSeen ? <span class="muted"> last seen {formatSince(p.lastSeen)}</span> : null}
      </h3>
      <ErrorLine error={presence.error ?? sockets.error} />
      <table data-testid="user-sockets">
        <thead>
          <tr>
            <th>Socket</th>
            <th>Transport</th>
            <th>Address</th>
            <th>Rooms</th>
            <th>Connected</th>
            <th>Node</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => (
            <tr key={s.id} data-socket={s.id}>
              <td>
                <code>{s.id}</code>
              </td>
              <td data-testid="transport">{s.transport}</td>
              <td>
                <span title={s.userAgent ?? ''}>{s.address}</span>
              </td>
              <td class="rooms">
                {s.rooms.join(', ')}
                {s.roomCount > s.rooms.length ? ` … (${s.roomCount})` : ''}
              </td>
              <td title={s.connectedAt}>
                {formatTime(s.connectedAt)} ({formatSince(s.connectedAt)})
              </td>
              <td>
                <code>{s.nodeId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sockets.data && list.length === 0 ? <p class="muted">No socket connected.</p> : null}
      <div class="user-actions">
        <NotifyForm api={props.api} userId={userId} />
        <div>
          <h3>Disconnect</h3>
          <button
            type="button"
            class="danger"
            disabled={list.length === 0}
            onClick={() =>
              confirm({
                title: 'Disconnect this user?',
                body: (
                  <p>
                    Every socket of <code>{userId}</code> ({list.length}) is closed on every node. The client may reconnect if its token is
                    still valid.
                  </p>
                ),
                confirmLabel: 'Disconnect',
                danger: true,
                run: async () => {
                  const result = await props.api.disconnect(userId);
                  sockets.refresh();
                  presence.refresh();
                  return `Disconnected ${result.disconnected} socket${result.disconnected === 1 ? '' : 's'} of ${userId}`;
                },
              })
            }
          >
            Disconnect…
          </button>
        </div>
      </div>
    </div>
  );
}

export function UsersPanel(props: { api: Api; selected: string | undefined; onSelect(userId: string): void }) {
  const [search, setSearch] = useState('');
  return (
    <Panel
      title="Users"
      id="users-panel"
      actions={
        <form
          class="search"
          onSubmit={(e) => {
            e.preventDefault();
            if (search.trim()) props.onSelect(search.trim());
          }}
        >
          <input
            type="search"
            placeholder="User id"
            aria-label="User id"
            name="user-search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
          <button type="submit">Look up</button>
        </form>
      }
    >
      <div class="users">
        <OnlineList api={props.api} onPick={props.onSelect} />
        {props.selected ? (
          <UserDetail key={props.selected} api={props.api} userId={props.selected} />
        ) : (
          <p class="muted">Pick a user, or look one up by id, to see their presence and sockets.</p>
        )}
      </div>
    </Panel>
  );
}
