// Sluice console: a connector config form generated from the plugin's definitions (GET
// /connector-plugins/{plugin}/config) and refined by validation (PUT .../config/validate): groups in order, docs,
// defaults, required marks, enumerations and recommendations as choices, PASSWORD fields masked, each field's errors
// beside it. The raw JSON is another view of the same config: switching keeps the edits.
'use strict';

(() => {
  const {h, api, enc, flash, HIDDEN} = Sluice;
  /** Keys whose value changes which other keys exist or what they recommend: validated again as they change. */
  const STRUCTURAL = /^(transforms|predicates|(key|value|header)\.converter|(transforms|predicates)\.[^.]+\.type)$/;
  const TOP_KEYS = ['name', 'connector.class'];

  /**
   * Documentation as text: Kafka's docs carry some HTML markup (<code>, <a href>), which is never put into the page as
   * HTML; other angle brackets are the doc's own words ("<topic>-<partition>.inprogress") and stay.
   */
  const MARKUP = /<\/?(a|b|br|code|div|em|i|li|ol|p|pre|span|strong|sub|sup|tt|ul)(\s[^<>]*)?\/?>/gi;
  function plainText(doc) {
    return doc.replace(MARKUP, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  }

  /**
   * A form over one connector config. opts: {pluginClass, values (the config; a stored one has its secrets
   * masked), mode ('create' | 'edit')}. Returns {element, config(), validate(showAll)}.
   */
  Sluice.configForm = async function configForm(opts) {
    const values = Object.assign({}, opts.values || {});
    values['connector.class'] = values['connector.class'] || opts.pluginClass;
    const defs = new Map();          // key -> definition, in the plugin's order
    const results = new Map();       // key -> the last validation's value (errors, recommended_values, visible)
    const touched = new Set();       // keys the user changed: their errors show before a full validation
    const typedSecrets = new Set();  // PASSWORD keys the user typed: hidden in the JSON view too
    let showAll = false;
    let view = 'form';
    let validation = 0;
    let pending = null;
    let drawnLayout = null;  // the fields the form view shows, as drawn: a validation that keeps them updates in place
    const simpleName = opts.pluginClass.split('.').pop();

    // a connector whose plugin is gone still gets a form: every key under "Other keys", and the reason said
    let unknownPlugin = null;
    try {
      for (const def of await api('GET', `/connector-plugins/${enc(opts.pluginClass)}/config`)) defs.set(def.name, def);
    } catch (e) {
      unknownPlugin = e.message;
    }

    const body = h('div', {class: 'form-body'});
    const summary = h('div', {id: 'form-errors', class: 'form-errors', hidden: true});
    const element = h('div', {class: 'config-form', 'data-mode': opts.mode},
      h('div', {class: 'toolbar views'},
        h('button', {'data-action': 'view-form', class: 'active', onclick: () => switchTo('form')}, 'Form'),
        h('button', {'data-action': 'view-json', onclick: () => switchTo('json')}, 'JSON')),
      summary, body);

    // ---------- values ----------
    function set(key, value) {
      if (value === '' || value === undefined || value === null) delete values[key];
      else values[key] = String(value);
      if (defs.has(key) && defs.get(key).type === 'PASSWORD' && value !== HIDDEN) typedSecrets.add(key);
      if (STRUCTURAL.test(key) || (defs.has(key) && defs.get(key).dependents.length)) later();
    }

    function config() {
      if (view === 'json') readJson();
      return Object.assign({}, values);
    }

    /** The JSON view's text: secrets the user typed show as [hidden], as a stored config's do. */
    function jsonText() {
      const shown = {};
      for (const [k, v] of Object.entries(values)) shown[k] = typedSecrets.has(k) ? HIDDEN : v;
      return JSON.stringify(shown, null, 2);
    }

    /** Takes the JSON view's edits; a [hidden] left where the user typed a secret keeps that secret. */
    function readJson() {
      const text = body.querySelector('#config-json').value;
      let parsed;
      try { parsed = JSON.parse(text); } catch (e) { throw new Error('The config is not valid JSON: ' + e.message); }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('The config must be a JSON object of keys and values');
      if (parsed['connector.class'] && parsed['connector.class'] !== values['connector.class']) {
        throw new Error('To change connector.class, choose another plugin (the form is built from its definitions)');
      }
      if (opts.mode === 'edit' && parsed.name !== undefined && parsed.name !== values.name) {
        throw new Error('The name of an existing connector cannot change');
      }
      const kept = {};
      for (const [k, v] of Object.entries(parsed)) {
        if (v === null || v === undefined) continue;
        kept[k] = v === HIDDEN && typedSecrets.has(k) ? values[k] : (typeof v === 'string' ? v : JSON.stringify(v));
      }
      for (const k of [...typedSecrets]) if (kept[k] === undefined || kept[k] === HIDDEN) typedSecrets.delete(k);
      kept['connector.class'] = values['connector.class'];
      if (opts.mode === 'edit') kept.name = values.name;
      for (const k of Object.keys(values)) delete values[k];
      Object.assign(values, kept);
    }

    function switchTo(next) {
      if (next === view) return;
      if (view === 'json') {
        try { readJson(); } catch (e) { flash(e.message, true); return; }
      }
      clearTimeout(pending);
      view = next;
      element.querySelectorAll('.views button').forEach(b => b.classList.toggle('active', b.dataset.action === 'view-' + next));
      render();
    }

    // ---------- validation ----------
    function later() {
      clearTimeout(pending);
      pending = setTimeout(() => validate(false).catch(() => {}), 500);
    }

    /** Validates the config; showAllErrors: every error shows, not only those of fields the user changed. */
    async function validate(showAllErrors) {
      clearTimeout(pending);
      const mine = ++validation;
      const cfg = config();
      const answer = await api('PUT', `/connector-plugins/${enc(opts.pluginClass)}/config/validate`, cfg);
      if (mine !== validation) return answer; // a newer validation is on its way
      results.clear();
      for (const c of answer.configs || []) {
        if (c.definition && !defs.has(c.definition.name)) defs.set(c.definition.name, c.definition);
        if (c.value) results.set(c.value.name, c.value);
      }
      if (showAllErrors) showAll = true;
      if (view === 'form' && layout() === drawnLayout) update();
      else render();
      return answer;
    }

    function errorsOf(key) {
      const r = results.get(key);
      return r && (showAll || touched.has(key)) ? r.errors || [] : [];
    }

    // ---------- rendering ----------
    function defaultLabel(def) {
      if (def.required) return '— required —';
      if (def.default_value === null) return 'not set';
      if (def.default_value === '') return 'empty (default)';
      return 'default: ' + def.default_value;
    }

    function control(def) {
      const key = def.name;
      const value = values[key] === undefined ? '' : values[key];
      // a choice made with the keyboard or by a script may fire only "change": both events take the value
      const common = {name: key, 'data-key': key, id: 'field-' + key,
        onchange: e => { set(key, e.target.value); touched.add(key); later(); },
        'aria-invalid': errorsOf(key).length ? 'true' : null};
      const choices = def.type === 'BOOLEAN' ? ['true', 'false'] : def.valid_values;
      if (choices) {
        const options = [h('option', {value: ''}, defaultLabel(def))];
        for (const c of choices) options.push(h('option', {value: c}, c === '' ? '(empty)' : c));
        if (value !== '' && !choices.includes(value)) options.push(h('option', {value}, value));
        const select = h('select', Object.assign({}, common, {oninput: e => set(key, e.target.value)}), options);
        select.value = value;
        return select;
      }
      const recommended = (results.get(key) || {}).recommended_values || [];
      const input = h('input', Object.assign({}, common, {
        type: def.type === 'PASSWORD' ? 'password' : 'text',
        autocomplete: def.type === 'PASSWORD' ? 'new-password' : 'off',
        class: 'width-' + (def.width || 'NONE'),
        placeholder: def.type === 'PASSWORD' ? null : (def.required ? 'required' : defaultLabel(def))
          + (def.type === 'LIST' ? ' · comma-separated' : ''),
        list: recommended.length ? 'choices-' + key : null,
        value,
        oninput: e => set(key, e.target.value)}));
      return recommended.length
        ? [input, h('datalist', {id: 'choices-' + key}, recommended.map(r => h('option', {value: r})))] : input;
    }

    function field(def) {
      const key = def.name;
      const errors = errorsOf(key);
      const secretKept = def.type === 'PASSWORD' && values[key] === HIDDEN;
      return h('div', {class: 'field' + (errors.length ? ' invalid' : '') + (def.importance === 'HIGH' ? ' high' : ''),
        'data-key': key},
        h('label', {for: 'field-' + key},
          h('span', {class: 'display'}, def.display_name && def.display_name !== key ? def.display_name : key),
          def.required ? h('span', {class: 'required', title: 'required'}, ' *') : null,
          def.display_name && def.display_name !== key ? h('code', {}, key) : null,
          h('span', {class: 'type'}, def.type.toLowerCase())),
        control(def),
        secretKept ? h('div', {class: 'hint'}, 'The stored secret is kept unless you type a new one.') : null,
        def.documentation ? h('div', {class: 'doc'}, plainText(def.documentation)) : null,
        errorList(key));
    }

    function errorList(key) {
      const errors = errorsOf(key);
      return errors.length ? h('ul', {class: 'field-errors'}, errors.map(e => h('li', {}, e))) : null;
    }

    function visible(def) {
      const r = results.get(def.name);
      return !r || r.visible !== false || values[def.name] !== undefined;
    }

    function groups() {
      const byGroup = new Map();
      let i = 0;
      for (const def of defs.values()) {
        const order = i++;
        if (TOP_KEYS.includes(def.name) || !visible(def)) continue;
        const group = def.group || simpleName;
        if (!byGroup.has(group)) byGroup.set(group, []);
        byGroup.get(group).push({def, order});
      }
      for (const fields of byGroup.values()) {
        fields.sort((a, b) => (a.def.order_in_group >= 0 && b.def.order_in_group >= 0
          ? a.def.order_in_group - b.def.order_in_group : 0) || a.order - b.order);
      }
      return byGroup;
    }

    function otherKeys() {
      const keys = Object.keys(values).filter(k => !defs.has(k) && !TOP_KEYS.includes(k));
      const newKey = h('input', {id: 'add-key-name', placeholder: 'key', size: 30});
      const newValue = h('input', {id: 'add-key-value', placeholder: 'value', size: 40});
      return h('details', {class: 'group', open: true, 'data-group': 'other'},
        h('summary', {}, 'Other keys ', h('span', {class: 'muted'}, 'not defined by the plugin (passed to it as they are)')),
        keys.map(k => h('div', {class: 'field other', 'data-key': k},
          h('label', {}, h('code', {}, k)),
          h('input', {'data-key': k, value: values[k], class: 'width-LONG', oninput: e => { values[k] = e.target.value; }}),
          h('button', {'data-action': 'remove-key', onclick: () => { delete values[k]; render(); }}, 'Remove'),
          errorList(k))),
        h('div', {class: 'field add'}, newKey, newValue, h('button', {'data-action': 'add-key', onclick: () => {
          const k = newKey.value.trim();
          if (!k) return;
          set(k, newValue.value);
          touched.add(k);
          render();
          later();
        }}, 'Add key')));
    }

    function top() {
      const name = h('input', {id: 'new-name', 'data-key': 'name', class: 'width-SHORT', placeholder: 'my-connector', value: values.name || '',
        readonly: opts.mode === 'edit', oninput: e => set('name', e.target.value.trim()),
        onchange: () => { touched.add('name'); later(); }});
      return h('div', {class: 'field top', 'data-key': 'name'},
        h('label', {for: 'new-name'}, h('span', {class: 'display'}, 'Name'), h('span', {class: 'required'}, ' *')), name,
        errorList('name'));
    }

    function drawSummary() {
      const all = [];
      for (const [key, r] of results) for (const e of r.errors || []) all.push([key, e]);
      summary.hidden = !showAll || all.length === 0;
      summary.replaceChildren(h('strong', {}, `${all.length} error${all.length === 1 ? '' : 's'}`),
        h('ul', {}, all.map(([k, e]) => h('li', {}, h('a', {href: '#', onclick: ev => {
          ev.preventDefault();
          const target = document.getElementById('field-' + k) || document.querySelector(`.field[data-key="${CSS.escape(k)}"] input`);
          if (target) { target.closest('details') && (target.closest('details').open = true); target.focus(); }
        }}, k), ': ', e))));
    }

    /** Which fields the form view shows, in which groups. */
    function layout() {
      const shown = [...groups()].map(([g, fields]) => g + ':' + fields.map(f => f.def.name).join(','));
      return shown.join('|') + '|other:' + Object.keys(values).filter(k => !defs.has(k) && !TOP_KEYS.includes(k)).join(',');
    }

    function groupSummary(group, fields) {
      const hasErrors = fields.some(f => errorsOf(f.def.name).length);
      const setCount = fields.filter(f => values[f.def.name] !== undefined).length;
      return [group, ' ', h('span', {class: 'muted'},
        `${fields.length} setting${fields.length === 1 ? '' : 's'}${setCount ? `, ${setCount} set` : ''}`),
      hasErrors ? h('span', {class: 'badge-error'}, 'errors') : null];
    }

    /**
     * After a validation that keeps the same fields: errors, recommendations and group headings change in place, so
     * the field being typed in, an open list of choices and the groups the user opened stay as they are.
     */
    function update() {
      drawSummary();
      for (const el of body.querySelectorAll('.field[data-key]')) {
        const key = el.dataset.key;
        const errors = errorList(key);
        el.classList.toggle('invalid', errors !== null);
        const control = el.querySelector('input[data-key], select[data-key]');
        if (control) control.setAttribute('aria-invalid', errors ? 'true' : 'false');
        const old = el.querySelector('.field-errors');
        if (old && errors) old.replaceWith(errors);
        else if (old) old.remove();
        else if (errors) el.append(errors);
        const recommended = (results.get(key) || {}).recommended_values || [];
        if (control && control.tagName === 'INPUT' && control.type === 'text' && recommended.length) {
          let list = el.querySelector('datalist');
          if (!list) {
            list = h('datalist', {id: 'choices-' + key});
            control.after(list);
            control.setAttribute('list', list.id);
          }
          list.replaceChildren(...recommended.map(r => h('option', {value: r})));
        }
      }
      for (const [group, fields] of groups()) {
        const details = [...body.querySelectorAll('details.group')].find(d => d.dataset.group === group);
        if (details) details.querySelector('summary').replaceChildren(...groupSummary(group, fields).filter(Boolean));
      }
    }

    /** Draws the current view; the groups the user opened stay open, the field with the focus keeps it and its caret. */
    function render() {
      const active = document.activeElement;
      const focusKey = active && body.contains(active) ? active.id : null;
      const caret = focusKey && active.selectionStart !== undefined ? [active.selectionStart, active.selectionEnd] : null;
      const wasOpen = new Map([...body.querySelectorAll('details.group')].map(d => [d.dataset.group, d.open]));
      drawSummary();
      if (view === 'json') {
        // the text is the user's while this view shows: drawn once, when switching to it
        if (!body.querySelector('#config-json')) {
          body.replaceChildren(h('textarea', {id: 'config-json', spellcheck: 'false'}, jsonText()));
        }
        drawnLayout = null;
        return;
      }
      const sections = [];
      let first = true;
      for (const [group, fields] of groups()) {
        const hasErrors = fields.some(f => errorsOf(f.def.name).length);
        const open = hasErrors || (wasOpen.has(group) ? wasOpen.get(group)
          : first || group === 'Common' || fields.some(f => f.def.required || values[f.def.name] !== undefined));
        sections.push(h('details', {class: 'group', open, 'data-group': group},
          h('summary', {}, groupSummary(group, fields)), fields.map(f => field(f.def))));
        first = false;
      }
      body.replaceChildren(top(), unknownPlugin ? h('p', {class: 'notice'}, 'The plugin\'s settings are not known here: '
        + unknownPlugin) : '', ...sections, otherKeys());
      drawnLayout = layout();
      const again = focusKey && document.getElementById(focusKey);
      if (again) {
        again.focus();
        if (caret && again.setSelectionRange) try { again.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not text */ }
      }
    }

    render();
    validate(false).catch(() => {}); // recommendations and visibility, without showing errors yet
    return {element, config, validate};
  };
})();
