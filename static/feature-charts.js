// Bar charts for the feature app: every element with data-bar-chart gets one uPlot chart from
// its data-labels and data-values (JSON arrays rendered by the server; the CSP allows no inline
// script). The x axis is the category's position, labelled with its name.
const palette = { stroke: "#1d4ed8", fill: "rgba(29, 78, 216, 0.35)" };

function size(element) {
  return { width: Math.max(280, element.clientWidth), height: 260 };
}

/** A long name cut short under its bar; the table below the chart has it whole. */
const short = (name) => (name.length > 20 ? `${name.slice(0, 19)}…` : name);

function draw(element) {
  const labels = JSON.parse(element.dataset.labels);
  const values = JSON.parse(element.dataset.values);
  const positions = labels.map((_, index) => index);
  const chart = new uPlot(
    {
      ...size(element),
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      // Slanted names run to the right of their bar: room for the last one.
      padding: [null, labels.length > 6 ? 90 : null, null, null],
      axes: [
        { values: (_u, ticks) => ticks.map((tick) => short(labels[tick] ?? "")), splits: () => positions, rotate: labels.length > 6 ? -30 : 0, size: labels.length > 6 ? 140 : 40 },
        { size: 50 },
      ],
      legend: { show: false },
      series: [{}, { label: element.dataset.series, stroke: palette.stroke, fill: palette.fill, width: 1, paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } }],
    },
    [positions, values],
    element,
  );
  element.dataset.points = String(values.length);
  new ResizeObserver(() => chart.setSize(size(element))).observe(element);
}

for (const element of document.querySelectorAll("[data-bar-chart]")) draw(element);
