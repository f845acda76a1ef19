// Whether one ApplicationTypeVersion is older than another. The cluster treats versions as plain
// strings (any text is a version, and no order is defined), so the rule is ours, and deliberately
// narrow:
// - a version is split at `.`, `-` and `+`, and each part further into runs of digits and of other
//   characters: `1.10.0-rc2` → 1 · 10 · 0 · rc · 2;
// - the parts are compared in order and the first difference decides: two numbers compare as
//   numbers (so 1.10 is newer than 1.9, and 007 equals 7); a missing part counts as 0 when the
//   other is a number (1.2 equals 1.2.0);
// - any other difference (two different words, a word against a number or a missing part, as in
//   1.0.0-beta against 1.0.0) cannot be ordered: the versions are incomparable.
// Incomparable versions are treated like a downgrade (refused unless allow-downgrade): guessing
// an order for them could roll production back.

export type VersionOrder = { order: -1 | 0 | 1 } | { incomparable: string };

type Part = { number: string } | { word: string };

function partsOf(version: string): Part[] {
  const parts: Part[] = [];
  for (const piece of version.split(/[.+-]/)) {
    for (const run of piece.match(/\d+|\D+/g) ?? []) {
      parts.push(/^\d/.test(run) ? { number: run.replace(/^0+(?=\d)/, '') } : { word: run });
    }
  }
  return parts;
}

function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const describe = (p: Part | undefined) => (p === undefined ? 'nothing' : 'number' in p ? p.number : `'${p.word}'`);

/** How `a` compares with `b`: -1 older, 0 the same order, 1 newer, or why they cannot be compared. */
export function compareTypeVersions(a: string, b: string): VersionOrder {
  if (a === b) return { order: 0 };
  const pa = partsOf(a);
  const pb = partsOf(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? (pb[i] && 'number' in pb[i]! ? { number: '0' } : undefined);
    const y = pb[i] ?? (pa[i] && 'number' in pa[i]! ? { number: '0' } : undefined);
    if (x && y && 'number' in x && 'number' in y) {
      const order = compareNumbers(x.number, y.number);
      if (order !== 0) return { order };
      continue;
    }
    if (x && y && 'word' in x && 'word' in y && x.word === y.word) continue;
    return { incomparable: `they differ at ${describe(pa[i])} against ${describe(pb[i])}, which are not both numbers` };
  }
  return { order: 0 };
}
