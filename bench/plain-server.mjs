// A zero-delay, non-streaming OpenAI-compatible answerer for the promptfoo comparison only:
// promptfoo's OpenAI provider does not stream, and agent-lab's simulator serves only streams.
// 20 tokens of answer, usage included, no delay; counts what it served. Its own process, like
// the simulator. Prints `listening on URL`; GET /__count answers {requests, ok}.
import { createServer } from 'node:http';

const tokens = Number(process.argv[2] ?? 20);
const words = Array.from({ length: tokens }, (_, i) => `w${i}`).join(' ');
let requests = 0;
let ok = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.endsWith('/__count')) return res.end(JSON.stringify({ requests, ok }));
  requests++;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    ok++;
    const answer = {
      id: `gen-plain-${requests}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: words }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: tokens, total_tokens: 12 + tokens },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/api/v1\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
