// Sluice console: topic peek (a connector's own topics first, decoded by its converters) and the plugin list.
'use strict';

(() => {
  const {h, api, enc, settle} = Sluice;

  const show = v => typeof v === 'string' ? v : JSON.stringify(v, null, 1);

  /** A table of peeked records; columns: offset, time, key, value, headers (or the caller's columns). */
  Sluice.recordsTable = function recordsTable(id, records) {
    return h('table', {id},
      h('thead', {}, h('tr', {}, h('th', {class: 'num'}, 'Offset'), h('th', {}, 'Time'), h('th', {}, 'Key'),
        h('th', {}, 'Value'), h('th', {}, 'Headers'))),
      h('tbody', {}, records.map(rec => h('tr', {},
        h('td', {class: 'num'}, String(rec.offset)),
        h('td', {}, rec.timestamp >= 0 ? new Date(rec.timestamp).toLocaleString() : ''),
        h('td', {class: 'value-cell'}, rec.key === null ? '∅' : show(rec.key)),
        h('td', {class: 'value-cell'}, rec.value === null ? '∅' : show(rec.value),
          rec.value_error ? h('div', {class: 'errors'}, rec.value_error) : null),
        h('td', {class: 'value-cell'}, (rec.headers || []).map(x => `${x.key}=${x.value}`).join('\n'))))));
  };

  /** The topics a connector reads or writes: those it used (KIP-558), else those its config names. */
  Sluice.connectorTopics = async function connectorTopics(name, allTopics) {
    const [active, info] = await settle([api('GET', `/connectors/${enc(name)}/topics`), api('GET', `/connectors/${enc(name)}`)]);
    const found = new Set(active && active[name] ? active[name].topics : []);
    const config = (info && info.config) || {};
    for (const key of ['topics', 'topic', 'kafka.topic']) {
      for (const t of (config[key] || '').split(',')) if (t.trim()) found.add(t.trim());
    }
    if (config['topics.regex']) {
      try {
        const re = new RegExp('^(?:' + config['topics.regex'] + ')$');
        for (const t of allTopics) if (re.test(t)) found.add(t);
      } catch (e) { /* not a JavaScript regular expression: the used topics are enough */ }
    }
    const prefix = config['topic.prefix'];
    if (prefix) for (const t of allTopics) if (t.startsWith(prefix)) found.add(t);
    return [...found].filter(t => allTopics.includes(t)).sort();
  };

  async function topicsMount(ctx) {
    const [topics, connectors] = await Promise.all([api('GET', '/topics'), api('GET', '/connectors')]);
    const names = topics.map(t => t.name);
    const connector = ctx.params.get('connector');
    const own = connector ? await Sluice.connectorTopics(connector, names) : [];
    const others = names.filter(n => !own.includes(n));
    const topic = h('select', {id: 'peek-topic'},
      own.length ? h('optgroup', {label: `${connector}'s topics`}, own.map(t => h('option', {value: t}, t))) : null,
      h('optgroup', {label: own.length ? 'Other topics' : 'Topics'}, others.map(t => h('option', {value: t}, t))));
    topic.value = ctx.params.get('topic') || own[0] || (names[0] || '');
    const partitions = () => (topics.find(t => t.name === topic.value) || {partitions: 1}).partitions;
    const partition = h('input', {id: 'peek-partition', type: 'number', min: 0, value: ctx.params.get('partition') || 0, size: 4});
    const partitionCount = h('span', {class: 'muted', id: 'peek-partition-count'});
    const showPartitions = () => {
      partition.max = partitions() - 1;
      partitionCount.textContent = `of ${partitions()}`;
    };
    topic.addEventListener('change', () => { partition.value = 0; showPartitions(); });
    showPartitions();
    const offset = h('input', {id: 'peek-offset', type: 'number', min: 0, placeholder: 'last N', size: 10});
    const count = h('input', {id: 'peek-count', type: 'number', min: 1, value: 20, size: 5});
    const decode = h('select', {id: 'peek-decode'}, h('option', {value: 'auto'}, 'raw: text or base64'),
      h('option', {value: 'utf8'}, 'raw: UTF-8'), h('option', {value: 'base64'}, 'raw: base64'),
      connectors.map(c => h('option', {value: 'connector:' + c}, `${c}'s converters`)));
    if (connector && connectors.includes(connector)) decode.value = 'connector:' + connector;
    const out = h('div', {id: 'peek-result'});
    const peek = async () => {
      const q = new URLSearchParams({count: count.value || '20'});
      if (offset.value !== '') q.set('offset', offset.value);
      if (decode.value.startsWith('connector:')) q.set('connector', decode.value.slice('connector:'.length));
      else q.set('format', decode.value);
      try {
        const r = await api('GET', `/topics/${enc(topic.value)}/partitions/${enc(partition.value || '0')}/records?${q}`);
        out.replaceChildren(
          h('p', {class: 'muted'}, `Offsets ${r.beginning_offset} to ${r.end_offset}; showing ${r.records.length}.`),
          Sluice.recordsTable('peek-records', r.records));
      } catch (e) { out.replaceChildren(h('p', {class: 'errors'}, e.message)); }
    };
    if (own.length) peek(); // the connector's own records, at once
    return [
      h('h1', {}, 'Topics', connector ? h('span', {class: 'muted'}, ` · ${connector}`) : null),
      names.length === 0 ? h('p', {class: 'muted'}, 'No topic may be peeked here (rest.topics.peek.allow, rest.topics.peek.deny).') : null,
      connector && own.length === 0 ? h('p', {class: 'muted', id: 'peek-no-own'}, `${connector} has used no topic yet.`) : null,
      h('div', {class: 'toolbar'}, h('label', {}, 'Topic', topic), h('label', {}, 'Partition', h('span', {}, partition, ' ', partitionCount)),
        h('label', {}, 'From offset', offset), h('label', {}, 'Count', count), h('label', {}, 'Decode', decode),
        h('button', {class: 'primary', 'data-action': 'peek', onclick: peek}, 'Peek')),
      out];
  }

  Sluice.page({id: 'topics', nav: 'Topics', mount: topicsMount});

  Sluice.page({
    id: 'plugins', nav: 'Plugins',
    mount: async () => {
      const plugins = await api('GET', '/connector-plugins?connectorsOnly=false');
      return [
        h('h1', {}, 'Plugins ', h('span', {class: 'muted'}, `(${plugins.length})`)),
        h('table', {id: 'plugins'},
          h('thead', {}, h('tr', {}, h('th', {}, 'Class'), h('th', {}, 'Type'), h('th', {}, 'Version'), h('th', {}, ''))),
          h('tbody', {}, plugins.map(p => h('tr', {}, h('td', {}, h('code', {}, p.class)), h('td', {}, p.type),
            h('td', {}, p.version || ''),
            h('td', {}, p.type === 'source' || p.type === 'sink'
              ? h('a', {href: `#/new?plugin=${enc(p.class)}`}, 'New connector') : null)))))];
    },
  });
})();
