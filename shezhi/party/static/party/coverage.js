// Draws the coverage charts from the figures the page already shows in its tables;
// clicking a division's bar drills down to that division, as its link in the table does.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("coverage-chart-data").textContent);
  var percent = function (v) { return (v * 100).toFixed(1) + "%"; };
  var childrenEl = document.getElementById("children-chart");
  if (childrenEl && window.echarts && data.children.length) {
    var chart = echarts.init(childrenEl);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { data: [data.labels.organization, data.labels.work] },
      grid: { left: 48, right: 16, bottom: 72 },
      xAxis: { type: "category", data: data.children.map(function (c) { return c.name; }), axisLabel: { rotate: 40 } },
      yAxis: { type: "value", max: 1, axisLabel: { formatter: percent } },
      series: [
        { name: data.labels.organization, type: "bar", data: data.children.map(function (c) { return c.organization_coverage_rate; }) },
        { name: data.labels.work, type: "bar", data: data.children.map(function (c) { return c.work_coverage_rate; }) }
      ]
    });
    chart.on("click", function (params) {
      var child = data.children[params.dataIndex];
      if (child) { window.location.search = "?division=" + encodeURIComponent(child.code); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var stageEl = document.getElementById("stage-chart");
  if (stageEl && window.echarts) {
    var pie = echarts.init(stageEl);
    pie.setOption({ tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["40%", "70%"], data: data.stages }] });
    window.addEventListener("resize", function () { pie.resize(); });
  }
})();
