package io.deltaq.s3io;

import io.deltaq.s3io.StoreMetrics.Operation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A store that injects faults into the calls of another: errors by status and operation, writes that
 * land but whose answer is lost, connection resets, delays. Decisions come from one seeded random
 * source, so a run with the same seed and the same calls injects the same faults.
 *
 * <p>It sits above the wrapped store's own retries: an injected error is what the store reports once
 * its retries are spent, and a lost response is the unknown outcome a store reports when an attempt
 * may have landed. Opened from configuration only through an explicit {@code fault.spec} (see
 * {@link ObjectStores}); never on by default.
 */
public final class FaultInjectingStore extends ForwardingObjectStore {

    /** What a rule does to a call it hits. */
    public enum Kind {
        /** Fail with the error a store reports for an HTTP status; nothing is written. */
        ERROR,
        /** Make the call, then lose its answer: a write lands, the caller learns nothing certain. */
        LOST_RESPONSE,
        /** Lose the request before it reaches storage: nothing is written, the caller learns nothing certain. */
        LOST_REQUEST,
        /** The connection breaks mid-request: a write may or may not land (seeded coin), the answer is lost. */
        RESET,
        /** Make the call after a delay. */
        DELAY,
        /** Make the call once a gate completes; a gate that never completes is a hung connection. */
        HOLD,
        /**
         * Lose the answer at once, and make the call later (after a delay, or once a gate completes):
         * a request that lands after its caller gave up on it, sending the buffer as it is then.
         */
        LATE
    }

    /** One fault: its kind and, where the kind needs it, a status, a delay or a gate. */
    public record Fault(Kind kind, int status, Duration delay, CompletableFuture<?> gate) {

        public static Fault error(int status) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("an injected error needs an HTTP status in [400, 599], was " + status);
            }
            return new Fault(Kind.ERROR, status, Duration.ZERO, null);
        }

        public static Fault lostResponse() {
            return new Fault(Kind.LOST_RESPONSE, 0, Duration.ZERO, null);
        }

        public static Fault lostRequest() {
            return new Fault(Kind.LOST_REQUEST, 0, Duration.ZERO, null);
        }

        public static Fault reset() {
            return new Fault(Kind.RESET, 0, Duration.ZERO, null);
        }

        public static Fault delay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("an injected delay must not be negative, was " + delay);
            }
            return new Fault(Kind.DELAY, 0, delay, null);
        }

        /** Holds calls until {@code gate} completes; a gate never completed hangs them. */
        public static Fault hold(CompletableFuture<?> gate) {
            return new Fault(Kind.HOLD, 0, Duration.ZERO, gate);
        }

        /** Answers at once with a lost answer, and makes the call after {@code delay}. */
        public static Fault late(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("an injected late landing's delay must not be negative, was " + delay);
            }
            return new Fault(Kind.LATE, 0, delay, null);
        }

        /** Answers at once with a lost answer, and makes the call once {@code gate} completes. */
        public static Fault lateAfter(CompletableFuture<?> gate) {
            return new Fault(Kind.LATE, 0, Duration.ZERO, gate);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case ERROR -> "error=" + status;
                case LOST_RESPONSE -> "lost-response";
                case LOST_REQUEST -> "lost-request";
                case RESET -> "reset";
                case DELAY -> "delay=" + delay.toMillis();
                case HOLD -> "hold";
                case LATE -> "late=" + delay.toMillis();
            };
        }
    }

    /**
     * Which calls a fault hits.
     *
     * @param operations the operations it applies to
     * @param keys the keys (for {@code list}, prefixes) it applies to
     * @param fault what happens
     * @param probability the chance that a matching call is hit, in [0, 1]
     * @param times how many calls it hits at most; -1 for no limit
     */
    public record Rule(Set<Operation> operations, Predicate<String> keys, Fault fault, double probability, int times) {

        public Rule {
            operations = Set.copyOf(operations);
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("a fault's probability must be in [0, 1], was " + probability);
            }
        }

        /** Hits every matching call with probability {@code probability}. */
        public static Rule always(Set<Operation> operations, Fault fault, double probability) {
            return new Rule(operations, key -> true, fault, probability, -1);
        }

        /** Hits the next {@code times} calls of {@code operation} on keys matching {@code keys}. */
        public static Rule next(int times, Operation operation, Predicate<String> keys, Fault fault) {
            return new Rule(EnumSet.of(operation), keys, fault, 1.0, times);
        }
    }

    /** How a spec names the operations: {@code put-if-absent}, {@code put}, {@code get}, {@code get-range}, {@code list}, {@code delete}. */
    private static String specName(Operation op) {
        return op.label();
    }

    /**
     * Parses a fault spec: comma-separated {@code OPERATIONS:FAULT:PROBABILITY} rules, where OPERATIONS
     * is {@code *} or operation names joined by {@code +} ({@code put-if-absent}, {@code put},
     * {@code get}, {@code get-range}, {@code list}, {@code delete}), FAULT is {@code error=STATUS},
     * {@code lost-response}, {@code lost-request}, {@code reset}, {@code delay=MILLIS} or {@code late=MILLIS} (the
     * answer is lost at once and the call is made MILLIS later), and PROBABILITY is in [0, 1]. For
     * example {@code put-if-absent:lost-response:0.01,get+list:error=503:0.02,*:delay=20:0.05}.
     *
     * @throws IllegalArgumentException naming the rule and what is wrong with it
     */
    public static List<Rule> parseSpec(String spec) {
        List<Rule> rules = new ArrayList<>();
        for (String text : spec.split(",")) {
            String rule = text.trim();
            if (rule.isEmpty()) {
                continue;
            }
            String[] parts = rule.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("fault rule '" + rule + "' is not OPERATIONS:FAULT:PROBABILITY");
            }
            Set<Operation> operations = EnumSet.noneOf(Operation.class);
            for (String name : parts[0].trim().split("\\+")) {
                if (name.equals("*")) {
                    operations.addAll(EnumSet.allOf(Operation.class));
                    continue;
                }
                Operation op = null;
                for (Operation candidate : Operation.values()) {
                    if (specName(candidate).equals(name)) {
                        op = candidate;
                    }
                }
                if (op == null) {
                    throw new IllegalArgumentException("fault rule '" + rule + "': unknown operation '" + name
                            + "' (use *, put-if-absent, put, get, get-range, list, delete)");
                }
                operations.add(op);
            }
            String faultText = parts[1].trim();
            Fault fault;
            try {
                if (faultText.startsWith("error=")) {
                    fault = Fault.error(Integer.parseInt(faultText.substring("error=".length())));
                } else if (faultText.startsWith("delay=")) {
                    fault = Fault.delay(Duration.ofMillis(Long.parseLong(faultText.substring("delay=".length()))));
                } else if (faultText.startsWith("late=")) {
                    fault = Fault.late(Duration.ofMillis(Long.parseLong(faultText.substring("late=".length()))));
                } else if (faultText.equals("lost-response")) {
                    fault = Fault.lostResponse();
                } else if (faultText.equals("lost-request")) {
                    fault = Fault.lostRequest();
                } else if (faultText.equals("reset")) {
                    fault = Fault.reset();
                } else {
                    throw new IllegalArgumentException("unknown fault (use error=STATUS, lost-response, lost-request, reset, delay=MILLIS, late=MILLIS)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fault rule '" + rule + "': " + e.getMessage(), e);
            }
            double probability;
            try {
                probability = Double.parseDouble(parts[2].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fault rule '" + rule + "': probability '" + parts[2] + "' is not a number", e);
            }
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("fault rule '" + rule + "': probability must be in [0, 1]");
            }
            rules.add(Rule.always(operations, fault, probability));
        }
        return rules;
    }

    private static final Executor NO_DELAY = Runnable::run;

    private final List<ArmedRule> rules = new CopyOnWriteArrayList<>();
    private final SplittableRandom random;
    private final Map<Kind, AtomicLong> injected = new EnumMap<>(Kind.class);
    private final List<CompletableFuture<?>> lateCalls = new CopyOnWriteArrayList<>();

    public FaultInjectingStore(ObjectStore delegate, long seed, List<Rule> rules) {
        super(delegate);
        this.random = new SplittableRandom(seed);
        for (Kind kind : Kind.values()) {
            injected.put(kind, new AtomicLong());
        }
        rules.forEach(this::inject);
    }

    public FaultInjectingStore(ObjectStore delegate) {
        this(delegate, 0, List.of());
    }

    /** Adds a rule; rules are tried in the order they were added, and the first that fires wins. */
    public FaultInjectingStore inject(Rule rule) {
        rules.add(new ArmedRule(rule));
        return this;
    }

    /** Hits the next call of {@code op} on a key matching {@code keys} with {@code fault}; returns the rule. */
    public Rule failNext(Operation op, Predicate<String> keys, Fault fault) {
        Rule rule = Rule.next(1, op, keys, fault);
        inject(rule);
        return rule;
    }

    /** Hits every call of {@code op} on a key matching {@code keys} with {@code fault} until removed; returns the rule. */
    public Rule fail(Operation op, Predicate<String> keys, Fault fault) {
        Rule rule = new Rule(EnumSet.of(op), keys, fault, 1.0, -1);
        inject(rule);
        return rule;
    }

    /**
     * Hits every call of {@code operations} on a key matching {@code keys} with {@code fault} for
     * {@code duration} from now (a burst of throttling, an outage); returns the rule, which then
     * stays, hitting nothing.
     */
    public Rule failFor(Set<Operation> operations, Predicate<String> keys, Fault fault, Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        Rule rule = new Rule(operations, key -> System.nanoTime() - until < 0 && keys.test(key), fault, 1.0, -1);
        inject(rule);
        return rule;
    }

    /** Removes a rule added before; calls it would have hit go through from now on. */
    public void remove(Rule rule) {
        rules.removeIf(armed -> armed.rule == rule);
    }

    /** Removes every rule. */
    public void clear() {
        rules.clear();
    }

    /**
     * Completes once every late call injected so far ({@link Kind#LATE}) has been made and answered,
     * whatever the answer: when it does, whatever they wrote is in the store.
     */
    public CompletableFuture<Void> lateCallsDone() {
        return CompletableFuture.allOf(lateCalls.stream()
                .map(f -> f.handle((ignored, failure) -> null))
                .toArray(CompletableFuture[]::new));
    }

    /** Faults injected so far, by kind. */
    public Map<Kind, Long> injected() {
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        injected.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
        return apply(Operation.PUT_IF_ABSENT, key, true, () -> delegate.putIfAbsent(key, data));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return apply(Operation.PUT, key, true, () -> delegate.put(key, data));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        return apply(Operation.GET, key, false, () -> delegate.get(key));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        return apply(Operation.GET, key, false, () -> delegate.get(key, maxBytes));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getRange(String key, long offset, int length) {
        return apply(Operation.GET_RANGE, key, false, () -> delegate.getRange(key, offset, length));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        return apply(Operation.LIST, prefix, false, () -> delegate.list(prefix, startAfter, maxKeys));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return apply(Operation.DELETE, key, true, () -> delegate.delete(key));
    }

    private <T> CompletableFuture<T> apply(Operation op, String key, boolean write, Supplier<CompletableFuture<T>> call) {
        Fault fault = draw(op, key);
        if (fault == null) {
            return call.get();
        }
        injected.get(fault.kind()).incrementAndGet();
        String what = StoreErrors.request(op, key, location());
        return switch (fault.kind()) {
            case ERROR -> CompletableFuture.failedFuture(StoreErrors.forStatus(what, fault.status(), "injected"));
            case LOST_RESPONSE -> call.get().handle((result, failure) -> {
                throw lost(op, key, what, "the answer was lost (injected)");
            });
            case LOST_REQUEST -> CompletableFuture.failedFuture(lost(op, key, what, "the request was lost (injected)"));
            case RESET -> {
                boolean landed;
                synchronized (random) {
                    landed = write && random.nextBoolean();
                }
                String message = "connection reset (injected)";
                yield landed
                        ? call.get().handle((result, failure) -> {
                            throw lost(op, key, what, message);
                        })
                        : CompletableFuture.failedFuture(lost(op, key, what, message));
            }
            case DELAY -> CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(fault.delay().toNanos(), TimeUnit.NANOSECONDS, NO_DELAY))
                    .thenCompose(ignored -> call.get());
            case HOLD -> fault.gate().handle((ignored, failure) -> null).thenCompose(ignored -> call.get());
            case LATE -> {
                CompletableFuture<?> when = fault.gate() != null ? fault.gate() : CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(fault.delay().toNanos(), TimeUnit.NANOSECONDS, NO_DELAY));
                lateCalls.add(when.handle((ignored, failure) -> null).thenCompose(ignored -> call.get()));
                yield CompletableFuture.failedFuture(lost(op, key, what, "the answer was lost; the request lands later (injected)"));
            }
        };
    }

    /** The fault for this call, or null; one draw per rule that matches, under one lock, so runs repeat. */
    private Fault draw(Operation op, String key) {
        if (rules.isEmpty()) {
            return null;
        }
        synchronized (random) {
            for (ArmedRule armed : rules) {
                Rule rule = armed.rule;
                if (!rule.operations().contains(op) || !rule.keys().test(key)) {
                    continue;
                }
                if (rule.probability() < 1.0 && random.nextDouble() >= rule.probability()) {
                    continue;
                }
                if (rule.times() >= 0 && armed.used.getAndIncrement() >= rule.times()) {
                    continue;
                }
                return rule.fault();
            }
        }
        return null;
    }

    /** A lost answer: for a conditional create the outcome is unknown; for anything else the store failed. */
    private static ObjectStoreException lost(Operation op, String key, String request, String why) {
        return op == Operation.PUT_IF_ABSENT
                ? StoreErrors.ambiguous(key, request, why, null)
                : StoreErrors.unavailable(request, why, null);
    }

    private static final class ArmedRule {
        final Rule rule;
        final AtomicInteger used = new AtomicInteger();

        ArmedRule(Rule rule) {
            this.rule = rule;
        }
    }
}
