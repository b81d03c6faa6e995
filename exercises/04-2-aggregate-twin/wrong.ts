// A plausible wrong answer to exercise 04-2 (the tests check that its check fails on it): the
// reference solution with the day's average as an average of hourly averages, which weighs a quiet
// hour like a busy one.
export function aggregateSql(): string {
  // hours roll up into days by summing; (wrong) the day's average as the average of each hour's
  return `SELECT DATE_FORMAT(bucket, '%Y-%m-%d') AS day,
       merchant_category,
       SUM(tx_count) AS tx_count,
       SUM(approved_count) AS approved_count,
       SUM(approved_amount) AS approved_amount,
       ROUND(AVG(approved_amount / NULLIF(approved_count, 0))) AS avg_approved_amount
FROM agg_category_hour
WHERE bucket >= ? AND bucket < ?
GROUP BY DATE_FORMAT(bucket, '%Y-%m-%d'), merchant_category
ORDER BY day, merchant_category`;
}
