// The packed motion ballot: one ciphertext X for 赞成, 反对 or 弃权 (docs/ballot-crypto.md §7;
// ballots/crypto/packing.py).
//
// A motion's stance is encrypted as one number X = F + B·A — 0 弃权, 1 赞成, B 反对 — with
// B = electorate + 1, the seated deputies named by the poll definition plus one.

/** B = electorate + 1: above any count of 赞成 among the electorate's ballots. */
export function packedBase(electorate) {
  if (!Number.isInteger(electorate) || electorate < 1) {
    throw new RangeError(`an electorate of ${electorate} deputies cannot pack a motion`);
  }
  return electorate + 1;
}

/** X = F + B·A of the stance marks [F, A]. */
export function packedValue([forMark, against], base) {
  return forMark + base * against;
}
