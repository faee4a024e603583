// dblint HTML report: draws the ER diagram from the data island (script#dblint-data)
// with elkjs (the worker source inlined in script#elk-worker, run from a Blob URL).
// Every text comes from the island and reaches the page through textContent or
// setAttribute only: identifiers are never parsed as HTML.
(function () {
  'use strict';
  // With JavaScript off the diagram's controls stay hidden (page.css).
  document.documentElement.classList.add('js');
  var SVG = 'http://www.w3.org/2000/svg';
  var ROW = 18, HEAD = 26, CHAR = 7.3, PAD = 10, MAX_COLUMNS = 4, MAX_WIDTH = 520;
  var MAX_CHARS = Math.floor((MAX_WIDTH - 2 * PAD) / CHAR);

  var diagram = document.getElementById('diagram');
  var statusLine = document.getElementById('diagram-status');
  var panel = document.getElementById('panel');
  var search = document.getElementById('search');
  var expandButton = document.getElementById('expand');
  var moreButton = document.getElementById('show-more');
  var allButton = document.getElementById('show-all');
  var fitButton = document.getElementById('fit');

  var data = JSON.parse(document.getElementById('dblint-data').textContent);
  var tables = data.tables, edges = data.edges, cap = data.cap;
  var byName = new Map();
  var neighbours = tables.map(function () { return new Set(); });
  var drawable = [];
  tables.forEach(function (t, i) {
    byName.set(t.name, i);
    if (!t.partition_of) drawable.push(i);
  });
  edges.forEach(function (e) {
    neighbours[e.from].add(e.to);
    neighbours[e.to].add(e.from);
  });
  var schemas = new Set(tables.map(function (t) { return t.name.slice(0, t.name.indexOf('.')); }));
  // The order "show more" adds tables in: the default view's ranking (tables with
  // findings, worst first), then every other table by name.
  var ranked = drawable.slice().sort(function (a, b) {
    var ta = tables[a], tb = tables[b];
    return (tb.error - ta.error) || (tb.warning - ta.warning) ||
      (tb.findings.length - ta.findings.length) || (ta.name < tb.name ? -1 : ta.name > tb.name ? 1 : 0);
  });

  var shown = new Set(data.focus);
  var selected = null;
  var layouts = new Map();
  var elk = null;
  var view = { x: 0, y: 0, k: 1 };
  var svg = null, viewport = null, bounds = { w: 1, h: 1 };
  var generation = 0;
  var panned = false;

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, value, cls) {
    var t = el('text', { x: x, y: y }, parent);
    if (cls) t.setAttribute('class', cls);
    t.textContent = value;
    return t;
  }

  var baseStatus = '';

  function setStatus(state, message) {
    diagram.setAttribute('data-layout', state);
    statusLine.textContent = message;
    baseStatus = message;
    expandButton.disabled = state === 'pending' || selected === null;
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function label(t) {
    return schemas.size > 1 ? t.name : t.name.slice(t.name.indexOf('.') + 1);
  }

  // The columns a box lists: keys, foreign keys, referenced columns and the
  // soft-delete marker (all columns of a table of at most MAX_COLUMNS), then
  // "+ N more columns"; the panel and the tables list say the rest.
  function visibleColumns(t) {
    if (t.columns.length <= MAX_COLUMNS) return { list: t.columns, hidden: 0 };
    var list = t.columns.filter(function (c) {
      return c.pk || c.fk || c.referenced || c.name === t.soft_delete;
    });
    return { list: list, hidden: t.columns.length - list.length };
  }

  function badge(t) {
    var parts = [];
    if (t.error) parts.push(t.error + 'E');
    if (t.warning) parts.push(t.warning + 'W');
    if (t.info) parts.push(t.info + 'I');
    if (t.outside) parts.push(t.outside + 'M');
    if (t.in_partitions) parts.push(t.in_partitions + 'P');
    return parts.join(' ');
  }

  function columnLine(c) {
    return c.name + ' ' + c.type;
  }

  function clip(value, room) {
    return value.length <= room ? value : value.slice(0, Math.max(room - 1, 1)) + '\u2026';
  }

  // The box of a table: size, the row each column is drawn on, and its texts cut to
  // the widest box drawn (MAX_WIDTH).
  function box(i) {
    var t = tables[i];
    var cols = visibleColumns(t);
    var counts = badge(t);
    var title = clip((t.soft_delete ? '\u232b ' : '') + label(t), MAX_CHARS - counts.length - 2);
    var width = title.length + counts.length + 3;
    var rowOf = new Map();
    var lines = cols.list.map(function (c, r) {
      rowOf.set(c.name, r);
      var room = MAX_CHARS - 4 - (c.unindexed ? 9 : 0);
      var line = clip(columnLine(c), room);
      width = Math.max(width, line.length + 4 + (c.unindexed ? 9 : 0));
      return line;
    });
    var more = cols.hidden ? '+ ' + cols.hidden + ' more columns' : '';
    width = Math.max(width, more.length + 4);
    var rows = cols.list.length + (cols.hidden ? 1 : 0);
    return {
      title: title, counts: counts, cols: cols, lines: lines, more: more, rowOf: rowOf,
      width: Math.min(Math.ceil(width * CHAR + 2 * PAD), MAX_WIDTH),
      height: HEAD + rows * ROW + 6
    };
  }

  function rowY(b, column) {
    var r = b.rowOf.get(column);
    return r === undefined ? HEAD / 2 : HEAD + r * ROW + ROW / 2 + 2;
  }

  function viewKey() {
    return Array.from(shown).sort(function (a, b) { return a - b; }).join(',');
  }

  function engine() {
    if (!elk) {
      var source = document.getElementById('elk-worker').textContent;
      var url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      elk = new ELK({
        workerFactory: function () {
          var worker = new Worker(url);
          // elkjs listens for messages only: a worker that cannot start (a
          // Content-Security-Policy without worker-src blob:) would leave the layout
          // pending forever.
          worker.addEventListener('error', function (event) {
            setStatus('error', 'The layout worker could not start' +
              (event && event.message ? ': ' + event.message : ' (does a Content-Security-Policy forbid blob: workers?)') +
              '; the tables and findings below do not need it.');
          });
          return worker;
        }
      });
    }
    return elk;
  }

  function layout() {
    var ids = Array.from(shown).sort(function (a, b) { return a - b; });
    var key = viewKey();
    var mine = ++generation;
    setStatus('pending', 'Laying out ' + ids.length + ' tables\u2026');
    var boxes = new Map();
    ids.forEach(function (i) { boxes.set(i, box(i)); });
    var cached = layouts.get(key);
    if (cached) {
      draw(ids, boxes, cached);
      return Promise.resolve();
    }
    var children = ids.map(function (i) {
      return {
        id: 'n' + i, width: boxes.get(i).width, height: boxes.get(i).height, ports: [],
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS' }
      };
    });
    var index = new Map();
    children.forEach(function (c, k) { index.set(ids[k], c); });
    var graphEdges = [];
    edges.forEach(function (e, k) {
      if (!shown.has(e.from) || !shown.has(e.to)) return;
      var from = index.get(e.from), to = index.get(e.to);
      var fb = boxes.get(e.from), tb = boxes.get(e.to);
      from.ports.push({ id: 'p' + k + 's', x: fb.width, y: rowY(fb, e.columns[0]), width: 0, height: 0,
        layoutOptions: { 'elk.port.side': 'EAST' } });
      to.ports.push({ id: 'p' + k + 't', x: 0, y: rowY(tb, e.ref_columns[0]), width: 0, height: 0,
        layoutOptions: { 'elk.port.side': 'WEST' } });
      graphEdges.push({ id: 'e' + k, sources: ['p' + k + 's'], targets: ['p' + k + 't'] });
    });
    var graph = {
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.edgeRouting': 'ORTHOGONAL',
        'elk.spacing.nodeNode': '28',
        'elk.layered.spacing.nodeNodeBetweenLayers': '60',
        'elk.layered.spacing.edgeNodeBetweenLayers': '16',
        'elk.spacing.componentComponent': '40',
        'elk.aspectRatio': '1.6'
      },
      children: children,
      edges: graphEdges
    };
    var started = performance.now();
    return engine().layout(graph).then(function (result) {
      if (mine !== generation) return;
      layouts.set(key, result);
      draw(ids, boxes, result);
      diagram.setAttribute('data-layout-ms', String(Math.round(performance.now() - started)));
    }).catch(function (error) {
      if (mine !== generation) return;
      setStatus('error', 'The layout failed: ' + (error && error.message ? error.message : String(error)));
    });
  }

  function draw(ids, boxes, result) {
    diagram.textContent = '';
    svg = el('svg', { role: 'img', 'aria-label': 'ER diagram' }, diagram);
    var defs = el('defs', {}, svg);
    var hatch = el('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
      patternTransform: 'rotate(45)' }, defs);
    el('rect', { width: 6, height: 6, fill: '#f3f3f3' }, hatch);
    el('rect', { width: 3, height: 6, fill: '#d9d9d9' }, hatch);
    var arrow = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9,
      markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' }, arrow);
    viewport = el('g', { id: 'viewport' }, svg);
    var edgeLayer = el('g', { class: 'edges' }, viewport);
    var nodeLayer = el('g', { class: 'nodes' }, viewport);
    var positions = new Map();
    (result.children || []).forEach(function (c) { positions.set(c.id, c); });
    (result.edges || []).forEach(function (ge) {
      var e = edges[Number(ge.id.slice(1))];
      var section = ge.sections && ge.sections[0];
      if (!section) return;
      var points = [section.startPoint].concat(section.bendPoints || [], [section.endPoint]);
      var d = points.map(function (p, n) { return (n ? 'L ' : 'M ') + p.x + ' ' + p.y; }).join(' ');
      var cls = 'edge on-delete-' + e.on_delete + (e.unindexed ? ' unindexed' : '');
      var path = el('path', { d: d, class: cls, 'marker-end': 'url(#arrow)' }, edgeLayer);
      path.setAttribute('data-from', tables[e.from].name);
      path.setAttribute('data-to', tables[e.to].name);
      path.setAttribute('data-fk', e.name);
      path.setAttribute('data-edge', ge.id.slice(1));
      var tip = el('title', {}, path);
      tip.textContent = e.name + ': ' + tables[e.from].name + ' (' + e.columns.join(', ') + ') \u2192 ' +
        tables[e.to].name + ' (' + e.ref_columns.join(', ') + ') ON DELETE ' +
        e.on_delete.replace('-', ' ').toUpperCase() +
        (e.partly ? '; only partly indexed' : e.unindexed ? '; no index on the referencing columns' : '') +
        (e.count > 1 ? ' (declared on ' + e.count + ' partitions' +
          (e.reported && e.reported < e.count ? ', ' + e.reported + ' of them reported by fk-missing-index' : '') + ')'
          : e.declared_on ? ' (declared on partition ' + e.declared_on + ' only)' : '');
    });
    var minX = 0, minY = 0, maxX = 0, maxY = 0;
    (result.edges || []).forEach(function (ge) {
      (ge.sections || []).forEach(function (section) {
        [section.startPoint, section.endPoint].concat(section.bendPoints || []).forEach(function (p) {
          minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
          maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
        });
      });
    });
    ids.forEach(function (i) {
      var p = positions.get('n' + i);
      var b = boxes.get(i);
      var t = tables[i];
      if (!p) return;
      maxX = Math.max(maxX, p.x + b.width);
      maxY = Math.max(maxY, p.y + b.height);
      var g = el('g', { transform: 'translate(' + p.x + ',' + p.y + ')' }, nodeLayer);
      g.setAttribute('class', 'node sev-' + t.status + (t.soft_delete ? ' soft-delete' : '') +
        (i === selected ? ' selected' : ''));
      g.setAttribute('data-table', t.name);
      g.setAttribute('data-index', String(i));
      el('rect', { class: 'box', width: b.width, height: b.height, rx: 4 }, g);
      el('rect', { class: 'head', x: 1, y: 1, width: b.width - 2, height: HEAD - 2, rx: 3 }, g);
      text(g, PAD, 17, b.title, 'title');
      var counts = b.counts;
      if (counts) {
        var severity = t.error ? 'sev-error' : t.warning ? 'sev-warning' : 'sev-info';
        var bt = text(g, b.width - PAD, 17, counts, 'badge ' + severity);
        bt.setAttribute('text-anchor', 'end');
      }
      b.cols.list.forEach(function (c, r) {
        var y = HEAD + r * ROW + 14;
        var tag = c.pk ? 'PK' : c.fk ? 'FK' : '';
        if (tag) text(g, PAD, y, tag, 'tag');
        text(g, PAD + 22, y, b.lines[r], 'column');
        if (c.unindexed) {
          var ni = text(g, b.width - PAD, y, 'no index', 'noindex');
          ni.setAttribute('text-anchor', 'end');
        }
      });
      if (b.cols.hidden) {
        text(g, PAD + 22, HEAD + b.cols.list.length * ROW + 14, b.more, 'more');
      }
      var tip = el('title', {}, g);
      tip.textContent = t.name + (counts ? ' \u2014 ' + counts : '') +
        (t.outside ? ' (M: outside the scorecard: migration review or live locks)' : '') +
        (t.in_partitions ? ' (P: on its partitions)' : '');
      g.addEventListener('click', function (event) {
        event.stopPropagation();
        if (panned) { panned = false; return; }
        select(i, false);
      });
    });
    bounds = { x: minX, y: minY, w: Math.max(maxX - minX, 1), h: Math.max(maxY - minY, 1) };
    attachPanZoom();
    var note = fit(false);
    var hiddenCount = drawable.length - ids.length;
    moreButton.hidden = hiddenCount <= 0;
    allButton.hidden = hiddenCount <= 0;
    diagram.setAttribute('data-nodes', String(ids.length));
    if (selected !== null) highlight(selected);
    setStatus('done', ids.length + ' of ' + drawable.length + ' tables drawn' +
      (hiddenCount > 0 ? ' (tables with findings and their neighbours first; search or "Show more" for the rest)' : '') +
      (note ? '. ' + note : ''));
  }

  function applyView() {
    if (viewport) viewport.setAttribute('transform', 'translate(' + view.x + ',' + view.y + ') scale(' + view.k + ')');
  }

  var fitScale = 1;

  // The whole diagram in view. When that makes text unreadably small (a hub table
  // with a hundred neighbours spreads the layout) and `whole` is false, zoom in on
  // the worst table drawn instead; returns what the status line should say then.
  function fit(whole) {
    var r = diagram.getBoundingClientRect();
    var k = Math.min((r.width - 20) / bounds.w, (r.height - 20) / bounds.h, 1.5);
    fitScale = k > 0 ? k : 1;
    view.k = fitScale;
    view.x = (r.width - bounds.w * view.k) / 2 - bounds.x * view.k;
    view.y = (r.height - bounds.h * view.k) / 2 - bounds.y * view.k;
    applyView();
    if (whole || fitScale >= 0.45) return '';
    var worst = null;
    for (var n = 0; n < ranked.length; n++) {
      if (shown.has(ranked[n])) { worst = ranked[n]; break; }
    }
    if (worst === null) return '';
    view.k = 0.7;
    centerOn(worst);
    return 'Zoomed in on ' + tables[worst].name + '; "Fit" shows the whole diagram';
  }

  function centerOn(i) {
    var g = svg && svg.querySelector('g.node[data-index="' + i + '"]');
    if (!g) return;
    var m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(g.getAttribute('transform'));
    var b = g.querySelector('rect.box');
    var cx = Number(m[1]) + Number(b.getAttribute('width')) / 2;
    var cy = Number(m[2]) + Number(b.getAttribute('height')) / 2;
    var r = diagram.getBoundingClientRect();
    view.k = Math.max(view.k, 0.7);
    view.x = r.width / 2 - cx * view.k;
    view.y = r.height / 2 - cy * view.k;
    applyView();
  }

  function attachPanZoom() {
    svg.addEventListener('wheel', function (event) {
      event.preventDefault();
      var r = svg.getBoundingClientRect();
      var px = event.clientX - r.left, py = event.clientY - r.top;
      var factor = Math.exp(-event.deltaY * 0.0015);
      var k = Math.min(Math.max(view.k * factor, Math.min(0.02, fitScale)), 4);
      view.x = px - (px - view.x) * (k / view.k);
      view.y = py - (py - view.y) * (k / view.k);
      view.k = k;
      applyView();
    }, { passive: false });
    var drag = null;
    svg.addEventListener('pointerdown', function (event) {
      drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
      svg.classList.add('panning');
    });
    svg.addEventListener('pointermove', function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      applyView();
    });
    var end = function () {
      panned = !!(drag && drag.moved);
      drag = null;
      svg.classList.remove('panning');
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointerleave', end);
    // A click on the background clears the selection; the end of a drag does not.
    svg.addEventListener('click', function () {
      if (!panned) clearSelection();
      panned = false;
    });
  }

  // The tables a DELETE on table i reaches through ON DELETE CASCADE, and the edges
  // it follows (the closure over referencing tables).
  function cascadeEdges(i) {
    var seen = new Set([i]), queue = [i], path = new Set();
    while (queue.length) {
      var at = queue.shift();
      edges.forEach(function (e, k) {
        if (e.to === at && e.on_delete === 'cascade') {
          path.add(k);
          if (!seen.has(e.from)) { seen.add(e.from); queue.push(e.from); }
        }
      });
    }
    return path;
  }

  function highlight(i) {
    if (!svg) return;
    var path = cascadeEdges(i);
    svg.querySelectorAll('g.node').forEach(function (g) {
      g.classList.toggle('selected', Number(g.getAttribute('data-index')) === i);
    });
    svg.querySelectorAll('path.edge').forEach(function (p) {
      p.classList.toggle('cascade-path', path.has(Number(p.getAttribute('data-edge'))));
    });
  }

  function showPanel(i) {
    var t = tables[i];
    panel.textContent = '';
    var h = document.createElement('h3');
    h.textContent = t.name;
    panel.appendChild(h);
    var p = document.createElement('p');
    var said = [];
    if (t.error + t.warning + t.info) {
      said.push('In the scorecard: ' + t.error + ' errors, ' + t.warning + ' warnings, ' + t.info + ' info.');
    }
    if (t.outside) said.push(plural(t.outside, 'finding') + ' outside the scorecard (M: migration review or live locks; not part of the grade).');
    if (t.in_partitions) said.push(plural(t.in_partitions, 'finding') + ' on its partitions (P).');
    p.textContent = said.length ? said.join(' ') : 'No findings.';
    panel.appendChild(p);
    if (t.soft_delete) {
      var sd = document.createElement('p');
      sd.textContent = 'Soft-delete table: rows are marked deleted by ' + t.soft_delete + '.';
      panel.appendChild(sd);
    }
    var reach = cascadeEdges(i);
    if (reach.size) {
      var drawnReach = 0;
      reach.forEach(function (k) { if (shown.has(edges[k].from) && shown.has(edges[k].to)) drawnReach++; });
      var cp = document.createElement('p');
      cp.textContent = 'A DELETE here cascades along ' + plural(reach.size, 'foreign key') +
        (drawnReach === reach.size ? ' (highlighted).' : ' (' + drawnReach + ' of them drawn, highlighted).');
      panel.appendChild(cp);
    }
    if (t.row !== null && t.row !== undefined) {
      var a = document.createElement('a');
      a.setAttribute('href', '#t-' + t.row);
      a.textContent = 'Row in the tables list';
      panel.appendChild(a);
    }
    if (t.findings.length) {
      var ul = document.createElement('ul');
      t.findings.forEach(function (k) {
        var item = document.getElementById('f-' + k);
        if (!item) return;
        var copy = item.cloneNode(true);
        copy.removeAttribute('id');
        ul.appendChild(copy);
      });
      panel.appendChild(ul);
    }
  }

  function select(i, center) {
    selected = i;
    expandButton.disabled = false;
    showPanel(i);
    highlight(i);
    if (center) centerOn(i);
  }

  function clearSelection() {
    selected = null;
    expandButton.disabled = true;
    panel.textContent = '';
    var hint = document.createElement('p');
    hint.className = 'hint';
    hint.textContent = 'Click a table to see its findings.';
    panel.appendChild(hint);
    if (svg) {
      svg.querySelectorAll('.selected').forEach(function (n) { n.classList.remove('selected'); });
      svg.querySelectorAll('.cascade-path').forEach(function (n) { n.classList.remove('cascade-path'); });
    }
  }

  // A table by what was typed: its full name; else its name without the schema,
  // exactly, then in any case (partitions too: their parent is drawn); else the
  // first table whose full name contains the text. Returns { index, others } where
  // `others` counts the other tables the typed name fits equally well.
  function find(query) {
    var q = query.trim();
    if (!q) return null;
    if (byName.has(q)) return { index: byName.get(q), others: 0 };
    var lower = q.toLowerCase();
    var exact = [], folded = [], partial = null;
    for (var n = 0; n < tables.length; n++) {
      var name = tables[n].name;
      var short = name.slice(name.indexOf('.') + 1);
      if (short === q) exact.push(n);
      else if (short.toLowerCase() === lower || name.toLowerCase() === lower) folded.push(n);
      else if (partial === null && name.toLowerCase().indexOf(lower) >= 0) partial = n;
    }
    var best = exact.length ? exact : folded;
    if (best.length) return { index: best[0], others: best.length - 1, all: best };
    return partial === null ? null : { index: partial, others: 0 };
  }

  function drawableOf(i) {
    var t = tables[i];
    while (t.partition_of && byName.has(t.partition_of)) {
      i = byName.get(t.partition_of);
      t = tables[i];
    }
    return i;
  }

  function go() {
    var found = find(search.value);
    if (found === null) {
      statusLine.textContent = 'No table matches \u201c' + search.value + '\u201d.';
      return;
    }
    var i = drawableOf(found.index);
    var note = found.others ? plural(found.others, 'other table') + (found.others === 1 ? ' has' : ' have') + ' that name: ' +
      found.all.slice(1, 6).map(function (k) { return tables[k].name; }).join(', ') +
      (found.others > 5 ? ', \u2026' : '') + ' (type the schema too)' : '';
    var done = function () {
      select(i, true);
      statusLine.textContent = tables[found.index].name +
        (i !== found.index ? ' (drawn as its partitioned table ' + tables[i].name + ')' : '') +
        (note ? '. ' + note : '');
    };
    if (shown.has(i)) {
      done();
      return;
    }
    shown.add(i);
    layout().then(done);
  }

  search.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { event.preventDefault(); go(); }
    if (event.key === 'Escape') { search.value = ''; clearSelection(); }
  });
  search.addEventListener('change', function () {
    if (byName.has(search.value)) go();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && event.target !== search) clearSelection();
  });
  // Adds the selected table's foreign-key neighbours, at most `cap` a click (worst
  // first); a hub's further neighbours come with the next click.
  expandButton.addEventListener('click', function () {
    if (selected === null) return;
    var keep = selected;
    var waiting = Array.from(neighbours[keep]).map(drawableOf).filter(function (n) {
      return !shown.has(n);
    });
    if (!waiting.length) {
      statusLine.textContent = 'Every neighbour of ' + tables[keep].name + ' is drawn.';
      return;
    }
    var order = new Map(ranked.map(function (n, k) { return [n, k]; }));
    waiting.sort(function (a, b) { return order.get(a) - order.get(b); });
    var adding = waiting.slice(0, cap);
    adding.forEach(function (n) { shown.add(n); });
    var left = waiting.length - adding.length;
    layout().then(function () {
      select(keep, true);
      statusLine.textContent = 'Added ' + adding.length + ' neighbours of ' + tables[keep].name +
        (left ? '; ' + left + ' more with the next click' : '') + '.';
    });
  });
  moreButton.addEventListener('click', function () {
    var added = 0;
    for (var n = 0; n < ranked.length && added < cap; n++) {
      if (!shown.has(ranked[n])) { shown.add(ranked[n]); added++; }
    }
    layout();
  });
  var allArmed = false;
  allButton.addEventListener('click', function () {
    if (drawable.length > 400 && !allArmed) {
      allArmed = true;
      allButton.textContent = 'Show all ' + drawable.length + ' tables (slow: click again)';
      return;
    }
    drawable.forEach(function (i) { shown.add(i); });
    layout();
  });
  fitButton.addEventListener('click', function () {
    fit(true);
    statusLine.textContent = baseStatus.replace(/\. Zoomed in on .*$/, '');
  });

  // Names for the search box's suggestions (the first 5,000).
  var list = document.getElementById('table-names');
  drawable.slice(0, 5000).forEach(function (i) {
    var option = document.createElement('option');
    option.value = tables[i].name;
    list.appendChild(option);
  });

  if (!drawable.length) {
    setStatus('done', 'No tables to draw.');
    diagram.setAttribute('data-nodes', '0');
    moreButton.hidden = true;
    allButton.hidden = true;
    return;
  }
  try {
    layout();
  } catch (error) {
    setStatus('error', 'The diagram cannot be drawn here: ' + error.message);
  }
})();
