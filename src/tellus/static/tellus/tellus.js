// Tellus: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      var button = select.form && select.form.querySelector("button[type=submit]");
      if (button) { button.classList.add("visually-hidden"); }
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // Okabe-Ito colours: told apart with colour-vision deficiencies, each at least 3:1 on white.
  var SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];

  // {"labels": [...], "series": [{"label": ..., "values": [...]}]}: one bar per label,
  // the series stacked on it, separated by white lines, with a legend.
  function stackedChart(canvas, data) {
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          return {
            label: series.label,
            data: series.values,
            backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
            borderColor: "#ffffff",
            borderWidth: 1
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { display: true, position: "bottom" } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
      }
    });
  }

  function charts() {
    if (typeof window.Chart === "undefined") { return; }
    var styles = getComputedStyle(document.documentElement);
    var brand = styles.getPropertyValue("--brand").trim() || "#0b6e69";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var rows = JSON.parse(source.textContent);
      if (canvas.dataset.chartKind === "stacked") { stackedChart(canvas, rows); return; }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.week; }),
          datasets: [{ label: canvas.getAttribute("aria-label"), data: rows.map(function (r) { return r.count; }), backgroundColor: brand }]
        },
        options: { animation: false, responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { autosubmit(); charts(); });
})();
