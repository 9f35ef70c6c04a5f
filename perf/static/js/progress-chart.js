/* Planned (a step at each checkpoint) vs actual cumulative spending, drawn with the vendored ECharts. */
(function () {
  "use strict";
  var el = document.getElementById("progress-chart");
  if (!el || !window.echarts) { return; }
  var curve = JSON.parse(el.dataset.curve);
  var chart = echarts.init(el, null, { renderer: "svg" });
  var planned = curve.planned.concat([[curve.year_end, curve.planned[curve.planned.length - 1][1]]]);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { data: ["计划累计支出进度", "实际累计支出进度"] },
    grid: { left: 56, right: 32, top: 48, bottom: 48 },
    xAxis: { type: "time", min: curve.planned[0][0], max: curve.year_end },
    yAxis: { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); },
             axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "计划累计支出进度", type: "line", step: "end", data: planned, symbol: "circle", symbolSize: 6,
        lineStyle: { width: 2 }, color: "#1d4f91",
        markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#9aa5b1" },
                    label: { formatter: "{b}" },
                    data: curve.checkpoints.map(function (c) { return { name: c.label, xAxis: c.date }; }) } },
      { name: "实际累计支出进度", type: "line", step: "end", data: curve.actual, symbol: "circle", symbolSize: 6,
        lineStyle: { width: 2 }, color: "#d9480f", areaStyle: { opacity: 0.08 } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
