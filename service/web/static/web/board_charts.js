// The board's charts, drawn by Chart.js from the figures the page embeds as JSON (#chart-data); the
// same figures are in the table beside each chart.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { completion: "#1a7f37", on_time: "#0969da" };

  function draw(id, series, kind) {
    var canvas = document.getElementById(id);
    if (!canvas || !series.labels.length) { return; }
    new Chart(canvas, {
      type: kind,
      data: {
        labels: series.labels,
        datasets: ["completion", "on_time"].map(function (key) {
          return { label: data.legend[key], data: series[key], backgroundColor: colours[key],
                   borderColor: colours[key], fill: false, tension: 0.2 };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { min: 0, max: 100 } }, plugins: { legend: { position: "bottom" } } }
    });
  }
  draw("chart-work-items", data.work_items, "bar");
  draw("chart-groups", data.groups, "bar");
  draw("chart-quarters", data.quarters, "line");
})();
