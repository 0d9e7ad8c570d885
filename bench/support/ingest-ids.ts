/**
 * The id suffix of the i-th event of a load phase ('w' warm-up, 'm' measured): its invoice is
 * in_<suffix>, paid by pi_<suffix> through ch_<suffix> and txn_<suffix>. The load generator
 * names them in its events; the fake Stripe holds them before the first event is posted.
 */
export function eventSuffix(runTag: string, phase: 'w' | 'm', i: number): string {
  return `${runTag}${phase}${String(i).padStart(6, '0')}`;
}
