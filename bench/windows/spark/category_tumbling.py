"""The Spark Structured Streaming peer of `bun run bench windows` (lab 06).

The same event-time tumbling aggregation as lib/windows and the Kafka Streams peer (the contract is in
bench/windows/peers.ts): JSON transactions from Kafka, event time = the JSON `timestamp`, tumbling windows
of W ms per merchant_category with count / sum / min / max of amount and counts and sums of approved and
declined, exact longs; `withWatermark(G)` + append mode, so each window is written once, final, when the
watermark (max event time seen - G) passes its end. It reads the topic as it is (Trigger.AvailableNow:
every record there at the start, then a last batch without data that emits what the watermark closed)
and exits. bench/windows/spark.ts runs it in the venv it prepares, with the spark-sql-kafka jars.

Prints `txlab-spark: running <epoch ms>` when the session is up and the query starts, and at the end
`txlab-spark: batches <n> rows <input rows> dropped <rows dropped by the watermark>`.
"""

import argparse
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--window-ms", type=int, required=True)
    p.add_argument("--grace-ms", type=int, required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--jars", default="")
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--shuffle-partitions", type=int, default=4)
    a = p.parse_args()

    spark = (
        SparkSession.builder.master(f"local[{a.cores}]")
        .appName("txlab-windows-spark")
        .config("spark.jars", a.jars)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(a.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")

    schema = T.StructType(
        [
            T.StructField("timestamp", T.StringType()),
            T.StructField("merchant_category", T.StringType()),
            T.StructField("amount", T.LongType()),
            T.StructField("status", T.StringType()),
        ]
    )
    events = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", a.bootstrap)
        .option("subscribe", a.input)
        .option("startingOffsets", "earliest")
        .load()
        .select(F.from_json(F.col("value").cast("string"), schema).alias("e"))
        .select("e.*")
        # ISO 8601 with a Z: exact to the microsecond, so no event can slip across a window boundary
        .withColumn("ts", F.col("timestamp").cast("timestamp"))
    )
    approved = F.col("status") == "approved"
    declined = ~approved
    windows = (
        events.withWatermark("ts", f"{a.grace_ms} milliseconds")
        .groupBy(F.window("ts", f"{a.window_ms} milliseconds"), F.col("merchant_category"))
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.sum("amount").alias("sum"),
            F.min("amount").alias("min"),
            F.max("amount").alias("max"),
            F.count(F.when(approved, 1)).alias("approvedCount"),
            F.coalesce(F.sum(F.when(approved, F.col("amount"))), F.lit(0)).alias("approvedSum"),
            F.count(F.when(declined, 1)).alias("declinedCount"),
            F.coalesce(F.sum(F.when(declined, F.col("amount"))), F.lit(0)).alias("declinedSum"),
        )
    )
    rows = windows.select(
        F.col("merchant_category").alias("key"),
        F.to_json(
            F.struct(
                F.lit("category_tumbling").alias("view"),
                F.col("merchant_category").alias("key"),
                F.unix_millis(F.col("window.start")).alias("start"),
                F.unix_millis(F.col("window.end")).alias("end"),
                "count",
                "sum",
                "min",
                "max",
                "approvedCount",
                "approvedSum",
                "declinedCount",
                "declinedSum",
            )
        ).alias("value"),
    )
    query = (
        rows.writeStream.format("kafka")
        .option("kafka.bootstrap.servers", a.bootstrap)
        .option("topic", a.output)
        .option("checkpointLocation", a.checkpoint)
        .outputMode("append")
        .trigger(availableNow=True)
    )
    print(f"txlab-spark: running {int(time.time() * 1000)}", flush=True)
    q = query.start()
    q.awaitTermination()
    progress = q.recentProgress
    dropped = sum(
        sum(op.get("numRowsDroppedByWatermark", 0) for op in pr.get("stateOperators", [])) for pr in progress
    )
    rows_in = sum(pr.get("numInputRows", 0) for pr in progress)
    print(f"txlab-spark: batches {len(progress)} rows {rows_in} dropped {dropped}", flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
