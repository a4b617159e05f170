/* On-site record forms on a phone (check records, notes, walkthroughs), after observe-form.js:
   every change is kept on the device (localStorage) at once; a form submitted without network
   is queued on the device and resent, as JSON-answered POSTs, as soon as the network is back
   (on the "online" event, and on every page that loads this script). The server dedupes a
   resend by the form's client_uuid, so a record never arrives twice. Photos taken without
   network are kept in IndexedDB (localStorage holds text only) and sent after the records, each
   with its client_uuid, so a photo resent after a lost answer is kept once. No inline script (CSP). */
(function () {
  "use strict";
  var DRAFT = "jiaoyan.visits.draft.";
  var OUTBOX = "jiaoyan.visits.outbox";
  var RETRY_MS = 5000;
  var sending = false;

  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function hhmm(d) { return d.toTimeString().slice(0, 8); }
  function newUuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function readOutbox() {
    var ls = store();
    if (!ls) return [];
    try { return JSON.parse(ls.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }
  function writeOutbox(items) {
    var ls = store();
    if (ls) ls.setItem(OUTBOX, JSON.stringify(items));
  }

  var statusEls = Array.prototype.slice.call(document.querySelectorAll("[data-sync-status]"));
  // Queued records are sent only by the user who queued them (a shared phone, another login).
  var me = statusEls.length ? statusEls[0].dataset.syncUser || "" : "";
  function mine(items) { return items.filter(function (x) { return (x.user || "") === me; }); }
  function say(text, kind) {
    statusEls.forEach(function (el) {
      el.textContent = text;
      el.className = "sync-status" + (kind ? " " + kind : "");
    });
  }
  var photoCount = 0;
  function sayPending(prefix) {
    var n = mine(readOutbox()).length;
    var parts = [];
    if (n) parts.push(n + " 条记录");
    if (photoCount) parts.push(photoCount + " 张照片");
    if (parts.length) say((prefix || "") + "本机有 " + parts.join("、") + "待发送，联网后自动发送", "warn");
    else if (prefix) say(prefix, "ok");
  }

  // ---- the photo queue (IndexedDB, one object store keyed by client_uuid)
  var DB_NAME = "jiaoyan-visits", PHOTOS = "photos";
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var req = window.indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(PHOTOS, { keyPath: "uuid" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function photoStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(PHOTOS, mode);
        var req = work(tx.objectStore(PHOTOS));
        tx.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function queuedPhotos() {
    return photoStore("readonly", function (st) { return st.getAll(); })
      .then(function (all) { return (all || []).filter(function (p) { return p.user === me; }); })
      .catch(function () { return []; });
  }
  function firstError(body) {
    var errs = body.errors || {};
    return Object.keys(errs).map(function (k) { return errs[k][0]; })[0] || "请检查填写内容";
  }
  function post(url, body) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); });
  }

  function flushPhotos(announce) {
    if (sending || !navigator.onLine || !me) return;
    queuedPhotos().then(function (list) {
      photoCount = list.length;
      if (!list.length) {
        if (announce) say("本机保存的记录已全部发送 " + hhmm(new Date()), "ok");
        return;
      }
      if (sending) return;
      sending = true;
      say("网络已恢复，正在发送本机保存的 " + list.length + " 张照片…", "");
      var photo = list[0];
      var body = new FormData();
      body.append("client_uuid", photo.uuid);
      if (photo.school) body.append("school", photo.school);
      body.append("file", photo.blob, photo.name);
      post(photo.url, body).then(function (res) {
        return photoStore("readwrite", function (st) { return st.delete(photo.uuid); }).then(function () {
          sending = false;
          photoCount = Math.max(0, photoCount - 1);
          if (res.body.ok) { flushPhotos(true); return; }
          // Refused (not a photo, say): dropped from the queue with the reason shown, rather
          // than resent forever.
          say("一张离线照片未能保存：" + firstError(res.body) + "（" + photo.name + "）", "bad");
          flushPhotos(false);
        });
      }).catch(function () { sending = false; sayPending("发送失败，"); });
    });
  }

  // A saved record's page names its client_uuid: its draft is no longer needed.
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    var ls = store();
    if (!ls) return;
    Object.keys(ls).forEach(function (k) {
      if (k.indexOf(DRAFT) !== 0) return;
      try { if (JSON.parse(ls.getItem(k)).fields.client_uuid === el.dataset.clearDraft) ls.removeItem(k); }
      catch (e) { ls.removeItem(k); }
    });
  });

  function flush() {
    if (sending || !navigator.onLine || !me) return;
    var items = mine(readOutbox());
    if (!items.length) { flushPhotos(false); return; }
    sending = true;
    say("网络已恢复，正在发送本机保存的 " + items.length + " 条记录…", "");
    var item = items[0];
    var body = new FormData();
    Object.keys(item.fields).forEach(function (k) {
      var v = item.fields[k];
      if (Array.isArray(v)) v.forEach(function (x) { body.append(k, x); });
      else if (v !== null && v !== undefined) body.append(k, v);
    });
    post(item.url, body)
      .then(function (res) {
        var rest = readOutbox().filter(function (x) { return x.uuid !== item.uuid; });
        if (res.body.ok) {
          writeOutbox(rest);
          sending = false;
          if (mine(rest).length) flush();
          else flushPhotos(true);
        } else {
          // Refused by the server (a field the record cannot have): keep it as a draft of its
          // form, so the user sees it there and fixes it, rather than resending it forever.
          var ls = store();
          if (ls) ls.setItem(DRAFT + item.draftKey, JSON.stringify({ savedAt: item.savedAt, fields: item.fields }));
          writeOutbox(rest);
          sending = false;
          say("一条离线记录未能保存：" + firstError(res.body) + "（已放回表单，请打开修改）", "bad");
          if (mine(rest).length) flush();
        }
      })
      .catch(function () { sending = false; sayPending("发送失败，"); });
  }

  var form = document.querySelector("form[data-onsite-form]");
  if (form) {
    var key = DRAFT + form.dataset.draftKey;
    var uuidInput = form.querySelector("input[name=client_uuid]");
    var banner = form.querySelector("[data-draft-banner]");
    var hasErrors = !!form.querySelector("[data-testid=has-errors]");

    var collect = function () {
      var fields = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button" ||
            el.name === "csrfmiddlewaretoken") return;
        if (el.type === "radio") {
          if (el.checked) fields[el.name] = el.value;
          else if (!(el.name in fields)) fields[el.name] = null;
        } else if (el.type === "checkbox") {
          if (!Array.isArray(fields[el.name])) fields[el.name] = [];
          if (el.checked) fields[el.name].push(el.value);
        } else {
          fields[el.name] = el.value;
        }
      });
      return fields;
    };
    var apply = function (fields) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || !(el.name in fields) || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
        var v = fields[el.name];
        if (el.type === "radio") el.checked = v !== null && el.value === v;
        else if (el.type === "checkbox") el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
        else if (v !== null && v !== undefined) el.value = v;
      });
    };
    var saveLocal = function () {
      var ls = store();
      if (!ls) return;
      try { ls.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), fields: collect() })); }
      catch (e) { say("本机存储已满，内容未能保存在本机", "bad"); }
    };

    var raw = store() && !hasErrors ? store().getItem(key) : null;
    if (raw) {
      try {
        apply(JSON.parse(raw).fields);
        if (banner) banner.hidden = false;
      } catch (e) { store().removeItem(key); }
    }
    if (hasErrors) saveLocal();
    if (banner) {
      var discard = banner.querySelector("[data-discard-draft]");
      if (discard) discard.addEventListener("click", function () {
        store().removeItem(key);
        location.reload();
      });
    }

    var timer = null;
    var changed = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        saveLocal();
        say((navigator.onLine ? "已保存在本机 " : "离线：已保存在本机 ") + hhmm(new Date()),
            navigator.onLine ? "" : "warn");
      }, 300);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    form.addEventListener("submit", function (ev) {
      if (navigator.onLine) { saveLocal(); return; }
      ev.preventDefault();
      var items = readOutbox();
      var fields = collect();
      items.push({ user: me, url: form.action, uuid: fields.client_uuid || newUuid(), draftKey: form.dataset.draftKey,
                   savedAt: new Date().toISOString(), fields: fields });
      writeOutbox(items);
      store().removeItem(key);
      form.reset();
      if (uuidInput) uuidInput.value = newUuid();
      if (banner) banner.hidden = true;
      sayPending("网络已断开：这条记录已保存在本机。");
    });
  }

  var photoForm = document.querySelector("form[data-photo-form]");
  if (photoForm) {
    photoForm.addEventListener("submit", function (ev) {
      if (navigator.onLine) return;
      ev.preventDefault();
      var input = photoForm.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      if (!file) { say("请先选择照片或文件", "bad"); return; }
      var uuidInput = photoForm.querySelector("input[name=client_uuid]");
      var school = photoForm.querySelector("select[name=school]");
      var item = { uuid: (uuidInput && uuidInput.value) || newUuid(), user: me, url: photoForm.action,
                   school: school ? school.value : "", name: file.name, blob: file, savedAt: new Date().toISOString() };
      photoStore("readwrite", function (st) { return st.put(item); }).then(function () {
        photoCount += 1;
        input.value = "";
        if (uuidInput) uuidInput.value = newUuid();
        sayPending("网络已断开：这张照片已保存在本机。");
      }).catch(function () { say("本机无法保存照片（存储不可用或已满），请联网后再上传", "bad"); });
    });
  }

  window.addEventListener("offline", function () { say("网络已断开：继续填写，内容保存在本机", "warn"); });
  window.addEventListener("online", flush);
  // A send that failed right after the network came back is retried, not left until the next
  // "online" event.
  setInterval(flush, RETRY_MS);
  queuedPhotos().then(function (list) {
    photoCount = list.length;
    if (navigator.onLine) flush();
    else sayPending("离线：");
  });
})();
