// Reads a request body with hard caps on both the bytes sent and the bytes they inflate
// to, so neither a huge upload nor a gzip bomb can take the heap.
import type { IncomingMessage } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { HttpError } from './http-error.ts';

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume(); // drain the rest so the connection can answer
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return decompress(Buffer.concat(chunks, size), req.headers['content-encoding'], maxBytes);
}

/** gzip and deflate, as OTLP and Zipkin clients send; the output is capped at maxBytes. */
export function decompress(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return body;
  const inflate = name === 'gzip' || name === 'x-gzip' ? gunzipSync : name === 'deflate' ? inflateSync : undefined;
  if (!inflate) throw new HttpError(415, `unsupported Content-Encoding '${encoding}' (use gzip, deflate or none)`);
  try {
    // Synchronous on purpose: measured faster than async zlib here, and bounded by maxBytes.
    return inflate(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, `request body inflates to more than ${maxBytes} bytes`);
    }
    throw new HttpError(400, `body is not valid ${name} data: ${(err as Error).message}`);
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `request body is larger than ${maxBytes} bytes`);
}
