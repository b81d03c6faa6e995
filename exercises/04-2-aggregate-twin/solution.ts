// Reference solution of exercise 04-2 (read it after trying: `bun run exercise solution 04-2-aggregate-twin`).
export function aggregateSql(): string {
  // hours roll up into days by summing; the average is re-derived from the sums (an average of hourly
  // averages would weigh a quiet hour like a busy one); whole-day bounds cover whole hourly buckets
  return `SELECT DATE_FORMAT(bucket, '%Y-%m-%d') AS day,
       merchant_category,
       SUM(tx_count) AS tx_count,
       SUM(approved_count) AS approved_count,
       SUM(approved_amount) AS approved_amount,
       ROUND(SUM(approved_amount) / NULLIF(SUM(approved_count), 0)) AS avg_approved_amount
FROM agg_category_hour
WHERE bucket >= ? AND bucket < ?
GROUP BY DATE_FORMAT(bucket, '%Y-%m-%d'), merchant_category
ORDER BY day, merchant_category`;
}
