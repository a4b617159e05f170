/* Observation coding on the phone: S-T (30 s ticks by default, one tap for T or S, optional D) and FIAS
   (3 s, ten categories). "计时采样" records the behaviour current at every tick; "逐次记录"
   records one code per tap (for coding from video or catching up). The codes go into hidden
   form fields, so they are saved with the draft; the server computes the indices on save
   (observe.coding), the live numbers here are a preview. */
(function () {
  "use strict";
  var root = document.querySelector("[data-coding]");
  if (!root) return;
  var form = root.closest("form");
  var inputs = {
    st: form.querySelector("input[name=coding_st]"),
    stScheme: form.querySelector("input[name=coding_st_scheme]"),
    fias: form.querySelector("input[name=coding_fias]"),
    settings: form.querySelector("input[name=coding_settings]")
  };
  var state = { tab: "st", codes: { st: [], fias: [] }, current: { st: null, fias: null },
                interval: { st: 30, fias: 3 }, mode: "timed", running: false, startedAt: 0, ticks: 0,
                timer: null, dialogue: false };
  var q = function (sel) { return root.querySelector(sel); };
  var live = q("[data-live]"), tail = q("[data-tail]"), clock = q("[data-clock]");
  var intervalInput = q("[data-setting=interval]"), modeSelect = q("[data-setting=mode]");
  var dialogueBox = q("[data-setting=dialogue]"), startBtn = q("[data-action=start]");

  // The mode and intervals are kept with the draft (hidden field coding_settings, JSON), so a
  // reload, the device's copy or the server's restores them and the analysis uses them.
  function readSettings() {
    var saved = {};
    try { saved = JSON.parse((inputs.settings && inputs.settings.value) || "{}") || {}; } catch (e) { saved = {}; }
    if (saved.mode === "timed" || saved.mode === "tap") state.mode = saved.mode;
    if (parseFloat(saved.st_interval) > 0) state.interval.st = parseFloat(saved.st_interval);
    if (parseFloat(saved.fias_interval) > 0) state.interval.fias = parseFloat(saved.fias_interval);
    if (saved.dialogue === true) state.dialogue = true;
    modeSelect.value = state.mode;
    intervalInput.value = state.interval[state.tab];
    dialogueBox.checked = state.dialogue;
    root.querySelector("[data-code=D]").hidden = !state.dialogue;
  }

  function writeSettings() {
    if (!inputs.settings) return;
    inputs.settings.value = JSON.stringify({ mode: state.mode, st_interval: state.interval.st,
                                             fias_interval: state.interval.fias, dialogue: state.dialogue,
                                             tab: state.tab });
    inputs.settings.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function readInputs() {
    state.codes.st = (inputs.st.value || "").replace(/\s+/g, "").toUpperCase().split("").filter(Boolean);
    state.codes.fias = (inputs.fias.value || "").split(/\s+/).filter(Boolean);
    state.dialogue = inputs.stScheme.value === "STD" || state.codes.st.indexOf("D") >= 0;
    dialogueBox.checked = state.dialogue;
    root.querySelector("[data-code=D]").hidden = !state.dialogue;
    readSettings();
  }

  function write() {
    inputs.st.value = state.codes.st.join("");
    inputs.stScheme.value = state.codes.st.length ? (state.dialogue ? "STD" : "ST") : "";
    inputs.fias.value = state.codes.fias.join(" ");
    inputs.st.dispatchEvent(new Event("input", { bubbles: true }));
    render();
  }

  function stStats(codes) {
    var n = codes.length, nt = 0, nd = 0, tr = 0;
    for (var i = 0; i < n; i++) {
      if (codes[i] === "T") nt++;
      else if (codes[i] === "D") nd++;
      if (i > 0 && codes[i] !== codes[i - 1]) tr++;
    }
    if (!n) return null;
    var rt = (nt + nd / 2) / n, ch = tr / n, mode;
    // analytics.md §1.3, in table order, bounds inclusive.
    if (rt <= 0.3) mode = "练习型"; else if (rt >= 0.7) mode = "讲授型";
    else mode = ch >= 0.4 ? "对话型" : "混合型";
    return { n: n, rt: rt, ch: ch, mode: mode };
  }

  function fiasStats(codes) {
    var n = codes.length, t = 0, s = 0, z = 0;
    codes.forEach(function (c) { var k = parseInt(c, 10); if (k <= 7) t++; else if (k <= 9) s++; else z++; });
    if (!n) return null;
    return { n: n, t: t / n, s: s / n, z: z / n };
  }

  function pct(x) { return Math.round(x * 1000) / 10 + "%"; }

  function render() {
    var codes = state.codes[state.tab];
    if (state.tab === "st") {
      var st = stStats(codes);
      live.textContent = st ? "N = " + st.n + "，Rt = " + st.rt.toFixed(2) + "，Ch = " + st.ch.toFixed(2) +
        "，预估模式：" + st.mode : "尚未编码";
      tail.textContent = codes.slice(-60).join("");
    } else {
      var f = fiasStats(codes);
      live.textContent = f ? "N = " + f.n + "，教师语言 " + pct(f.t) + "，学生语言 " + pct(f.s) + "，沉寂 " + pct(f.z)
        : "尚未编码";
      tail.textContent = codes.slice(-40).join(" ");
    }
    root.querySelectorAll("[data-code]").forEach(function (b) {
      b.classList.toggle("current", state.mode === "timed" && state.current[state.tab] === b.dataset.code);
    });
    root.querySelector("[data-testid=code-T]").setAttribute("aria-label", "T，已记录" + state.codes.st.length);
  }

  function tick() {
    var elapsed = Math.floor((Date.now() - state.startedAt) / 1000);
    clock.textContent = String(Math.floor(elapsed / 60)).padStart(2, "0") + ":" + String(elapsed % 60).padStart(2, "0");
    var due = Math.floor(elapsed / state.interval[state.tab]);
    while (state.ticks < due) {
      state.ticks++;
      var c = state.current[state.tab];
      if (c) state.codes[state.tab].push(c);
    }
    write();
  }

  function start() {
    if (state.running) {
      clearInterval(state.timer);
      state.running = false;
      startBtn.textContent = "继续计时";
      return;
    }
    state.running = true;
    state.startedAt = Date.now() - state.ticks * state.interval[state.tab] * 1000;
    state.timer = setInterval(tick, 500);
    startBtn.textContent = "暂停";
  }

  root.querySelectorAll("[data-tab]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (state.running) start();
      state.tab = b.dataset.tab;
      state.ticks = 0;
      root.querySelectorAll("[data-tab]").forEach(function (x) { x.classList.toggle("active", x === b); });
      root.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.dataset.panel !== state.tab; });
      intervalInput.value = state.interval[state.tab];
      dialogueBox.parentElement.hidden = state.tab !== "st";
      writeSettings();
      render();
    });
  });
  root.querySelectorAll("[data-code]").forEach(function (b) {
    b.addEventListener("click", function () {
      var code = b.dataset.code;
      if (state.mode === "tap") {
        state.codes[state.tab].push(code);
        write();
      } else {
        state.current[state.tab] = code;
        if (!state.running) start();
        render();
      }
    });
  });
  function setInterval_() {
    var v = parseFloat(intervalInput.value);
    if (v > 0 && v !== state.interval[state.tab]) {
      state.interval[state.tab] = v;
      writeSettings();
    }
  }
  intervalInput.addEventListener("change", setInterval_);
  intervalInput.addEventListener("input", setInterval_);
  modeSelect.addEventListener("change", function () {
    state.mode = modeSelect.value;
    if (state.mode === "tap" && state.running) start();
    writeSettings();
    render();
  });
  dialogueBox.addEventListener("change", function () {
    state.dialogue = dialogueBox.checked;
    root.querySelector("[data-code=D]").hidden = !state.dialogue;
    writeSettings();
    write();
  });
  startBtn.addEventListener("click", start);
  q("[data-action=undo]").addEventListener("click", function () { state.codes[state.tab].pop(); write(); });
  q("[data-action=clear]").addEventListener("click", function () {
    if (state.codes[state.tab].length && window.confirm("清空本方案已记录的编码？")) {
      state.codes[state.tab] = [];
      state.ticks = 0;
      write();
    }
  });
  // Hidden fields change without events when a draft is restored from the device.
  form.addEventListener("observe:restored", function () { readInputs(); render(); });
  readInputs();
  render();
})();
