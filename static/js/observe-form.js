/* The phone-first observation form: every change is kept on the device (localStorage) at
   once, synced to the server as a draft when the network allows, and never lost when the
   network drops: a service worker keeps the form page and its assets so a reload works
   offline, and the draft is restored from the device. No inline script (CSP). */
(function () {
  "use strict";
  var PREFIX = "jiaoyan.observe.draft.";
  var NEW_POINTER = "jiaoyan.observe.new";
  var CACHE = "jiaoyan-observe-v1";
  var SYNC_EVERY_MS = 15000;

  function store() { try { return window.localStorage; } catch (e) { return null; } }

  function clearDraft(uuid) {
    var ls = store();
    if (!ls || !uuid) return;
    ls.removeItem(PREFIX + uuid);
    if (ls.getItem(NEW_POINTER) === uuid) ls.removeItem(NEW_POINTER);
  }

  function hhmm(d) { return d.toTimeString().slice(0, 8); }

  document.querySelectorAll("[data-clear-draft]").forEach(function (el) { clearDraft(el.dataset.clearDraft); });

  var form = document.getElementById("obs-form");
  if (!form) return;
  var statusEl = document.getElementById("sync-status");
  var banner = document.getElementById("draft-banner");
  var uuidInput = form.querySelector("input[name=client_uuid]");
  var isNew = form.dataset.draftKey === "new";
  var hasErrors = !!form.querySelector("[data-testid=has-errors]");
  var dirtySinceSync = false;
  var lastLocal = null;

  function say(text, kind) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = "sync-status" + (kind ? " " + kind : "");
  }

  function collect() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button" ||
          el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) fields[el.name] = el.value;
        else if (!(el.name in fields)) fields[el.name] = null;
      } else {
        fields[el.name] = el.value;
      }
    });
    return fields;
  }

  function apply(fields, skip) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in fields) || skip.indexOf(el.name) >= 0 || el.type === "file" ||
          el.name === "csrfmiddlewaretoken") return;
      var v = fields[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = v !== null && el.value === v;
      else if (v !== null && v !== undefined) el.value = v;
    });
  }

  function saveLocal(extra) {
    var ls = store();
    if (!ls) return;
    var record = { savedAt: new Date().toISOString(), path: location.pathname, synced: !dirtySinceSync,
                   fields: collect() };
    if (extra) Object.keys(extra).forEach(function (k) { record[k] = extra[k]; });
    try {
      ls.setItem(PREFIX + uuidInput.value, JSON.stringify(record));
      if (isNew) ls.setItem(NEW_POINTER, uuidInput.value);
      lastLocal = new Date();
    } catch (e) {
      say("本机存储已满，草稿未能保存在本机，请尽快联网保存", "bad");
    }
  }

  function loadLocal() {
    var ls = store();
    if (!ls) return null;
    var uuid = isNew ? ls.getItem(NEW_POINTER) : uuidInput.value;
    if (!uuid) return null;
    var raw = ls.getItem(PREFIX + uuid);
    if (!raw) return null;
    try { return JSON.parse(raw); } catch (e) { return null; }
  }

  // Restore: the new-form page restores the device's unfinished draft; an edit page restores
  // only changes that never reached the server. A page re-rendered with errors already shows
  // what the user typed, so it is saved, not overwritten.
  var restored = hasErrors ? null : loadLocal();
  if (restored && (isNew || restored.synced === false)) {
    var skip = new URLSearchParams(location.search).has("rubric") ? ["rubric"] : [];
    apply(restored.fields, skip);
    if (restored.fields.client_uuid) uuidInput.value = restored.fields.client_uuid;
    dirtySinceSync = restored.synced === false;
    if (banner) {
      banner.hidden = false;
      var t = banner.querySelector("[data-draft-time]");
      if (t) t.textContent = "（" + new Date(restored.savedAt).toLocaleString() + "）";
    }
    form.dispatchEvent(new CustomEvent("observe:restored", { bubbles: true }));
  }
  if (banner) {
    var discard = banner.querySelector("[data-discard-draft]");
    if (discard) discard.addEventListener("click", function () {
      if (!window.confirm("放弃本机保存的草稿？")) return;
      clearDraft(uuidInput.value);
      location.reload();
    });
  }
  if (hasErrors) saveLocal();

  // Several teachers matched what was typed: picking one writes "姓名（编号）" into the field.
  form.querySelectorAll("input[name=teacher_choice]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var input = form.querySelector("input[name=teacher]");
      if (input && radio.checked) input.value = radio.dataset.label;
    });
  });

  var timer = null;
  function changed() {
    dirtySinceSync = true;
    clearTimeout(timer);
    timer = setTimeout(function () {
      saveLocal();
      say((navigator.onLine ? "已保存在本机 " : "离线：草稿已保存在本机 ") + hhmm(lastLocal || new Date()),
          navigator.onLine ? "" : "warn");
    }, 300);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  function csrf() { var el = form.querySelector("input[name=csrfmiddlewaretoken]"); return el ? el.value : ""; }

  function sync() {
    if (!dirtySinceSync || !navigator.onLine) return;
    var teacher = form.querySelector("input[name=teacher]");
    if (!teacher || !teacher.value.trim()) return;
    var data = new FormData(form);
    data.delete("attachments");
    dirtySinceSync = false;
    fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin",
                                   headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (res) {
        if (res.body.ok) {
          saveLocal({ synced: true, serverId: res.body.id });
          say("已同步到服务器 " + hhmm(new Date()), "ok");
        } else {
          dirtySinceSync = true;
          var errs = res.body.errors || {};
          var first = Object.keys(errs).map(function (k) { return errs[k][0]; })[0] || "请检查填写内容";
          say("草稿保存在本机；服务器暂未保存：" + first, "warn");
        }
      })
      .catch(function () {
        dirtySinceSync = true;
        say("离线：草稿已保存在本机，联网后自动同步", "warn");
      });
  }
  setInterval(sync, SYNC_EVERY_MS);

  form.addEventListener("submit", function (ev) {
    var submitter = ev.submitter;
    saveLocal();
    if (!navigator.onLine) {
      ev.preventDefault();
      saveLocal({ pending: submitter ? submitter.value : "save" });
      say("网络已断开：内容已保存在本机，恢复联网后请再次点击提交", "warn");
    }
  });

  window.addEventListener("offline", function () { say("网络已断开：继续填写，草稿保存在本机", "warn"); });
  window.addEventListener("online", function () { say("网络已恢复，正在同步草稿…", ""); dirtySinceSync = true; sync(); });

  // Keep the form page and its assets on the device, so a reload without network still opens it.
  if ("serviceWorker" in navigator && form.dataset.sw) {
    var swUrl = form.dataset.sw;
    var scope = swUrl.slice(0, swUrl.lastIndexOf("/") + 1);
    navigator.serviceWorker.register(swUrl, { scope: scope }).catch(function () {});
  }
  if (window.caches && navigator.onLine) {
    var assets = (form.dataset.assets || "").split(/\s+/).filter(Boolean);
    window.caches.open(CACHE).then(function (cache) {
      return cache.addAll([location.pathname].concat(assets));
    }).catch(function () {});
  }
  say(navigator.onLine ? "草稿会自动保存在本机，并定时同步到服务器" : "离线：草稿保存在本机", navigator.onLine ? "" : "warn");
})();
