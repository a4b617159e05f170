/* Jiaoyan page behaviour. No inline scripts anywhere (the CSP forbids them): pages declare what
   they need with data- attributes and this file wires it up, also after htmx swaps. */
(function () {
  "use strict";

  function initCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var option = JSON.parse(src.textContent);
      // Canvas, not SVG: the SVG renderer writes style attributes, which the CSP forbids.
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function initToggles(root) {
    root.querySelectorAll("[data-toggle]").forEach(function (btn) {
      if (btn.dataset.toggleReady) return;
      btn.dataset.toggleReady = "1";
      btn.addEventListener("click", function () {
        var target = document.getElementById(btn.dataset.toggle);
        if (target) target.classList.toggle("open");
      });
    });
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.confirmReady) return;
      el.dataset.confirmReady = "1";
      el.addEventListener("submit", function (ev) {
        if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
      });
    });
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      if (el.dataset.autoReady) return;
      el.dataset.autoReady = "1";
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  function init(root) { initCharts(root); initToggles(root); }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { init(ev.target); });
  window.Jiaoyan = { init: init };
})();
