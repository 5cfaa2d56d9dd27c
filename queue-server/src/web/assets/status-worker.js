// The status page's service worker. Chrome on Android shows a page's notifications only
// through a service worker; this one shows the "your turn" notification for the page and
// brings the page back when it is tapped. No push service, no caching, no fetch handler.
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients
      .matchAll({ type: 'window', includeUncontrolled: true })
      .then((pages) => pages.find((page) => new URL(page.url).pathname.startsWith('/t/')))
      .then((page) => page?.focus()),
  );
});
