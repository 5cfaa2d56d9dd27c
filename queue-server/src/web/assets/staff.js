// The staff pages: desk actions through the JSON API (with the session's CSRF token),
// keyboard shortcuts, and live reloading of the `#live` part whenever an event arrives. Every
// logged-in page follows the event stream: `alarm` events go on to `alarm.js` (`lotse:alarm`).
'use strict';

(() => {
  const body = document.body;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
  const desk = body.dataset.desk || '';
  const liveUrl = body.dataset.live || '';
  const live = document.getElementById('live');
  const message = document.getElementById('message');
  const marker = document.getElementById('connection');
  // The short messages in the account's language (`staff_texts.rs`), `{n}` the number.
  const messages = JSON.parse(document.querySelector('meta[name="staff-messages"]')?.content || '{}');
  const text = (key, values) => (messages[key] || key)
    .replace(/\{(\w+)\}/g, (all, name) => (values && name in values ? values[name] : all));

  function say(text, isError) {
    if (!message) return;
    message.textContent = text;
    message.hidden = !text;
    message.classList.toggle('error', Boolean(isError));
  }

  // Someone typing or choosing in the live part: replacing it now would lose their input.
  function changed(field) {
    if (field.matches('select')) {
      const initial = Array.from(field.options).findIndex((option) => option.defaultSelected);
      return field.selectedIndex !== (initial === -1 ? 0 : initial);
    }
    if (field.matches('input[type=radio], input[type=checkbox]')) {
      return field.checked !== field.defaultChecked;
    }
    return field.value !== field.defaultValue;
  }
  function editing() {
    if (!live) return false;
    const active = document.activeElement;
    if (active && live.contains(active) && active.matches('input, textarea, select')) return true;
    return Array.from(live.querySelectorAll('input, textarea, select')).some(changed);
  }

  // The alerts shown when the page was loaded have been seen; a new one sounds once, after
  // the reload shows it (only alerts this page shows, still unacknowledged).
  const sounded = new Set(Array.from(document.querySelectorAll('[data-alert]'))
    .map((element) => Number(element.dataset.alert)));
  const awaitingSound = new Set();
  function soundNewAlerts() {
    let shown = false;
    for (const id of awaitingSound) {
      if (live.querySelector('[data-alert="' + id + '"][data-acknowledged="no"]')) shown = true;
    }
    awaitingSound.clear();
    if (shown) chime();
  }

  let reloadTimer = null;
  // `force`: right after the officer's own action, whose inputs are used up.
  async function reload(force) {
    reloadTimer = null;
    if (!live || !liveUrl) return;
    if (!force && editing()) { reloadTimer = setTimeout(reload, 1000); return; }
    try {
      const response = await fetch(liveUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (response.redirected || response.status === 401) { location.reload(); return; }
      if (response.ok) { live.innerHTML = await response.text(); soundNewAlerts(); }
    } catch (error) {
      // The connection marker tells the officer; the next event reloads again.
    }
  }
  function scheduleReload() {
    if (reloadTimer === null) reloadTimer = setTimeout(reload, 150);
  }
  // After the officer's own action: what was entered for the old situation is void.
  function reloadNow() {
    clearTimeout(reloadTimer);
    reload(true);
  }

  async function api(method, path, payload) {
    const response = await fetch('/api/v1' + path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || ('HTTP ' + response.status));
    return data;
  }

  const deskPath = (action) => '/desks/' + encodeURIComponent(desk) + '/' + action;

  async function act(action, element) {
    try {
      let result;
      switch (action) {
        case 'finish': {
          const outcome = document.getElementById('outcome')?.value || null;
          result = await api('POST', deskPath('finish'), outcome ? { outcome } : {});
          say(text('finished', { n: result?.number || '' }));
          break;
        }
        case 'call':
        case 'resume':
          result = await api('POST', deskPath(action), { number: element.dataset.number });
          say(text(action === 'call' ? 'called' : 'resumed', { n: result.number }));
          break;
        case 'call-next':
          result = await api('POST', deskPath('call-next'));
          say(result ? text('called', { n: result.number }) : text('nobody'));
          break;
        case 'call-next-except':
          result = await api('POST', deskPath('call-next') + '?except=' + encodeURIComponent(element.dataset.number));
          say(result ? text('called_instead', { n: result.number, m: element.dataset.number })
            : text('nobody_else'));
          break;
        case 'acknowledge-alert':
          await api('POST', '/alerts/' + encodeURIComponent(element.dataset.alert) + '/acknowledge');
          say('Hinweis quittiert. · Alert acknowledged.');
          break;
        case 'interpreter': {
          const verb = element.dataset.verb;
          result = await api('POST', '/interpreter-requests/' + element.dataset.request + '/' + verb);
          say(text(verb, { n: result.number }));
          break;
        }
        default:
          result = await api('POST', deskPath(action));
          say(text('done', { n: result.number }));
      }
      reloadNow();
    } catch (error) {
      say(error.message, true);
      scheduleReload();
    }
  }

  async function submit(form) {
    const data = new FormData(form);
    try {
      switch (form.dataset.form) {
        case 'call': {
          const result = await api('POST', deskPath('call'), { number: data.get('number').trim().toUpperCase() });
          say(text('called', { n: result.number }));
          break;
        }
        case 'transfer': {
          const note = data.get('note').trim();
          const result = await api('POST', deskPath('transfer'), {
            service: data.get('service'), position: data.get('position'), note: note || null,
          });
          say(text('transferred', { n: result.number }));
          break;
        }
        case 'interpreter': {
          const request = await api('POST', deskPath('interpreter'), {
            number: data.get('number'), language: data.get('language'),
          });
          say(text('interpreter_requested', { n: request.number }));
          break;
        }
        case 'walk-in': {
          const ticket = await api('POST', '/tickets', {
            services: [data.get('service')], language: data.get('language'),
            channel: 'walk_in', priority: data.get('priority') === 'on',
          });
          say(text('new_number', { n: ticket.number, url: ticket.status_url }));
          break;
        }
      }
      form.reset();
      if (document.activeElement) document.activeElement.blur();
      reloadNow();
    } catch (error) {
      say(error.message, true);
      scheduleReload();
    }
  }

  // The interpreter page chimes for a new request in one of its languages, once the
  // interpreter switched the sound on (browsers let pages play sound only after a click).
  const soundButton = document.getElementById('sound');
  let audio = null;
  if (soundButton) {
    soundButton.addEventListener('click', () => {
      audio = audio || new AudioContext();
      audio.resume();
      soundButton.textContent = 'Ton ist an';
      soundButton.disabled = true;
    });
  }
  // `language`: an interpreter request's (the page's languages filter it); none: an alert.
  function chime(language) {
    if (!soundButton || !audio) return;
    const languages = (soundButton.dataset.languages || '').split(',').filter(Boolean);
    if (language && languages.length && !languages.includes(language)) return;
    body.dataset.chimes = String(Number(body.dataset.chimes || 0) + 1);
    const start = audio.currentTime;
    for (const [offset, frequency] of [[0, 660], [0.25, 880]]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.45);
    }
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button) { event.preventDefault(); act(button.dataset.action, button); }
  });
  document.addEventListener('submit', (event) => {
    const form = event.target.closest('form[data-form]');
    if (form) { event.preventDefault(); submit(form); }
  });
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.target.closest('input, textarea, select')) return;
    const key = event.key.toLowerCase();
    const button = document.querySelector('button[data-key="' + key + '"]');
    if (button) { event.preventDefault(); button.click(); return; }
    const focus = { t: '.transfer select', w: '.walk-in select' }[key];
    const field = focus && document.querySelector(focus);
    if (field) { event.preventDefault(); field.focus(); }
  });


  const alarmChanged = () => document.dispatchEvent(new CustomEvent('lotse:alarm'));
  if (csrf) {
    let lastContact = Date.now();
    const contact = () => { lastContact = Date.now(); };
    const connect = () => {
      const source = new EventSource('/api/v1/events');
      let opened = false;
      // The page is fresh at the first connection; after a reconnect it may have missed events.
      source.addEventListener('open', () => {
        contact();
        if (opened) { scheduleReload(); alarmChanged(); }
        opened = true;
      });
      source.addEventListener('alarm', () => { contact(); alarmChanged(); });
      source.addEventListener('keep-alive', contact);
      for (const type of ['ticket_issued', 'ticket_called', 'service_started', 'stop_finished',
        'no_show', 'parked', 'resumed', 'transferred', 'joined', 'cancelled', 'appointments_imported',
        'device_status',
        'interpreter', 'alert']) {
        source.addEventListener(type, () => { contact(); scheduleReload(); });
      }
      source.addEventListener('interpreter', (event) => {
        try {
          const change = JSON.parse(event.data);
          if (change.status === 'open') chime(change.language);
        } catch (error) {
          // Not ours to judge: the reload shows the request anyway.
        }
      });
      // A new alert sounds once (not again when it is acknowledged, nor after a reconnect
      // replays it); the reload shows it, if it is one for this page.
      source.addEventListener('alert', (event) => {
        try {
          const change = JSON.parse(event.data);
          if (change.state !== 'raised' || sounded.has(change.alert)) return;
          sounded.add(change.alert);
          awaitingSound.add(change.alert);
        } catch (error) {
          // The reload shows the alert anyway.
        }
      });
      source.addEventListener('error', () => {
        // The browser retries by itself unless the server refused the stream (an ended
        // session, a proxy error during a restart): then start again, and reload, which
        // also brings an ended session to the login page.
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(() => { scheduleReload(); connect(); }, 5000);
        }
      });
    };
    connect();
    setInterval(() => {
      if (marker) marker.hidden = Date.now() - lastContact < 15000;
    }, 1000);
  }
})();
