// Matches / Like / `~`: `*` stands for any characters (including none), everything else is literal.

/**
 * Compiles a wildcard pattern once. Matching is a left-to-right scan: the first and last pieces are
 * anchored and each middle piece is taken at its leftmost position, which is exact for `*`-only patterns
 * and needs no backtracking.
 */
export function compileWildcard(pattern: string): (value: string) => boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return (value) => value === pattern;
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  const minLength = first.length + last.length;
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    const end = value.length - last.length;
    let position = first.length;
    for (const piece of middle) {
      const found = value.indexOf(piece, position);
      if (found < 0 || found + piece.length > end) return false;
      position = found + piece.length;
    }
    return true;
  };
}
