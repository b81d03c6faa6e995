// The workflows the fraud benchmark's worker runs: lab 05's review, and a workflow that does nothing,
// whose rate is the ceiling of this server + worker + machine for any workflow at all.
export { reviewTransaction } from '../lib/fraud/review/workflows.ts';

export async function trivial(): Promise<number> {
  return 1;
}
