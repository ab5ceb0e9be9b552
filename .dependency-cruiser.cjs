// The import rules of src/ (docs/architecture.md explains them); `npm run check:imports`, part of `npm test`.
// test/import-rules.test.ts proves each rule refuses a tree that breaks it.
const PURE = ['^src/render/', '^src/stats/', '^src/types/', '^src/config/(schema|resolve|compile|matrix|template|entry|select)\\.ts$', '^src/provider/sse\\.ts$', '^src/money/(estimate|plan|budget|reconcile|pricing)\\.ts$', '^src/checks/evaluate\\.ts$', '^src/compare/compare\\.ts$', '^src/ci/gates\\.ts$', '^src/format\\.ts$', '^src/metrics/(families|prometheus|otlp)\\.ts$', '^src/responses/(matrix|outline|figures|markdown|text|columns|word-diff)\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import circle: two modules that need each other are one concern, or one of them holds a type that belongs in types/.', from: { path: '^src' }, to: { circular: true } },
    { name: 'render-is-pure', severity: 'error', comment: 'render/* turns data into strings: it may import only types/, format.ts and other renderers.', from: { path: '^src/render/' }, to: { path: '^src/', pathNot: ['^src/render/', '^src/types/', '^src/format\\.ts$'] } },
    { name: 'store-below-exec', severity: 'error', comment: 'store/ keeps the run folder; it never reaches into the runner or the HTTP client.', from: { path: '^src/store/' }, to: { path: ['^src/exec/', '^src/provider/'] } },
    { name: 'run-only-from-cli', severity: 'error', comment: 'The pipeline (run/) is entered from the command line or the programmatic API, nowhere else.', from: { path: '^src/', pathNot: ['^src/run/', '^src/cli/', '^src/cli\\.ts$', '^src/index\\.ts$'] }, to: { path: '^src/run/' } },
    { name: 'provider-knows-no-report', severity: 'error', comment: 'provider/ speaks HTTP; it never imports reports, aggregation, progress or the run folder.', from: { path: '^src/provider/' }, to: { path: ['^src/render/', '^src/store/', '^src/stats/', '^src/exec/', '^src/run/', '^src/ci/', '^src/compare/', '^src/history/'] } },
    { name: 'types-are-leaves', severity: 'error', comment: 'types/ holds shapes only; it imports nothing but other types.', from: { path: '^src/types/' }, to: { path: '^src/', pathNot: ['^src/types/', '^src/provider/wire\\.ts$'] } },
    { name: 'pure-core-no-io', severity: 'error', comment: 'The pure modules take data and return data: no file system, processes, network or terminal.', from: { path: PURE }, to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|net|http|https|readline|tty)$' } },
    { name: 'pure-core-no-http', severity: 'error', comment: 'The pure modules never reach the HTTP client library or the terminal spinner.', from: { path: PURE }, to: { path: 'node_modules/(undici|ora)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
    exclude: { path: '^(test|bench|dist|scripts)/' },
    builtInModules: { add: [] },
  },
};
