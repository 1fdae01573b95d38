// Sluice console: the dead letter queue of a connector that has one (errors.deadletterqueue.topic.name): how many
// records it holds and the latest of them with the error headers Connect wrote (where, at which stage, why).
'use strict';

(() => {
  const {h, api, enc, fmt, settle} = Sluice;
  const KEY = 'errors.deadletterqueue.topic.name';
  const PREFIX = '__connect.errors.';
  const MAX_PARTITIONS = 16;

  const dlqTopic = info => ((info.config || {})[KEY] || '').trim();

  function headers(rec) {
    const out = {};
    for (const x of rec.headers || []) if (x.key.startsWith(PREFIX)) out[x.key.slice(PREFIX.length)] = x.value;
    return out;
  }

  function row(rec) {
    const e = headers(rec);
    const origin = e.topic !== undefined ? `${e.topic}-${e.partition}@${e.offset}` : '–';
    const value = rec.value === null ? '∅' : (typeof rec.value === 'string' ? rec.value : JSON.stringify(rec.value));
    return h('tr', {'data-dlq-offset': `${rec.partition}-${rec.offset}`},
      h('td', {}, rec.timestamp >= 0 ? new Date(rec.timestamp).toLocaleString() : ''),
      h('td', {}, h('code', {}, origin), e['task.id'] !== undefined ? h('div', {class: 'muted'}, 'task ' + e['task.id']) : null),
      h('td', {'data-field': 'stage'}, e.stage || '–', e['class.name'] ? h('div', {class: 'muted'}, h('code', {}, e['class.name'])) : null),
      h('td', {'data-field': 'error'}, e['exception.class.name'] ? h('code', {}, e['exception.class.name']) : '–',
        e['exception.message'] ? h('div', {class: 'error-message'}, e['exception.message']) : null,
        e['exception.stacktrace'] ? h('details', {}, h('summary', {}, 'Stack trace'), h('pre', {class: 'trace'}, e['exception.stacktrace'])) : null),
      h('td', {class: 'value-cell'}, value));
  }

  async function mount(view) {
    const topic = dlqTopic(view.info);
    const count = h('select', {id: 'dlq-count'}, [10, 20, 50, 100].map(n => h('option', {value: n, selected: n === 20}, `last ${n}`)));
    const out = h('div', {id: 'dlq-records'});
    const load = async () => {
      out.replaceChildren(h('p', {class: 'muted'}, 'Reading…'));
      try {
        out.replaceChildren(...(await records(topic, Number(count.value))).filter(Boolean));
      } catch (e) {
        out.replaceChildren(h('p', {class: 'errors'}, e.message));
      }
    };
    count.addEventListener('change', load);
    await load();
    return [
      h('p', {}, 'Records this connector could not process go to ', h('code', {}, topic), '. ',
        h('a', {href: `#/topics?topic=${enc(topic)}`}, 'Peek it in Topics')),
      h('div', {class: 'toolbar'}, count, h('button', {'data-action': 'reload-dlq', onclick: load}, 'Reload')),
      view.info.config['errors.deadletterqueue.context.headers.enable'] === 'true' ? null
        : h('p', {class: 'notice'}, 'Set errors.deadletterqueue.context.headers.enable=true to record with each record where and why it failed.'),
      out];
  }

  async function records(topic, n) {
    const listed = (await api('GET', '/topics')).find(t => t.name === topic);
    if (!listed) {
      return [h('p', {class: 'muted', id: 'dlq-empty'}, `Topic ${topic} does not exist yet (no record has failed), or topic peek may not read it.`)];
    }
    const partitions = Math.min(listed.partitions, MAX_PARTITIONS);
    const answers = await settle([...Array(partitions).keys()].map(p =>
      api('GET', `/topics/${enc(topic)}/partitions/${p}/records?count=${n}&format=auto`)));
    const failed = answers.filter(a => a === null).length;
    let held = 0;
    const all = [];
    answers.forEach((a, p) => {
      if (!a) return;
      held += Math.max(0, a.end_offset - a.beginning_offset);
      for (const rec of a.records) all.push(Object.assign({partition: p}, rec));
    });
    all.sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset);
    const shown = all.slice(0, n);
    return [
      h('div', {class: 'grid'}, Sluice.figure('Records in the queue', fmt(held), 'dlq-total'),
        Sluice.figure('Partitions', fmt(listed.partitions), 'dlq-partitions')),
      failed ? h('p', {class: 'errors'}, `${failed} partition(s) could not be read.`) : null,
      shown.length === 0 ? h('p', {class: 'muted', id: 'dlq-empty'}, 'The dead letter queue is empty.')
        : h('table', {id: 'dlq'},
          h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Original record'), h('th', {}, 'Stage'),
            h('th', {}, 'Error'), h('th', {}, 'Value'))),
          h('tbody', {}, shown.map(row)))];
  }

  Sluice.connectorTab({id: 'dlq', label: 'Dead letter queue', when: info => dlqTopic(info) !== '', mount});
})();
