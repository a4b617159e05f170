/* The rubric designer: an editable tree (dimension → indicator → observation point) over the
   JSON field the server validates; every edit rewrites the JSON, so the form posts one value. */
(function () {
  "use strict";
  var form = document.querySelector("[data-designer]");
  if (!form) return;
  var box = form.querySelector("[data-designer-tree]");
  var area = form.querySelector("textarea[name=tree]");
  var nodes;
  try { nodes = JSON.parse(area.value); } catch (e) { return; }
  var KIDS = { dimension: "indicator", indicator: "point", point: null };
  var KIND_LABEL = { dimension: "维度", indicator: "指标", point: "观察点" };
  var MODES = [["levels", "等级"], ["points", "打分"], ["yesno", "是/否"], ["comment", "仅记录"]];

  function valueKey(n) { return n.kind === "dimension" ? "weight" : "points"; }
  function save() { area.value = JSON.stringify(nodes, null, 1); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function row(node, list, index) {
    var li = el("li", "dn dn-" + node.kind);
    var line = el("div", "dn-line");
    line.appendChild(el("span", "tag", KIND_LABEL[node.kind]));
    var code = el("input", "dn-code"); code.value = node.code; code.setAttribute("aria-label", "编号");
    code.addEventListener("input", function () { node.code = code.value; save(); });
    var title = el("input", "dn-title"); title.value = node.title; title.setAttribute("aria-label", "名称");
    title.addEventListener("input", function () { node.title = title.value; save(); });
    var value = el("input", "dn-value"); value.type = "number"; value.step = "0.5";
    value.value = node[valueKey(node)] === null || node[valueKey(node)] === undefined ? "" : node[valueKey(node)];
    value.setAttribute("aria-label", "分值");
    value.addEventListener("input", function () { node[valueKey(node)] = value.value === "" ? null : parseFloat(value.value); save(); });
    line.append(code, title, value);
    if (!node.children || !node.children.length) {
      var mode = el("select", "dn-mode");
      MODES.forEach(function (m) { var o = el("option", "", m[1]); o.value = m[0]; mode.appendChild(o); });
      mode.value = node.mode;
      mode.addEventListener("change", function () { node.mode = mode.value; save(); });
      line.appendChild(mode);
    }
    var kid = KIDS[node.kind];
    if (kid) {
      var add = el("button", "link", "＋" + KIND_LABEL[kid]); add.type = "button";
      add.addEventListener("click", function () {
        node.children = node.children || [];
        node.children.push({ code: node.code + "." + (node.children.length + 1), title: "新" + KIND_LABEL[kid], kind: kid,
                             points: 0, mode: "levels", levels: [], descriptor: "", tools: [], children: [] });
        node.mode = "points";
        save(); draw();
      });
      line.appendChild(add);
    }
    var del = el("button", "link danger", "删除"); del.type = "button";
    del.addEventListener("click", function () {
      if (!window.confirm("删除“" + node.title + "”及其下级？")) return;
      list.splice(index, 1); save(); draw();
    });
    line.appendChild(del);
    li.appendChild(line);
    if (node.children && node.children.length) li.appendChild(tree(node.children));
    return li;
  }

  function tree(list) {
    var ul = el("ul", "dn-list");
    list.forEach(function (n, i) { ul.appendChild(row(n, list, i)); });
    return ul;
  }

  function draw() {
    box.innerHTML = "";
    box.appendChild(tree(nodes));
    var add = el("button", "secondary", "＋维度"); add.type = "button";
    add.addEventListener("click", function () {
      nodes.push({ code: String(nodes.length + 1), title: "新维度", kind: "dimension", weight: 0, mode: "points",
                   levels: [], descriptor: "", tools: [], children: [] });
      save(); draw();
    });
    box.appendChild(add);
  }
  box.hidden = false;
  draw();
})();
