// Sluice console: plain JavaScript over the worker's REST API (no build step, no dependencies).
'use strict';

const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh')) || 2000;
const history = {};           // connector -> [{t, out, in}] for instant rates and sparklines
let timer = null;
let lastRoute = null;

// ---------- tiny DOM helpers (text is always set as text, never parsed as HTML) ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const view = () => document.getElementById('view');
const fmt = n => (n === undefined || n === null || Number.isNaN(n)) ? '–' : Number(n).toLocaleString('en-US', {maximumFractionDigits: 1});
const enc = encodeURIComponent;

function flash(message, isError) {
  const f = document.getElementById('flash');
  f.textContent = message;
  f.className = isError ? 'error' : '';
  f.hidden = false;
  clearTimeout(flash.t);
  flash.t = setTimeout(() => { f.hidden = true; }, isError ? 12000 : 4000);
}

async function api(method, path, body) {
  const init = {method, headers: {'Accept': 'application/json'}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!r.ok) {
    const msg = data && data.message ? data.message : (r.status + ' ' + r.statusText);
    const err = new Error(msg);
    err.status = r.status;
    err.data = data;
    throw err;
  }
  return data;
}

async function act(label, fn) {
  try {
    await fn();
    flash(label + ': done');
    refresh();
  } catch (e) {
    flash(label + ' failed: ' + e.message, true);
  }
}

// ---------- figures ----------
function stateBadge(state) {
  return h('span', {class: 'state ' + (state || 'UNASSIGNED'), 'data-state': state || 'UNASSIGNED'}, state || 'UNASSIGNED');
}

function sumLive(status) {
  const total = {in: 0, out: 0, inRate: 0, outRate: 0, lag: null, errors: 0, lastError: null, type: null};
  for (const t of (status && status.tasks) || []) {
    const l = t.live;
    if (!l) continue;
    total.type = l.type;
    total.in += l.records_in_total; total.out += l.records_out_total;
    total.inRate += l.records_in_per_second; total.outRate += l.records_out_per_second;
    total.errors += l.errors_total;
    if (l.lag_total !== undefined) total.lag = (total.lag || 0) + l.lag_total;
    if (l.last_error_time && (!total.lastError || l.last_error_time > total.lastError)) total.lastError = l.last_error_time;
  }
  return total;
}

function record(name, live) {
  const list = history[name] || (history[name] = []);
  list.push({t: Date.now(), out: live.out, in: live.in});
  if (list.length > 90) list.shift();
}

/** Records/s out over the last two refreshes: moves as soon as records do. */
function instantRate(name) {
  const list = history[name] || [];
  if (list.length < 2) return null;
  const a = list[list.length - 2], b = list[list.length - 1];
  const dt = (b.t - a.t) / 1000;
  return dt > 0 ? Math.max(0, (b.out - a.out) / dt) : null;
}

function sparkline(name) {
  const list = history[name] || [];
  const w = 160, hgt = 28;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark'); svg.setAttribute('width', w); svg.setAttribute('height', hgt);
  const rates = [];
  for (let i = 1; i < list.length; i++) {
    const dt = (list[i].t - list[i - 1].t) / 1000;
    rates.push(dt > 0 ? Math.max(0, (list[i].out - list[i - 1].out) / dt) : 0);
  }
  if (rates.length > 1) {
    const max = Math.max(...rates, 1);
    const pts = rates.map((r, i) => (i * (w / (rates.length - 1))).toFixed(1) + ',' + (hgt - 2 - (r / max) * (hgt - 4)).toFixed(1));
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', pts.join(' ')); line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#1f5fbf'); line.setAttribute('stroke-width', '1.5');
    svg.append(line);
  }
  return svg;
}

// ---------- views ----------
async function connectorsView() {
  const data = await api('GET', '/connectors?expand=status&expand=info');
  const names = Object.keys(data).sort();
  const rows = names.map(name => {
    const status = data[name].status || {};
    const info = data[name].info || {};
    const live = sumLive(status);
    record(name, live);
    const tasks = status.tasks || [];
    const running = tasks.filter(t => t.state === 'RUNNING').length;
    const failed = tasks.filter(t => t.state === 'FAILED').length;
    const rate = instantRate(name);
    return h('tr', {class: 'clickable', 'data-connector': name, onclick: () => { location.hash = '#/connectors/' + enc(name); }},
      h('td', {}, h('a', {href: '#/connectors/' + enc(name)}, name)),
      h('td', {}, info.type || status.type || ''),
      h('td', {}, stateBadge(status.connector && status.connector.state)),
      h('td', {}, `${running}/${tasks.length} running`, failed ? h('span', {class: 'failed-count'}, `, ${failed} failed`) : null),
      h('td', {class: 'num', 'data-field': 'rate'}, fmt(rate === null ? live.outRate : rate)),
      h('td', {class: 'num', 'data-field': 'rate-1m'}, fmt(live.outRate)),
      h('td', {class: 'num', 'data-field': 'out-total'}, fmt(live.out)),
      h('td', {class: 'num', 'data-field': 'lag'}, live.lag === null ? '–' : fmt(live.lag)),
      h('td', {class: 'num', 'data-field': 'errors'}, fmt(live.errors)),
      h('td', {}, sparkline(name)));
  });
  return [
    h('h1', {}, 'Connectors ', h('span', {class: 'muted'}, `(${names.length})`)),
    names.length === 0 ? h('p', {class: 'muted'}, 'No connectors yet. ', h('a', {href: '#/new'}, 'Create one.')) :
      h('table', {id: 'connectors'},
        h('thead', {}, h('tr', {},
          h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'State'), h('th', {}, 'Tasks'),
          h('th', {class: 'num'}, 'Records/s now'), h('th', {class: 'num'}, 'Records/s (1 min)'),
          h('th', {class: 'num'}, 'Records out'), h('th', {class: 'num'}, 'Lag'), h('th', {class: 'num'}, 'Errors'),
          h('th', {}, 'Throughput'))),
        h('tbody', {}, rows))
  ];
}

function taskRow(name, t) {
  const l = t.live || {};
  return h('tr', {'data-task': t.id},
    h('td', {}, String(t.id)),
    h('td', {}, stateBadge(t.state)),
    h('td', {}, t.worker_id || ''),
    h('td', {class: 'num'}, fmt(l.records_in_per_second)),
    h('td', {class: 'num'}, fmt(l.records_out_per_second)),
    h('td', {class: 'num', 'data-field': 'in-total'}, fmt(l.records_in_total)),
    h('td', {class: 'num', 'data-field': 'out-total'}, fmt(l.records_out_total)),
    h('td', {}, l.lag ? Object.entries(l.lag).map(([p, v]) => h('div', {}, h('code', {}, p), ' ', fmt(v))) : '–'),
    h('td', {}, l.last_error_time ? new Date(l.last_error_time).toLocaleString() : '–'),
    h('td', {}, h('button', {'data-action': 'restart-task', onclick: () =>
      act(`Restart task ${t.id}`, () => api('POST', `/connectors/${enc(name)}/tasks/${t.id}/restart`))}, 'Restart')));
}

async function connectorView(name, firstRender) {
  const status = await api('GET', `/connectors/${enc(name)}/status`);
  const live = sumLive(status);
  record(name, live);
  const rate = instantRate(name);
  const traces = [];
  if (status.connector && status.connector.trace) traces.push(['Connector', status.connector.trace]);
  for (const t of status.tasks || []) if (t.trace) traces.push([`Task ${t.id}`, t.trace]);
  const liveSection = h('section', {id: 'live'},
    h('div', {class: 'grid'},
      figure('State', stateBadge(status.connector && status.connector.state), 'connector-state'),
      figure('Records/s now', fmt(rate === null ? live.outRate : rate), 'rate'),
      figure('Records/s (last minute)', fmt(live.outRate), 'rate-1m'),
      figure(live.type === 'sink' ? 'Records read' : 'Records polled', fmt(live.in), 'in-total'),
      figure(live.type === 'sink' ? 'Records delivered' : 'Records written', fmt(live.out), 'out-total'),
      live.type === 'sink' ? figure('Lag', fmt(live.lag), 'lag') : null,
      figure('Errors', fmt(live.errors), 'errors'),
      figure('Throughput', sparkline(name), 'spark')),
    h('h2', {}, 'Tasks'),
    h('table', {id: 'tasks'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Task'), h('th', {}, 'State'), h('th', {}, 'Worker'),
        h('th', {class: 'num'}, 'In/s'), h('th', {class: 'num'}, 'Out/s'), h('th', {class: 'num'}, 'In'),
        h('th', {class: 'num'}, 'Out'), h('th', {}, 'Lag'), h('th', {}, 'Last error'), h('th', {}, ''))),
      h('tbody', {}, (status.tasks || []).map(t => taskRow(name, t)))),
    traces.length ? h('h2', {}, 'Failures') : null,
    traces.map(([who, trace]) => h('div', {class: 'failure'}, h('h3', {}, who), h('pre', {class: 'trace'}, trace))));
  if (!firstRender) {
    const old = document.getElementById('live');
    if (old) { old.replaceWith(liveSection); return null; }
  }
  // the masked view: secrets are not shown in a page; sent back unchanged, the worker keeps the stored ones
  const config = (await api('GET', `/connectors/${enc(name)}`)).config;
  const editor = h('textarea', {id: 'config-editor', spellcheck: 'false'}, JSON.stringify(config, null, 2));
  return [
    h('h1', {}, name, ' ', h('span', {class: 'muted'}, status.type || '')),
    h('div', {class: 'toolbar'},
      h('button', {'data-action': 'pause', onclick: () => act('Pause', () => api('PUT', `/connectors/${enc(name)}/pause`))}, 'Pause'),
      h('button', {'data-action': 'resume', onclick: () => act('Resume', () => api('PUT', `/connectors/${enc(name)}/resume`))}, 'Resume'),
      h('button', {'data-action': 'stop', onclick: () => act('Stop', () => api('PUT', `/connectors/${enc(name)}/stop`))}, 'Stop'),
      h('button', {'data-action': 'restart', onclick: () => act('Restart', () =>
        api('POST', `/connectors/${enc(name)}/restart?includeTasks=true&onlyFailed=false`))}, 'Restart with tasks'),
      h('button', {'data-action': 'restart-failed', onclick: () => act('Restart failed tasks', () =>
        api('POST', `/connectors/${enc(name)}/restart?includeTasks=true&onlyFailed=true`))}, 'Restart failed'),
      h('button', {class: 'danger', 'data-action': 'delete', onclick: () => {
        if (!confirm(`Delete connector ${name}? Its config is removed; its offsets stay.`)) return;
        act('Delete', async () => { await api('DELETE', `/connectors/${enc(name)}`); location.hash = '#/connectors'; });
      }}, 'Delete'),
      h('a', {href: `#/topics?connector=${enc(name)}`}, 'Peek its topics')),
    liveSection,
    h('h2', {}, 'Configuration'),
    editor,
    h('div', {class: 'toolbar'},
      h('button', {class: 'primary', 'data-action': 'save-config', onclick: () => {
        let parsed;
        try { parsed = JSON.parse(editor.value); } catch (e) { flash('Config is not valid JSON: ' + e.message, true); return; }
        act('Save config', () => api('PUT', `/connectors/${enc(name)}/config`, parsed));
      }}, 'Save config'))
  ];
}

function figure(k, v, id) {
  return h('div', {class: 'figure', 'data-figure': id}, h('div', {class: 'k'}, k), h('div', {class: 'v'}, v));
}

async function newConnectorView() {
  const plugins = await api('GET', '/connector-plugins');
  const select = h('select', {id: 'new-class'}, plugins.map(p =>
    h('option', {value: p.class}, `${p.class.split('.').pop()} (${p.type}${p.version ? ', ' + p.version : ''})`)));
  const name = h('input', {id: 'new-name', placeholder: 'my-connector', size: 30});
  const editor = h('textarea', {id: 'new-config', spellcheck: 'false'});
  const errors = h('ul', {class: 'errors', id: 'new-errors'});
  const template = () => {
    editor.value = JSON.stringify({'connector.class': select.value, 'tasks.max': '1'}, null, 2);
  };
  select.addEventListener('change', template);
  template();
  const config = () => {
    const c = JSON.parse(editor.value);
    c['connector.class'] = c['connector.class'] || select.value;
    if (name.value.trim() && !c.name) c.name = name.value.trim();
    return c;
  };
  const validate = async () => {
    errors.replaceChildren();
    try {
      const c = config();
      const result = await api('PUT', `/connector-plugins/${enc(c['connector.class'])}/config/validate`, c);
      for (const item of result.configs || []) {
        for (const e of (item.value && item.value.errors) || []) errors.append(h('li', {}, `${item.value.name}: ${e}`));
      }
      flash(result.error_count ? `${result.error_count} error(s)` : 'Config is valid', result.error_count > 0);
      return result.error_count === 0;
    } catch (e) { flash('Validation failed: ' + e.message, true); return false; }
  };
  return [
    h('h1', {}, 'New connector'),
    h('div', {}, h('label', {}, 'Name', name), h('label', {}, 'Plugin', select)),
    h('h2', {}, 'Configuration (JSON)'), editor, errors,
    h('div', {class: 'toolbar'},
      h('button', {'data-action': 'validate', onclick: validate}, 'Validate'),
      h('button', {class: 'primary', 'data-action': 'create', onclick: async () => {
        if (!name.value.trim()) { flash('Give the connector a name', true); return; }
        let c;
        try { c = config(); } catch (e) { flash('Config is not valid JSON: ' + e.message, true); return; }
        act('Create ' + name.value.trim(), async () => {
          await api('POST', '/connectors', {name: name.value.trim(), config: c});
          location.hash = '#/connectors/' + enc(name.value.trim());
        });
      }}, 'Create'))
  ];
}

async function pluginsView() {
  const plugins = await api('GET', '/connector-plugins?connectorsOnly=false');
  return [
    h('h1', {}, 'Plugins ', h('span', {class: 'muted'}, `(${plugins.length})`)),
    h('table', {id: 'plugins'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Class'), h('th', {}, 'Type'), h('th', {}, 'Version'))),
      h('tbody', {}, plugins.map(p => h('tr', {}, h('td', {}, h('code', {}, p.class)), h('td', {}, p.type), h('td', {}, p.version || '')))))
  ];
}

async function topicsView(params) {
  const [topics, connectors] = await Promise.all([api('GET', '/topics'), api('GET', '/connectors')]);
  const topic = h('select', {id: 'peek-topic'}, topics.map(t => h('option', {value: t.name, 'data-partitions': t.partitions}, t.name)));
  if (params.get('topic')) topic.value = params.get('topic');
  const partition = h('input', {id: 'peek-partition', type: 'number', min: 0, value: params.get('partition') || 0, size: 4});
  const offset = h('input', {id: 'peek-offset', type: 'number', min: 0, placeholder: 'last N', size: 10});
  const count = h('input', {id: 'peek-count', type: 'number', min: 1, value: 20, size: 5});
  const decode = h('select', {id: 'peek-decode'}, h('option', {value: 'auto'}, 'raw: text or base64'),
    h('option', {value: 'utf8'}, 'raw: UTF-8'), h('option', {value: 'base64'}, 'raw: base64'),
    connectors.map(c => h('option', {value: 'connector:' + c}, `${c}'s converters`)));
  if (params.get('connector')) decode.value = 'connector:' + params.get('connector');
  const out = h('div', {id: 'peek-result'});
  const peek = async () => {
    const q = new URLSearchParams({count: count.value || '20'});
    if (offset.value !== '') q.set('offset', offset.value);
    if (decode.value.startsWith('connector:')) q.set('connector', decode.value.slice('connector:'.length));
    else q.set('format', decode.value);
    try {
      const r = await api('GET', `/topics/${enc(topic.value)}/partitions/${enc(partition.value || '0')}/records?${q}`);
      const show = v => typeof v === 'string' ? v : JSON.stringify(v, null, 1);
      out.replaceChildren(
        h('p', {class: 'muted'}, `Offsets ${r.beginning_offset} to ${r.end_offset}; showing ${r.records.length}.`),
        h('table', {id: 'peek-records'},
          h('thead', {}, h('tr', {}, h('th', {class: 'num'}, 'Offset'), h('th', {}, 'Time'), h('th', {}, 'Key'),
            h('th', {}, 'Value'), h('th', {}, 'Headers'))),
          h('tbody', {}, r.records.map(rec => h('tr', {},
            h('td', {class: 'num'}, String(rec.offset)),
            h('td', {}, rec.timestamp >= 0 ? new Date(rec.timestamp).toLocaleString() : ''),
            h('td', {class: 'value-cell'}, rec.key === null ? '∅' : show(rec.key)),
            h('td', {class: 'value-cell'}, rec.value === null ? '∅' : show(rec.value),
              rec.value_error ? h('div', {class: 'errors'}, rec.value_error) : null),
            h('td', {class: 'value-cell'}, (rec.headers || []).map(x => `${x.key}=${x.value}`).join('\n')))))));
    } catch (e) { out.replaceChildren(h('p', {class: 'errors'}, e.message)); }
  };
  return [
    h('h1', {}, 'Topics'),
    h('div', {class: 'toolbar'}, h('label', {}, 'Topic', topic), h('label', {}, 'Partition', partition),
      h('label', {}, 'From offset', offset), h('label', {}, 'Count', count), h('label', {}, 'Decode', decode),
      h('button', {class: 'primary', 'data-action': 'peek', onclick: peek}, 'Peek')),
    out
  ];
}

// ---------- routing and refresh ----------
function route() {
  const hash = location.hash || '#/connectors';
  const [path, query] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean);
  return {parts, params: new URLSearchParams(query || '')};
}

async function render(first) {
  const {parts, params} = route();
  const key = location.hash;
  const section = parts[0] || 'connectors';
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === section));
  try {
    let content;
    if (section === 'connectors' && parts[1]) content = await connectorView(decodeURIComponent(parts[1]), first);
    else if (section === 'connectors') content = await connectorsView();
    else if (!first) return; // forms are not re-rendered under the user's hands
    else if (section === 'new') content = await newConnectorView();
    else if (section === 'plugins') content = await pluginsView();
    else if (section === 'topics') content = await topicsView(params);
    else if (section === 'schemas') content = await schemasView(parts);
    else content = [h('h1', {}, 'Not found')];
    if (key !== location.hash) return; // the user moved on while we waited
    if (content) view().replaceChildren(...[content].flat());
    document.getElementById('refresh-state').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.status === 404 && parts[1]) {
      view().replaceChildren(h('h1', {}, 'Connector not found'), h('p', {}, h('a', {href: '#/connectors'}, 'All connectors')));
    } else {
      document.getElementById('refresh-state').textContent = 'refresh failed: ' + e.message;
    }
  }
}

function refresh() {
  render(false);
}

function navigate() {
  const key = location.hash;
  const first = key !== lastRoute;
  lastRoute = key;
  render(first);
}

async function start() {
  try {
    const info = await api('GET', '/');
    document.getElementById('worker-info').textContent =
      `Kafka Connect API ${info.version} · Sluice ${info.sluice_version || ''} · cluster ${info.kafka_cluster_id || ''}`;
  } catch (e) { /* the views show errors */ }
  window.addEventListener('hashchange', navigate);
  navigate();
  timer = setInterval(refresh, REFRESH_MS);
}

start();
