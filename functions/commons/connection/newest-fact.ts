/**
 * Does a fact at `at` (epoch ms) replace one held as of `asOf`? Newer wins; a `null` as-of means a default
 * that any fact replaces; an undated fact only replaces a default. `tieWins` fixes the answer on equal
 * instants so that two facts at the same instant converge whatever order they arrive in.
 */
export function factWins(at: number | null, asOf: number | null, tieWins: boolean): boolean {
  if (asOf === null) return true;
  if (at === null) return false;
  return at > asOf || (at === asOf && tieWins);
}
