package io.deltaq.consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ConditionalCreate;
import io.deltaq.s3io.CreateOutcome;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed positions of one named consumer of one table, stored next to the table's log.
 *
 * <p>Layout: {@code <table root>/_deltaq/consumers/<name>/<generation, 20 digits>.json}, each a small
 * JSON object {@code {"consumer", "generation", "version", "index", "offset", "tableId", "instance",
 * "committedAt"}}. {@code _deltaq/} is outside {@code _delta_log/}, so Delta readers never see it.
 *
 * <p>The files form an append-only sequence: a commit creates generation {@code g + 1} with
 * put-if-absent, where {@code g} is the newest generation this instance knows (read when it started,
 * then its own). Losing that race, or finding a generation newer than the one just written (an
 * instance that started after old generations were deleted could otherwise re-create one), means
 * another instance with the same name is live: this instance is fenced and every later commit fails
 * with {@link ConsumerFencedException}. Each file carries its writer's instance id, so a generation
 * this instance wrote without learning so (its answer was lost, its read-back or its listing failed)
 * is recognised as its own by the next commit, which goes on after it instead of fencing itself.
 * The newest generation is found with paginated
 * {@code list(startAfter)}; after each commit, generations older than the newest {@value #KEEP} are
 * deleted, so the listing stays a page long.
 *
 * <p>{@link #load} runs once, on the tailer thread, before the start position is published;
 * {@link #commit} runs on the application thread after that. The fields they share are volatile.
 */
final class CommittedPositions {

    private static final Logger LOG = LoggerFactory.getLogger(CommittedPositions.class);

    static final String DIR = "_deltaq/consumers/";
    /** Generations kept after a commit: the newest and a few before it, for inspection. */
    static final int KEEP = 3;
    private static final int GENERATION_DIGITS = 20;
    private static final String SUFFIX = ".json";
    private static final int LIST_PAGE = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    /** One stored position. */
    record Committed(long generation, Position position, String tableId, String instance, String committedAt) {
    }

    private final ObjectStore store;
    /** How a position write whose attempts left nothing at the key is tried again. */
    private final RetryPolicy retry;
    /** How the reads (listings, the newest generation) outlast faults that pass, within each call's deadline. */
    private final ReadRetry reads;
    private final String prefix;
    private final String name;
    private final String table;
    private final String instanceId = UUID.randomUUID().toString();

    private volatile long generation = -1;
    private volatile boolean loaded;
    private volatile Committed latest;
    private volatile ConsumerFencedException fenced;

    /**
     * @param tableRoot the table's key prefix in {@code store}: empty or ending in {@code /}
     * @param table the table's location, for messages
     */
    CommittedPositions(ObjectStore store, String tableRoot, String name, String table, RetryPolicy retry,
                       ReadRetry reads) {
        this.store = store;
        this.retry = retry;
        this.reads = reads;
        this.prefix = tableRoot + DIR + name + "/";
        this.name = name;
        this.table = table;
    }

    String name() {
        return name;
    }

    boolean loaded() {
        return loaded;
    }

    /** The newest position loaded or committed by this instance. */
    Optional<Committed> latest() {
        return Optional.ofNullable(latest);
    }

    String keyOf(long gen) {
        StringBuilder sb = new StringBuilder(prefix.length() + GENERATION_DIGITS + SUFFIX.length()).append(prefix);
        String digits = Long.toString(gen);
        for (int i = digits.length(); i < GENERATION_DIGITS; i++) {
            sb.append('0');
        }
        return sb.append(digits).append(SUFFIX).toString();
    }

    /** The generation a key names, or -1 if it is not a generation file of this consumer. */
    long generationOf(String key) {
        if (!key.startsWith(prefix) || key.length() != prefix.length() + GENERATION_DIGITS + SUFFIX.length()
                || !key.endsWith(SUFFIX)) {
            return -1;
        }
        long g = 0;
        for (int i = prefix.length(); i < prefix.length() + GENERATION_DIGITS; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            g = g * 10 + (c - '0');
        }
        return g;
    }

    /**
     * Finds the newest generation and reads it. Remembers the generation for fencing, so it must run
     * when the instance starts, before it could act on the position.
     */
    Optional<Committed> load(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (int attempt = 0; ; attempt++) {
            List<Long> generations = listGenerations(null, deadline);
            if (generations.isEmpty()) {
                generation = -1;
                latest = null;
                loaded = true;
                return Optional.empty();
            }
            long newest = generations.get(generations.size() - 1);
            String key = keyOf(newest);
            Optional<byte[]> data = join(reads.read(() -> store.get(key)), deadline, "reading " + key);
            if (data.isEmpty()) {
                if (attempt < 3) {
                    continue; // deleted between the listing and the read: a newer one exists, list again
                }
                throw ConsumerErrors.positionVanished(table, keyOf(newest), name);
            }
            Committed c = parse(data.get(), keyOf(newest));
            generation = newest;
            latest = c;
            loaded = true;
            deleteOlderThan(generations, KEEP);
            return Optional.of(c);
        }
    }

    /**
     * Stores {@code position} as the next generation.
     *
     * @throws ConsumerFencedException if another instance of this name committed since this one started
     */
    Committed commit(Position position, String tableId, long timeoutMs) {
        ConsumerFencedException f = fenced;
        if (f != null) {
            throw f;
        }
        if (!loaded) {
            throw new IllegalStateException("committed positions of '" + name + "' not loaded yet");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String committedAt = Instant.now().toString();
        while (true) {
            long g = generation + 1;
            String key = keyOf(g);
            Committed c = new Committed(g, position, tableId, instanceId, committedAt);
            byte[] bytes = toJson(c);
            // An attempt unanswered within the time left is settled by reading the key back, like a lost answer.
            ConditionalCreate creates = new ConditionalCreate(store, retry,
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            CreateOutcome outcome = join(creates.create(key, bytes), deadline, "writing " + key);
            switch (outcome.kind()) {
                case TAKEN -> {
                    if (writtenByThisInstance(outcome.existing(), key)) {
                        // An earlier commit of this instance landed here without learning so (its answer
                        // was lost and its read-back failed, or it timed out): this instance's own
                        // generation, whatever position and time it holds. Go on after it; a rival's
                        // newer generation would take that key first, and fence this instance there.
                        generation = g;
                        continue;
                    }
                    throw fence(key, g, outcome.existing());
                }
                case UNKNOWN -> throw ConsumerErrors.positionNotStored(table, name, key, outcome.attempts(),
                        outcome.cause());
                case CREATED -> {
                    // ours, possibly through an earlier attempt whose answer was lost
                }
            }
            // A key that existed and then vanished was created again above; a listing of the generations
            // after it still finds the instance that deleted it (RFC 0004).
            List<Long> newer;
            try {
                newer = listGenerations(key, deadline);
            } catch (RuntimeException e) {
                generation = g; // written, by this instance: the next commit goes after it
                throw e;
            }
            if (!newer.isEmpty()) {
                throw fence(keyOf(newer.get(newer.size() - 1)), newer.get(newer.size() - 1), null);
            }
            generation = g;
            latest = c;
            if (g >= KEEP) {
                store.delete(keyOf(g - KEEP)); // best effort; a later load deletes leftovers
            }
            return c;
        }
    }

    /** Whether a generation's bytes carry this instance's id: identity, not byte equality, since each commit stamps its time. */
    private boolean writtenByThisInstance(byte[] existing, String key) {
        try {
            return instanceId.equals(parse(existing, key).instance());
        } catch (ConsumerException unreadable) {
            return false;
        }
    }

    private ConsumerFencedException fence(String key, long gen, byte[] winner) {
        String by = "";
        if (winner != null) {
            try {
                Committed w = parse(winner, key);
                by = " by instance " + w.instance() + " at " + w.committedAt() + " (position " + w.position() + ")";
            } catch (RuntimeException ignored) {
                by = " by another writer";
            }
        }
        ConsumerFencedException e = ConsumerErrors.fenced(table, name, gen, key, by, generation);
        LOG.warn("{}", e.getMessage());
        fenced = e;
        return e;
    }

    /** Generations after {@code startAfter} (null: all), ascending, across pages. */
    private List<Long> listGenerations(String startAfter, long deadline) {
        List<Long> out = new ArrayList<>();
        join(reads.read(() -> {
            out.clear(); // a retried listing starts over
            return Listing.forEach(store, prefix, startAfter, LIST_PAGE, info -> {
                long g = generationOf(info.key());
                if (g >= 0) {
                    out.add(g);
                }
                return true;
            });
        }), deadline, "listing " + prefix);
        return out;
    }

    private void deleteOlderThan(List<Long> ascending, int keep) {
        for (int i = 0; i < ascending.size() - keep; i++) {
            store.delete(keyOf(ascending.get(i))); // best effort
        }
    }

    private byte[] toJson(Committed c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("consumer", name);
            g.writeNumberField("generation", c.generation());
            g.writeNumberField("version", c.position().version());
            g.writeNumberField("index", c.position().index());
            g.writeNumberField("offset", c.position().toOffset());
            if (c.tableId() != null) {
                g.writeStringField("tableId", c.tableId());
            }
            g.writeStringField("instance", c.instance());
            g.writeStringField("committedAt", c.committedAt());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private Committed parse(byte[] data, String key) {
        long gen = -1;
        long version = -1;
        long index = -1;
        String tableId = null;
        String instance = null;
        String committedAt = null;
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "generation" -> gen = p.getLongValue();
                    case "version" -> version = p.getLongValue();
                    case "index" -> index = p.getLongValue();
                    case "tableId" -> tableId = p.getValueAsString();
                    case "instance" -> instance = p.getValueAsString();
                    case "committedAt" -> committedAt = p.getValueAsString();
                    default -> {
                        if (t.isStructStart()) {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw ConsumerErrors.positionNotJson(table, key, e);
        }
        if (version < 0 || index < 0 || index > Position.MAX_INDEX || version > Position.MAX_VERSION) {
            throw ConsumerErrors.positionInvalid(table, key, version, index);
        }
        return new Committed(gen, new Position(version, (int) index), tableId, instance, committedAt);
    }

    private <T> T join(CompletableFuture<T> future, long deadlineNs, String what) {
        return Futures.awaitUntil(future, deadlineNs, cause -> {
            if (cause instanceof TimeoutException) {
                return ConsumerErrors.positionsTimedOut(table, what, cause);
            }
            if (cause instanceof InterruptedException) {
                return ConsumerErrors.positionsInterrupted(table, what, cause);
            }
            return ConsumerErrors.positionsFailed(table, what, cause);
        });
    }
}
