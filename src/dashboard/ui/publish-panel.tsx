/** Publish an event to a channel, as POST /api/publish would, after confirmation. */
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.js';
import { Panel } from './components.js';
import { useConfirm } from './confirm.js';

function parseData(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export function PublishPanel(props: { api: Api; channel: string | undefined }) {
  const confirm = useConfirm();
  const [channel, setChannel] = useState(props.channel ?? '');
  const [event, setEvent] = useState('');
  const [data, setData] = useState('');
  useEffect(() => {
    if (props.channel) setChannel(props.channel);
  }, [props.channel]);
  const parsed = parseData(data);
  return (
    <Panel title="Publish" id="publish-panel">
      <form
        class="publish"
        data-testid="publish-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!parsed.ok) return;
          const target = { channel: channel.trim(), event: event.trim(), value: parsed.value };
          confirm({
            title: 'Publish to a channel?',
            body: (
              <>
                <p>
                  Event <code>{target.event}</code> to every subscriber of <code>{target.channel}</code>
                  {target.value === undefined ? ' (no data).' : ' with:'}
                </p>
                {target.value === undefined ? null : <pre>{JSON.stringify(target.value, null, 2)}</pre>}
              </>
            ),
            confirmLabel: 'Publish',
            run: async () => {
              const result = await props.api.publish(target.channel, target.event, target.value);
              return `Published ${target.event} to ${target.channel}${result.offset === null ? '' : ` (offset ${result.offset})`}`;
            },
          });
        }}
      >
        <label>
          Channel
          <input required name="channel" placeholder="trip:42" value={channel} onInput={(e) => setChannel(e.currentTarget.value)} />
        </label>
        <label>
          Event
          <input required name="event" placeholder="trip:updated" value={event} onInput={(e) => setEvent(e.currentTarget.value)} />
        </label>
        <label class="wide">
          Data (JSON, optional)
          <textarea
            name="data"
            rows={4}
            placeholder='{ "changes": { "name": "Lisbon" } }'
            value={data}
            onInput={(e) => setData(e.currentTarget.value)}
          />
        </label>
        {parsed.ok ? null : <p class="error">Data is not JSON: {parsed.message}</p>}
        <button type="submit" disabled={!parsed.ok}>
          Publish…
        </button>
      </form>
    </Panel>
  );
}
