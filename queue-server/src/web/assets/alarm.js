// The emergency alarm on every staff page. At a desk: the control and F9 raise it silently
// (only a small confirmation beside the control). For those it notifies: `#alarms` shows the
// loud alert from `/staff/alarms/panel` (reloaded on each `alarm` event that `staff.js`
// passes on as `lotse:alarm`), a siren until they answer, a flashing title and a browser
// notification (with permission), so it reaches a background tab too.
'use strict';

(() => {
  const region = document.getElementById('alarms');
  if (!region) return;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
  const body = document.body;
  const title = document.title;

  async function api(path, payload) {
    const response = await fetch('/api/v1' + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || ('HTTP ' + response.status));
    return data;
  }

  // Browsers play sound and ask for notifications only after a gesture on the page: the
  // first click or key unlocks both.
  let audio = null;
  function unlock() {
    try {
      audio = audio || new AudioContext();
      audio.resume();
    } catch (error) { /* no sound on this browser */ }
    if ('Notification' in window && Notification.permission === 'default') {
      Notification.requestPermission().catch(() => {});
    }
  }
  document.addEventListener('pointerdown', unlock);
  document.addEventListener('keydown', unlock);

  // A two-tone siren (counted in `data-alarm-sounds`, which the tests read).
  function siren() {
    body.dataset.alarmSounds = String(Number(body.dataset.alarmSounds || 0) + 1);
    if (!audio) return;
    const start = audio.currentTime;
    for (let step = 0; step < 4; step += 1) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = 'square';
      tone.frequency.value = step % 2 ? 660 : 990;
      gain.gain.setValueAtTime(0.35, start + step * 0.3);
      gain.gain.setValueAtTime(0.0001, start + step * 0.3 + 0.28);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + step * 0.3);
      tone.stop(start + step * 0.3 + 0.3);
    }
  }

  let loud = null;
  let flip = false;
  function alarmOn(place) {
    if (loud) return;
    siren();
    loud = setInterval(() => {
      flip = !flip;
      const first = region.querySelector('[data-alarm]');
      document.title = flip ? '🚨 NOTRUF: ' + (first?.dataset.place || '') : title;
      if (region.querySelector('[data-alarm][data-responding="no"]')) siren();
    }, 1500);
    document.title = '🚨 NOTRUF: ' + place;
  }
  function alarmOff() {
    clearInterval(loud);
    loud = null;
    document.title = title;
  }

  const notified = new Set();
  function notify(item) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const text = Array.from(item.querySelectorAll('.place, .way, .raised'))
      .map((element) => element.textContent.trim()).join('\n');
    try {
      new Notification('NOTRUF · EMERGENCY', { body: text, tag: 'alarm-' + item.dataset.alarm, requireInteraction: true });
      body.dataset.alarmNotifications = String(Number(body.dataset.alarmNotifications || 0) + 1);
    } catch (error) { /* the page shows it anyway */ }
  }

  async function refresh() {
    try {
      const response = await fetch('/staff/alarms/panel', { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) return;
      region.innerHTML = await response.text();
    } catch (error) {
      return;
    }
    const items = Array.from(region.querySelectorAll('[data-alarm]'));
    for (const item of items) {
      if (!notified.has(item.dataset.alarm)) { notified.add(item.dataset.alarm); notify(item); }
    }
    if (items.length) alarmOn(items[0].dataset.place); else alarmOff();
  }

  async function raise() {
    const sent = document.getElementById('alarm-sent');
    try {
      await api('/alarms');
      if (sent) { sent.textContent = sent.dataset.sent; setTimeout(() => { sent.textContent = ''; }, 5000); }
    } catch (error) {
      if (sent) sent.textContent = '✗ ' + error.message;
    }
  }

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-alarm-action]');
    if (!button) return;
    event.preventDefault();
    if (button.dataset.alarmAction === 'raise') { raise(); return; }
    try {
      await api('/alarms/' + encodeURIComponent(button.dataset.alarm) + '/acknowledge');
    } catch (error) { /* the refresh shows the state */ }
    refresh();
  });
  document.addEventListener('submit', async (event) => {
    const form = event.target.closest('form[data-alarm-form="close"]');
    if (!form) return;
    event.preventDefault();
    try {
      await api('/alarms/' + encodeURIComponent(form.dataset.alarm) + '/close', { note: new FormData(form).get('note') });
      if (form.closest('.own-alarm, .alarms-open')) { location.reload(); return; }
    } catch (error) {
      form.querySelector('input')?.setCustomValidity(error.message);
      form.reportValidity();
      return;
    }
    refresh();
  });
  // F9 (a USB foot switch can send it too) raises from the desk console, even while typing.
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'F9') return;
    if (!document.querySelector('[data-alarm-action="raise"]')) return;
    event.preventDefault();
    raise();
  }, true);
  document.addEventListener('lotse:alarm', refresh);
  refresh();
})();
