/* Coding a lesson from its video (templates/observe/video/page.html). Each code is a mark
   [video seconds, code]: from that moment of the video the behaviour is that code. The observer
   plays, pauses, scrubs and replays; a code entered within 0.25 s of another replaces it. The
   marks of the open scheme are saved after every change (POST .../video/codes/); the server
   samples them on the interval grid of the video's clock (observe.video_timeline) and keeps the
   result as the observation's S-T or FIAS coding. The timeline under the player draws the coded
   spans, the comments (▼) and the playhead; a click on it or on a comment's time seeks there. */
(function () {
  "use strict";
  var stateEl = document.getElementById("video-state");
  var box = document.querySelector("[data-video]");
  if (!stateEl || !box) return;
  var data = JSON.parse(stateEl.textContent);
  var player = box.querySelector("[data-player]");
  var timeline = box.querySelector("[data-timeline]");
  var coding = box.querySelector("[data-coding-video]");
  var SAME_MOMENT = 0.25;
  var COLORS = { T: "#2f6fb0", S: "#0b6e4f", D: "#c27c0e" };
  var FIAS_GROUP = function (code) { var k = parseInt(code, 10); return k <= 7 ? "#6a9fd4" : (k <= 9 ? "#3fa37f" : "#a0a0a0"); };
  var tracks = { st: [], fias: [] }, until = { st: 0, fias: 0 };
  var intervals = { st: data.intervals.st, fias: data.intervals.fias };
  ["st", "fias"].forEach(function (f) {
    var t = data.tracks[f];
    if (t) { tracks[f] = t.marks.map(function (m) { return [Number(m[0]), String(m[1])]; }); until[f] = t.until || 0;
             intervals[f] = t.interval; }
  });
  var state = { tab: "st", dialogue: !!data.dialogue, comments: data.comments || [], reached: 0,
                saving: false, dirty: {}, entered: { st: [], fias: [] } };

  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mmss = String(m).padStart(2, "0") + ":" + String(sec).padStart(2, "0");
    return h ? h + ":" + mmss : mmss;
  }
  function duration() {
    var d = player.duration;
    if (isFinite(d) && d > 0) return d;
    return data.video.duration || Math.max(until.st, until.fias, 1);
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { j.status = r.status; return j; }); });
  }

  // ------------------------------------------------------------ the timeline (SVG)
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function spans(marks, end) {
    var out = [], sorted = marks.slice().sort(function (a, b) { return a[0] - b[0]; });
    sorted.forEach(function (m, i) {
      var stop = i + 1 < sorted.length ? sorted[i + 1][0] : Math.max(end, m[0]);
      out.push([m[0], stop, m[1]]);  // a code just entered shows as a tick until the video moves on
    });
    return out;
  }
  function drawTimeline() {
    var W = 1000, d = duration(), x = function (t) { return Math.min(W, Math.max(0, t / d * W)); };
    var svg = el("svg", { viewBox: "0 0 " + W + " 76", preserveAspectRatio: "none", role: "img",
                          "aria-label": "编码时间轴" });
    [["st", 8, "S-T"], ["fias", 34, "FIAS"]].forEach(function (row) {
      var f = row[0], y = row[1];
      svg.appendChild(el("rect", { x: 0, y: y, width: W, height: 20, fill: "#e9eef3" }));
      var end = Math.max(until[f], f === state.tab ? state.reached : 0);
      spans(tracks[f], end).forEach(function (s) {
        var r = el("rect", { x: x(s[0]), y: y, width: Math.max(2, x(s[1]) - x(s[0])), height: 20,
                             fill: f === "st" ? (COLORS[s[2]] || "#888") : FIAS_GROUP(s[2]),
                             "data-family": f, "data-code": s[2], "data-start": s[0] });
        var title = el("title", {}); title.textContent = row[2] + " " + s[2] + " " + clock(s[0]) + "–" + clock(s[1]);
        r.appendChild(title);
        svg.appendChild(r);
      });
    });
    state.comments.forEach(function (c) {
      var px = x(c.at);
      var pin = el("path", { d: "M" + (px - 6) + " 58 L" + (px + 6) + " 58 L" + px + " 70 Z", fill: "#c0392b",
                             "data-comment": c.id });
      var title = el("title", {}); title.textContent = clock(c.at) + " " + c.text; pin.appendChild(title);
      svg.appendChild(pin);
    });
    svg.appendChild(el("rect", { x: x(player.currentTime || 0) - 1, y: 0, width: 2, height: 76, fill: "#d64545",
                                 "data-playhead": "1" }));
    timeline.replaceChildren(svg);
  }
  function seek(t) {
    player.currentTime = Math.max(0, Math.min(t, duration()));
    drawTimeline();
  }
  timeline.addEventListener("click", function (ev) {
    var r = timeline.getBoundingClientRect();
    seek((ev.clientX - r.left) / r.width * duration());
  });

  // ------------------------------------------------------------ player controls
  var playBtn = box.querySelector("[data-action=play]"), clockEl = box.querySelector("[data-clock]");
  var commentAt = box.querySelector("[data-comment-at]");
  function showTime() {
    clockEl.textContent = clock(player.currentTime) + " / " + clock(Math.round(duration()));
    if (commentAt) commentAt.textContent = clock(player.currentTime);
    playBtn.textContent = player.paused ? "播放" : "暂停";
  }
  playBtn.addEventListener("click", function () { if (player.paused) player.play(); else player.pause(); });
  box.querySelector("[data-action=back]").addEventListener("click", function () { seek(player.currentTime - 5); });
  box.querySelector("[data-action=forward]").addEventListener("click", function () { seek(player.currentTime + 5); });
  box.querySelector("[data-action=replay]").addEventListener("click", function () { seek(0); player.play(); });
  ["play", "pause", "seeked", "loadedmetadata", "durationchange"].forEach(function (e) {
    player.addEventListener(e, function () { showTime(); drawTimeline(); });
  });
  player.addEventListener("timeupdate", function () {
    if (!player.paused && !player.seeking && tracks[state.tab].length) {
      state.reached = Math.max(state.reached, player.currentTime);
    }
    showTime();
    drawTimeline();
  });

  // ------------------------------------------------------------ coding
  if (coding) {
    var live = coding.querySelector("[data-live]"), status = coding.querySelector("[data-save-status]");
    var intervalInput = coding.querySelector("[data-setting=interval]");
    var dialogueBox = coding.querySelector("[data-setting=dialogue]");
    var dButton = coding.querySelector("[data-code=D]");
    var setTab = function (tab) {
      state.tab = tab;
      coding.querySelectorAll("[data-tab]").forEach(function (b) { b.classList.toggle("active", b.dataset.tab === tab); });
      coding.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.dataset.panel !== tab; });
      coding.querySelector("[data-dialogue-box]").hidden = tab !== "st";
      intervalInput.value = intervals[tab];
      state.reached = until[tab];
      render();
    };
    var render = function (session) {
      var n = tracks[state.tab].length;
      if (session) {
        live.textContent = session.scheme === "FIAS" ? "已保存：FIAS 采样 " + session.n + " 个编码" :
          "已保存：S-T 采样 " + session.n + " 个编码，Rt = " + session.rt.toFixed(2) + "，Ch = " + session.ch.toFixed(2) +
          "，" + session.mode;
      } else if (!n) {
        live.textContent = "尚未编码";
      } else {
        var last = tracks[state.tab].slice().sort(function (a, b) { return a[0] - b[0]; }).slice(-3);
        live.textContent = n + " 个录像编码；最近：" + last.map(function (m) { return m[1] + "@" + clock(m[0]); }).join("，");
      }
      dButton.hidden = !state.dialogue;
      dialogueBox.checked = state.dialogue;
      drawTimeline();
    };
    var save = function (family) {
      state.dirty[family] = true;
      if (state.saving) return;
      state.saving = true;
      state.dirty[family] = false;
      status.textContent = "正在保存…";
      var reached = Math.max(until[family], family === state.tab ? state.reached : 0);
      post(data.urls.codes, { family: family, marks: JSON.stringify(tracks[family]), interval: intervals[family],
                              until: reached, duration: isFinite(player.duration) ? player.duration : "",
                              dialogue: state.dialogue ? "1" : "" })
        .then(function (j) {
          state.saving = false;
          if (j.ok) {
            until[family] = j.until;
            status.textContent = "已保存 " + clock(j.until);
            status.dataset.until = j.until;
            if (family === state.tab) render(j.session);
          } else {
            var msgs = []; Object.keys(j.errors || {}).forEach(function (k) { msgs = msgs.concat(j.errors[k]); });
            status.textContent = "未保存：" + msgs.join("；");
          }
          next();
        })
        .catch(function () { state.saving = false; status.textContent = "未保存：网络不可用，稍后再点一次编码即可重试"; });
    };
    // Changes made while a save was in flight (either scheme) are sent next, one at a time.
    var next = function () {
      var waiting = ["st", "fias"].filter(function (f) { return state.dirty[f]; });
      if (waiting.length) save(waiting[0]);
    };
    coding.querySelectorAll("[data-tab]").forEach(function (b) {
      b.addEventListener("click", function () { setTab(b.dataset.tab); });
    });
    coding.querySelectorAll("[data-code]").forEach(function (b) {
      b.addEventListener("click", function () {
        var t = Math.round(player.currentTime * 100) / 100, f = state.tab;
        tracks[f] = tracks[f].filter(function (m) { return Math.abs(m[0] - t) >= SAME_MOMENT; });
        tracks[f].push([t, b.dataset.code]);
        tracks[f].sort(function (a, c) { return a[0] - c[0]; });
        state.entered[f].push(t);
        state.reached = Math.max(state.reached, t);
        render();
        save(f);
      });
    });
    coding.querySelector("[data-action=undo]").addEventListener("click", function () {
      var f = state.tab, t = state.entered[f].pop();
      if (t === undefined) {
        if (!tracks[f].length) return;
        t = tracks[f][tracks[f].length - 1][0];
      }
      tracks[f] = tracks[f].filter(function (m) { return m[0] !== t; });
      render();
      save(f);
    });
    intervalInput.addEventListener("change", function () {
      var v = parseFloat(intervalInput.value);
      if (v >= 1 && v <= 120) { intervals[state.tab] = v; if (tracks[state.tab].length) save(state.tab); }
    });
    dialogueBox.addEventListener("change", function () {
      state.dialogue = dialogueBox.checked;
      if (!state.dialogue) tracks.st = tracks.st.filter(function (m) { return m[1] !== "D"; });
      render();
      if (tracks.st.length) save("st");
    });
    // Played on past the last code: the sampling reaches as far as the video was watched.
    player.addEventListener("pause", function () {
      if (tracks[state.tab].length && state.reached > until[state.tab] + 0.5) save(state.tab);
    });
    setTab("st");
  }

  // ------------------------------------------------------------ comments pinned to moments
  var list = box.querySelector("[data-comments]"), none = box.querySelector("[data-no-comments]");
  function drawComments() {
    list.replaceChildren();
    state.comments.forEach(function (c) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "secondary seek"; b.textContent = clock(c.at);
      b.setAttribute("data-seek", c.at); b.setAttribute("aria-label", "跳到 " + clock(c.at));
      b.addEventListener("click", function () { seek(c.at); });
      var text = document.createElement("span"); text.textContent = c.text;
      var who = document.createElement("span"); who.className = "muted small"; who.textContent = c.author;
      li.append(b, text, who);
      list.appendChild(li);
    });
    none.hidden = state.comments.length > 0;
    drawTimeline();
  }
  var form = box.querySelector("[data-comment-form]");
  if (form) {
    var errorEl = form.querySelector("[data-comment-error]");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = form.querySelector("[name=text]");
      post(data.urls.comments, { at: Math.round(player.currentTime * 100) / 100, text: text.value })
        .then(function (j) {
          if (j.ok) { state.comments = j.comments; text.value = ""; errorEl.hidden = true; drawComments(); }
          else {
            var msgs = []; Object.keys(j.errors || {}).forEach(function (k) { msgs = msgs.concat(j.errors[k]); });
            errorEl.textContent = msgs.join("；"); errorEl.hidden = false;
          }
        });
    });
  }
  drawComments();
  showTime();
})();
