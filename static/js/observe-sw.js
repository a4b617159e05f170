/* Service worker for the observation form (served at /observe/sw.js so its scope is /observe/).
   Network first; when the network is gone, the last copy of the form page and of the static
   assets answers, and the page restores the draft from the device. */
"use strict";
var CACHE = "jiaoyan-observe-v1";
var FORM_PAGE = /^\/observe\/(new\/|\d+\/edit\/)$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  var isStatic = url.pathname.indexOf("/static/") === 0;
  var isForm = req.mode === "navigate" && FORM_PAGE.test(url.pathname);
  if (!isStatic && !isForm) return;
  event.respondWith(
    fetch(req).then(function (resp) {
      if (resp.ok && !resp.redirected) {
        var copy = resp.clone();
        caches.open(CACHE).then(function (cache) { cache.put(isForm ? url.pathname : req, copy); });
      }
      return resp;
    }).catch(function () {
      return caches.match(isForm ? url.pathname : req, { ignoreSearch: isForm }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
