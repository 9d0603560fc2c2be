// A Node.js `http` FC custom-runtime echo function, written from the FC contract (shared CONTRACT.md §1–§4) with
// Node's standard library only: POST /invoke answers 200 with the event and `x-fc-status: 200`, and prints the FC
// Start/End lines of each invocation on stdout as a runtime does.
'use strict';
const http = require('http');

const port = Number(process.env.FC_CUSTOM_LISTEN_PORT || process.env.FC_SERVER_PORT || 9000);
const limit = 32 * 1024 * 1024;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/invoke') {
    res.writeHead(404);
    res.end();
    return;
  }
  const id = req.headers['x-fc-request-id'] || '';
  console.log(`FC Invoke Start RequestId: ${id}`);
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > limit) {
      console.log(`FC Invoke End RequestId: ${id}, Error: Unhandled function error`);
      res.writeHead(404, { 'x-fc-status': '404' });
      res.end();
      return;
    }
    const body = Buffer.concat(chunks, size);
    console.log(`FC Invoke End RequestId: ${id}`);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length,
      'x-fc-status': '200',
    });
    res.end(body);
  });
});

server.listen(port, '0.0.0.0', () => console.log('FunctionCompute nodejs runtime inited.'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
