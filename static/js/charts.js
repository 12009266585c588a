/* Hashmark — draws the page's charts with the vendored Chart.js (static/vendor/chartjs/).
   Loaded with `defer` after chart.umd.min.js, only on pages with charts (templates/_macros/charts.html).

   Each <canvas data-chart="ID"> names a <script type="application/json" id="ID"> data block:
     {type: "bar"|"line", labels: [...], datasets: [{label, data, axis?: "y"|"y2"}],
      format: "number"|"percent"|"money", currency?, format2?, stacked?, horizontal?, max?}
   The same figures are always in the page as a table. It stays open until the chart is drawn,
   so without JavaScript, or if anything here fails, people read the table instead. */
(function () {
  "use strict";

  var doc = document;
  var lang = doc.documentElement.lang || "en";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function cssVar(name, fallback) {
    var value = getComputedStyle(doc.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  var PALETTE = [
    cssVar("--chart-1", "#4338ca"), cssVar("--chart-2", "#0e7490"),
    cssVar("--chart-3", "#b45309"), cssVar("--chart-4", "#15803d")
  ];

  function formatter(kind, currency) {
    var options = {};
    if (kind === "percent") options = { style: "percent", maximumFractionDigits: 1 };
    if (kind === "money" && currency) options = { style: "currency", currency: currency };
    try {
      var format = new Intl.NumberFormat(lang, options);
      return function (value) { return value === null || value === undefined ? "—" : format.format(value); };
    } catch (e) {  // an unknown currency code: plain numbers then
      var plain = new Intl.NumberFormat(lang);
      return function (value) { return value === null || value === undefined ? "—" : plain.format(value); };
    }
  }

  function optionsFor(spec) {
    var horizontal = !!spec.horizontal;
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var first = formatter(spec.format, spec.currency);
    var second = formatter(spec.format2 || spec.format, spec.currency);
    var grid = cssVar("--c-border", "#dcdfe8");
    var scales = {};
    scales[categoryAxis] = { stacked: !!spec.stacked, grid: { display: false } };
    scales[valueAxis] = {
      stacked: !!spec.stacked, beginAtZero: true, grid: { color: grid },
      ticks: { callback: function (value) { return first(value); }, precision: spec.format === "number" ? 0 : undefined }
    };
    if (spec.max !== undefined) scales[valueAxis].max = spec.max;
    var twoAxes = spec.datasets.some(function (d) { return d.axis === "y2"; });
    if (twoAxes) {
      scales.y2 = {
        position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
        ticks: { callback: function (value) { return second(value); }, precision: 0 }
      };
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 400 },
      indexAxis: horizontal ? "y" : "x",
      interaction: { mode: "index", intersect: false },
      scales: scales,
      plugins: {
        legend: { display: spec.datasets.length > 1, position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (item) {
              var format = item.dataset.yAxisID === "y2" ? second : first;
              return item.dataset.label + ": " + format(item.raw);
            }
          }
        }
      }
    };
  }

  function datasetsFor(spec) {
    return spec.datasets.map(function (d, i) {
      var colour = PALETTE[i % PALETTE.length];
      var set = {
        label: d.label, data: d.data, backgroundColor: colour, borderColor: colour,
        borderWidth: spec.type === "line" ? 2 : 0, borderRadius: spec.type === "bar" ? 3 : 0,
        pointRadius: 3, cubicInterpolationMode: "monotone", spanGaps: false, maxBarThickness: 48
      };
      if (d.axis === "y2") set.yAxisID = "y2";
      return set;
    });
  }

  function draw(canvas) {
    var source = doc.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var figure = canvas.closest(".chart");
    var plot = canvas.parentElement;
    plot.hidden = false;  // Chart.js measures the box it draws into
    try {
      new window.Chart(canvas, {
        type: spec.type === "line" ? "line" : "bar",
        data: { labels: spec.labels, datasets: datasetsFor(spec) },
        options: optionsFor(spec)
      });
    } catch (e) {
      plot.hidden = true;
      throw e;
    }
    var table = figure && figure.querySelector("[data-chart-table]");
    if (table) table.open = false;
    if (figure) figure.classList.add("is-drawn");
  }

  function drawAll() {
    if (!window.Chart) return;  // the library did not load: the tables stay open
    var chart = window.Chart;
    chart.defaults.font.family = getComputedStyle(doc.body).fontFamily;
    chart.defaults.color = cssVar("--c-muted", "#555b6b");
    var canvases = doc.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) {
      try { draw(canvases[i]); } catch (e) { if (window.console) console.error(e); }
    }
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
