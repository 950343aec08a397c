import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pipeline as pipelineCb } from "node:stream";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";
import { HttpFetchError } from "./http-fetch-error.js";

/*
 * Response bodies under a size cap, decoded by hand: undici's request() leaves Content-Encoding to the
 * caller, and the cap must apply to the decoded size (a gzip bomb is small on the wire).
 */

export async function readBody(res: Dispatcher.ResponseData, maxBytes: number, url: string): Promise<Buffer> {
  const tooLarge = (what: string) =>
    new HttpFetchError("too_large", `${what} exceeds the ${maxBytes}-byte limit`, { url });

  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res.body);
    throw tooLarge(`declared Content-Length ${declared}`);
  }

  let decoders: DecodeStage[];
  try {
    decoders = contentDecoders(res.headers["content-encoding"]);
  } catch (err) {
    discard(res.body);
    throw new HttpFetchError("bad_encoding", (err as Error).message, { url });
  }

  if (decoders.length === 0) {
    // Nothing to decode: read the body as it comes. A stream pipeline per response cost more than the
    // read (its stages, and the AbortError it raises to end them: 2% of the extractor's CPU).
    try {
      return await collectUnder(res.body, maxBytes, () => tooLarge("body"));
    } catch (err) {
      discard(res.body);
      throw err;
    }
  }

  const decodeErrors = new WeakSet<Error>();
  let wireBytes = 0;
  let body!: Buffer;
  try {
    await pipeline(
      res.body,
      async function* countWireBytes(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          wireBytes += chunk.length;
          if (wireBytes > maxBytes) throw tooLarge("body");
          yield chunk;
        }
      },
      (source: AsyncIterable<Buffer>) => decoders.reduce((acc, stage) => stage(acc, decodeErrors), source),
      async function collect(source: AsyncIterable<Buffer>) {
        body = await collectUnder(source, maxBytes, () => tooLarge("decompressed body"));
      },
    );
  } catch (err) {
    if (err instanceof Error && decodeErrors.has(err)) {
      throw new HttpFetchError("bad_encoding", `cannot decode body: ${err.message}`, { url, cause: err });
    }
    throw err;
  }
  return body;
}

/** The chunks of `source` as one buffer; throws `tooLarge()` as soon as they pass `maxBytes`. */
async function collectUnder(source: AsyncIterable<Buffer>, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes);
}

/** Drops a body unread; destroying it makes undici close the connection instead of reading on. */
function discard(body: Dispatcher.ResponseData["body"]): void {
  body.on("error", () => {}); // the abort error destroy() emits is the intended outcome
  body.destroy();
}

type DecodeStage = (source: AsyncIterable<Buffer>, errors: WeakSet<Error>) => AsyncIterable<Buffer>;

// Lenient flushing, as browsers do: a body truncated at a block boundary still decodes.
const zlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const brotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** Decoders in the order to apply them (Content-Encoding lists codings in the order applied). */
function contentDecoders(header: string | string[] | undefined): DecodeStage[] {
  const codings = (Array.isArray(header) ? header.join(",") : header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  return codings.reverse().map((coding) => {
    switch (coding) {
      case "gzip":
      case "x-gzip":
        return decodeWith(() => zlib.createGunzip(zlibOptions));
      case "br":
        return decodeWith(() => zlib.createBrotliDecompress(brotliOptions));
      case "deflate":
        // "deflate" should be zlib-wrapped, but some servers send raw deflate: sniff the header.
        return decodeWith((first) =>
          (first[0]! & 0x0f) === 0x08 ? zlib.createInflate(zlibOptions) : zlib.createInflateRaw(zlibOptions),
        );
      default:
        throw new Error(`unsupported Content-Encoding ${coding}`);
    }
  });
}

/**
 * Runs the source through a zlib stream created once the first chunk is known. Output is pulled
 * (async iteration), so backpressure holds and a bomb never inflates faster than it is counted.
 */
function decodeWith(create: (first: Buffer) => zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress): DecodeStage {
  return async function* decode(source, errors) {
    const it = source[Symbol.asyncIterator]();
    let first = await it.next();
    while (!first.done && first.value.length === 0) first = await it.next();
    if (first.done) return; // empty body: nothing to decode
    const decoder = create(first.value);
    decoder.once("error", (err) => errors.add(err));
    const head = first.value;
    async function* input() {
      yield head;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    }
    // The callback form returns the decoder; its errors surface through the iteration below.
    const output = pipelineCb(Readable.from(input()), decoder, () => {});
    for await (const chunk of output) yield chunk as Buffer;
  };
}
