// Keeps the visitor's status page current: reloads the panel every few seconds and, when the
// visitor is called, vibrates the phone (where supported) so they notice.
'use strict';

(() => {
  const panel = document.getElementById('status');
  if (!panel) return;
  const url = location.pathname.replace(/\/$/, '') + '/panel';
  let state = panel.querySelector('.panel')?.dataset.state;

  async function reload() {
    let next = 5000;
    try {
      const response = await fetch(url, { cache: 'no-store', credentials: 'omit' });
      // The ticket is gone (an earlier day's): nothing will change any more.
      if (response.status === 404) return;
      if (response.ok) {
        panel.innerHTML = await response.text();
        const now = panel.querySelector('.panel')?.dataset.state;
        if (now === 'called' && state !== 'called' && navigator.vibrate) {
          navigator.vibrate([400, 200, 400, 200, 400]);
        }
        state = now;
        // A finished visit does not change any more.
        if (now === 'finished') return;
      }
    } catch (error) {
      // Offline for a moment: try again a little later.
      next = 10000;
    }
    setTimeout(reload, next);
  }

  // A finished visit does not change (and a reload would lose a feedback comment).
  if (state !== 'finished') setTimeout(reload, 5000);
})();
