// klgpu's report page: draws the JSON in #klgpu-data with plotly.js. It computes nothing: every value, grid and density
// comes from the data (q at a hovered point is q's standard shape, sampled by klgpu, moved to μ and stretched by σ).
// When every plot has drawn, the body gets the attribute data-klgpu-drawn; a script error sets data-klgpu-error instead.
(function () {
  'use strict';
  var body = document.body;
  function fail(e) {
    body.setAttribute('data-klgpu-error', String((e && (e.message || e.reason)) || e));
  }
  window.addEventListener('error', function (e) { fail(e.error || e.message); });
  window.addEventListener('unhandledrejection', function (e) { fail(e.reason); });

  var data = JSON.parse(document.getElementById('klgpu-data').textContent);
  var main = document.getElementById('report');
  var config = { displaylogo: false, responsive: true, showLink: false, showSendToCloud: false, showEditInChartStudio: false };
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#7f7f7f'];
  var margin = { l: 64, r: 24, t: 48, b: 64 };

  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    (parent || main).appendChild(e);
    return e;
  }
  function fmt(v, digits) { return v === null || v === undefined ? '∞' : Number(v).toPrecision(digits || 5); }
  function title(text) { return { text: text, font: { size: 14 }, x: 0.01, xanchor: 'left' }; }
  function axis(text, extra) {
    var a = { title: { text: text }, zeroline: false };
    for (var k in extra || {}) a[k] = extra[k];
    return a;
  }
  function subtitle(text) { document.getElementById('subtitle').textContent = text; }
  function colour(id) { return palette[id % palette.length]; }

  // q = f((x − μ)/σ)/σ on data.x, from the sampled standard shape f.
  function qAt(mu, s) {
    var sh = data.shape, f = sh.f;
    return data.x.map(function (x) {
      var t = ((x - mu) / s - sh.min) / sh.step, i = Math.floor(t);
      if (i < 0 || i >= f.length - 1) return 0;
      var w = t - i;
      return ((1 - w) * f[i] + w * f[i + 1]) / s;
    });
  }

  function pTrace(x, p) {
    return { x: x, y: p, type: 'scatter', mode: 'lines', fill: 'tozeroy', fillcolor: 'rgba(110,110,110,0.35)',
      line: { color: '#555', width: 1.5 }, name: 'target p', hoverinfo: 'skip' };
  }

  function densityLayout(text) {
    return { title: title(text), margin: margin, xaxis: axis('x'), yaxis: axis('density', { rangemode: 'tozero' }),
      legend: { x: 1, xanchor: 'right', y: 1, bgcolor: 'rgba(255,255,255,0.7)' } };
  }

  // A map's colour: log10 of the value (values below 1e-8 of the largest are clipped there), or the value itself.
  function colourOf(map, log) {
    var hi = -Infinity, lo = Infinity;
    map.values.forEach(function (row) {
      row.forEach(function (v) { if (v !== null) { if (v > hi) hi = v; if (v > 0 && v < lo) lo = v; } });
    });
    var useLog = log && lo < Infinity;
    var floor = useLog ? Math.max(lo, hi * 1e-8) : 0;
    var z = map.values.map(function (row) {
      return row.map(function (v) { return v === null ? null : useLog ? Math.log10(Math.max(v, floor)) : v; });
    });
    var bar = { title: { text: map.label + (map.unit ? ' [' + map.unit + ']' : '') + (useLog ? ', log scale' : ''), side: 'right' } };
    if (useLog) {
      var a = Math.ceil(Math.log10(floor)), b = Math.floor(Math.log10(hi)), step = Math.max(1, Math.ceil((b - a + 1) / 8));
      bar.tickvals = [];
      bar.ticktext = [];
      for (var k = a; k <= b; k += step) { bar.tickvals.push(k); bar.ticktext.push('10<sup>' + k + '</sup>'); }
    }
    return { z: z, bar: bar };
  }

  // Heatmap, contours and the grid's minimum of one map; hover reads the value itself.
  function mapTraces(map, log, scale) {
    var c = colourOf(map, log), unit = map.unit ? ' ' + map.unit : '';
    return [
      { type: 'heatmap', x: map.mu, y: map.sigma, z: c.z, customdata: map.values, colorscale: 'Viridis', hoverongaps: false,
        colorbar: c.bar, name: map.label,
        hovertemplate: 'μ = %{x:.5g}<br>' + scale + ' = %{y:.5g}<br>' + map.label + ' = %{customdata:.6g}' + unit + '<extra></extra>' },
      { type: 'contour', x: map.mu, y: map.sigma, z: c.z, ncontours: 16, showscale: false, hoverinfo: 'skip', showlegend: false,
        contours: { coloring: 'none' }, line: { color: 'rgba(255,255,255,0.6)', width: 0.8 } },
      { type: 'scatter', mode: 'markers', x: [map.minimum.mu], y: [map.minimum.sigma], name: 'grid minimum', showlegend: false,
        marker: { symbol: 'star', size: 14, color: 'white', line: { color: 'black', width: 1 } },
        hovertemplate: 'grid minimum<br>μ = %{x:.5g}<br>' + scale + ' = %{y:.5g}<br>' + map.label + ' = ' + fmt(map.minimum.value, 7) + unit + '<extra></extra>' },
    ];
  }

  function mapLayout(text, scale, logSigma) {
    return { title: title(text), margin: margin, xaxis: axis('μ'), yaxis: axis(scale, logSigma ? { type: 'log', dtick: 'D2' } : {}),
      legend: { orientation: 'h', x: 0, y: -0.2 }, hovermode: 'closest' };
  }

  function qLabel(mu, s) { return 'q = ' + data.family.symbol + '(' + fmt(mu, 4) + ', ' + fmt(s, 4) + ')'; }

  function drawLandscape() {
    var scale = data.family.scale;
    subtitle('target p = ' + data.target + (data.dimension > 1 ? ' (its density along u is drawn)' : '') + '; q = ' + data.family.describe +
      '. Blank cells are +∞ (a diverging integral).');
    // Every panel is placed before any is drawn: plotly sizes a plot to its panel as it draws it.
    var row = el('div', 'row'), plots = [];
    var divs = data.maps.map(function (map) { var div = el('div', 'panel', row); div.id = 'map-' + map.name; return div; });
    var density = el('div', 'panel', row);
    function show(mu, s) {
      return Plotly.react(density, [pTrace(data.x, data.p),
        { x: data.x, y: qAt(mu, s), type: 'scatter', mode: 'lines', line: { color: '#d62728', width: 2.5 }, name: qLabel(mu, s) }],
        densityLayout('q at the point under the pointer, over p'), config);
    }
    data.maps.forEach(function (map, k) {
      var div = divs[k];
      plots.push(Plotly.newPlot(div, mapTraces(map, data.logColor, scale), mapLayout(map.title + ' ' + map.label, scale, data.logSigma), config)
        .then(function () { div.on('plotly_hover', function (e) { show(e.points[0].x, e.points[0].y); }); }));
    });
    plots.push(show(data.maps[0].minimum.mu, data.maps[0].minimum.sigma));
    return Promise.all(plots);
  }

  function basinText(b, scale) {
    return 'B' + b.id + ': ' + b.kind + (b.polished ? '' : ' (not polished)') + '<br>μ = ' + fmt(b.mu, 6) + '<br>' + scale + ' = ' + fmt(b.sigma, 6) +
      '<br>value = ' + fmt(b.value, 8) + '<br>fraction = ' + (100 * b.fraction).toFixed(2) + '% (' + b.count + ' restarts)' +
      '<br>Hessian eigenvalues: ' + b.hessian.map(function (h) { return fmt(h, 4); }).join(', ');
  }

  function drawBasins() {
    var d = data.divergence, scale = data.family.scale, fixed = data.fixedScale !== null && data.fixedScale !== undefined;
    subtitle('target p = ' + data.target + '; ' + d.label + ', q = ' + data.family.describe + '; ' + data.restarts + ' restarts: ' + data.summary);
    var controls = el('div', 'controls');
    var row = el('div', 'row');
    var mapDiv = el('div', 'panel', row), density = el('div', 'panel', row);
    var traces = fixed
      ? [{ x: data.curve.mu, y: data.curve.values, type: 'scatter', mode: 'lines', line: { color: '#444' }, name: d.label + ' at ' + scale + ' = ' + fmt(data.fixedScale, 4),
          hovertemplate: 'μ = %{x:.5g}<br>' + d.label + ' = %{y:.6g}<extra></extra>' }]
      : mapTraces(d.label ? Object.assign({}, data.map, { label: d.label }) : data.map, true, scale);
    var pathIndices = [];
    if (!fixed) {
      data.paths.forEach(function (p, k) {
        pathIndices.push(traces.length);
        traces.push({ x: p.mu, y: p.sigma, type: 'scatter', mode: 'lines', line: { color: 'rgba(255,255,255,0.85)', width: 1 },
          name: 'recorded paths', legendgroup: 'paths', showlegend: k === 0, hoverinfo: 'skip' });
      });
    }
    data.basins.forEach(function (b) {
      var minimum = b.kind === 'minimum';
      traces.push({ x: [b.mu], y: [fixed ? b.value : b.sigma], type: 'scatter', mode: 'markers', name: 'B' + b.id + ' ' + b.kind,
        marker: { symbol: minimum ? 'circle' : 'x', size: 9 + 16 * Math.sqrt(b.fraction), color: colour(b.id), line: { color: 'white', width: 1.5 } },
        text: [basinText(b, scale)], hovertemplate: '%{text}<extra></extra>' });
    });
    var layout = fixed
      ? { title: title(d.title + ' ' + d.label + ' over μ'), margin: margin, xaxis: axis('μ'), yaxis: axis(d.label + (d.unit ? ' [' + d.unit + ']' : '')), hovermode: 'closest',
          legend: { orientation: 'h', x: 0, y: -0.2 } }
      : mapLayout(d.title + ' ' + d.label + ' with its basins and saddles', scale, data.logSigma);
    function qTraces(extra) {
      var t = [pTrace(data.x, data.p)];
      data.basins.forEach(function (b) {
        t.push({ x: data.x, y: b.q, type: 'scatter', mode: 'lines', name: 'B' + b.id + ' ' + b.kind + ': ' + (100 * b.fraction).toFixed(1) + '%',
          line: { color: colour(b.id), width: 1.5 + 3 * Math.sqrt(b.fraction), dash: b.kind === 'minimum' ? 'solid' : 'dash' } });
      });
      return extra ? t.concat([extra]) : t;
    }
    function show(mu, s) {
      var hovered = mu === undefined ? null
        : { x: data.x, y: qAt(mu, s), type: 'scatter', mode: 'lines', line: { color: 'black', width: 1.5, dash: 'dot' }, name: qLabel(mu, s) + ' (pointer)' };
      return Plotly.react(density, qTraces(hovered), densityLayout('Each basin\'s q over p'), config);
    }
    var plots = [Plotly.newPlot(mapDiv, traces, layout, config).then(function () {
      mapDiv.on('plotly_hover', function (e) { if (!fixed) show(e.points[0].x, e.points[0].y); });
    }), show()];
    if (pathIndices.length > 0) {
      var label = el('label', '', controls), box = el('input', '', label);
      box.type = 'checkbox';
      box.checked = true;
      box.id = 'paths';
      label.appendChild(document.createTextNode(' show the ' + pathIndices.length + ' recorded paths'));
      box.addEventListener('change', function () { Plotly.restyle(mapDiv, { visible: box.checked }, pathIndices); });
    }
    return Promise.all(plots);
  }

  function drawSweep() {
    var values = data.values, name = data.parameter, mixture = data.components > 1;
    subtitle('target p = ' + data.template + ', ' + name + ' from ' + fmt(values[0].param, 4) + ' to ' + fmt(values[values.length - 1].param, 4) +
      ' in ' + values.length + ' values; ' + data.divergenceLabel + ', q = ' + data.family + '; ' + data.restartsPerValue + ' restarts per value');
    var row = el('div', 'row');
    var left = el('div', 'panel tall', row), right = el('div', 'panel tall', row);
    var top = el('div', '', right), bottom = el('div', '', right);
    top.style.height = '340px';
    bottom.style.height = '340px';
    var kinds = { minimum: ['circle', 'minimum'], saddle: ['circle-open', 'saddle'], degenerate: ['diamond-open', 'collapsed'] };

    // Every stationary point: its means, value and fraction against the parameter, one trace per kind.
    var traces = [];
    Object.keys(kinds).forEach(function (kind) {
      var mean = { x: [], y: [], text: [] }, value = { x: [], y: [], text: [] }, fraction = { x: [], y: [], text: [] };
      values.forEach(function (v) {
        v.basins.forEach(function (b) {
          if (b.kind !== kind) return;
          var text = name + ' = ' + fmt(v.param, 6) + '<br>' + kinds[kind][1] + ', value ' + fmt(b.value, 7) + '<br>' + (100 * b.fraction).toFixed(1) + '% of restarts';
          b.means.forEach(function (m) { mean.x.push(v.param); mean.y.push(m); mean.text.push(text); });
          value.x.push(v.param); value.y.push(b.value); value.text.push(text);
          if (kind !== 'saddle') { fraction.x.push(v.param); fraction.y.push(b.fraction); fraction.text.push(text); }
        });
      });
      if (mean.x.length === 0) return;
      var marker = { symbol: kinds[kind][0], size: 6, color: kind === 'saddle' ? '#d62728' : kind === 'degenerate' ? '#2ca02c' : '#1f77b4' };
      var common = { type: 'scatter', mode: 'markers', marker: marker, legendgroup: kind, hovertemplate: '%{text}<extra></extra>' };
      traces.push(Object.assign({}, common, mean, { name: kinds[kind][1], yaxis: 'y' }));
      traces.push(Object.assign({}, common, value, { name: kinds[kind][1], yaxis: 'y2', showlegend: false }));
      if (fraction.x.length > 0) traces.push(Object.assign({}, common, fraction, { name: kinds[kind][1], yaxis: 'y3', showlegend: false }));
    });
    var kindColour = { pitchfork: '#d62728', fold: '#ff7f0e', 'switch': '#1f77b4', collapse: '#2ca02c' };
    var shapes = [{ type: 'line', xref: 'x', yref: 'paper', x0: values[0].param, x1: values[0].param, y0: 0, y1: 1, line: { color: 'black', width: 2 } }];
    data.transitions.forEach(function (t) {
      shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: t.param, x1: t.param, y0: 0, y1: 1, line: { color: kindColour[t.kind] || 'gray', width: 1.2, dash: 'dash' } });
      traces.push({ x: [t.param], y: [0], yaxis: 'y3', type: 'scatter', mode: 'markers', marker: { symbol: 'triangle-up', size: 10, color: kindColour[t.kind] || 'gray' },
        name: t.kind, legendgroup: 't-' + t.kind, showlegend: data.transitions.findIndex(function (u) { return u.kind === t.kind; }) === data.transitions.indexOf(t),
        text: [t.kind + ' at ' + name + ' = ' + fmt(t.param, 8) + '<br>' + t.description], hovertemplate: '%{text}<extra></extra>' });
    });
    var start = Math.floor(values.length / 2);
    shapes[0].x0 = shapes[0].x1 = values[start].param;
    var layout = {
      title: title('Stationary points as ' + name + ' varies'), margin: { l: 64, r: 24, t: 48, b: 40 }, hovermode: 'closest', shapes: shapes,
      xaxis: axis(name, { anchor: 'y3' }),
      yaxis: axis(mixture ? 'component means' : 'μ', { domain: [0.56, 1] }),
      yaxis2: axis(data.divergenceLabel, { domain: [0.24, 0.52] }),
      yaxis3: axis('fraction', { domain: [0, 0.18], range: [-0.05, 1.05] }),
      legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.07 },
      sliders: [{ active: start, pad: { t: 48 }, currentvalue: { prefix: name + ' = ' },
        steps: values.map(function (v, i) { return { label: fmt(v.param, 4), method: 'skip', args: [], value: String(i) }; }) }],
    };
    layout.margin.b = 120;

    // The right side at one value: its stationary points in the (mean, std) plane and their q over p.
    var allMeans = [], allStds = [];
    values.forEach(function (v) { v.basins.forEach(function (b) { allMeans = allMeans.concat(b.means); allStds = allStds.concat(b.stds); }); });
    var pad = function (lo, hi) { var w = (hi - lo) || 1; return [lo - 0.08 * w, hi + 0.08 * w]; };
    var meanRange = pad(Math.min.apply(null, allMeans), Math.max.apply(null, allMeans));
    var stdRange = pad(Math.min.apply(null, allStds), Math.max.apply(null, allStds));
    var pMax = 0;
    values.forEach(function (v) { v.p.forEach(function (y) { if (y > pMax) pMax = y; }); v.basins.forEach(function (b) { b.q.forEach(function (y) { if (y > pMax) pMax = y; }); }); });
    function select(i) {
      var v = values[i];
      var points = v.basins.map(function (b, k) {
        return { x: b.means, y: b.stds, type: 'scatter', mode: 'markers', name: kinds[b.kind][1] + ' ' + k,
          marker: { symbol: kinds[b.kind][0], size: b.weights.map(function (w) { return 8 + 14 * Math.sqrt(w * Math.max(b.fraction, 0.02)); }), color: colour(k), line: { width: 1.5, color: colour(k) } },
          text: b.means.map(function () {
            return kinds[b.kind][1] + ', value ' + fmt(b.value, 7) + '<br>' + (100 * b.fraction).toFixed(1) + '% (' + b.count + ' restarts)<br>weights ' +
              b.weights.map(function (w) { return fmt(w, 3); }).join(', ') + '<br>Hessian eigenvalues: ' + b.hessian.map(function (h) { return fmt(h, 4); }).join(', ');
          }), hovertemplate: '%{text}<extra></extra>' };
      });
      var densities = [pTrace(data.x, v.p)].concat(v.basins.map(function (b, k) {
        return { x: data.x, y: b.q, type: 'scatter', mode: 'lines', name: kinds[b.kind][1] + ' ' + k + ': ' + (100 * b.fraction).toFixed(1) + '%',
          line: { color: colour(k), width: 1.5 + 3 * Math.sqrt(b.fraction), dash: b.kind === 'minimum' ? 'solid' : 'dash' } };
      }));
      var at = name + ' = ' + fmt(v.param, 6);
      return Promise.all([
        Plotly.react(top, points, { title: title('Stationary points at ' + at + (mixture ? ' (each component; size ∝ weight)' : '')), margin: margin, hovermode: 'closest',
          xaxis: axis(mixture ? 'component mean' : 'μ', { range: meanRange }), yaxis: axis(mixture ? 'component std' : 'σ', { range: stdRange }), showlegend: false }, config),
        Plotly.react(bottom, densities, Object.assign(densityLayout('q of each stationary point over p at ' + at), { yaxis: axis('density', { range: [0, 1.05 * pMax] }) }), config),
        Plotly.relayout(left, { 'shapes[0].x0': v.param, 'shapes[0].x1': v.param }),
      ]);
    }
    var list = el('ul', 'controls');
    if (data.transitions.length === 0) el('li', '', list).textContent = 'no transitions in this range';
    // Mirror twins give one transition twice: one line, counted.
    var seen = {};
    data.transitions.forEach(function (t) {
      var key = t.kind + ' at ' + name + ' = ' + fmt(t.param, 8) + ': ' + t.description;
      if (seen[key]) { seen[key].n++; seen[key].li.textContent = key + ' (×' + seen[key].n + ')'; return; }
      seen[key] = { n: 1, li: el('li', '', list) };
      seen[key].li.textContent = key;
    });
    return Plotly.newPlot(left, traces, layout, config).then(function () {
      left.on('plotly_sliderchange', function (e) { select(Number(e.step.value)); });
      return select(start);
    });
  }

  // A q with many numbers (a mixture, a flow) has no (μ, σ) plane: its basins as a table, and each basin's q over p.
  // Hovering a row, or a curve, brings that basin's q forward.
  function drawThetaBasins() {
    var d = data.divergence, unit = d.unit ? ' [' + d.unit + ']' : '';
    subtitle('target p = ' + data.target + '; ' + d.label + ', q = ' + data.family + '; ' + data.restarts + ' restarts: ' + data.summary);
    var row = el('div', 'row');
    var left = el('div', 'panel scroll', row), density = el('div', 'panel', row);
    var table = el('table', 'basins', left), head = el('tr', '', el('thead', '', table)), rows = el('tbody', '', table);
    ['basin', 'kind', d.label + unit, 'restarts', 'fraction', 'Hessian eigenvalues', 'q'].forEach(function (h) { el('th', '', head).textContent = h; });
    var widths = data.basins.map(function (b) { return 1.5 + 3 * Math.sqrt(b.fraction); });
    var traces = [pTrace(data.x, data.p)].concat(data.basins.map(function (b, k) {
      return { x: data.x, y: b.q, type: 'scatter', mode: 'lines', name: b.label + ' ' + b.kind + ': ' + (100 * b.fraction).toFixed(1) + '%',
        line: { color: colour(k), width: widths[k], dash: b.kind === 'saddle' ? 'dash' : 'solid' },
        hovertemplate: b.label + ' ' + b.kind + ', value ' + fmt(b.value, 7) + unit + '<br>x = %{x:.4g}, q = %{y:.4g}<extra></extra>' };
    }));
    function emphasise(k) {
      var w = widths.map(function (v, i) { return k === null ? v : i === k ? v + 2.5 : 1; });
      Array.prototype.forEach.call(rows.children, function (tr, i) { tr.className = i === k ? 'on' : ''; });
      return Plotly.restyle(density, { 'line.width': w }, data.basins.map(function (b, i) { return i + 1; }));
    }
    data.basins.forEach(function (b, k) {
      var tr = el('tr', '', rows);
      [b.label + (b.polished ? '' : ' (not polished)'), b.kind, fmt(b.value, 8), String(b.count), (100 * b.fraction).toFixed(2) + '%',
        b.hessian.map(function (h) { return fmt(h, 4); }).join(', '), b.describe].forEach(function (text, i) {
        var td = el('td', '', tr);
        td.textContent = text;
        if (i === 0) td.style.color = colour(k);
      });
      tr.addEventListener('mouseenter', function () { emphasise(k); });
      tr.addEventListener('mouseleave', function () { emphasise(null); });
    });
    var layout = densityLayout('Each basin\'s q over p');
    layout.legend = { orientation: 'h', x: 0, y: -0.2 };
    return Plotly.newPlot(density, traces, layout, config).then(function () {
      density.on('plotly_hover', function (e) { if (e.points[0].curveNumber > 0) emphasise(e.points[0].curveNumber - 1); });
      density.on('plotly_unhover', function () { emphasise(null); });
    });
  }

  var draw = { landscape: drawLandscape, basins: drawBasins, sweep: drawSweep, 'theta-basins': drawThetaBasins }[data.kind];
  Promise.resolve()
    .then(function () {
      if (!draw) throw new Error('unknown report kind ' + data.kind);
      return draw();
    })
    .then(function () {
      body.setAttribute('data-klgpu-kind', data.kind);
      body.setAttribute('data-klgpu-drawn', '1');
    })
    .catch(fail);
})();
