// The report pages' charts (Apache ECharts, static/vendor/echarts/): each
// <div data-report-chart="ID"> draws the figures of <script type="application/json" id="ID">
// (Django's json_script): bars of tickets created and resolved, lines of compliance in %.
// The labels come translated from the page; the charts follow the window's width.
(function () {
  "use strict";

  // <input type=date data-report-date>: typing a date chooses the "custom dates" period.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-report-date]")) return;
    var period = document.getElementById("report-period");
    if (period) period.value = "custom";
  });

  if (!window.echarts) return;
  var charts = [];

  function options(data, narrow) {
    var series = data.bars.map(function (bar) {
      return {name: bar.name, type: "bar", data: bar.data, yAxisIndex: 0};
    }).concat(data.lines.map(function (line) {
      return {name: line.name, type: "line", data: line.data, yAxisIndex: 1, connectNulls: false, symbolSize: 6};
    }));
    return {
      animation: false,
      // Drawn in the canvas: an HTML tooltip would need inline styles, which the
      // Content-Security-Policy refuses.
      tooltip: {trigger: "axis", renderMode: "richText"},
      legend: {type: "scroll", top: 0, left: 0, right: 0},
      grid: {left: 4, right: 4, top: narrow ? 64 : 48, bottom: 4, containLabel: true},
      xAxis: {type: "category", data: data.labels, axisLabel: {hideOverlap: true}},
      yAxis: [
        {type: "value", name: data.axes.count, minInterval: 1, nameTextStyle: {align: "left"}},
        {type: "value", name: data.axes.percent, min: 0, max: 100, nameTextStyle: {align: "right"}}
      ],
      series: series
    };
  }

  document.querySelectorAll("[data-report-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-report-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(box, null, {renderer: "canvas"});
    chart.setOption(options(data, box.clientWidth < 500));
    charts.push({chart: chart, box: box, data: data});
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (item) {
        item.chart.setOption(options(item.data, item.box.clientWidth < 500));
        item.chart.resize();
      });
    }, 100);
  });
})();
