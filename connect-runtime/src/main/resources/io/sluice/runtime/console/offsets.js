// Sluice console: a connector's offsets (KIP-875: GET, PATCH and DELETE /connectors/{name}/offsets). Shown at any
// time; altered or reset only while the connector is STOPPED, as the API allows.
'use strict';

(() => {
  const {h, api, enc, act, flash, fmt} = Sluice;

  const isSinkPartition = p => p && 'kafka_topic' in p && 'kafka_partition' in p;
  const describe = v => v === null || v === undefined ? '–' : JSON.stringify(v);

  function editor(entry, stopped) {
    if (isSinkPartition(entry.partition)) {
      const current = entry.offset ? entry.offset.kafka_offset : null;
      return stopped
        ? h('input', {type: 'number', min: 0, value: current === null ? '' : String(current), size: 12,
          'data-offset-of': `${entry.partition.kafka_topic}-${entry.partition.kafka_partition}`, 'data-original': String(current)})
        : h('span', {class: 'num'}, fmt(current));
    }
    return stopped
      ? h('textarea', {class: 'offset-json', rows: 2, 'data-original': describe(entry.offset)}, describe(entry.offset))
      : h('code', {}, describe(entry.offset));
  }

  /** The rows the user changed, as a PATCH body; throws on a value that is not an offset. */
  function changes(rows) {
    const offsets = [];
    for (const {entry, input} of rows) {
      if (input.value.trim() === input.dataset.original) continue;
      if (isSinkPartition(entry.partition)) {
        const n = input.value.trim();
        if (!/^\d+$/.test(n)) throw new Error(`The offset of ${entry.partition.kafka_topic}-${entry.partition.kafka_partition} must be a whole number`);
        offsets.push({partition: entry.partition, offset: {kafka_offset: Number(n)}});
      } else {
        let offset;
        try { offset = JSON.parse(input.value); } catch (e) { throw new Error('An offset is not valid JSON: ' + e.message); }
        offsets.push({partition: entry.partition, offset});
      }
    }
    return offsets;
  }

  /** What the view shows: drawn for a stopped connector or not, when, and whether the user edited an offset. */
  const shown = {stopped: null, drawnAt: 0, edited: false};

  async function mount(view) {
    const stopped = view.status.connector && view.status.connector.state === 'STOPPED';
    Object.assign(shown, {stopped, drawnAt: view.statusAskedAt || Date.now(), edited: false});
    const answer = await api('GET', `/connectors/${enc(view.name)}/offsets`);
    const entries = answer.offsets || [];
    const rows = [];
    const table = h('table', {id: 'offsets'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Partition'), h('th', {}, 'Offset'))),
      h('tbody', {}, entries.map(entry => {
        const input = editor(entry, stopped);
        if (stopped) {
          rows.push({entry, input});
          input.addEventListener('input', () => { shown.edited = true; });
        }
        const where = isSinkPartition(entry.partition)
          ? `${entry.partition.kafka_topic}-${entry.partition.kafka_partition}` : describe(entry.partition);
        return h('tr', {'data-partition': where}, h('td', {}, h('code', {}, where)), h('td', {}, input));
      })));
    const save = () => {
      let offsets;
      try { offsets = changes(rows); } catch (e) { flash(e.message, true); return; }
      if (offsets.length === 0) { flash('No offset was changed'); return; }
      act('Alter offsets', async () => (await api('PATCH', `/connectors/${enc(view.name)}/offsets`, {offsets})).message)
        .then(ok => ok && remount(view));
    };
    const reset = () => {
      if (!confirm(`Reset every offset of ${view.name}? When it runs again it starts as if new.`)) return;
      act('Reset offsets', async () => (await api('DELETE', `/connectors/${enc(view.name)}/offsets`)).message)
        .then(ok => ok && remount(view));
    };
    return h('div', {id: 'offsets-view'},
      stopped
        ? h('p', {class: 'muted'}, 'The connector is stopped: its offsets can be changed or reset, and it resumes from them when it is resumed.')
        : h('p', {class: 'notice', id: 'offsets-stop-first'}, 'Offsets can be altered or reset only while the connector is STOPPED. ',
          h('button', {'data-action': 'stop', onclick: () => act('Stop', () => api('PUT', `/connectors/${enc(view.name)}/stop`))},
            'Stop the connector')),
      entries.length ? table : h('p', {class: 'muted', id: 'offsets-none'}, 'No offsets committed yet.'),
      stopped ? h('div', {class: 'toolbar'},
        entries.length ? h('button', {class: 'primary', 'data-action': 'save-offsets', onclick: save}, 'Save offsets') : null,
        h('button', {class: 'danger', 'data-action': 'reset-offsets', onclick: reset}, 'Reset offsets')) : null);
  }

  /** Shows the offsets again, after they changed. */
  async function remount(view) {
    view.statusAskedAt = Date.now();
    view.status = await api('GET', `/connectors/${enc(view.name)}/status`);
    const old = document.getElementById('offsets-view');
    if (old) old.replaceWith(await mount(view));
  }

  Sluice.connectorTab({
    id: 'offsets', label: 'Offsets', mount,
    // redrawn when the connector stops or starts, by an answer asked after the view was drawn; never under an edit
    refresh: async view => {
      const stopped = view.status.connector && view.status.connector.state === 'STOPPED';
      if (stopped === shown.stopped || shown.edited || (view.statusAskedAt || 0) <= shown.drawnAt) return;
      const old = document.getElementById('offsets-view');
      if (old) old.replaceWith(await mount(view));
    },
  });
})();
