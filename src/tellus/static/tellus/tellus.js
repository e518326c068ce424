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

  function charts() {
    if (typeof window.Chart === "undefined") { return; }
    var styles = getComputedStyle(document.documentElement);
    var brand = styles.getPropertyValue("--brand").trim() || "#0b6e69";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var rows = JSON.parse(source.textContent);
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
