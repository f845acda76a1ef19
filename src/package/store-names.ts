// Names a Windows cluster cannot store as given. The action does not know the cluster's OS
// before it sends a request, and a package is meant to deploy anywhere, so every package is held
// to the Windows rules (learn.microsoft.com "Naming Files, Paths, and Namespaces").
import { foldName } from '../protocol/store-path.js';

const RESERVED_DEVICE_NAMES = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...Array.from({ length: 9 }, (_, i) => `COM${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `LPT${i + 1}`),
  // Windows also treats the superscript digits as device numbers.
  'COM¹',
  'COM²',
  'COM³',
  'LPT¹',
  'LPT²',
  'LPT³'
]);

const INVALID_CHARACTERS = /[<>:"|?*\\]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f]/;

/** Why a Windows cluster cannot store `name` (one path segment), or undefined when it can. */
export function windowsNameProblem(name: string): string | undefined {
  const control = CONTROL_CHARACTERS.exec(name);
  if (control) return `it contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  const invalid = INVALID_CHARACTERS.exec(name);
  if (invalid) return `it contains '${invalid[0]}', which Windows does not allow in a name`;
  if (name.endsWith(' ') || name.endsWith('.')) return `it ends with ${name.endsWith(' ') ? 'a space' : 'a dot'}, which Windows drops`;
  // `NUL.txt` and `nul.tar.gz` are the device too: the part before the first dot counts.
  const beforeDot = name.split('.')[0] ?? '';
  const stem = beforeDot.trimEnd().toUpperCase();
  if (RESERVED_DEVICE_NAMES.has(stem)) return `'${beforeDot}' is a reserved device name on Windows`;
  return undefined;
}

export interface NameProblem {
  /** The package-relative path the problem is about, with `/`. */
  path: string;
  reason: string;
}

/**
 * Checks every segment of the given package-relative paths (files and folders, `/`-separated);
 * also finds names that only differ in case, which a Windows cluster stores as one.
 */
export function findNameProblems(paths: Iterable<string>): NameProblem[] {
  const problems: NameProblem[] = [];
  const seen = new Set<string>();
  const refused = new Set<string>();
  const byFoldedPath = new Map<string, string>();
  for (const p of paths) {
    const segments = p.split('/').filter(s => s !== '');
    for (const [i, segment] of segments.entries()) {
      const prefix = segments.slice(0, i + 1).join('/');
      if (refused.has(prefix)) break; // one problem per path: what lies beneath it is not named again
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      const folded = segments
        .slice(0, i + 1)
        .map(foldName)
        .join('/');
      const other = byFoldedPath.get(folded);
      const reason =
        windowsNameProblem(segment) ?? (other === undefined ? undefined : `it differs from '${other}' only in case, and a Windows cluster stores both as one`);
      if (other === undefined) byFoldedPath.set(folded, prefix);
      if (reason) {
        problems.push({ path: prefix, reason });
        refused.add(prefix);
        break;
      }
    }
  }
  return problems;
}
