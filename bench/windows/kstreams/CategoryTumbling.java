// The Kafka Streams peer of `bun run bench windows` (lab 06): the same event-time tumbling aggregation
// as lib/windows, by Kafka Streams 4.1.1, so the bench can compare our operator with the broker's own
// stream processor on the same topic. bench/windows/kstreams.ts compiles this file once and runs it.
//
// Contract (bench/windows/peers.ts): input = JSON transactions keyed by customer_id; event time =
// the JSON `timestamp` (ISO 8601, ms); tumbling windows of W ms aligned to the epoch, [start, end);
// per (window, merchant_category): count, sum, min, max of `amount` and count/sum of approved and of
// declined, exact longs; each window emitted once, final, when stream time passes its end + grace G
// (suppress untilWindowCloses); output = one JSON object per (window, category) on the output topic.
//
// Usage: java -cp <kafka-streams classpath>:<classes> CategoryTumbling BOOTSTRAP INPUT OUTPUT APP_ID
//        WINDOW_MS GRACE_MS [--state-dir DIR] [--threads N] [--commit-ms N] [--fetch-bytes N] [--set KEY=VALUE]...
// Prints `txlab-kstreams: running <epoch ms>` once the instance is RUNNING, and at exit
// `txlab-kstreams: dropped <n>` (records dropped as late or unparsable: 0 when the disorder is < G).
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.TimestampExtractor;

public final class CategoryTumbling {
  /** The fields of a transaction the aggregation reads. */
  record Txn(String category, long amount, boolean approved, long timeMs) {}

  /** What a window keeps per category: exact integers, as lib/windows/aggregate.ts. */
  static final class Agg {
    long count, sum, min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    long approvedCount, approvedSum, declinedCount, declinedSum;

    Agg add(Txn t) {
      count++;
      sum = Math.addExact(sum, t.amount());
      min = Math.min(min, t.amount());
      max = Math.max(max, t.amount());
      if (t.approved()) {
        approvedCount++;
        approvedSum = Math.addExact(approvedSum, t.amount());
      } else {
        declinedCount++;
        declinedSum = Math.addExact(declinedSum, t.amount());
      }
      return this;
    }
  }

  static final JsonFactory JSON = new JsonFactory();

  /** Reads every token of the event (a full parse, as JSON.parse on our side), keeping four fields. */
  static Txn parse(byte[] bytes) {
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
      String category = null, status = null, timestamp = null;
      long amount = 0;
      boolean hasAmount = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "merchant_category" -> category = p.getText();
          case "status" -> status = p.getText();
          case "timestamp" -> timestamp = p.getText();
          case "amount" -> {
            if (value != JsonToken.VALUE_NUMBER_INT) throw new IllegalArgumentException("amount is not an integer");
            amount = p.getLongValue();
            hasAmount = true;
          }
          default -> {
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
              // read the nested value token by token (skipChildren would skip the work)
              int depth = 1;
              while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) depth++;
                else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) depth--;
                else if (t.isScalarValue()) p.getText();
              }
            } else p.getText();
          }
        }
      }
      if (category == null || status == null || timestamp == null || !hasAmount)
        throw new IllegalArgumentException("missing merchant_category, status, timestamp or amount");
      return new Txn(category, amount, status.equals("approved"), Instant.parse(timestamp).toEpochMilli());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The input's values: JSON in (deserialize only). */
  static final class JsonTxnSerde implements Serde<Txn> {
    public Serializer<Txn> serializer() {
      return (topic, t) -> {
        throw new UnsupportedOperationException("input serde: read only");
      };
    }

    public Deserializer<Txn> deserializer() {
      return (topic, bytes) -> bytes == null ? null : parse(bytes);
    }
  }

  /** The repartition topic's values: the four fields, binary. */
  static final class BinaryTxnSerde implements Serde<Txn> {
    public Serializer<Txn> serializer() {
      return (topic, t) -> {
        byte[] c = t.category().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(17 + c.length)
            .putLong(t.timeMs())
            .putLong(t.amount())
            .put((byte) (t.approved() ? 1 : 0))
            .put(c)
            .array();
      };
    }

    public Deserializer<Txn> deserializer() {
      return (topic, bytes) -> {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long time = b.getLong(), amount = b.getLong();
        boolean approved = b.get() == 1;
        String category = new String(bytes, 17, bytes.length - 17, StandardCharsets.UTF_8);
        return new Txn(category, amount, approved, time);
      };
    }
  }

  /** The window store's values: eight longs. */
  static final class AggSerde implements Serde<Agg> {
    public Serializer<Agg> serializer() {
      return (topic, a) ->
          ByteBuffer.allocate(64)
              .putLong(a.count).putLong(a.sum).putLong(a.min).putLong(a.max)
              .putLong(a.approvedCount).putLong(a.approvedSum).putLong(a.declinedCount).putLong(a.declinedSum)
              .array();
    }

    public Deserializer<Agg> deserializer() {
      return (topic, bytes) -> {
        if (bytes == null) return null;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Agg a = new Agg();
        a.count = b.getLong(); a.sum = b.getLong(); a.min = b.getLong(); a.max = b.getLong();
        a.approvedCount = b.getLong(); a.approvedSum = b.getLong();
        a.declinedCount = b.getLong(); a.declinedSum = b.getLong();
        return a;
      };
    }
  }

  /** Event time: the `timestamp` the value deserializer already parsed. */
  public static final class EventTime implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      return record.value() instanceof Txn t ? t.timeMs() : record.timestamp();
    }
  }

  static String row(Windowed<String> w, Agg a) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("view", "category_tumbling");
      g.writeStringField("key", w.key());
      g.writeNumberField("start", w.window().start());
      g.writeNumberField("end", w.window().end());
      g.writeNumberField("count", a.count);
      g.writeNumberField("sum", a.sum);
      g.writeNumberField("min", a.min);
      g.writeNumberField("max", a.max);
      g.writeNumberField("approvedCount", a.approvedCount);
      g.writeNumberField("approvedSum", a.approvedSum);
      g.writeNumberField("declinedCount", a.declinedCount);
      g.writeNumberField("declinedSum", a.declinedSum);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 6) {
      System.err.println(
          "usage: CategoryTumbling BOOTSTRAP INPUT OUTPUT APP_ID WINDOW_MS GRACE_MS [--state-dir DIR] [--threads N] [--commit-ms N] [--fetch-bytes N] [--set KEY=VALUE]...");
      System.exit(2);
    }
    String bootstrap = args[0], input = args[1], output = args[2], appId = args[3];
    long windowMs = Long.parseLong(args[4]), graceMs = Long.parseLong(args[5]);
    String stateDir = System.getProperty("java.io.tmpdir") + "/txlab-kstreams-" + appId;
    int threads = 1;
    long commitMs = 1000;
    int fetchBytes = 64 * 1024;
    Properties extra = new Properties();
    for (int i = 6; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--state-dir" -> stateDir = args[i + 1];
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--commit-ms" -> commitMs = Long.parseLong(args[i + 1]);
        case "--fetch-bytes" -> fetchBytes = Integer.parseInt(args[i + 1]);
        case "--set" -> {
          String[] kv = args[i + 1].split("=", 2);
          extra.put(kv[0], kv[1]);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), new JsonTxnSerde()).withTimestampExtractor(new EventTime()))
        .groupBy((customer, t) -> t.category(), Grouped.with("by-category", Serdes.String(), new BinaryTxnSerde()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(windowMs), Duration.ofMillis(graceMs)))
        .aggregate(Agg::new, (category, t, agg) -> agg.add(t), Materialized.with(Serdes.String(), new AggSerde()))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .map((w, a) -> KeyValue.pair(w.key(), row(w, a)))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1); // one broker
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Small fetches keep the input partitions in step. After the repartition by category, a window task's
    // stream time is the largest event time any upstream task has sent it; on a backlog, the default
    // 1 MB fetch (~2000 events of one partition) lets one partition run minutes of event time ahead of
    // the others, and every record behind it by more than the grace is then dropped as late.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), fetchBytes);

    // Kafka Streams does not leave its group on close: a short session lets the bench delete the group soon after
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    props.putAll(extra);

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) System.out.println("txlab-kstreams: running " + System.currentTimeMillis());
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) done.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("txlab-kstreams: failed: " + e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      double dropped = streams.metrics().values().stream()
          .filter(m -> m.metricName().name().equals("dropped-records-total"))
          .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
          .sum();
      streams.close(Duration.ofSeconds(20));
      System.out.println("txlab-kstreams: dropped " + (long) dropped);
      System.out.flush();
    }));
    streams.start();
    done.await();
    System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
  }
}
