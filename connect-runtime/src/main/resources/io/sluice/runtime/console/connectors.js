// Sluice console: the connector list (search and filters) and a connector's page (actions, tabs, live figures).
'use strict';

(() => {
  const {h, fmt, enc, api, act, stateBadge, figure, svg} = Sluice;
  const history = {};  // connector -> [{t, written}] over the last refreshes, for the sparkline
  const tabs = [];     // a connector page's tabs, in registration order

  /**
   * Registers a tab of the connector page: {id, label, when(info) (shown only if true; optional),
   * mount(view) -> content, refresh(view) (optional)}; view = {name, info, status}, kept current by the page.
   */
  Sluice.connectorTab = def => tabs.push(def);

  // ---------- figures ----------
  /**
   * The live figures of a connector's tasks on this worker, added up. For sinks "written" is what preCommit
   * acknowledged and "put" what was handed to put(); for sources both are records Kafka acknowledged.
   */
  function sumLive(status) {
    const t = {type: null, live: false, in: 0, put: 0, written: 0, pending: 0, rate: 0, recent: 0, inRate: 0,
      inRecent: 0, lag: null, errors: 0, lastError: null};
    for (const task of (status && status.tasks) || []) {
      const l = task.live;
      if (!l) continue;
      const w = l.type === 'sink' ? 'written' : 'out';
      t.live = true;
      t.type = l.type;
      t.in += l.records_in_total;
      t.put += l.records_out_total;
      t.written += l[`records_${w}_total`];
      t.rate += l[`records_${w}_per_second`];
      t.recent += l[`records_${w}_per_second_recent`];
      t.inRate += l.records_in_per_second;
      t.inRecent += l.records_in_per_second_recent;
      t.pending += l.records_pending || 0;
      t.errors += l.errors_total;
      if (l.lag_total !== undefined) t.lag = (t.lag || 0) + l.lag_total;
      if (l.last_error_time && (!t.lastError || l.last_error_time > t.lastError)) t.lastError = l.last_error_time;
    }
    return t;
  }

  function note(name, live) {
    const list = history[name] || (history[name] = []);
    list.push({t: Date.now(), written: live.written});
    if (list.length > 90) list.shift();
  }

  function sparkline(name) {
    const list = history[name] || [];
    const w = 160, hgt = 28;
    const chart = svg('svg', {class: 'spark', width: w, height: hgt});
    const rates = [];
    for (let i = 1; i < list.length; i++) {
      const dt = (list[i].t - list[i - 1].t) / 1000;
      rates.push(dt > 0 ? Math.max(0, (list[i].written - list[i - 1].written) / dt) : 0);
    }
    if (rates.length > 1) {
      const max = Math.max(...rates, 1);
      const pts = rates.map((r, i) => (i * (w / (rates.length - 1))).toFixed(1) + ',' + (hgt - 2 - (r / max) * (hgt - 4)).toFixed(1));
      chart.append(svg('polyline', {points: pts.join(' '), fill: 'none', stroke: '#1f5fbf', 'stroke-width': '1.5'}));
    }
    return chart;
  }

  /** Pending records while nothing was written over the last seconds: the sink is stuck (or buffering). */
  const stalled = live => live.live && live.pending > 0 && live.recent === 0;

  // ---------- the list ----------
  const list = {data: {}, filters: null};

  function matches(name, entry, f) {
    const status = entry.status || {};
    const info = entry.info || {};
    const text = (name + ' ' + ((info.config || {})['connector.class'] || '')).toLowerCase();
    if (f.q && !text.includes(f.q.toLowerCase())) return false;
    if (f.type && (info.type || status.type) !== f.type) return false;
    const state = status.connector && status.connector.state;
    const failedTasks = (status.tasks || []).some(t => t.state === 'FAILED');
    if (f.state === 'FAILED') return state === 'FAILED' || failedTasks;
    return !f.state || state === f.state;
  }

  function row(name, entry) {
    const status = entry.status || {};
    const info = entry.info || {};
    const live = sumLive(status);
    const tasks = status.tasks || [];
    const running = tasks.filter(t => t.state === 'RUNNING').length;
    const failed = tasks.filter(t => t.state === 'FAILED').length;
    return h('tr', {class: 'clickable', 'data-connector': name, onclick: () => { location.hash = '#/connectors/' + enc(name); }},
      h('td', {}, h('a', {href: '#/connectors/' + enc(name)}, name)),
      h('td', {}, info.type || status.type || ''),
      h('td', {}, stateBadge(status.connector && status.connector.state)),
      h('td', {}, `${running}/${tasks.length} running`, failed ? h('span', {class: 'failed-count'}, `, ${failed} failed`) : null),
      h('td', {class: 'num', 'data-field': 'rate'}, live.live ? fmt(live.recent) : '–'),
      h('td', {class: 'num', 'data-field': 'rate-1m'}, live.live ? fmt(live.rate) : '–'),
      h('td', {class: 'num', 'data-field': 'out-total'}, live.live ? fmt(live.written) : '–'),
      h('td', {class: 'num' + (stalled(live) ? ' stalled' : ''), 'data-field': 'pending'}, live.live ? fmt(live.pending) : '–'),
      h('td', {class: 'num', 'data-field': 'lag'}, live.lag === null ? '–' : fmt(live.lag)),
      h('td', {class: 'num', 'data-field': 'errors'}, live.live ? fmt(live.errors) : '–'),
      h('td', {}, sparkline(name)));
  }

  function drawList() {
    const f = list.filters;
    const names = Object.keys(list.data).sort();
    const shown = names.filter(n => matches(n, list.data[n], f));
    const count = document.getElementById('connector-count');
    const body = document.getElementById('connector-rows');
    if (!count || !body) return;
    count.textContent = shown.length === names.length ? `(${names.length})` : `(${shown.length} of ${names.length})`;
    body.replaceChildren(...shown.map(n => row(n, list.data[n])));
    document.getElementById('connector-empty').hidden = names.length > 0;
    document.getElementById('connector-none-match').hidden = names.length === 0 || shown.length > 0;
  }

  async function listRefresh() {
    list.data = await api('GET', '/connectors?expand=status&expand=info');
    for (const [name, entry] of Object.entries(list.data)) note(name, sumLive(entry.status));
    drawList();
  }

  async function listMount(ctx) {
    list.filters = {q: ctx.params.get('q') || '', state: ctx.params.get('state') || '', type: ctx.params.get('type') || ''};
    const changed = (key, value) => {
      list.filters[key] = value;
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(list.filters)) if (v) params.set(k, v);
      Sluice.replaceQuery(params);
      drawList();
    };
    const option = (value, label, chosen) => h('option', {value, selected: value === chosen}, label);
    const content = [
      h('h1', {}, 'Connectors ', h('span', {class: 'muted', id: 'connector-count'})),
      h('div', {class: 'toolbar filters'},
        h('input', {id: 'connector-search', type: 'search', placeholder: 'Search name or class', size: 28,
          value: list.filters.q, oninput: e => changed('q', e.target.value.trim())}),
        h('select', {id: 'connector-state-filter', onchange: e => changed('state', e.target.value)},
          option('', 'Any state', list.filters.state), option('RUNNING', 'Running', list.filters.state),
          option('PAUSED', 'Paused', list.filters.state), option('STOPPED', 'Stopped', list.filters.state),
          option('FAILED', 'Failed (connector or a task)', list.filters.state),
          option('UNASSIGNED', 'Unassigned', list.filters.state)),
        h('select', {id: 'connector-type-filter', onchange: e => changed('type', e.target.value)},
          option('', 'Sources and sinks', list.filters.type), option('source', 'Sources', list.filters.type),
          option('sink', 'Sinks', list.filters.type)),
        h('a', {class: 'button', href: '#/new'}, 'New connector')),
      h('p', {class: 'muted', id: 'connector-empty', hidden: true}, 'No connectors yet. ', h('a', {href: '#/new'}, 'Create one.')),
      h('p', {class: 'muted', id: 'connector-none-match', hidden: true}, 'No connector matches these filters.'),
      h('table', {id: 'connectors'},
        h('thead', {}, h('tr', {},
          h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'State'), h('th', {}, 'Tasks'),
          h('th', {class: 'num', title: 'Records written per second over the last 5 s'}, 'Records/s (5 s)'),
          h('th', {class: 'num', title: 'Records written per second over the last minute'}, 'Records/s (1 min)'),
          h('th', {class: 'num', title: 'Sinks: acknowledged by the sink (preCommit); sources: acknowledged by Kafka'}, 'Written'),
          h('th', {class: 'num', title: 'Sinks: read and not yet acknowledged; sources: sent and not yet acknowledged'}, 'Pending'),
          h('th', {class: 'num'}, 'Lag'), h('th', {class: 'num'}, 'Errors'), h('th', {}, 'Throughput'))),
        h('tbody', {id: 'connector-rows'}))];
    list.data = await api('GET', '/connectors?expand=status&expand=info');
    for (const [name, entry] of Object.entries(list.data)) note(name, sumLive(entry.status));
    return content;
  }

  // ---------- a connector's page ----------
  const page = {view: null};

  function actions(name) {
    const post = (label, path, method) => () => act(label, () => api(method || 'POST', path));
    return h('div', {class: 'toolbar'},
      h('button', {'data-action': 'pause', onclick: post('Pause', `/connectors/${enc(name)}/pause`, 'PUT')}, 'Pause'),
      h('button', {'data-action': 'resume', onclick: post('Resume', `/connectors/${enc(name)}/resume`, 'PUT')}, 'Resume'),
      h('button', {'data-action': 'stop', onclick: post('Stop', `/connectors/${enc(name)}/stop`, 'PUT')}, 'Stop'),
      h('button', {'data-action': 'restart', onclick: post('Restart',
        `/connectors/${enc(name)}/restart?includeTasks=true&onlyFailed=false`)}, 'Restart with tasks'),
      h('button', {'data-action': 'restart-failed', onclick: post('Restart failed tasks',
        `/connectors/${enc(name)}/restart?includeTasks=true&onlyFailed=true`)}, 'Restart failed'),
      h('button', {class: 'danger', 'data-action': 'delete', onclick: () => {
        if (!confirm(`Delete connector ${name}? Its config is removed; its offsets stay.`)) return;
        act('Delete ' + name, async () => { await api('DELETE', `/connectors/${enc(name)}`); location.hash = '#/connectors'; });
      }}, 'Delete'),
      h('a', {class: 'button', 'data-action': 'peek-topics', href: `#/topics?connector=${enc(name)}`}, 'Peek its topics'));
  }

  async function connectorMount(ctx) {
    const name = ctx.parts[0];
    const [status, info] = await Promise.all([api('GET', `/connectors/${enc(name)}/status`), api('GET', `/connectors/${enc(name)}`)]);
    const shown = tabs.filter(t => !t.when || t.when(info));
    const tab = shown.find(t => t.id === (ctx.parts[1] || 'overview')) || shown[0];
    const view = {name, info, status, tab};
    page.view = view;
    const content = await tab.mount(view);
    return [
      h('h1', {}, name, ' ', h('span', {id: 'connector-state-badge'}, stateBadge(status.connector && status.connector.state)),
        ' ', h('span', {class: 'muted'}, `${status.type || ''} · ${(info.config || {})['connector.class'] || ''}`)),
      actions(name),
      h('nav', {class: 'tabs'}, shown.map(t => h('a', {href: `#/connectors/${enc(name)}/${t.id}`, 'data-tab': t.id,
        class: t === tab ? 'active' : null}, t.label))),
      h('section', {id: 'tab-' + tab.id}, content)];
  }

  async function connectorRefresh(ctx) {
    const view = page.view;
    if (!view || view.name !== ctx.parts[0]) return;
    const asked = Date.now();
    const status = await api('GET', `/connectors/${enc(view.name)}/status`);
    if (asked < (view.statusAskedAt || 0)) return; // a newer answer is already shown
    view.status = status;
    view.statusAskedAt = asked;
    const badge = document.getElementById('connector-state-badge');
    if (badge) badge.replaceChildren(stateBadge(view.status.connector && view.status.connector.state));
    if (view.tab.refresh) await view.tab.refresh(view);
  }

  Sluice.page({
    id: 'connectors', nav: 'Connectors',
    mount: ctx => ctx.parts[0] ? connectorMount(ctx) : listMount(ctx),
    mounted: ctx => ctx.parts[0] ? null : drawList(),
    refresh: ctx => ctx.parts[0] ? connectorRefresh(ctx) : listRefresh(),
  });

  // ---------- the overview tab: live figures, tasks, failures ----------
  function taskRow(name, t) {
    const l = t.live || {};
    const sink = l.type === 'sink';
    return h('tr', {'data-task': t.id},
      h('td', {}, String(t.id)),
      h('td', {}, stateBadge(t.state)),
      h('td', {}, t.worker_id || ''),
      h('td', {class: 'num'}, fmt(l.records_in_per_second_recent)),
      h('td', {class: 'num', 'data-field': 'in-total'}, fmt(l.records_in_total)),
      h('td', {class: 'num', 'data-field': 'put-total'}, sink ? fmt(l.records_out_total) : '–'),
      h('td', {class: 'num', 'data-field': 'written-total'}, fmt(sink ? l.records_written_total : l.records_out_total)),
      h('td', {class: 'num', 'data-field': 'pending'}, fmt(l.records_pending)),
      h('td', {}, l.lag ? Object.entries(l.lag).map(([p, v]) => h('div', {}, h('code', {}, p), ' ', fmt(v))) : '–'),
      h('td', {}, l.last_error_time ? new Date(l.last_error_time).toLocaleString() : '–'),
      h('td', {}, h('button', {'data-action': 'restart-task', onclick: () =>
        act(`Restart task ${t.id}`, () => api('POST', `/connectors/${enc(name)}/tasks/${t.id}/restart`))}, 'Restart')));
  }

  function liveSection(view) {
    const {name, status} = view;
    const live = sumLive(status);
    note(name, live);
    const sink = (live.type || status.type) === 'sink';
    const traces = [];
    if (status.connector && status.connector.trace) traces.push(['Connector', status.connector.trace]);
    for (const t of status.tasks || []) if (t.trace) traces.push([`Task ${t.id}`, t.trace]);
    const dash = v => live.live ? fmt(v) : '–';
    return h('section', {id: 'live'},
      h('div', {class: 'grid'},
        figure('State', stateBadge(status.connector && status.connector.state), 'connector-state'),
        figure('Records/s (5 s)', dash(live.recent), 'rate', 'Records written per second over the last 5 s'),
        figure('Records/s (1 min)', dash(live.rate), 'rate-1m', 'Records written per second over the last minute'),
        figure(sink ? 'Received' : 'Polled', dash(live.in), 'in-total',
          (sink ? 'Records read from Kafka' : 'Records polled from the source system')
          + ' since the tasks first started here; records read again after a restart count again'),
        figure('Written', dash(live.written), 'out-total', sink
          ? 'Records the sink acknowledged as stored (their offsets returned by preCommit)' : 'Records Kafka acknowledged'),
        h('div', {class: 'figure' + (stalled(live) ? ' stalled' : ''), 'data-figure': 'pending',
          title: sink ? 'Read from Kafka and not yet acknowledged by the sink' : 'Sent to Kafka and not yet acknowledged'},
        h('div', {class: 'k'}, 'Pending'), h('div', {class: 'v'}, dash(live.pending)),
        stalled(live) ? h('div', {class: 'hint'}, 'nothing written in the last 5 s') : null),
        sink ? figure('Lag', fmt(live.lag), 'lag', 'Records behind the end of the partitions') : null,
        figure('Errors', dash(live.errors), 'errors'),
        figure('Throughput', sparkline(name), 'spark')),
      live.live ? null : h('p', {class: 'muted'}, 'No task of this connector runs on this worker: live figures are shown by the worker running them.'),
      h('h2', {}, 'Tasks'),
      h('table', {id: 'tasks'},
        h('thead', {}, h('tr', {}, h('th', {}, 'Task'), h('th', {}, 'State'), h('th', {}, 'Worker'),
          h('th', {class: 'num'}, 'In/s (5 s)'), h('th', {class: 'num'}, sink ? 'Received' : 'Polled'),
          h('th', {class: 'num'}, 'Put'), h('th', {class: 'num'}, 'Written'), h('th', {class: 'num'}, 'Pending'),
          h('th', {}, 'Lag'), h('th', {}, 'Last error'), h('th', {}, ''))),
        h('tbody', {}, (status.tasks || []).map(t => taskRow(name, t)))),
      traces.length ? h('h2', {}, 'Failures') : null,
      traces.map(([who, trace]) => h('div', {class: 'failure'}, h('h3', {}, who), h('pre', {class: 'trace'}, trace))));
  }

  Sluice.connectorTab({
    id: 'overview', label: 'Overview',
    mount: view => liveSection(view),
    refresh: view => {
      const old = document.getElementById('live');
      if (old) old.replaceWith(liveSection(view));
    },
  });
})();
