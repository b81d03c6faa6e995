// Scores combine as independent evidence (noisy-OR): 1 − Π(1 − sᵢ). Two weak signals make a stronger
// one, and no total exceeds 1. Its own file because the review workflow uses it too.
export function combineScores(hits: readonly { score: number }[]): number {
  return 1 - hits.reduce((p, h) => p * (1 - h.score), 1);
}
