// Keeps the visitor's status page current: reloads the panel every few seconds (and at once
// when the page comes back to the foreground). When the visitor is called it says so where
// they will notice: the page title, screen readers (the live region #announcer), a vibration
// and, if the visitor allowed it (asked once, #notify), a notification. No push service: all
// of this runs only while the browser runs the page (see README, "The visitor's phone").
'use strict';

(() => {
  const panel = document.getElementById('status');
  if (!panel) return;
  const url = location.pathname.replace(/\/$/, '') + '/panel';
  const announcer = document.getElementById('announcer');
  const offer = document.getElementById('notify');
  const title = document.title;
  const ASKED = 'lotse-notifications-asked';
  let state = panel.querySelector('.panel')?.dataset.state;
  let shown = null;
  let timer = null;
  let loading = false;
  let worker = null;

  // The panel's headline ("It is your turn!") and where to go, in the visitor's language.
  function moment() {
    const text = (css) => panel.querySelector(css)?.textContent.trim() ?? '';
    return { headline: text('.moment h1'), place: text('.moment .go') };
  }

  function showTitle(now) {
    document.title = now === 'called' ? `(!) ${moment().headline} · ${title}` : title;
  }

  // The service worker that shows notifications: Chrome on Android shows them only through
  // one. It does nothing else (no caching, no push).
  function startWorker() {
    if (worker || !('serviceWorker' in navigator) || !offer?.dataset.worker) return;
    worker = navigator.serviceWorker.register(offer.dataset.worker).then(
      (registration) => registration,
      () => null,
    );
  }

  async function notify({ headline, place }) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const options = {
      body: place,
      tag: 'lotse-call',
      renotify: true,
      requireInteraction: true,
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      vibrate: [400, 200, 400, 200, 400],
    };
    const registration = await (worker ?? Promise.resolve(null));
    try {
      if (registration) {
        await registration.showNotification(headline, options);
        return;
      }
    } catch (error) {
      // Not active yet: the page's own notification below.
    }
    try {
      new Notification(headline, options);
    } catch (error) {
      // This browser shows notifications only through a service worker.
    }
  }

  function changed(now) {
    const current = moment();
    announcer.textContent = [current.headline, current.place].filter(Boolean).join(' ');
    showTitle(now);
    if (now !== 'called') return;
    // Browsers vibrate only after the visitor touched the page once.
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    if (document.visibilityState !== 'visible') notify(current);
  }

  async function reload() {
    if (loading) return;
    loading = true;
    clearTimeout(timer);
    let next = 5000;
    try {
      // Asks with the last answer's ETag: 304 and no body while nothing changed.
      const response = await fetch(url, { cache: 'no-cache', credentials: 'omit' });
      // The ticket is gone (an earlier day's): nothing will change any more.
      if (response.status === 404) return;
      if (response.ok) {
        const html = await response.text();
        // Replaced only when it changed: a screen reader's place stays put otherwise.
        if (html !== shown) {
          panel.innerHTML = html;
          shown = html;
        }
        const now = panel.querySelector('.panel')?.dataset.state;
        if (now !== state) changed(now);
        state = now;
        // A finished visit does not change any more.
        if (now === 'finished') return;
      }
    } catch (error) {
      // Offline for a moment: try again a little later.
      next = 10000;
    } finally {
      loading = false;
    }
    timer = setTimeout(reload, next);
  }

  // Asks once, with the reason, and only where notifications can work (HTTPS or localhost).
  function offerNotifications() {
    if (!offer || !('Notification' in window) || !window.isSecureContext) return;
    if (Notification.permission === 'granted') {
      startWorker();
      return;
    }
    let asked = null;
    try {
      asked = localStorage.getItem(ASKED);
    } catch (error) {
      // No storage (private mode): offer on every visit.
    }
    if (Notification.permission === 'denied' || asked) return;
    offer.hidden = false;
    offer.querySelector('button').addEventListener('click', async () => {
      offer.hidden = true;
      try {
        localStorage.setItem(ASKED, '1');
      } catch (error) {
        // Asked again on the next visit, then.
      }
      if ((await Notification.requestPermission()) === 'granted') startWorker();
    });
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state !== 'finished') reload();
  });
  showTitle(state);
  offerNotifications();
  // A finished visit does not change (and a reload would lose a feedback comment).
  if (state !== 'finished') timer = setTimeout(reload, 5000);
})();
