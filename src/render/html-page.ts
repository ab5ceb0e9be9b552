// The shell every HTML report shares: one self-contained file that opens offline. The charting
// library is inlined (no CDN), the data rides along as JSON in a non-executed script tag, and a
// Content-Security-Policy forbids every network fetch, so the page cannot silently depend on one.
// Pure: strings in, a string out.

export interface PageParts {
  title: string;
  /** Server-rendered HTML: the numbers readable without any script. */
  body: string;
  /** Embedded as JSON for the page script. */
  data: unknown;
  /** The charting library's browser build (Chart.js UMD), inlined as is. */
  chartJs: string;
  /** The page's own script: reads the JSON, draws the charts. */
  script: string;
  /** More browser builds, inlined after the chart library (marked, DOMPurify, jsdiff for the Responses section). */
  libs?: string[];
  /** More page scripts, each in its own tag so that one failing leaves the others running. */
  scripts?: string[];
  /** CSS added to the shared style. */
  style?: string;
  /** HTML after the scripts: data the page reads once it has drawn (the Responses section's later chunks), in pieces to stream. */
  tail?: string | Iterable<string>;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde1e8;padding-bottom:.2rem}
.meta{color:#5a6272;margin-top:0}.note{color:#5a6272;font-size:.9em}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:.92em}
th,td{padding:.3rem .5rem;border-bottom:1px solid #eceff3;text-align:right;white-space:nowrap}
th{background:#f5f7fa;position:sticky;top:0}th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}
tr.overall td{font-weight:600;border-top:2px solid #c9cfd9}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1.5rem}
.chart{position:relative;height:320px}
.wide{overflow-x:auto}
`;

/** JSON that is safe inside <script>: no `</script`, no `<!--`, no line separators JS chokes on. */
export function embedJson(data: unknown): string {
  return scriptSafeJson(JSON.stringify(data));
}

/** embedJson for JSON text already serialised. */
export function scriptSafeJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A library's source made safe to inline: `</script` would end the block early, and `<!--` then
 * `<script` would put the HTML parser in a state where the real `</script>` no longer ends it.
 * Both only occur inside JS strings and regexes, where `\x3C` means the same `<`. The source-map
 * comment goes: a browser would try to fetch the map.
 */
export function inlineJs(source: string): string {
  return source.replace(/<(\/?script|!--)/gi, '\\x3C$1').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
}

export function renderPage(parts: PageParts): string {
  return [...pagePieces(parts)].join('');
}

/** renderPage in pieces, for a writer that streams: the tail (megabytes of answers at 100,000 jobs) is never one string. */
export function* pagePieces(parts: PageParts): Generator<string> {
  const tag = (js: string) => `<script>${js}</script>`;
  yield [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${STYLE}${parts.style ?? ''}</style>`,
    '</head>',
    '<body>',
    parts.body,
    `<script type="application/json" id="agent-lab-data">${embedJson(parts.data)}</script>`,
    ...[parts.chartJs, ...(parts.libs ?? [])].map((lib) => tag(inlineJs(lib))),
    ...[parts.script, ...(parts.scripts ?? [])].map(tag),
    '',
  ].join('\n');
  if (typeof parts.tail === 'string') yield parts.tail;
  else if (parts.tail) yield* parts.tail;
  yield '\n</body>\n</html>\n';
}

/** A canvas in a sized box (Chart.js fills its parent when responsive). */
export function chartBox(id: string, label: string): string {
  return `<div class="chart"><canvas id="${id}" role="img" aria-label="${escapeHtml(label)}"></canvas></div>`;
}
