// The feature set page's uPlot charts: the set's coverage of the catalog per category (bars), and
// one numeric parameter's value at each site (points, with the catalog default as a reference line;
// the select picks which). Data comes as JSON from the
// chart's data-src; the page loads uPlot before this script.
const container = document.querySelector("[data-set-charts]");
const palette = ["#94a3b8", "#1d4ed8"];

async function load(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** A long name cut short under its bar; the legend shows it whole. */
const short = (name) => (name.length > 20 ? `${name.slice(0, 19)}…` : name);

/** Text in a new element, built without markup: names come from the catalog and the set. */
function cell(tag, text) {
  const node = document.createElement(tag);
  node.textContent = String(text);
  return node;
}

/**
 * The chart's figures as a table below it (folded), for those who cannot see the bars and for
 * copying; redrawn with the chart.
 */
function figures(element, labels, series) {
  const previous = element.nextElementSibling;
  if (previous?.classList.contains("chart-table")) previous.remove();
  if (labels.length === 0) return;
  const details = document.createElement("details");
  details.className = "chart-table";
  details.append(cell("summary", series.map((s) => s.label).join(" · ")));
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of [element.dataset.xLabel, ...series.map((s) => s.label)]) {
    const th = cell("th", name);
    th.scope = "col";
    head.append(th);
  }
  const body = table.createTBody();
  labels.forEach((label, i) => {
    const row = body.insertRow();
    const th = cell("th", label);
    th.scope = "row";
    row.append(th, ...series.map((s) => cell("td", s.values[i] ?? "")));
  });
  details.append(table);
  element.after(details);
}

/** Bars over named categories: x is the position, the axis shows the name. */
function draw(element, labels, series) {
  element.textContent = "";
  figures(element, labels, series);
  if (labels.length === 0) {
    element.textContent = element.dataset.empty;
    return;
  }
  const x = labels.map((_, i) => i);
  const bars = uPlot.paths.bars({ size: [0.7 / series.length, 40] });
  const options = {
    width: Math.max(280, element.clientWidth),
    height: 320,
    scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
    // Every name shown (not every other one), slanted more steeply when bars are narrow so the
    // names don't overlap, with room below and to the right (the last one runs past its bar).
    padding: [null, 90, null, null],
    axes: [
      { values: (_u, splits) => splits.map((i) => short(labels[i] ?? "")), splits: () => x, rotate: element.clientWidth / labels.length > 40 ? -30 : -60, size: 150 },
      { size: 50 },
    ],
    // The legend names the category or site under the cursor, not its position.
    series: [{ label: element.dataset.xLabel, value: (_u, i) => labels[i] ?? "" }, ...series.map((s, i) => ({ label: s.label, stroke: palette[i % 2], fill: palette[i % 2], paths: bars, points: { show: false } }))],
  };
  const chart = new uPlot(options, [x, ...series.map((s) => s.values)], element);
  element.dataset.points = String(labels.length);
  new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 320 })).observe(element);
}

async function coverage(element) {
  const data = await load(element.dataset.src);
  draw(element, data.labels, [
    { label: element.dataset.catalog, values: data.catalog },
    { label: element.dataset.set, values: data.set },
  ]);
}

/** Numbers as the page's language writes them, with the minus sign always there. */
const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 3 });

/** A y axis as wide as its longest label (a fixed width cut "-112.5" to "112.5"). */
function fittedSize(u, values, axisIndex, cycle) {
  const axis = u.axes[axisIndex];
  if (cycle > 1) return axis._size;
  u.ctx.font = axis.font[0];
  const longest = Math.max(0, ...(values ?? []).map((v) => u.ctx.measureText(v).width / devicePixelRatio));
  return Math.ceil(axis.ticks.size + axis.gap + longest + 4);
}

/**
 * One parameter at each site: a point per site (a value is a level, not a quantity, so no bars
 * hanging from an axis), and the catalog default as a dashed reference line. The legend names both
 * series at rest and shows the values under the cursor.
 */
function drawParameter(element, data, label) {
  element.textContent = "";
  const defaults = data.labels.map(() => data.default);
  figures(element, data.labels, [
    { label, values: data.values.map((v) => (v == null ? "" : numbers.format(v))) },
    { label: element.dataset.default, values: defaults.map((v) => (v == null ? "" : numbers.format(v))) },
  ]);
  if (data.labels.length === 0) {
    element.textContent = element.dataset.empty;
    return;
  }
  const x = data.labels.map((_, i) => i);
  const shown = (_u, v) => (v == null ? "" : numbers.format(v));
  const options = {
    width: Math.max(280, element.clientWidth),
    height: 320,
    scales: { x: { time: false, range: [-0.5, data.labels.length - 0.5] } },
    padding: [null, 90, null, null],
    axes: [
      { values: (_u, splits) => splits.map((i) => short(data.labels[i] ?? "")), splits: () => x, rotate: element.clientWidth / data.labels.length > 40 ? -30 : -60, size: 150 },
      {
        values: (_u, splits) => {
          const texts = splits.map((v) => numbers.format(v));
          element.dataset.yLabels = JSON.stringify(texts);
          return texts;
        },
        size: (...args) => {
          const size = fittedSize(...args);
          element.dataset.ySize = String(size);
          return size;
        },
      },
    ],
    series: [
      { label: element.dataset.xLabel, value: (_u, i) => data.labels[i] ?? "" },
      { label, stroke: palette[1], fill: palette[1], paths: () => null, points: { show: true, size: 9, fill: palette[1] }, value: shown },
      { label: element.dataset.default, stroke: palette[0], dash: [6, 4], width: 2, points: { show: false }, value: shown },
    ],
  };
  const chart = new uPlot(options, [x, data.values, defaults], element);
  element.dataset.points = String(data.labels.length);
  element.dataset.series = JSON.stringify(chart.series.slice(1).map((s) => s.label));
  new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 320 })).observe(element);
}

async function parameter(element, choice) {
  if (!choice) {
    element.textContent = element.dataset.empty;
    return;
  }
  const data = await load(`${element.dataset.src}?param=${encodeURIComponent(choice)}`);
  drawParameter(element, data, `${choice}${data.unit ? ` (${data.unit})` : ""}`);
}

if (container) {
  const fail = (element) => (error) => {
    element.textContent = element.dataset.empty;
    console.warn(error);
  };
  const coverageChart = container.querySelector('[data-set-chart="coverage"]');
  const parameterChart = container.querySelector('[data-set-chart="parameter"]');
  const select = document.getElementById("chart-parameter");
  coverage(coverageChart).catch(fail(coverageChart));
  parameter(parameterChart, select.value).catch(fail(parameterChart));
  select.addEventListener("change", () => parameter(parameterChart, select.value).catch(fail(parameterChart)));
}
