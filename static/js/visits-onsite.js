/* On-site record forms on a phone (check records, notes, walkthroughs), after observe-form.js:
   every change is kept on the device (localStorage) at once; a form submitted without network
   is queued on the device and resent, as JSON-answered POSTs, as soon as the network is back
   (on the "online" event, and on every page that loads this script). The server dedupes a
   resend by the form's client_uuid, so a record never arrives twice. No inline script (CSP). */
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
  function sayPending(prefix) {
    var n = mine(readOutbox()).length;
    if (n) say((prefix || "") + "本机有 " + n + " 条记录待发送，联网后自动发送", "warn");
    else if (prefix) say(prefix, "ok");
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
    if (!items.length) return;
    sending = true;
    say("网络已恢复，正在发送本机保存的 " + items.length + " 条记录…", "");
    var item = items[0];
    var body = new FormData();
    Object.keys(item.fields).forEach(function (k) {
      var v = item.fields[k];
      if (Array.isArray(v)) v.forEach(function (x) { body.append(k, x); });
      else if (v !== null && v !== undefined) body.append(k, v);
    });
    fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (res) {
        var rest = readOutbox().filter(function (x) { return x.uuid !== item.uuid; });
        if (res.body.ok) {
          writeOutbox(rest);
          sending = false;
          if (mine(rest).length) flush();
          else say("本机保存的记录已全部发送 " + hhmm(new Date()), "ok");
        } else {
          // Refused by the server (a field the record cannot have): keep it as a draft of its
          // form, so the user sees it there and fixes it, rather than resending it forever.
          var ls = store();
          if (ls) ls.setItem(DRAFT + item.draftKey, JSON.stringify({ savedAt: item.savedAt, fields: item.fields }));
          writeOutbox(rest);
          sending = false;
          var errs = res.body.errors || {};
          var first = Object.keys(errs).map(function (k) { return errs[k][0]; })[0] || "请检查填写内容";
          say("一条离线记录未能保存：" + first + "（已放回表单，请打开修改）", "bad");
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

  window.addEventListener("offline", function () { say("网络已断开：继续填写，内容保存在本机", "warn"); });
  window.addEventListener("online", flush);
  // A send that failed right after the network came back is retried, not left until the next
  // "online" event.
  setInterval(flush, RETRY_MS);
  if (navigator.onLine) flush();
  else sayPending("离线：");
})();
