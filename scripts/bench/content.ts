// Seeded file contents that deflate (level 1, the zip writer's) like a real service's files, as
// measured on this project's node_modules (BENCHMARKS.md, "The bench package"): JavaScript, maps and
// JSON to about 29 %, native binaries and .NET assemblies to about 45 %. Deterministic: the same
// size and seed give the same bytes.

/** xorshift32, seeded: fast and good enough to pick words. */
function xorshift(seed: number): () => number {
  let x = Math.imul(seed + 1, 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const JS_WORDS = (
  'const let var function return if else for while of in new this class extends import export from default async await ' +
  'true false null undefined typeof instanceof try catch finally throw switch case break continue yield static get set ' +
  'module exports require prototype length push map filter reduce forEach call apply bind Object keys assign defineProperty ' +
  'Array isArray Promise resolve reject then String Number Buffer from alloc concat slice indexOf options value result ' +
  'error message name callback request response headers body status config logger client token cache state props data'
).split(' ');
const PUNCTUATION = ['(', ')', '{', '}', '[', ']', ';', ',', '.', ' = ', ' => ', ' === ', ' && ', ' || ', ': ', '\n', '\n  ', '\n    ', "'", '"'];

/**
 * Source-like text: words of a small vocabulary, identifiers made of them, numbers and punctuation.
 * Deflates to about 29 % at level 1, as the JavaScript of node_modules does.
 */
export function sourceLikeBytes(size: number, seed: number): Buffer {
  const next = xorshift(seed);
  // Each file has identifiers of its own, as a module does.
  const own = Array.from({ length: 64 }, () => {
    const a = JS_WORDS[next() % JS_WORDS.length]!;
    const b = JS_WORDS[next() % JS_WORDS.length]!;
    return `${a}${b[0]!.toUpperCase()}${b.slice(1)}${next() % 10}`;
  });
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const v = next();
    const kind = v % 16;
    const piece =
      kind < 6
        ? JS_WORDS[(v >>> 4) % JS_WORDS.length]!
        : kind < 10
          ? own[(v >>> 4) % own.length]!
          : kind < 11
            ? String((v >>> 4) % 1000)
            : kind < 12
              ? own[(v >>> 8) % own.length]!
              : PUNCTUATION[(v >>> 4) % PUNCTUATION.length]!;
    parts.push(piece, kind < 12 ? ' ' : '');
    length += piece.length + (kind < 12 ? 1 : 0);
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

/**
 * Assembly-like bytes: runs of random bytes between words from a per-file table, as code and
 * metadata are. Deflates to about 45 % at level 1, as native binaries and .NET DLLs do.
 */
export function binaryLikeBytes(size: number, seed: number): Buffer {
  return wordTableBytes(size, seed, { literals: 7, outOf: 16 });
}

/**
 * Random bytes between words of 2 to 11 random bytes drawn from a per-file table of 512: a draw is
 * one random byte `literals` times in `outOf` (a power of two), else a word. More literals, less
 * compression. Deterministic: the same size, seed and odds give the same bytes.
 */
export function wordTableBytes(size: number, seed: number, odds: { literals: number; outOf: number }): Buffer {
  const next = xorshift(seed);
  const words: Buffer[] = [];
  for (let i = 0; i < 512; i++) {
    const w = Buffer.alloc(2 + (next() % 10));
    for (let j = 0; j < w.length; j++) w[j] = next() & 0xff;
    words.push(w);
  }
  const mask = odds.outOf - 1;
  const out = Buffer.alloc(size);
  for (let o = 0; o < size;) {
    const v = next();
    if ((v & mask) < odds.literals) out[o++] = (v >>> 8) & 0xff;
    else o += words[(v >>> 3) % 512]!.copy(out, o, 0, Math.min(12, size - o));
  }
  return out;
}
