// The Responses page script, part 1: DOM helpers and one cell (answer, checks, tool calls,
// reasoning, figures, repeats, baseline diff). Every model-written string reaches the DOM as a
// text node, except Markdown, which goes marked → DOMPurify (a short allow-list of tags, no
// images, no attributes but href/title) → innerHTML. Plain ES2017 in a String.raw: no backticks.
export const CELL_SCRIPT = String.raw`
  var PURIFY = {
    ALLOWED_TAGS: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub'],
    ALLOWED_ATTR: ['href', 'title', 'start', 'align'],
    ALLOW_DATA_ATTR: false
  };
  DOMPurify.addHook('afterSanitizeAttributes', function (node) {
    if (node.tagName === 'A') { node.setAttribute('rel', 'noopener noreferrer'); node.setAttribute('target', '_blank'); }
  });
  // An image would be a request the CSP refuses (and an error in the console): show its text.
  var md = new marked.Marked({ gfm: true, async: false, renderer: { image: function (t) { return '[image: ' + escapeText(t.text || '') + ']'; } } });

  function escapeText(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }
  function button(act, label, title) { var b = el('button', '', label); b.type = 'button'; b.setAttribute('data-act', act); if (title) b.title = title; return b; }
  function ms(v) { return v === null || v === undefined ? '-' : Math.round(v) + ' ms'; }
  function usd(v) { return v === null || v === undefined ? '-' : v === 0 ? '0' : Math.abs(v) >= 0.01 ? v.toFixed(4) : v.toPrecision(3); }
  function num(v) { return v === null || v === undefined ? '-' : String(v); }

  function markdown(text) {
    var box = el('div', 'answer md');
    box.innerHTML = DOMPurify.sanitize(md.parse(text), PURIFY);
    return box;
  }
  function rawText(text) { var box = el('div', 'answer'); box.appendChild(el('pre', 'raw', text)); return box; }

  /** jsdiff's word diff as <del>/<ins>; null when the texts are too different to diff quickly. */
  function diffBlock(before, after) {
    var parts = Diff.diffWords(before, after, { timeout: 300 });
    var box = el('div', 'diff');
    if (!parts) { box.appendChild(el('span', 'cut', 'too different to diff word by word')); return box; }
    parts.forEach(function (p) { box.appendChild(p.added ? el('ins', 'diff-ins', p.value) : p.removed ? el('del', 'diff-del', p.value) : document.createTextNode(p.value)); });
    return box;
  }

  function checkMark(c) { return c.verdict || (c.pass ? 'pass' : 'fail'); }
  function verdictBadge(cell) {
    if (cell.status !== 'ok') return el('span', 'badge error', cell.status + (cell.error_kind ? ' · ' + cell.error_kind : ''));
    if (cell.passed === null || !cell.checks.length) return el('span', 'badge', 'ok');
    var passed = cell.checks.filter(function (c) { return c.pass; }).length;
    return el('span', 'badge ' + (cell.passed ? 'pass' : 'fail'), (cell.passed ? 'pass ' : 'fail ') + passed + '/' + cell.checks.length);
  }

  function checksList(cell) {
    var ul = el('ul', 'checks');
    cell.checks.forEach(function (c) {
      var mark = checkMark(c);
      var li = el('li', mark, (mark === 'pass' ? '✓ ' : mark === 'fail' ? '✗ ' : '⚠ ') + c.name + ': ' + c.detail);
      if (c.score !== undefined && c.score !== null) li.appendChild(el('span', 'judge', ' · score ' + c.score + (c.threshold !== undefined && c.threshold !== null ? ' (threshold ' + c.threshold + ')' : '')));
      if (c.reason) li.appendChild(el('span', 'judge', ' · ' + c.reason));
      ul.appendChild(li);
    });
    return ul;
  }

  function folded(cls, summary, body) {
    var d = el('details', cls);
    d.appendChild(el('summary', '', summary));
    d.appendChild(el('pre', '', body));
    return d;
  }

  function cutNote(shown, total, what) { return shown < total ? el('div', 'cut', what + ' cut: ' + shown + ' of ' + total + ' characters shown; results.jsonl has it all') : null; }

  /** Fill td with one repeat of a cell; view = { repeat, raw, baseline } . */
  function fillCell(td, repeats, view) {
    td.textContent = '';
    if (!repeats.length) { td.className = 'cell'; td.appendChild(el('span', 'figures', 'no job')); return; }
    var at = Math.min(view.repeat, repeats.length - 1);
    var cell = repeats[at];
    td.className = 'cell' + (cell.status !== 'ok' ? ' is-error' : cell.passed === false ? ' is-fail' : '');
    td.setAttribute('data-job', cell.job_id);
    var head = el('div', 'cell-head');
    head.appendChild(verdictBadge(cell));
    if (repeats.length > 1) {
      head.appendChild(button('prev', '‹', 'previous repeat'));
      head.appendChild(el('span', 'repeat', (at + 1) + ' of ' + repeats.length));
      head.appendChild(button('next', '›', 'next repeat'));
    }
    td.appendChild(head);
    var fig = 'ttft ' + ms(cell.ttft_ms) + ' · latency ' + ms(cell.latency_ms) + ' · tokens ' + num(cell.tokens_prompt) + ' → ' + num(cell.tokens_completion) + ' · $' + usd(cell.cost_usd);
    if (cell.judge_cost_usd !== null && cell.judge_cost_usd !== undefined) fig += ' · judge $' + usd(cell.judge_cost_usd);
    td.appendChild(el('div', 'figures', fig));
    if (cell.status !== 'ok') td.appendChild(el('div', 'error', (cell.error_kind || cell.status) + ': ' + (cell.error_message || '')));
    if (cell.checks.length) td.appendChild(checksList(cell));
    if (cell.tool_calls.length) {
      td.appendChild(folded('tools', cell.tool_calls.length + ' tool call(s)', cell.tool_calls.map(function (t) { return t.name + '(' + t.arguments + ')'; }).join('\n')));
    }
    if (cell.reasoning) td.appendChild(folded('reasoning', 'reasoning (' + cell.reasoning_chars + ' characters)', cell.reasoning));
    var cut = cutNote(cell.reasoning.length, cell.reasoning_chars, 'reasoning');
    if (cut) td.appendChild(cut);
    if (cell.status === 'ok') td.appendChild(cell.output === '' ? el('div', 'answer figures', '(empty answer)') : view.raw ? rawText(cell.output) : markdown(cell.output));
    cut = cutNote(cell.output.length, cell.output_chars, 'answer');
    if (cut) td.appendChild(cut);
    var b = cell.baseline;
    if (b) {
      var line = el('div', 'figures', 'baseline: ' + b.status + (b.passed === null ? '' : b.passed ? ' · pass' : ' · fail') + (b.output === cell.output ? ' · same answer' : ''));
      if (b.output !== cell.output) line.appendChild(button('baseline', view.baseline ? 'hide diff' : 'diff vs baseline'));
      td.appendChild(line);
      if (view.baseline && b.output !== cell.output) td.appendChild(diffBlock(b.output, cell.output));
    }
  }
`;
