package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.deltaq.bench.driver.BenchConsumer;
import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.BenchDrivers;
import io.deltaq.bench.driver.BenchProducer;
import io.deltaq.bench.driver.ClientOptions;
import io.deltaq.bench.driver.MessageSink;
import io.deltaq.bench.driver.Payload;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * One side of a rate's run, the producers or the consumers, driven by the {@link Wire} protocol.
 * The same code runs in a child JVM ({@link WorkerMain}) and on a thread of the coordinator
 * ({@code --in-process}).
 *
 * <p>Producers are paced like OMB's {@code UniformRateLimiter}: message {@code g} of the run is
 * due at {@code start + g / rate}, whether or not the previous send was on time, and carries that
 * intended time. A late or blocked send therefore shows up in the latency instead of silently
 * thinning the load (no coordinated omission); the lateness itself is recorded as publish delay.
 * Consumers timestamp each delivery with the wall clock and record {@code delivery - intended}.
 * Neither loop allocates per message.
 */
final class Worker {

    /** Reads the next control line; null at end of input. */
    interface Input {
        String readLine() throws Exception;
    }

    static final String ROLE = "role";
    static final String DRIVER = "driver";
    static final String TOPIC = "topic";
    static final String PRODUCERS = "producers";
    static final String CONSUMERS = "consumers";
    /** The topic's partitions; absent: 1. */
    static final String PARTITIONS = "partitions";
    /** Members of each consumer group; absent: 1 (each consumer alone in its group, reading every partition). */
    static final String MEMBERS = "members";
    /** Which of the run's producers this worker paces, comma-separated indexes; absent: all of them. */
    static final String PRODUCER_INDEXES = "producer.indexes";
    /**
     * Which group members this worker runs, comma-separated slots ({@code group * members + member});
     * absent: member 0 of every group.
     */
    static final String CONSUMER_SLOTS = "consumer.slots";
    static final String RATE = "rate";
    static final String CONNECTION_PREFIX = "connection.";
    static final String PRODUCER = "producer";
    static final String CONSUMER = "consumer";
    /** How many times this worker's role was restarted before it (after a kill); 0 for the first. */
    static final String INCARNATION = "incarnation";
    /** Where the delivery audit's records go ({@link AuditRecords}); absent: no records. */
    static final String AUDIT_DIR = "audit.dir";
    /** How often consumers commit their position, ms; absent or 0: never. */
    static final String COMMIT_INTERVAL_MS = "commit.intervalMs";
    /** How long consumers take per message delivered, ms (fractions allowed); absent or 0: no time at all. */
    static final String CONSUMER_DELAY_MS = "consumer.delayMs";
    /**
     * Every how many ticks (seconds) the worker forces a full collection before its tick, so the heap
     * after it is the live set; absent or 0: never. A soak sets its sample period: heap after a young
     * collection also holds old-generation garbage that G1 leaves until the heap is nearly half full,
     * which looks like a leak in a 15-minute run.
     */
    static final String FULL_GC_EVERY_TICKS = "fullGc.everyTicks";

    /** DONE field of a producer's measured messages: this prefix and its index. */
    static final String MEASURED_OF = "measured.";
    /**
     * Consumer tick field: the end-to-end latency of every message delivered in the interval, warm-up
     * included, from which the coordinator finds where each driver's steady state begins.
     */
    static final String HIST_ALL = "histAll";
    /** Tick field of one producer's end-to-end latency histogram, measured messages only: this prefix and its index. */
    static final String HIST_OF = "hist.";
    /**
     * Tick fields of the clients' own stage times, cumulative, in microseconds (a histogram each): this
     * prefix and the stage's name, e.g. {@code stage.commit-wait}.
     */
    static final String STAGE_OF = "stage.";
    /** Tick fields of a group member's partitions, bit p for partition p: this prefix and its slot. */
    static final String HELD_OF = "held.";
    /** Tick fields of the partitions a group member holds and delivered through the end it was told. */
    static final String REACHED_OF = "reached.";
    /** How often a consumer's polling thread looks at which partitions it holds (not thread-safe to ask elsewhere). */
    private static final long HELD_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final long AUDIT_FLUSH_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final long TICK_MICROS = 1_000_000;
    private static final long ACK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final int POLL_LIMIT = 10_000;
    /** The most time a slow consumer ({@link #CONSUMER_DELAY_MS}) spends on one poll's messages. */
    private static final long SLOW_POLL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Input in;
    private final Consumer<String> out;
    private final Runnable onEndOfInput;
    private volatile boolean finished;
    private volatile Role role;

    /**
     * @param onEndOfInput what to do when the coordinator goes away mid-run; in a child JVM, exit
     */
    Worker(Input in, Consumer<String> out, Runnable onEndOfInput) {
        this.in = in;
        this.out = out;
        this.onEndOfInput = onEndOfInput;
    }

    /** Runs the protocol to its end; returns the exit status (0 done, 1 failed). */
    int run() {
        Role current = null;
        try {
            String first = in.readLine();
            if (first == null) {
                return 1;
            }
            Map<String, String> spec = Wire.decodeSpec(first);
            current = PRODUCER.equals(spec.get(ROLE)) ? new ProducerRole(spec) : new ConsumerRole(spec);
            role = current;
            current.open();
            send(Wire.PREFIX + Wire.READY);
            String start = in.readLine();
            if (start == null) {
                return 1;
            }
            String[] times = start.split(" ");
            if (times.length != 4 || !times[0].equals(Wire.START)) {
                throw new IllegalArgumentException("expected START <start> <warmupEnd> <end>, got '" + start + "'");
            }
            Thread control = new Thread(this::control, "bench-worker-control");
            control.setDaemon(true);
            control.start();
            Map<String, Object> done = current.run(Long.parseLong(times[1]), Long.parseLong(times[2]),
                    Long.parseLong(times[3]));
            finished = true;
            send(Wire.format(Wire.DONE, done));
            return 0;
        } catch (Throwable e) {
            finished = true;
            send(Wire.PREFIX + Wire.FAIL + " " + describe(e).replace('\n', ' '));
            return 1;
        } finally {
            if (current != null) {
                current.close();
            }
        }
    }

    private void control() {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                Role current = role;
                if (line.startsWith(Wire.EXPECT + " ")) {
                    current.expect(Long.parseLong(line.substring(Wire.EXPECT.length() + 1).trim()));
                } else if (line.startsWith(Wire.END + " ")) {
                    current.expectEnd(Wire.parseEnd(line.substring(Wire.END.length() + 1)));
                } else if (line.equals(Wire.STOP)) {
                    current.stop();
                }
            }
        } catch (Exception e) {
            // Treated as end of input.
        }
        if (!finished) {
            Role current = role;
            if (current != null) {
                current.stop();
            }
            onEndOfInput.run();
        }
    }

    private synchronized void send(String line) {
        out.accept(line);
    }

    /** {@code "0,3,4"} as indexes, each below {@code count}; absent: {@code 0 .. count - 1}. */
    static int[] indexes(String text, int count) {
        if (text == null) {
            int[] all = new int[count];
            for (int i = 0; i < count; i++) {
                all[i] = i;
            }
            return all;
        }
        String[] words = text.trim().split(",");
        int[] indexes = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            indexes[i] = Integer.parseInt(words[i].trim());
            if (indexes[i] < 0 || indexes[i] >= count) {
                throw new IllegalArgumentException("index " + indexes[i] + " of '" + text + "' is not below " + count);
            }
        }
        return indexes;
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** Producers or consumers, with the once-a-second ticker they share. */
    private abstract class Role {
        final Map<String, String> spec;
        final BenchDriver driver;
        final Map<String, String> connection = new LinkedHashMap<>();
        final ClientOptions options;
        final String topic;
        final int incarnation;
        final java.nio.file.Path auditDir;
        /** The measured latencies (producers: publish delays) of the interval a tick ends. */
        private final Histogram interval = HistogramCodec.empty();
        final List<Thread> hotThreads = new ArrayList<>();
        final Map<Thread, Long> finishedHotBytes = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean stopped;
        private final int fullGcEveryTicks;
        private Thread ticker;

        Role(Map<String, String> spec) {
            this.spec = spec;
            this.driver = BenchDrivers.byName(spec.get(DRIVER))
                    .orElseThrow(() -> new IllegalArgumentException("unknown driver " + spec.get(DRIVER)));
            spec.forEach((k, v) -> {
                if (k.startsWith(CONNECTION_PREFIX)) {
                    connection.put(k.substring(CONNECTION_PREFIX.length()), v);
                }
            });
            this.options = ClientOptions.fromStrings(spec);
            this.topic = spec.get(TOPIC);
            this.incarnation = Integer.parseInt(spec.getOrDefault(INCARNATION, "0"));
            this.auditDir = spec.containsKey(AUDIT_DIR) ? java.nio.file.Path.of(spec.get(AUDIT_DIR)) : null;
            this.fullGcEveryTicks = Integer.parseInt(spec.getOrDefault(FULL_GC_EVERY_TICKS, "0"));
        }

        abstract void open() throws Exception;

        abstract Map<String, Object> run(long startMicros, long warmupEndMicros, long endMicros) throws Exception;

        /** Ends each recording thread's interval and adds its measured values to {@code measured}; first in a tick. */
        abstract void endInterval(Histogram measured);

        abstract void addTickFields(Map<String, Object> fields);

        /** Adds the clients' stage times so far, in nanoseconds, by stage name. */
        abstract void addStages(Map<String, Histogram> into);

        abstract void close();

        void expect(long messages) {
        }

        void expectEnd(long[] end) {
        }

        /** Called by a hot thread as its last act, so its allocation still counts once it has ended. */
        void hotThreadFinished() {
            finishedHotBytes.put(Thread.currentThread(), JvmCounters.currentThreadAllocatedBytes());
        }

        void stop() {
            stopped = true;
        }

        void startTicker(long startMicros) {
            ticker = new Thread(() -> {
                for (long k = 1; !finished; k++) {
                    long due = startMicros + k * TICK_MICROS;
                    long wait;
                    while ((wait = due - WallClock.nowMicros()) > 0) {
                        LockSupport.parkNanos(wait * 1_000);
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                    }
                    if (fullGcEveryTicks > 0 && k % fullGcEveryTicks == 0) {
                        System.gc();
                    }
                    tick(due);
                }
            }, "bench-ticker");
            ticker.setDaemon(true);
            ticker.start();
        }

        /** Stops the ticker and sends the last tick, at the time of the call. */
        void finalTick() throws InterruptedException {
            ticker.interrupt();
            ticker.join(10_000);
            tick(WallClock.nowMicros());
        }

        synchronized void tick(long tickMicros) {
            interval.reset();
            endInterval(interval);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("t", tickMicros);
            addTickFields(fields);
            Map<String, Histogram> stages = new LinkedHashMap<>();
            addStages(stages);
            stages.forEach((name, nanos) -> fields.put(STAGE_OF + name, HistogramCodec.encode(HistogramCodec.micros(nanos))));
            Map<String, Long> counters = new LinkedHashMap<>();
            JvmCounters.addTo(counters, hotThreads, finishedHotBytes);
            fields.putAll(counters);
            fields.put("hist", HistogramCodec.encode(interval));
            send(Wire.format(Wire.TICK, fields));
        }
    }

    /** Paces {@code producers} producers, each at {@code rate / producers}, interleaved. */
    private final class ProducerRole extends Role {
        /** The run's producers, over which the rate is split; this worker paces those of {@link #indexes}. */
        private final int count;
        private final int[] indexes;
        private final double rate;
        private final BenchProducer[] producers;
        private final Pacer[] pacers;
        private final AuditRecords.ProducerLog[] logs;
        private Thread flusher;
        private volatile boolean flusherStopped;
        private volatile Throwable flushFailure;

        ProducerRole(Map<String, String> spec) {
            super(spec);
            this.count = Integer.parseInt(spec.get(PRODUCERS));
            this.indexes = indexes(spec.get(PRODUCER_INDEXES), count);
            this.rate = Double.parseDouble(spec.get(RATE));
            this.producers = new BenchProducer[indexes.length];
            this.pacers = new Pacer[indexes.length];
            this.logs = new AuditRecords.ProducerLog[indexes.length];
        }

        @Override
        void open() throws Exception {
            for (int i = 0; i < indexes.length; i++) {
                if (auditDir != null) {
                    logs[i] = new AuditRecords.ProducerLog(AuditRecords.producerFile(auditDir, indexes[i], incarnation));
                    producers[i] = driver.newProducer(connection, topic, options, indexes[i], logs[i]);
                } else {
                    producers[i] = driver.newProducer(connection, topic, options, indexes[i]);
                }
            }
        }

        /** Writes what the producers heard: acks reach the audit file within {@link #AUDIT_FLUSH_NS}. */
        private void startFlusher() {
            if (auditDir == null) {
                return;
            }
            // Stopped by a flag, not an interrupt: an interrupt closes the file channel it may be writing.
            flusher = new Thread(() -> {
                try {
                    while (!flusherStopped) {
                        LockSupport.parkNanos(AUDIT_FLUSH_NS);
                        flushLogs();
                    }
                } catch (RuntimeException | Error e) {
                    flushFailure = e;
                }
            }, "bench-audit-flusher");
            flusher.setDaemon(true);
            flusher.start();
        }

        private synchronized void flushLogs() {
            for (AuditRecords.ProducerLog log : logs) {
                if (log != null) {
                    log.flush();
                }
            }
        }

        @Override
        Map<String, Object> run(long startMicros, long warmupEndMicros, long endMicros) throws Exception {
            for (int i = 0; i < indexes.length; i++) {
                pacers[i] = new Pacer(indexes[i], producers[i], logs[i], startMicros, warmupEndMicros, endMicros);
                Thread thread = new Thread(pacers[i], "bench-pacer-" + indexes[i]);
                thread.setDaemon(true);
                hotThreads.add(thread);
            }
            startTicker(startMicros);
            startFlusher();
            hotThreads.forEach(Thread::start);
            for (Thread thread : hotThreads) {
                thread.join();
            }
            for (Pacer pacer : pacers) {
                if (pacer.failure != null) {
                    throw new IllegalStateException("producer " + pacer.index + " failed: " + describe(pacer.failure),
                            pacer.failure);
                }
            }
            // Every message must be acknowledged (or failed) before the count is final.
            long sent = sum(p -> p.sent.get());
            long deadline = System.nanoTime() + ACK_TIMEOUT_NS;
            while (acknowledged() + failed() < sent && !stopped && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000);
            }
            long lastSendNanos = Long.MIN_VALUE;
            for (Pacer pacer : pacers) {
                lastSendNanos = Math.max(lastSendNanos, pacer.lastSendNanos);
            }
            if (flusher != null) {
                flusherStopped = true;
                LockSupport.unpark(flusher);
                flusher.join(10_000);
                if (flushFailure != null) {
                    throw new IllegalStateException("the delivery audit's records could not be written: "
                            + describe(flushFailure), flushFailure);
                }
            }
            flushLogs(); // the outcomes are on file before DONE reports them
            finalTick();
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("sent", sent);
            done.put("measured", sum(p -> p.measured.get()));
            done.put("acked", acknowledged());
            done.put("failed", failed());
            done.put("backpressured", sum(p -> p.backpressured.get()));
            done.put("lastSend", lastSendNanos == Long.MIN_VALUE ? 0 : WallClock.microsAt(lastSendNanos));
            for (Pacer pacer : pacers) {
                done.put(MEASURED_OF + pacer.index, pacer.measured.get());
            }
            return done;
        }

        private long acknowledged() {
            long total = 0;
            for (BenchProducer producer : producers) {
                total += producer.acknowledged();
            }
            return total;
        }

        private long failed() {
            long total = 0;
            for (BenchProducer producer : producers) {
                total += producer.failed();
            }
            return total;
        }

        private long sum(java.util.function.ToLongFunction<Pacer> field) {
            long total = 0;
            for (Pacer pacer : pacers) {
                if (pacer != null) {
                    total += field.applyAsLong(pacer);
                }
            }
            return total;
        }

        @Override
        void endInterval(Histogram measured) {
            for (Pacer pacer : pacers) {
                if (pacer != null) {
                    pacer.delays.swap();
                    measured.add(pacer.delays.interval(0));
                }
            }
        }

        @Override
        void addTickFields(Map<String, Object> fields) {
            fields.put("sent", sum(p -> p.sent.get()));
            fields.put("measured", sum(p -> p.measured.get()));
            fields.put("acked", acknowledged());
            fields.put("failed", failed());
            fields.put("backpressured", sum(p -> p.backpressured.get()));
            Map<String, Long> counters = new LinkedHashMap<>();
            for (BenchProducer producer : producers) {
                producer.addCounters(counters);
            }
            fields.putAll(counters);
        }

        @Override
        void addStages(Map<String, Histogram> into) {
            for (BenchProducer producer : producers) {
                if (producer != null) {
                    producer.addStages(into);
                }
            }
        }

        @Override
        void close() {
            for (BenchProducer producer : producers) {
                if (producer != null) {
                    try {
                        producer.close();
                    } catch (RuntimeException e) {
                        // Closing after the results are out: nothing left to report it to.
                    }
                }
            }
            // After the producers: what closing them settled is recorded too.
            for (AuditRecords.ProducerLog log : logs) {
                if (log != null) {
                    try {
                        log.close();
                    } catch (RuntimeException e) {
                        // As above.
                    }
                }
            }
        }

        /** One producer's sending loop. */
        private final class Pacer implements Runnable {
            final int index;
            final BenchProducer producer;
            final AuditRecords.ProducerLog log;
            final long startMicros;
            final long warmupEndMicros;
            final long endMicros;
            final AtomicLong sent = new AtomicLong();
            final AtomicLong measured = new AtomicLong();
            final AtomicLong backpressured = new AtomicLong();
            /** Sends per run of {@link #delays} at most, when the pacer has no wait to end it (falling behind). */
            static final long RUN_MASK = 1023;
            /** Publish delays of the measured sends. */
            final IntervalHistograms delays = new IntervalHistograms(1);
            volatile long lastSendNanos = Long.MIN_VALUE;
            volatile Throwable failure;

            Pacer(int index, BenchProducer producer, AuditRecords.ProducerLog log, long startMicros, long warmupEndMicros,
                    long endMicros) {
                this.index = index;
                this.producer = producer;
                this.log = log;
                this.startMicros = startMicros;
                this.warmupEndMicros = warmupEndMicros;
                this.endMicros = endMicros;
            }

            @Override
            public void run() {
                try {
                    pace();
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    delays.endRun(); // a run left open would hold every later tick
                    hotThreadFinished();
                }
            }

            private void pace() {
                int size = options.messageSize();
                byte[] value = new byte[size];
                new Random(index).nextBytes(value); // incompressible filler, like real payloads
                double intervalNanos = 1e9 / rate;
                long startNanos = WallClock.nanoTimeAt(startMicros);
                long durationNanos = (endMicros - startMicros) * 1_000;
                long first = 0;
                if (incarnation > 0) {
                    // A restart after a kill: continue with the messages due from now on. Those due while
                    // the worker was down are never sent, so sequence numbers stay unique and in send order.
                    double due = (System.nanoTime() - startNanos) / intervalNanos;
                    first = Math.max(0, (long) Math.ceil((due - index) / count));
                }
                if (log != null) {
                    log.begin(first);
                }
                for (long k = first; !stopped; k++) {
                    // Message k of this producer is message g of the run: producers interleave evenly.
                    long offsetNanos = (long) ((k * count + index) * intervalNanos);
                    if (offsetNanos >= durationNanos) {
                        break;
                    }
                    long intendedNanos = startNanos + offsetNanos;
                    long now = System.nanoTime();
                    if (now - intendedNanos < 0 || (k & RUN_MASK) == 0) {
                        delays.endRun(); // before any wait, and every so often when there is none (falling behind)
                    }
                    while (now - intendedNanos < 0) {
                        LockSupport.parkNanos(intendedNanos - now);
                        now = System.nanoTime();
                    }
                    long intendedMicros = startMicros + offsetNanos / 1_000;
                    Payload.write(value, intendedMicros, index, k);
                    while (!producer.offer(value, size, intendedMicros)) {
                        backpressured.lazySet(backpressured.get() + 1);
                        delays.endRun();
                        if (stopped) {
                            return;
                        }
                        LockSupport.parkNanos(50_000);
                    }
                    if (log != null) {
                        log.offered(k - first);
                    }
                    now = System.nanoTime();
                    if (intendedMicros >= warmupEndMicros) {
                        delays.record(0, HistogramCodec.clamp((now - intendedNanos) / 1_000));
                        measured.lazySet(measured.get() + 1);
                    }
                    sent.lazySet(sent.get() + 1);
                    lastSendNanos = now;
                }
            }
        }
    }

    /**
     * Consumers of {@code consumers} groups, each group expected to receive every message. With one
     * member per group (the default) every consumer reads every partition and knows when it is done;
     * with more, the members split the partitions and the coordinator says when their group is done
     * (the partitions they hold and have delivered through the end, reported in ticks, cover the topic).
     */
    private final class ConsumerRole extends Role {
        /** The slots this worker runs: {@code group * members + member}. */
        private final int[] slots;
        private final int count;
        private final int members;
        private final int producerCount;
        private final int partitions;
        /** A tick's measured deliveries by producer, summed over this worker's consumers. */
        private final Histogram[] byProducerInterval;
        /** A tick's deliveries, warm-up included. */
        private final Histogram allInterval = HistogramCodec.empty();
        private final BenchConsumer[] consumers;
        private final Sink[] sinks;
        private final long commitIntervalNs;
        private final long delayNs;
        private volatile long expected = -1;
        /** Where each partition ends, once the coordinator said (a run with kills); null before. */
        private volatile long[] end;
        private volatile long warmupEndMicros;

        ConsumerRole(Map<String, String> spec) {
            super(spec);
            this.members = Integer.parseInt(spec.getOrDefault(MEMBERS, "1"));
            int groups = Integer.parseInt(spec.get(CONSUMERS));
            this.slots = spec.containsKey(CONSUMER_SLOTS) ? indexes(spec.get(CONSUMER_SLOTS), groups * members)
                    : java.util.stream.IntStream.range(0, groups).map(j -> j * members).toArray();
            this.count = slots.length;
            this.producerCount = Integer.parseInt(spec.get(PRODUCERS));
            this.partitions = Integer.parseInt(spec.getOrDefault(PARTITIONS, "1"));
            this.byProducerInterval = new Histogram[producerCount];
            for (int i = 0; i < producerCount; i++) {
                byProducerInterval[i] = HistogramCodec.empty();
            }
            this.consumers = new BenchConsumer[count];
            this.sinks = new Sink[count];
            this.commitIntervalNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(spec.getOrDefault(COMMIT_INTERVAL_MS, "0")));
            this.delayNs = (long) (Double.parseDouble(spec.getOrDefault(CONSUMER_DELAY_MS, "0")) * 1e6);
        }

        @Override
        void open() throws Exception {
            for (int j = 0; j < count; j++) {
                int group = slots[j] / members;
                consumers[j] = members == 1 ? driver.newConsumer(connection, topic, options, group)
                        : driver.newGroupMember(connection, topic, options, group, slots[j] % members);
                sinks[j] = new Sink(producerCount, partitions, auditDir == null ? null
                        : new AuditRecords.ConsumerLog(AuditRecords.consumerFile(auditDir, slots[j], incarnation)));
            }
        }

        @Override
        void expect(long messages) {
            expected = messages;
        }

        @Override
        void expectEnd(long[] end) {
            this.end = end;
        }

        @Override
        Map<String, Object> run(long startMicros, long warmupEndMicros, long endMicros) throws Exception {
            this.warmupEndMicros = warmupEndMicros;
            CountDownLatch done = new CountDownLatch(count);
            for (int j = 0; j < count; j++) {
                int index = j;
                Thread thread = new Thread(() -> {
                    try {
                        consume(consumers[index], sinks[index]);
                    } catch (Throwable e) {
                        sinks[index].failure = e;
                    } finally {
                        sinks[index].latencies.endRun(); // a run left open would hold every later tick
                        hotThreadFinished();
                        done.countDown();
                    }
                }, "bench-consumer-" + j);
                thread.setDaemon(true);
                hotThreads.add(thread);
            }
            startTicker(startMicros);
            hotThreads.forEach(Thread::start);
            done.await();
            for (Sink sink : sinks) {
                if (sink.log != null) {
                    sink.log.close(); // the deliveries are on file before DONE reports them
                }
            }
            for (int j = 0; j < count; j++) {
                if (sinks[j].failure != null) {
                    throw new IllegalStateException("consumer " + j + " failed: " + describe(sinks[j].failure),
                            sinks[j].failure);
                }
            }
            finalTick();
            Map<String, Object> result = new LinkedHashMap<>();
            long target = expected;
            result.put("received", minReceived());
            result.put("deliveries", totalReceived());
            boolean allReached = true;
            for (Sink sink : sinks) {
                allReached &= sink.reachedEnd;
            }
            // A group member cannot tell: the coordinator judges its group from the members' ticks.
            result.put("caughtUp", members > 1 ? false : end != null ? allReached : target >= 0 && minReceived() >= target);
            result.put("commits", sum(s -> s.commits));
            result.put("commitFailures", sum(s -> s.commitFailures));
            result.put("gaps", sum(s -> s.gaps));
            result.put("duplicates", sum(s -> s.duplicates));
            result.put("foreign", sum(s -> s.foreign));
            return result;
        }

        private void consume(BenchConsumer consumer, Sink sink) {
            IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            // A slow consumer takes a poll's worth of time per poll: a small poll keeps it slow message by
            // message, as an application is, instead of taking a whole backlog at once and then sleeping
            // through a stop.
            int limit = delayNs > 0 ? (int) Math.max(1, Math.min(POLL_LIMIT, SLOW_POLL_NS / delayNs)) : POLL_LIMIT;
            long lastCommit = System.nanoTime();
            long lastHeldCheck = System.nanoTime() - HELD_CHECK_NS;
            while (!stopped) {
                long target = expected;
                if (members == 1 && target >= 0 && sink.received.get() >= target) {
                    return;
                }
                long[] endMark = end;
                if (members > 1) {
                    // A member runs until told to stop: leaving early would move its partitions to the others.
                    if (System.nanoTime() - lastHeldCheck >= HELD_CHECK_NS) {
                        sink.held = consumer.heldPartitions();
                        sink.reached = endMark == null ? 0 : consumer.reachedPartitions(endMark);
                        lastHeldCheck = System.nanoTime();
                    }
                } else if (endMark != null && consumer.reached(endMark)) {
                    sink.reachedEnd = true;
                    return;
                }
                int delivered = consumer.poll(sink, limit);
                sink.latencies.endRun();
                if (delivered > 0 && commitIntervalNs > 0 && System.nanoTime() - lastCommit >= commitIntervalNs) {
                    commit(consumer, sink);
                    lastCommit = System.nanoTime();
                }
                if (delivered > 0 && delayNs > 0) {
                    // The slow consumer of the backpressure scenario: its time per message, a poll's worth at once.
                    long until = System.nanoTime() + delivered * delayNs;
                    long left;
                    while ((left = until - System.nanoTime()) > 0 && !stopped) {
                        LockSupport.parkNanos(left);
                    }
                }
                idle.idle(delivered);
            }
        }

        /** Commits the position after everything delivered; a failed commit is counted and tried again later. */
        private void commit(BenchConsumer consumer, Sink sink) {
            if (sink.log != null) {
                sink.log.beforeCommit();
            }
            try {
                consumer.commitPosition();
            } catch (RuntimeException e) {
                sink.commitFailures++;
                return;
            }
            sink.commits++;
            if (sink.log != null) {
                sink.log.committed();
            }
        }

        private long minReceived() {
            long min = Long.MAX_VALUE;
            for (Sink sink : sinks) {
                min = Math.min(min, sink.received.get());
            }
            return min;
        }

        private long totalReceived() {
            return sum(s -> s.received.get());
        }

        private long sum(java.util.function.ToLongFunction<Sink> field) {
            long total = 0;
            for (Sink sink : sinks) {
                total += field.applyAsLong(sink);
            }
            return total;
        }

        @Override
        void endInterval(Histogram measured) {
            allInterval.reset();
            for (Histogram byProducer : byProducerInterval) {
                byProducer.reset();
            }
            for (Sink sink : sinks) {
                if (sink == null) {
                    continue;
                }
                sink.latencies.swap();
                allInterval.add(sink.latencies.interval(Sink.WARMUP));
                measured.add(sink.latencies.interval(Sink.OTHER_PRODUCER));
                for (int i = 0; i < producerCount; i++) {
                    Histogram ofProducer = sink.latencies.interval(Sink.FIRST_PRODUCER + i);
                    byProducerInterval[i].add(ofProducer);
                    measured.add(ofProducer);
                }
            }
            allInterval.add(measured);
        }

        @Override
        void addTickFields(Map<String, Object> fields) {
            long lastIntended = Long.MAX_VALUE;
            for (Sink sink : sinks) {
                lastIntended = Math.min(lastIntended, sink.lastIntendedMicros.get());
            }
            fields.put("received", minReceived());
            fields.put("deliveries", totalReceived());
            fields.put("measured", sum(s -> s.measured.get()));
            fields.put("lastIntended", lastIntended);
            fields.put("gaps", sum(s -> s.gaps));
            fields.put("duplicates", sum(s -> s.duplicates));
            fields.put("commits", sum(s -> s.commits));
            fields.put("commitFailures", sum(s -> s.commitFailures));
            fields.put(HIST_ALL, HistogramCodec.encode(allInterval));
            for (int i = 0; i < producerCount; i++) {
                if (byProducerInterval[i].getTotalCount() > 0) {
                    fields.put(HIST_OF + i, HistogramCodec.encode(byProducerInterval[i]));
                }
            }
            if (members > 1) {
                for (int j = 0; j < count; j++) {
                    fields.put(HELD_OF + slots[j], sinks[j].held);
                    fields.put(REACHED_OF + slots[j], sinks[j].reached);
                }
            }
            Map<String, Long> counters = new LinkedHashMap<>();
            for (BenchConsumer consumer : consumers) {
                consumer.addCounters(counters);
            }
            fields.putAll(counters);
        }

        @Override
        void addStages(Map<String, Histogram> into) {
            for (BenchConsumer consumer : consumers) {
                if (consumer != null) {
                    consumer.addStages(into);
                }
            }
        }

        @Override
        void close() {
            for (BenchConsumer consumer : consumers) {
                if (consumer != null) {
                    try {
                        consumer.close();
                    } catch (RuntimeException e) {
                        // Closing after the results are out: nothing left to report it to.
                    }
                }
            }
            for (Sink sink : sinks) {
                if (sink != null && sink.log != null) {
                    try {
                        sink.log.close();
                    } catch (RuntimeException e) {
                        // As above.
                    }
                }
            }
        }

        /**
         * One consumer's bookkeeping; written by its polling thread only. A producer's messages come
         * in its order within each partition, and its messages in different partitions in any order
         * between them: a message at or below the last one of its producer in its partition is a
         * duplicate (or out of order), and the messages of a producer below its highest one delivered
         * and not delivered yet are the gaps, which its other partitions may still fill.
         */
        private final class Sink implements MessageSink {
            /** Slots of {@link #latencies}: deliveries sent in the warm-up, measured ones of no known producer, of producer 0. */
            static final int WARMUP = 0;
            static final int OTHER_PRODUCER = 1;
            static final int FIRST_PRODUCER = 2;
            final AtomicLong received = new AtomicLong();
            /** Recorded by this sink's consumer thread alone. */
            final IntervalHistograms latencies;
            final AtomicLong measured = new AtomicLong();
            /** By producer and partition, the last sequence delivered; -1 before the first. */
            final long[][] lastSequence;
            /** By producer, the highest sequence delivered from any partition; -1 before the first. */
            final long[] highestSequence;
            final AuditRecords.ConsumerLog log;
            /** Written per message, read per tick: an ordered store, without a volatile store's fence. */
            final AtomicLong lastIntendedMicros = new AtomicLong();
            volatile long gaps;
            volatile long duplicates;
            volatile long foreign;
            volatile long commits;
            volatile long commitFailures;
            volatile boolean reachedEnd;
            /** A group member's partitions, and those of them delivered through the end: bit p for partition p. */
            volatile long held;
            volatile long reached;
            volatile Throwable failure;

            Sink(int producers, int partitions, AuditRecords.ConsumerLog log) {
                this.lastSequence = new long[producers][partitions];
                for (long[] byPartition : lastSequence) {
                    java.util.Arrays.fill(byPartition, -1);
                }
                this.highestSequence = new long[producers];
                java.util.Arrays.fill(highestSequence, -1);
                this.latencies = new IntervalHistograms(FIRST_PRODUCER + producers);
                this.log = log;
            }

            @Override
            public void onMessage(int partition, long intendedMicros, int producerIndex, long sequence) {
                long now = WallClock.nowMicros();
                if (log != null) {
                    log.delivered(partition, producerIndex, sequence);
                }
                received.lazySet(received.get() + 1);
                long latency = HistogramCodec.clamp(now - intendedMicros);
                if (intendedMicros >= warmupEndMicros) {
                    latencies.record(producerIndex >= 0 && producerIndex < highestSequence.length
                            ? FIRST_PRODUCER + producerIndex : OTHER_PRODUCER, latency);
                    measured.lazySet(measured.get() + 1);
                } else {
                    latencies.record(WARMUP, latency);
                }
                if (intendedMicros > lastIntendedMicros.get()) {
                    lastIntendedMicros.lazySet(intendedMicros);
                }
                if (producerIndex < 0 || producerIndex >= lastSequence.length || partition < 0
                        || partition >= lastSequence[producerIndex].length) {
                    foreign++;
                    return;
                }
                long[] last = lastSequence[producerIndex];
                if (sequence <= last[partition]) {
                    duplicates++;
                    return;
                }
                last[partition] = sequence;
                long highest = highestSequence[producerIndex];
                if (sequence > highest) {
                    gaps += sequence - highest - 1;
                    highestSequence[producerIndex] = sequence;
                } else {
                    gaps--; // new in its partition, so new at all (a message is in one partition): a gap filled
                }
            }
        }
    }
}
