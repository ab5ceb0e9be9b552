// A code check: the row in, { pass, score?, reason } out. Runs in a node:vm context (no fs, no network, 1 s).
export default function check(row) {
  const words = row.output_text.trim().split(/\s+/).filter(Boolean).length;
  return { pass: words >= 5, score: Math.min(1, words / 40), reason: `${words} words` };
}
