import http from 'node:http';
import https from 'node:https';

/**
 * One request on Node's own HTTP client (keep-alive, as its global agents are), `body` sent whole: the answer's status
 * and text. About a third of `fetch`'s CPU a request, which counts where the bench's senders share two CPUs with what
 * they measure.
 */
export function requestText(url: URL, options: https.RequestOptions, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
