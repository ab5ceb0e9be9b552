// The Responses page script, part 2: read the tasks chunk by chunk (JSON, or gzip+base64 through
// the browser's DecompressionStream — no request, so the CSP allows it), then filter, sort and
// page them. Only one page of rows is in the DOM at a time, so a 10,000-job run opens fast.
import { CELL_SCRIPT } from './html-responses-cell.js';

const CONTROLLER = String.raw`
  var holder = document.getElementById('agent-lab-responses');
  var table = document.getElementById('responses-table');
  var PAGE = parseInt(table.getAttribute('data-page'), 10);
  var status = document.getElementById('rs-status');
  var $ = function (id) { return document.getElementById(id); };
  var meta = JSON.parse(holder.textContent);
  var M = { columns: meta.columns, tasks: [] };
  var loaded = false;
  var drawn = false;
  var visible = [];
  var page = 0;
  var views = {};
  var haystacks = [];

  function decode(node) {
    var text = node.textContent;
    if (node.getAttribute('data-encoding') !== 'gzip-base64') return Promise.resolve(JSON.parse(text));
    var bin = atob(text);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(JSON.parse);
  }

  function view(t, c) { var k = t + ':' + c; return views[k] || (views[k] = { repeat: 0, raw: false, baseline: false }); }
  function int(id) { return parseInt($(id).value, 10); }
  function diffPair() { var a = int('rs-diff-a'), b = int('rs-diff-b'); return a >= 0 && b >= 0 && a !== b ? [a, b] : null; }

  function haystack(t) {
    if (haystacks[t] === undefined) {
      var parts = [];
      M.tasks[t].cells.forEach(function (reps) { reps.forEach(function (cell) { parts.push(cell.output); }); });
      haystacks[t] = parts.join('\u0000').toLowerCase();
    }
    return haystacks[t];
  }

  /** A task's figure for sorting: one column's mean over its repeats, or the highest of any column. */
  function figure(task, field, col) {
    var best = null;
    task.cells.forEach(function (reps, c) {
      if (col >= 0 && c !== col) return;
      var sum = 0, n = 0;
      reps.forEach(function (cell) { if (cell[field] !== null && cell[field] !== undefined) { sum += cell[field]; n++; } });
      if (!n) return;
      var v = col >= 0 ? sum / n : reps.reduce(function (m, cell) { var x = cell[field]; return x !== null && x !== undefined && x > m ? x : m; }, -Infinity);
      if (best === null || v > best) best = v;
    });
    return best;
  }

  /** The tasks the filters and sort let through, in order (of those read so far). */
  function filter() {
    var q = $('rs-search').value.trim().toLowerCase();
    var failing = $('rs-failing').checked, errors = $('rs-errors').checked, disagree = $('rs-disagree').checked;
    visible = [];
    M.tasks.forEach(function (t, i) {
      if (failing && !t.failing) return;
      if (errors && !t.errors) return;
      if (disagree && !t.disagree) return;
      if (q && haystack(i).indexOf(q) < 0) return;
      visible.push(i);
    });
    var field = $('rs-sort').value;
    if (field) {
      var col = int('rs-sort-col'), sign = $('rs-sort-dir').value === 'asc' ? 1 : -1;
      var keyed = visible.map(function (i) { return { i: i, v: figure(M.tasks[i], field, col) }; });
      // Unknown figures go last either way: they are not small, they are missing.
      keyed.sort(function (a, b) { return a.v === null ? (b.v === null ? a.i - b.i : 1) : b.v === null ? -1 : (a.v - b.v) * sign || a.i - b.i; });
      visible = keyed.map(function (k) { return k.i; });
    }
  }
  function select() { filter(); page = 0; draw(); }
  function shown() { return visible.slice(page * PAGE, page * PAGE + PAGE).join(); }

  /** After a chunk: draw the first rows as soon as a page is read; later, redraw only if this page's rows changed. */
  function refresh() {
    if (!drawn) {
      if (M.tasks.length < PAGE && !loaded) return;
      drawn = true;
      select();
      document.body.setAttribute('data-responses', 'ready');
      return;
    }
    var before = shown();
    filter();
    if (shown() !== before) draw();
    else counts();
  }

  function head(pair) {
    var tr = el('tr');
    tr.appendChild(el('th', 'task', 'task'));
    if (pair) tr.appendChild(el('th', '', 'word diff: ' + (pair[0] + 1) + '. ' + M.columns[pair[0]].name + ' → ' + (pair[1] + 1) + '. ' + M.columns[pair[1]].name));
    else M.columns.forEach(function (c, i) { tr.appendChild(el('th', '', (i + 1) + '. ' + c.name)); });
    var thead = table.tHead;
    thead.textContent = '';
    thead.appendChild(tr);
  }

  function taskHeader(t) {
    var th = el('th', 'task');
    th.appendChild(el('div', '', t.task_id));
    var vars = Object.keys(t.vars || {}).map(function (k) { var v = t.vars[k]; return k + '=' + (typeof v === 'string' ? v : JSON.stringify(v)); }).join(', ');
    if (vars) th.appendChild(el('div', 'vars', vars));
    if (t.disagree) th.appendChild(el('div', 'disagree', 'columns disagree'));
    return th;
  }

  function diffTd(t, pair) {
    var td = el('td', 'cell');
    var a = t.cells[pair[0]], b = t.cells[pair[1]];
    var n = Math.max(a.length, b.length);
    for (var r = 0; r < n; r++) {
      if (n > 1) td.appendChild(el('div', 'figures', 'repeat ' + (r + 1) + ' of ' + n));
      if (!a[r] || !b[r]) { td.appendChild(el('div', 'figures', 'only one column has this job')); continue; }
      td.appendChild(diffBlock(a[r].output, b[r].output));
    }
    return td;
  }

  function draw() {
    var pair = diffPair();
    var raw = $('rs-raw').checked;
    head(pair);
    var body = table.tBodies[0];
    body.textContent = '';
    var from = page * PAGE, to = Math.min(visible.length, from + PAGE);
    for (var k = from; k < to; k++) {
      var ti = visible[k], t = M.tasks[ti];
      var tr = el('tr');
      tr.setAttribute('data-task', t.task_id);
      tr.setAttribute('data-ti', ti);
      tr.appendChild(taskHeader(t));
      if (pair) tr.appendChild(diffTd(t, pair));
      else t.cells.forEach(function (reps, c) {
        var td = el('td', 'cell');
        td.setAttribute('data-col', c);
        var v = view(ti, c);
        v.raw = raw;
        fillCell(td, reps, v);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    counts();
  }

  function counts() {
    var from = page * PAGE, to = Math.min(visible.length, from + PAGE);
    status.textContent = (visible.length ? 'tasks ' + (from + 1) + '–' + to + ' of ' + visible.length + (visible.length < M.tasks.length ? ' (filtered from ' + M.tasks.length + ')' : '') : 'no task matches (of ' + M.tasks.length + ')') +
      (loaded ? '' : ' · reading answers: ' + M.tasks.length + ' of ' + meta.tasks + ' tasks');
    $('rs-prev').disabled = page === 0;
    $('rs-next').disabled = to >= visible.length;
  }

  table.addEventListener('click', function (e) {
    var b = e.target.closest('button[data-act]');
    if (!b) return;
    var td = b.closest('td.cell'), ti = parseInt(b.closest('tr').getAttribute('data-ti'), 10), c = parseInt(td.getAttribute('data-col'), 10);
    var reps = M.tasks[ti].cells[c], v = view(ti, c), act = b.getAttribute('data-act');
    if (act === 'prev') v.repeat = (v.repeat + reps.length - 1) % reps.length;
    if (act === 'next') v.repeat = (v.repeat + 1) % reps.length;
    if (act === 'baseline') v.baseline = !v.baseline;
    fillCell(td, reps, v);
  });
  var timer = null;
  $('rs-search').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(select, 150); });
  ['rs-failing', 'rs-errors', 'rs-disagree', 'rs-sort', 'rs-sort-col', 'rs-sort-dir'].forEach(function (id) { $(id).addEventListener('change', select); });
  ['rs-raw', 'rs-diff-a', 'rs-diff-b'].forEach(function (id) { $(id).addEventListener('change', draw); });
  $('rs-prev').addEventListener('click', function () { page--; draw(); });
  $('rs-next').addEventListener('click', function () { page++; draw(); });

  // One chunk at a time, yielding between them: the first rows show at once and the page stays
  // responsive while the rest is read; filters and search cover what is read so far. The chunks
  // after the first come after this script, so the parser may still be on its way to them.
  function read(i) {
    var chunk = document.querySelectorAll('script.agent-lab-responses-chunk')[i];
    if (!chunk && document.readyState === 'loading') return void document.addEventListener('DOMContentLoaded', function () { read(i); });
    if (!chunk) {
      loaded = true;
      refresh();
      document.body.setAttribute('data-responses-all', 'ready');
      return;
    }
    decode(chunk).then(function (tasks) {
      Array.prototype.push.apply(M.tasks, tasks);
      refresh();
      setTimeout(function () { read(i + 1); }, 0);
    }, function (error) {
      status.textContent = 'could not read the answers embedded in this page: ' + error;
      document.body.setAttribute('data-responses', 'failed');
    });
  }
  read(0);
`;

export const RESPONSES_SCRIPT = `(function () {\n  if (!document.getElementById('agent-lab-responses')) return;\n${CELL_SCRIPT}${CONTROLLER}})();\n`;
