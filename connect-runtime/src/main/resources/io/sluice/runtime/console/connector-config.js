// Sluice console: creating a connector (choose a plugin, fill its generated form) and editing a connector's config
// (its page's Configuration tab). Both validate before they save and show each error beside its field.
'use strict';

(() => {
  const {h, api, enc, flash, act} = Sluice;

  /** Validates with every error shown; true when there is none. */
  async function validated(form) {
    try {
      const answer = await form.validate(true);
      if (answer.error_count > 0) {
        flash(`${answer.error_count} error${answer.error_count === 1 ? '' : 's'}: see the fields marked below`, true);
        return false;
      }
      return true;
    } catch (e) {
      flash('Validation failed: ' + e.message, true);
      return false;
    }
  }

  async function validateButton(form) {
    if (await validated(form)) flash('Config is valid');
  }

  // ---------- New connector ----------
  async function newMount(ctx) {
    const plugins = (await api('GET', '/connector-plugins')).slice()
      .sort((a, b) => a.type.localeCompare(b.type) || a.class.split('.').pop().localeCompare(b.class.split('.').pop()));
    if (plugins.length === 0) return [h('h1', {}, 'New connector'), h('p', {}, 'No connector plugin is installed.')];
    const wanted = ctx.params.get('plugin');
    const chosen = plugins.find(p => p.class === wanted || p.class.split('.').pop() === wanted) || plugins[0];
    const select = h('select', {id: 'new-class'}, ['source', 'sink'].map(type => h('optgroup', {label: type === 'source' ? 'Sources' : 'Sinks'},
      plugins.filter(p => p.type === type).map(p => h('option', {value: p.class, selected: p === chosen},
        `${p.class.split('.').pop()}${p.version ? ' ' + p.version : ''} · ${p.class}`)))));
    const holder = h('div', {id: 'new-form'});
    let form = null;
    const load = async () => {
      let name;
      try { name = form ? form.config().name : undefined; } catch (e) { name = undefined; } // unreadable JSON
      holder.replaceChildren(h('p', {class: 'muted'}, 'Loading the plugin\'s settings…'));
      try {
        form = await Sluice.configForm({pluginClass: select.value, mode: 'create', values: name ? {name} : {}});
        holder.replaceChildren(form.element);
      } catch (e) {
        form = null;
        holder.replaceChildren(h('p', {class: 'errors'}, 'Cannot build the form: ' + e.message));
      }
    };
    select.addEventListener('change', load);
    await load();
    const create = async () => {
      if (!form) return;
      let config;
      try { config = form.config(); } catch (e) { flash(e.message, true); return; }
      if (!config.name) { flash('Give the connector a name', true); document.getElementById('new-name').focus(); return; }
      if (!await validated(form)) return;
      const name = config.name;
      act('Create ' + name, async () => {
        await api('POST', '/connectors', {name, config});
        location.hash = '#/connectors/' + enc(name);
      });
    };
    return [
      h('h1', {}, 'New connector'),
      h('div', {class: 'toolbar'}, h('label', {class: 'inline'}, 'Plugin', select)),
      holder,
      h('div', {class: 'toolbar sticky'},
        h('button', {'data-action': 'validate', onclick: () => form && validateButton(form)}, 'Validate'),
        h('button', {class: 'primary', 'data-action': 'create', onclick: create}, 'Create'))];
  }

  Sluice.page({id: 'new', nav: 'New connector', mount: newMount});

  // ---------- A connector's configuration ----------
  Sluice.connectorTab({
    id: 'config', label: 'Configuration',
    mount: async view => {
      // the stored config as GET /connectors/{name} shows it: secrets masked; sent back masked, they are kept
      const config = view.info.config || {};
      const form = await Sluice.configForm({pluginClass: config['connector.class'], mode: 'edit', values: config});
      const save = async () => {
        let edited;
        try { edited = form.config(); } catch (e) { flash(e.message, true); return; }
        if (!await validated(form)) return;
        act('Save config', async () => {
          const saved = await api('PUT', `/connectors/${enc(view.name)}/config`, edited);
          view.info = saved;
          return 'saved; the connector restarts with it';
        });
      };
      return [
        form.element,
        h('div', {class: 'toolbar sticky'},
          h('button', {'data-action': 'validate', onclick: () => validateButton(form)}, 'Validate'),
          h('button', {class: 'primary', 'data-action': 'save-config', onclick: save}, 'Save config'),
          h('a', {class: 'button', href: `#/new?plugin=${enc(config['connector.class'] || '')}`}, 'New connector of this plugin'))];
    },
  });
})();
