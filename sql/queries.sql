-- The queries the labs and dashboards run, written once: they are the same in MariaDB/MySQL and
-- SingleStore. Each starts with `-- name:`; `-- index:` names the indexes that serve it (lab 04 runs
-- it again with them ignored, by putting IGNORE INDEX where `/*hint*/` stands; idx_customer_recent is
-- listed wherever it holds every column a query reads, since without it ignored "no index" would be a
-- scan of that covering index, not of the table); a name ending in
-- `.agg` answers the same question from a precomputed aggregate table, and must return the same rows.
-- Time windows are half-open [from, to) in UTC, computed by the caller in whole minutes or hours,
-- so the raw and the aggregate answers cover exactly the same events.

-- name: customer_recent
-- what: a customer's 20 most recent transactions (the account page)
-- index: idx_customer_recent, PRIMARY, idx_event_time
SELECT transaction_id, event_time, merchant_id, amount, status
FROM transactions /*hint*/
WHERE customer_id = ?
ORDER BY event_time DESC, transaction_id DESC
LIMIT 20;

-- name: totals_5_min
-- what: transactions and approved money in the last 5 whole minutes (the live counter)
-- index: idx_event_time, idx_customer_recent
SELECT COUNT(*) AS tx_count,
       COALESCE(SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), 0) AS approved_count,
       COALESCE(SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END), 0) AS approved_amount
FROM transactions /*hint*/
WHERE event_time >= ? AND event_time < ?;

-- name: totals_5_min.agg
SELECT COALESCE(SUM(tx_count), 0) AS tx_count,
       COALESCE(SUM(approved_count), 0) AS approved_count,
       COALESCE(SUM(approved_amount), 0) AS approved_amount
FROM agg_minute
WHERE bucket >= ? AND bucket < ?;

-- name: category_hourly_revenue
-- what: approved money per merchant category per hour over the last 24 whole hours (the revenue chart)
-- index: idx_event_time
SELECT DATE_FORMAT(event_time, '%Y-%m-%d %H:00:00') AS bucket,
       merchant_category,
       COUNT(*) AS tx_count,
       SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) AS approved_amount
FROM transactions /*hint*/
WHERE event_time >= ? AND event_time < ?
GROUP BY DATE_FORMAT(event_time, '%Y-%m-%d %H:00:00'), merchant_category
ORDER BY bucket, merchant_category;

-- name: category_hourly_revenue.agg
SELECT DATE_FORMAT(bucket, '%Y-%m-%d %H:00:00') AS bucket,
       merchant_category,
       tx_count,
       approved_amount
FROM agg_category_hour
WHERE bucket >= ? AND bucket < ?
ORDER BY bucket, merchant_category;

-- name: top_merchants
-- what: the 10 merchants with the most approved money over the last 24 whole hours (the leaderboard)
-- index: idx_event_time, idx_customer_recent
SELECT merchant_id,
       SUM(amount) AS approved_amount,
       COUNT(*) AS approved_count
FROM transactions /*hint*/
WHERE status = 'approved' AND event_time >= ? AND event_time < ?
GROUP BY merchant_id
ORDER BY approved_amount DESC, merchant_id
LIMIT 10;

-- name: top_merchants.agg
SELECT merchant_id,
       SUM(approved_amount) AS approved_amount,
       SUM(approved_count) AS approved_count
FROM agg_merchant_hour
WHERE bucket >= ? AND bucket < ?
GROUP BY merchant_id
HAVING SUM(approved_count) > 0
ORDER BY approved_amount DESC, merchant_id
LIMIT 10;

-- name: large_transactions
-- what: the 20 largest transactions at or above an amount (the risk desk's list)
-- index: idx_amount, idx_customer_recent
SELECT transaction_id, customer_id, amount, event_time
FROM transactions /*hint*/
WHERE amount >= ?
ORDER BY amount DESC, transaction_id
LIMIT 20;

-- name: audit_rows
-- what: every transaction id stored once: rows_total = distinct_ids
SELECT COUNT(*) AS rows_total, COUNT(DISTINCT transaction_id) AS distinct_ids
FROM transactions;

-- name: event_span
-- what: the event-time span of the stored transactions (lab 04 anchors its windows on max_time)
SELECT COUNT(*) AS rows_total, MIN(event_time) AS min_time, MAX(event_time) AS max_time
FROM transactions;
