// Sluice console, core: DOM and REST helpers, flash messages, the page registry, routing and the refresh loop.
// Plain JavaScript over the worker's REST API (no build step, no dependencies). Each page lives in its own file and
// registers itself with Sluice.page(...); index.html loads this file first, then the pages.
'use strict';

const Sluice = (() => {
  const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh')) || 2000;
  const HIDDEN = '[hidden]';
  const pages = [];
  let current = null;     // {page, ctx, key}: the mounted page
  let refreshing = false;

  // ---------- DOM (text is always set as text, never parsed as HTML) ----------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) el.value = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function svg(tag, attrs) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    return el;
  }

  const fmt = n => (n === undefined || n === null || Number.isNaN(n)) ? '–'
    : Number(n).toLocaleString('en-US', {maximumFractionDigits: 1});
  const enc = encodeURIComponent;

  // ---------- REST ----------
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
      const err = new Error(data && data.message ? data.message : (r.status + ' ' + r.statusText));
      err.status = r.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  // ---------- flash messages: shown on the route they belong to, gone when the user moves on ----------
  const flashState = {route: null, timer: null};
  function flash(message, isError) {
    const f = document.getElementById('flash');
    f.replaceChildren(h('span', {}, message), h('button', {class: 'close', 'aria-label': 'Dismiss',
      onclick: () => { f.hidden = true; }}, '×'));
    f.className = isError ? 'error' : '';
    f.hidden = false;
    flashState.route = location.hash;
    clearTimeout(flashState.timer);
    flashState.timer = setTimeout(() => { f.hidden = true; }, isError ? 15000 : 5000);
  }

  function clearFlashOnNavigation() {
    if (flashState.route !== location.hash) document.getElementById('flash').hidden = true;
  }

  /** Runs an action, flashes its outcome and refreshes the page. */
  async function act(label, fn) {
    try {
      const message = await fn();
      flash(label + ': ' + (typeof message === 'string' ? message : 'done'));
      refresh();
      return true;
    } catch (e) {
      flash(label + ' failed: ' + e.message, true);
      return false;
    }
  }

  // ---------- pages ----------
  /**
   * Registers a page: {id, nav (label in the header, optional), mount(ctx) -> content, mounted(ctx) (optional, once
   * the content is in the page), refresh(ctx) (optional, updates live parts in place every REFRESH_MS)}.
   * ctx = {parts (the path after the page id, decoded), params (the query)}.
   */
  function page(def) {
    pages.push(def);
    if (def.nav) {
      document.getElementById('nav').append(h('a', {href: '#/' + def.id, 'data-nav': def.id}, def.nav));
    }
  }

  function route() {
    const hash = location.hash || '#/connectors';
    const [path, query] = hash.slice(1).split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    return {id: parts[0] || 'connectors', parts: parts.slice(1), params: new URLSearchParams(query || '')};
  }

  /** Changes the query of the current route without remounting the page (filters kept in the address). */
  function replaceQuery(params) {
    const [path] = (location.hash || '#/connectors').split('?');
    const query = params.toString();
    const before = location.hash;
    history.replaceState(null, '', path + (query ? '?' + query : ''));
    if (current) current.key = location.hash;
    if (flashState.route === before) flashState.route = location.hash;
  }

  function setStatusLine(text) {
    document.getElementById('refresh-state').textContent = text;
  }

  async function mount() {
    clearFlashOnNavigation();
    const r = route();
    const key = location.hash;
    document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === r.id));
    const def = pages.find(p => p.id === r.id);
    const ctx = {parts: r.parts, params: r.params};
    current = {page: def, ctx, key};
    try {
      const content = def ? await def.mount(ctx) : [h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/connectors'}, 'All connectors'))];
      if (!current || current.key !== key) return; // the user moved on while we waited
      document.getElementById('view').replaceChildren(...[content].flat().filter(Boolean));
      if (def && def.mounted) def.mounted(ctx);
      setStatusLine('updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      if (!current || current.key !== key) return;
      document.getElementById('view').replaceChildren(h('h1', {}, e.status === 404 ? 'Not found' : 'Could not load this page'),
        h('p', {class: 'errors'}, e.message), h('p', {}, h('a', {href: '#/connectors'}, 'All connectors')));
    }
  }

  /** Updates the live parts of the mounted page; forms are never redrawn under the user's hands. */
  async function refresh() {
    const c = current;
    if (!c || !c.page || !c.page.refresh || refreshing) return;
    refreshing = true;
    try {
      await c.page.refresh(c.ctx);
      if (current === c) setStatusLine('updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      if (current === c) setStatusLine('refresh failed: ' + e.message);
    } finally {
      refreshing = false;
    }
  }

  async function start() {
    try {
      const info = await api('GET', '/');
      document.getElementById('worker-info').textContent =
        `Kafka Connect API ${info.version} · Sluice ${info.sluice_version || ''} · cluster ${info.kafka_cluster_id || ''}`;
    } catch (e) { /* the pages show errors */ }
    window.addEventListener('hashchange', mount);
    mount();
    setInterval(refresh, REFRESH_MS);
  }

  // ---------- small shared pieces ----------
  function stateBadge(state) {
    const s = state || 'UNASSIGNED';
    return h('span', {class: 'state ' + s, 'data-state': s}, s);
  }

  function figure(label, value, id, hint) {
    return h('div', {class: 'figure', 'data-figure': id, title: hint || null},
      h('div', {class: 'k'}, label), h('div', {class: 'v'}, value));
  }

  /** A checked, bounded fetch of each item, all at once: failures of single items do not fail the page. */
  async function settle(promises) {
    return (await Promise.allSettled(promises)).map(r => r.status === 'fulfilled' ? r.value : null);
  }

  document.addEventListener('DOMContentLoaded', start);
  return {h, append, svg, fmt, enc, api, flash, act, page, refresh, replaceQuery, stateBadge, figure, settle,
    HIDDEN, REFRESH_MS};
})();
