/* The blueprint (双向细目表) table editor. The page is a plain table of inputs named
   item-<row>-<field> that posts and re-renders without JavaScript; this adds what a spreadsheet
   user expects: row operations (insert below, duplicate, delete, add), pasting a block copied
   from Excel across rows and columns, Enter/Tab between cells, and the running total of full
   marks against the paper's. The server checks everything again (quality/blueprint.py). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-blueprint]");
  if (!form) return;
  var body = form.querySelector("[data-bp-rows]");
  var totalOut = form.querySelector("[data-bp-total]");
  var totalWarn = form.querySelector("[data-bp-total-warn]");
  var FIELDS = ["label", "kind", "max_score", "knowledge_point", "ability", "answer_key"];
  var KINDS = {};
  try { KINDS = JSON.parse(form.getAttribute("data-kinds") || "{}"); } catch (e) { KINDS = {}; }
  var fullTenths = tenths(form.getAttribute("data-full-mark"));
  var locked = form.querySelector("fieldset[disabled]") !== null;

  // Full-width digits, letters and the ideographic point typed with a Chinese IME.
  function halfwidth(s) {
    return String(s).replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\u3002/g, ".").trim();
  }

  // A full mark in tenths of a point (integers add exactly), or null when it is not one.
  function tenths(text) {
    var s = halfwidth(text || "");
    if (!/^\d+(\.\d)?$/.test(s)) return null;
    var v = Math.round(parseFloat(s) * 10);
    return v > 0 ? v : null;
  }

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr[data-bp-row]")); }
  function cell(tr, field) { return tr.querySelector("[name$='-" + field + "']"); }
  function fieldOf(input) { var m = /^item-\d+-(\w+)$/.exec(input.name); return m ? m[1] : null; }

  function renumber() {
    rows().forEach(function (tr, i) {
      tr.querySelector(".bp-n").textContent = String(i + 1);
      tr.querySelectorAll("[name^='item-']").forEach(function (input) {
        input.name = "item-" + i + "-" + fieldOf(input);
      });
    });
    total();
  }

  function total() {
    var sum = 0;
    rows().forEach(function (tr) { var t = tenths(cell(tr, "max_score").value); if (t) sum += t; });
    totalOut.textContent = String(sum / 10);
    var differs = fullTenths !== null && sum !== fullTenths;
    totalWarn.hidden = !differs;
    totalOut.classList.toggle("bp-total-off", differs);
  }

  function setKind(select, text) {
    var t = halfwidth(text);
    var code = KINDS[t] || KINDS[t.toLowerCase()];
    if (code) { select.value = code; return; }
    // Kept as typed, so the server names it in its error message.
    var opt = Array.prototype.find.call(select.options, function (o) { return o.value === t; });
    if (!opt) { opt = document.createElement("option"); opt.value = t; opt.textContent = t; select.appendChild(opt); }
    select.value = t;
  }

  function setValue(tr, field, value) {
    var input = cell(tr, field);
    if (field === "kind") setKind(input, value); else input.value = value;
    input.classList.remove("bp-bad");
  }

  function clear(tr) {
    FIELDS.forEach(function (f) { setValue(tr, f, ""); });
    tr.classList.remove("bp-row-bad");
    var msgs = tr.querySelector(".bp-msgs");
    if (msgs) msgs.textContent = "";
  }

  function blankAfter(tr) {
    var copy = tr.cloneNode(true);
    copy.querySelectorAll("select option").forEach(function (o) {
      if (!(o.value in KINDS) || KINDS[o.value] !== o.value) o.remove();
    });
    clear(copy);
    tr.after(copy);
    decorate(copy);
    return copy;
  }

  function button(text, title, action) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "link bp-op"; b.textContent = text; b.title = title;
    b.setAttribute("aria-label", title); b.tabIndex = -1;
    b.addEventListener("click", function (ev) { action(ev.target.closest("tr")); renumber(); });
    return b;
  }

  function decorate(tr) {
    var old = tr.querySelector(".bp-ops");
    if (old) old.remove();
    if (locked) return;
    var td = document.createElement("td");
    td.className = "bp-ops";
    td.append(
      button("插入", "在下方插入一行", function (row) { cell(blankAfter(row), "label").focus(); }),
      button("复制", "复制本行到下方（题号留空）", function (row) {
        var copy = blankAfter(row);
        FIELDS.forEach(function (f) { if (f !== "label") setValue(copy, f, cell(row, f).value); });
        cell(copy, "label").focus();
      }),
      button("删除", "删除本行", function (row) {
        if (rows().length > 1) row.remove(); else clear(row);
      })
    );
    tr.insertBefore(td, tr.querySelector(".bp-msgs"));
  }

  // A block copied from Excel: rows by line breaks, cells by tabs, laid out from the cell pasted
  // into, rightwards and downwards; rows are added below as needed.
  function paste(ev) {
    var input = ev.target;
    var field = fieldOf(input);
    if (!field) return;
    var text = (ev.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""))) return; // one cell: the browser's own paste
    ev.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    if (/^\s*题号/.test(lines[0])) lines.shift();
    var tr = input.closest("tr");
    var start = FIELDS.indexOf(field);
    lines.forEach(function (line, k) {
      if (k > 0) tr = tr.nextElementSibling || blankAfter(tr);
      line.split("\t").forEach(function (value, j) {
        if (start + j < FIELDS.length) setValue(tr, FIELDS[start + j], value.trim());
      });
    });
    renumber();
  }

  function move(ev) {
    var input = ev.target;
    var field = fieldOf(input);
    if (!field || ev.key !== "Enter" || ev.isComposing) return;
    ev.preventDefault(); // Enter moves down a row, as in a spreadsheet, instead of submitting
    var tr = input.closest("tr");
    var next = ev.shiftKey ? tr.previousElementSibling : (tr.nextElementSibling || blankAfter(tr));
    if (next) { cell(next, field).focus(); if (next !== tr) renumber(); }
  }

  if (!locked) {
    form.querySelector(".bp-ops-head").hidden = false;
    rows().forEach(decorate);
    var add = form.querySelector("[data-bp-add]");
    add.textContent = "增加一行";
    add.addEventListener("click", function (ev) {
      ev.preventDefault();
      var all = rows();
      cell(blankAfter(all[all.length - 1]), "label").focus();
      renumber();
    });
    body.addEventListener("paste", paste);
    body.addEventListener("keydown", move);
  }
  body.addEventListener("input", function (ev) { if (fieldOf(ev.target) === "max_score") total(); });
  total();
}());
