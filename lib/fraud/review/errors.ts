// Failure types the review's activities raise and its workflow names in `nonRetryableErrorTypes`.
// No imports: the workflow bundle takes this file as is.

/** The input can never succeed (a bug upstream, not a passing fault): retrying it only wastes time. */
export const INVALID_INPUT = 'InvalidInput';
