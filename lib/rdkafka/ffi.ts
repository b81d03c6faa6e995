// librdkafka (the C client Kafka's Confluent clients are built on), loaded through Bun's FFI from the
// system library (Debian: librdkafka1, installed by scripts/setup.sh). Only what a producer needs: a
// handle from key=value settings, messages through rd_kafka_produceva (an array of typed fields, so no C
// varargs cross the boundary), and delivery reports as events polled from the main queue (no callbacks:
// librdkafka's threads never call into JavaScript). Struct offsets are for 64-bit Linux, from rdkafka.h.
import { dlopen, FFIType } from 'bun:ffi';
import { StackError } from '../errors.ts';

const NAMES = ['librdkafka.so.1', 'librdkafka.so', 'librdkafka.1.dylib', 'librdkafka.dylib'];

const SYMBOLS = {
  rd_kafka_version_str: { args: [], returns: FFIType.cstring },
  rd_kafka_conf_new: { args: [], returns: FFIType.ptr },
  rd_kafka_conf_destroy: { args: [FFIType.ptr], returns: FFIType.void },
  rd_kafka_conf_set: {
    args: [FFIType.ptr, FFIType.cstring, FFIType.cstring, FFIType.ptr, FFIType.u64],
    returns: FFIType.i32,
  },
  rd_kafka_conf_set_events: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.void },
  rd_kafka_new: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.ptr },
  rd_kafka_destroy: { args: [FFIType.ptr], returns: FFIType.void },
  rd_kafka_topic_new: { args: [FFIType.ptr, FFIType.cstring, FFIType.ptr], returns: FFIType.ptr },
  rd_kafka_topic_destroy: { args: [FFIType.ptr], returns: FFIType.void },
  rd_kafka_produceva: { args: [FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.ptr },
  rd_kafka_error_code: { args: [FFIType.ptr], returns: FFIType.i32 },
  rd_kafka_error_string: { args: [FFIType.ptr], returns: FFIType.cstring },
  rd_kafka_error_destroy: { args: [FFIType.ptr], returns: FFIType.void },
  rd_kafka_err2str: { args: [FFIType.i32], returns: FFIType.cstring },
  rd_kafka_err2name: { args: [FFIType.i32], returns: FFIType.cstring },
  rd_kafka_queue_get_main: { args: [FFIType.ptr], returns: FFIType.ptr },
  rd_kafka_queue_destroy: { args: [FFIType.ptr], returns: FFIType.void },
  rd_kafka_queue_poll: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.ptr },
  rd_kafka_event_type: { args: [FFIType.ptr], returns: FFIType.i32 },
  rd_kafka_event_message_array: { args: [FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.u64 },
  rd_kafka_event_error: { args: [FFIType.ptr], returns: FFIType.i32 },
  rd_kafka_event_error_string: { args: [FFIType.ptr], returns: FFIType.cstring },
  rd_kafka_event_error_is_fatal: { args: [FFIType.ptr], returns: FFIType.i32 },
  rd_kafka_event_destroy: { args: [FFIType.ptr], returns: FFIType.void },
} as const;

export type Librdkafka = ReturnType<typeof dlopen<typeof SYMBOLS>>['symbols'];

let loaded: Librdkafka | undefined;

/** The library's functions, loaded once; a missing library is a clear error that says how to install it. */
export function librdkafka(): Librdkafka {
  if (loaded) return loaded;
  const tried: string[] = [];
  const override = process.env.TXLAB_LIBRDKAFKA;
  for (const name of override ? [override] : NAMES) {
    try {
      loaded = dlopen(name, SYMBOLS).symbols;
      return loaded;
    } catch (e) {
      tried.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new StackError(
    `librdkafka is not installed (tried ${tried.join('; ')}): run \`bash scripts/setup.sh\` (it installs the Debian package librdkafka1), or set TXLAB_LIBRDKAFKA to the library's path`,
  );
}

// enum rd_kafka_type_t, rd_kafka_vtype_t, message flags, event types, rd_kafka_conf_res_t
export const RD_KAFKA_PRODUCER = 0;
export const VTYPE = { END: 0, TOPIC: 1, RKT: 2, PARTITION: 3, VALUE: 4, KEY: 5, OPAQUE: 6, MSGFLAGS: 7, TIMESTAMP: 8 };
export const MSG_F_COPY = 0x2;
export const EVENT = { DR: 0x1, ERROR: 0x8 };
export const CONF_OK = 0;
export const ERR_QUEUE_FULL = -184;

/** sizeof(rd_kafka_vu_t): the vtype, padded to 8, then a 64-byte union. */
export const VU_SIZE = 72;
/** Offsets in rd_kafka_message_t. */
export const MESSAGE = { err: 0, partition: 16, offset: 56, opaque: 64 };
