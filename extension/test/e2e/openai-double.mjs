// A tiny OpenAI-compatible engine on 127.0.0.1 (random port) for the e2e test: the server's `openai` engine kind
// talks to it exactly as to vLLM or LM Studio. /v1/models names one model; /v1/chat/completions streams a scripted
// answer as SSE chunks ending with [DONE]; /v1/completions (inline completions) streams nothing useful.
import { createServer } from 'node:http';

export async function startOpenAiDouble(chatAnswer) {
    const requests = [];
    const server = createServer((req, res) => {
        let body = '';
        req.on('data', d => (body += d));
        req.on('end', () => {
            requests.push({ method: req.method, url: req.url, body });
            const sse = chunks => {
                res.writeHead(200, { 'content-type': 'text/event-stream' });
                for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
                res.end('data: [DONE]\n\n');
            };
            if (req.method === 'GET' && req.url === '/v1/models') {
                res.writeHead(200, { 'content-type': 'application/json' });
                res.end(JSON.stringify({ object: 'list', data: [{ id: 'double-instruct', object: 'model', max_model_len: 8192 }] }));
            } else if (req.method === 'POST' && req.url === '/v1/chat/completions') {
                const pieces = chatAnswer.match(/[\s\S]{1,12}/g) ?? [];
                sse([
                    { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] },
                    ...pieces.map(p => ({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
                    { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
                ]);
            } else if (req.method === 'POST' && req.url === '/v1/completions') {
                sse([{ id: 'k1', object: 'text_completion', choices: [{ index: 0, text: '', finish_reason: 'stop' }] }]);
            } else {
                res.writeHead(404).end();
            }
        });
    });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise(resolve => server.close(resolve)),
    };
}
