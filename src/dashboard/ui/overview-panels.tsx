/** The live panels fed by GET /api/admin/overview: totals, nodes, status, errors. */
import type { Overview } from '../shapes.js';
import { CodeTable, Panel, Stat } from './components.js';
import { formatBytes, formatCount, formatDuration, formatRate } from './format.js';
import { useHistory } from './hooks.js';

export function Totals(props: { overview: Overview }) {
  const o = props.overview;
  const connections = useHistory(o.connections, o.generatedAt);
  const eventsIn = useHistory(o.eventsInPerSecond, o.generatedAt);
  const eventsOut = useHistory(o.eventsOutPerSecond, o.generatedAt);
  const nodesNote = o.nodes.answered < o.nodes.expected ? `${o.nodes.answered} of ${o.nodes.expected} answered` : undefined;
  return (
    <div class="stats">
      <Stat label="Connections" value={formatCount(o.connections)} testId="connections" history={connections} />
      <Stat label="Users online" value={formatCount(o.users)} testId="users" />
      <Stat label="Nodes" value={formatCount(o.nodes.expected)} testId="nodes" note={nodesNote} />
      <Stat label="Events in /s" value={formatRate(o.eventsInPerSecond)} testId="events-in" history={eventsIn} />
      <Stat label="Events out /s" value={formatRate(o.eventsOutPerSecond)} testId="events-out" history={eventsOut} />
    </div>
  );
}

export function Nodes(props: { overview: Overview }) {
  const { list, expected, answered } = props.overview.nodes;
  return (
    <Panel title="Nodes" id="nodes-panel">
      <table>
        <thead>
          <tr>
            <th>Node</th>
            <th class="num">Sockets</th>
            <th class="num">In /s</th>
            <th class="num">Out /s</th>
            <th class="num">Uptime</th>
            <th class="num">Memory</th>
          </tr>
        </thead>
        <tbody>
          {list.map((node) => (
            <tr key={node.nodeId} data-node={node.nodeId}>
              <td>
                <code>{node.nodeId}</code>
                {node.nodeId === props.overview.nodeId ? <span class="tag">this node</span> : null}
              </td>
              <td class="num">{formatCount(node.connections)}</td>
              <td class="num">{formatRate(node.eventsInPerSecond)}</td>
              <td class="num">{formatRate(node.eventsOutPerSecond)}</td>
              <td class="num">{formatDuration(node.uptimeSeconds)}</td>
              <td class="num">{formatBytes(node.rssBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {answered < expected ? (
        <p class="warning">
          {expected - answered} of {expected} nodes did not answer in time.
        </p>
      ) : null}
    </Panel>
  );
}

export function Status(props: { overview: Overview }) {
  return (
    <Panel title="Status" id="status-panel">
      <ul class="status">
        {props.overview.status.map((s) => (
          <li key={s.name} data-status={s.name} data-state={s.state}>
            <span class={`dot ${s.state}`} title={s.state} />
            <strong>{s.name}</strong>
            <span class="state">{s.state}</span>
            {s.summary ? <span class="muted">{s.summary}</span> : null}
            {s.details && Object.keys(s.details).length > 0 ? (
              <span class="details">
                {Object.entries(s.details).map(([k, v]) => (
                  <span key={k}>
                    {k}: <b>{String(v)}</b>
                  </span>
                ))}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </Panel>
  );
}

export function Errors(props: { overview: Overview }) {
  return (
    <Panel title="Errors" id="errors-panel">
      <h3>Answered to clients, by code</h3>
      <CodeTable counts={props.overview.errorsByCode} empty="No errors." testId="errors-by-code" />
      <h3>Handshakes refused, by code</h3>
      <CodeTable counts={props.overview.handshakeFailuresByCode} empty="No refused handshakes." testId="handshake-failures" />
    </Panel>
  );
}
