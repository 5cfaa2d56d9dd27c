// Keeps the browser display live: reloads the board fragment when an event arrives,
// highlights new calls, runs the clock, rotates the language line and shows a marker when
// nothing (not even a keep-alive) arrived for 10 seconds. After "Enable sound" (browsers
// play nothing before a gesture) each call plays its announcement, one after another.
'use strict';

(() => {
  const body = document.body;
  const board = document.getElementById('board');
  const marker = document.getElementById('connection');
  const zone = body.dataset.zone || '';
  const timeZone = body.dataset.timeZone || 'Europe/Berlin';
  const highlightMs = 12000;
  const silenceMs = 10000;
  const clockOffset = Number(body.dataset.serverTime) - Date.now();
  const boardUrl = '/display/board' + (zone ? '?zone=' + encodeURIComponent(zone) : '');
  const eventTypes = ['ticket_issued', 'ticket_called', 'service_started', 'stop_finished',
    'no_show', 'parked', 'resumed', 'transferred', 'joined', 'cancelled',
    'appointments_imported'];

  const seen = new Set(keysOf(board));
  const highlightedUntil = new Map();
  let lastContact = Date.now();
  let reloadTimer = null;
  let source = null;

  function keysOf(root) {
    return Array.from(root.querySelectorAll('.call[data-key]'), (el) => el.dataset.key);
  }

  function markHighlights() {
    const now = Date.now();
    for (const el of board.querySelectorAll('.call[data-key]')) {
      const key = el.dataset.key;
      if (!seen.has(key)) {
        seen.add(key);
        highlightedUntil.set(key, now + highlightMs);
      }
      const until = highlightedUntil.get(key);
      el.classList.toggle('new', until !== undefined && until > now);
    }
  }

  async function reload() {
    reloadTimer = null;
    try {
      const response = await fetch(boardUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) return;
      board.innerHTML = await response.text();
      markHighlights();
    } catch (error) {
      // The marker shows the outage; the next event or reconnect reloads again.
    }
  }

  function scheduleReload() {
    if (reloadTimer === null) reloadTimer = setTimeout(reload, 100);
  }

  function contact() {
    lastContact = Date.now();
  }

  // Sound: the gong and the spoken call, rendered by the server as a WAV per call event.
  const soundButton = document.getElementById('sound');
  let audio = null;
  let playing = Promise.resolve();

  function enableSound() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = new Context();
    audio.resume();
    soundButton.hidden = true;
    body.dataset.sound = 'on';
  }

  async function announce(eventId) {
    const url = '/display/announcement/' + encodeURIComponent(eventId) +
      (zone ? '?zone=' + encodeURIComponent(zone) : '');
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      const data = response.status === 200 ? await response.arrayBuffer() : null;
      // What the last announcement brought (the browser test reads it).
      body.dataset.announcement = [response.status, response.headers.get('content-type'),
        data ? data.byteLength : 0].join(' ');
      if (!data || data.byteLength === 0) return;
      const buffer = await audio.decodeAudioData(data);
      await new Promise((resolve) => {
        const source = audio.createBufferSource();
        source.buffer = buffer;
        source.connect(audio.destination);
        source.onended = resolve;
        source.start();
      });
    } catch (error) {
      // A call that cannot be played is skipped; the board shows it anyway.
    }
  }

  function onCall(message) {
    if (audio === null) return;
    let eventId = null;
    try {
      eventId = JSON.parse(message.data).id;
    } catch (error) {
      return;
    }
    playing = playing.then(() => announce(eventId));
  }

  if (soundButton) soundButton.addEventListener('click', enableSound);

  function connect() {
    source = new EventSource('/api/v1/events');
    source.addEventListener('open', () => { contact(); scheduleReload(); });
    source.addEventListener('keep-alive', contact);
    source.addEventListener('ticket_called', onCall);
    for (const type of eventTypes) {
      source.addEventListener(type, () => { contact(); scheduleReload(); });
    }
    source.addEventListener('error', () => {
      // The browser retries by itself unless the server refused the stream.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
  }

  const clockFormat = new Intl.DateTimeFormat('de-DE',
    { timeZone, hour: '2-digit', minute: '2-digit' });
  const dateFormat = new Intl.DateTimeFormat('de-DE',
    { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

  function tick() {
    const now = new Date(Date.now() + clockOffset);
    document.getElementById('clock').textContent = clockFormat.format(now);
    document.getElementById('date').textContent = dateFormat.format(now);
    const silent = Date.now() - lastContact > silenceMs;
    if (silent && marker.hidden) {
      const since = clockFormat.format(new Date(lastContact + clockOffset));
      for (const el of marker.querySelectorAll('.since')) el.textContent = since;
    }
    marker.hidden = !silent;
    body.classList.toggle('offline', silent);
    markHighlights();
  }

  let lineIndex = 0;
  function rotateLine() {
    const lines = document.querySelectorAll('#lines .line');
    if (lines.length < 2) return;
    lines[lineIndex].classList.remove('shown');
    lineIndex = (lineIndex + 1) % lines.length;
    lines[lineIndex].classList.add('shown');
  }

  connect();
  setInterval(tick, 1000);
  setInterval(rotateLine, 6000);
})();
