// Sluice console: the worker's schema registry (read through /schema-registry/): subjects, versions side by side,
// compatibility levels, and a compatibility check of a pasted schema.
'use strict';

(() => {
const {h, api, enc} = Sluice;
const SR = '/schema-registry';

async function schemasView() {
  let subjects;
  try {
    subjects = await api('GET', SR + '/subjects');
  } catch (e) {
    if (e.status === 404) {
      return [h('h1', {}, 'Schemas'), h('p', {class: 'muted'},
        'This worker runs no schema registry: set schema.registry.listeners in its config.')];
    }
    throw e;
  }
  const global = await api('GET', SR + '/config');
  const rows = await Promise.all(subjects.map(async s => ({
    subject: s,
    latest: await api('GET', `${SR}/subjects/${enc(s)}/versions/latest`),
    level: (await api('GET', `${SR}/config/${enc(s)}?defaultToGlobal=true`)).compatibilityLevel
  })));
  return [
    h('h1', {}, 'Schemas'),
    h('p', {}, 'Global compatibility level: ', h('b', {id: 'global-level'}, global.compatibilityLevel)),
    subjects.length === 0 ? h('p', {class: 'muted'}, 'No subjects yet: an Avro converter registers them.') :
      h('table', {id: 'subjects'},
        h('thead', {}, h('tr', {}, h('th', {}, 'Subject'), h('th', {}, 'Latest version'), h('th', {}, 'Schema id'),
          h('th', {}, 'Compatibility'))),
        h('tbody', {}, rows.map(r => h('tr', {'data-subject': r.subject},
          h('td', {}, h('a', {href: '#/schemas/' + enc(r.subject)}, r.subject)),
          h('td', {}, r.latest.version), h('td', {}, r.latest.id), h('td', {}, r.level)))))
  ];
}

async function subjectView(subject) {
  const base = `${SR}/subjects/${enc(subject)}`;
  let versions;
  try {
    versions = await api('GET', base + '/versions');
  } catch (e) {
    if (e.status === 404) return [h('h1', {}, 'Subject not found'), h('p', {}, h('a', {href: '#/schemas'}, 'All subjects'))];
    throw e;
  }
  const level = (await api('GET', `${SR}/config/${enc(subject)}?defaultToGlobal=true`)).compatibilityLevel;
  const pick = (id, chosen) => h('select', {id}, versions.map(v => h('option', {value: v, selected: v === chosen}, 'version ' + v)));
  const left = pick('diff-left', versions[Math.max(0, versions.length - 2)]);
  const right = pick('diff-right', versions[versions.length - 1]);
  const diff = h('div', {id: 'diff'});
  const showDiff = async () => {
    const [a, b] = await Promise.all([left.value, right.value].map(v => api('GET', `${base}/versions/${v}`)));
    diff.replaceChildren(sideBySide(a, b));
  };
  left.addEventListener('change', showDiff);
  right.addEventListener('change', showDiff);
  await showDiff();

  const pasted = h('textarea', {id: 'compat-schema', rows: 8, spellcheck: 'false',
    placeholder: 'Paste an Avro schema to check it against the latest version'});
  const result = h('div', {id: 'compat-result'});
  const check = async () => {
    try {
      const answer = await api('POST', `${SR}/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true`,
        {schema: pasted.value});
      result.replaceChildren(h('p', {class: answer.is_compatible ? 'ok' : 'errors'},
        answer.is_compatible ? `Compatible with the latest version under ${level}` : `Not compatible under ${level}`),
        answer.is_compatible ? '' : h('ul', {}, (answer.messages || []).map(m => h('li', {}, m))));
    } catch (e) {
      result.replaceChildren(h('p', {class: 'errors'}, e.message));
    }
  };
  return [
    h('h1', {}, subject),
    h('p', {}, 'Compatibility level: ', h('b', {id: 'subject-level'}, level), ' · versions ', versions.join(', '),
      ' · ', h('a', {href: '#/schemas'}, 'all subjects')),
    h('h2', {}, 'Versions side by side'),
    h('div', {class: 'toolbar'}, left, right),
    diff,
    h('h2', {}, 'Check a schema'),
    pasted,
    h('div', {class: 'toolbar'}, h('button', {class: 'primary', 'data-action': 'check-compatibility', onclick: check},
      'Check compatibility')),
    result
  ];
}

/** Two versions' schemas, pretty-printed, line by line: removed lines on the left, added ones on the right. */
function sideBySide(a, b) {
  const lines = v => JSON.stringify(JSON.parse(v.schema), null, 2).split('\n');
  const x = lines(a), y = lines(b);
  // longest common subsequence of lines: what stays; the rest was removed (left) or added (right)
  const n = x.length, m = y.length, lcs = Array.from({length: n + 1}, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const rows = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { rows.push(['same', x[i++], y[j++]]); }
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { rows.push(['add', '', y[j++]]); }
    else { rows.push(['del', x[i++], '']); }
  }
  return h('table', {class: 'diff'},
    h('thead', {}, h('tr', {}, h('th', {}, `version ${a.version} (id ${a.id})`), h('th', {}, `version ${b.version} (id ${b.id})`))),
    h('tbody', {}, rows.map(([kind, l, r]) => h('tr', {class: kind},
      h('td', {class: kind === 'del' ? 'del' : ''}, h('pre', {}, l)),
      h('td', {class: kind === 'add' ? 'add' : ''}, h('pre', {}, r))))));
}

Sluice.page({
  id: 'schemas', nav: 'Schemas',
  mount: async ctx => ctx.parts[0] ? subjectView(ctx.parts[0]) : schemasView([])
});
})();
