package io.deltaq.producer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/*
 * Every send reads wakeOnSend, and the agent writes its own fields (spins, parkNs, parked) on every
 * idle call: on one cache line, each send would miss the cache behind each idle call. The padding
 * classes keep the flag on a line of its own, as Agrona pads a ring's positions. Bytes, not longs,
 * leave no gap for the JVM to fill with a subclass's field.
 */
abstract class WakeOnSendLhsPadding {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
}

abstract class WakeOnSendFlag extends WakeOnSendLhsPadding {
    /** Whether a send should wake the agent: the only field senders read on every send. */
    volatile boolean wakeOnSend = true;
}

abstract class WakeOnSendRhsPadding extends WakeOnSendFlag {
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
}

/**
 * Spins briefly, yields, then parks with exponential backoff up to a maximum, and can be woken:
 * {@link #wake()} unparks the agent thread when it may be parked, so new work (a storage
 * completion, a flush) is picked up at once instead of after the park period. On a machine with
 * few cores a spinning thread steals the time the I/O threads need, so the spin phase is short.
 *
 * <p>A send wakes the agent only when the agent said a message would give it work at once
 * ({@link #wakeOnSend(boolean)}): as Kafka's producer wakes its sender only for a new or a full
 * batch. While a batch lingers the agent parks until its linger ends ({@link #parkUntil(long)}).
 * Waking it for every send only to copy a few messages cost an unpark per pacing burst: 31,105 in
 * five seconds of 10,000 msg/s and 22,452 at 2M msg/s, against 1,486 and 904 now.
 *
 * <p>A wake-up can be missed in a narrow race (the sender checks just before the agent parks);
 * the maximum park bounds that delay.
 */
final class WakeableIdleStrategy extends WakeOnSendRhsPadding implements IdleStrategy {

    private static final int MAX_SPINS = 20;
    private static final int MAX_YIELDS = 5;
    private static final long MIN_PARK_NS = 1_000;
    private static final VarHandle PARKED;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(WakeableIdleStrategy.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long minParkNs;
    private final long maxParkNs;
    private volatile Thread thread;
    private volatile boolean parked;
    /** The agent's next deadline ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}: parks end there. */
    private long deadlineNs = Long.MAX_VALUE;
    private int spins;
    private int yields;
    private long parkNs;

    WakeableIdleStrategy(long maxParkNs) {
        this(Math.min(MIN_PARK_NS, maxParkNs), maxParkNs);
    }

    /** Parks of {@code minParkNs} at first, doubling up to {@code maxParkNs}. */
    WakeableIdleStrategy(long minParkNs, long maxParkNs) {
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.parkNs = minParkNs;
    }

    /**
     * Unparks the agent if it is parked or about to park. Safe from any thread. Only the first caller
     * per park pays for the unpark: at a million sends a second, every send of a burst that meets the
     * parked agent used to make the system call (8% of the producer JVM's samples at 1M msg/s).
     */
    void wake() {
        if (parked && PARKED.compareAndSet(this, true, false)) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** From a sender, after its message is in the ring: wakes the agent if it asked to hear of sends. */
    void onSend() {
        if (wakeOnSend) {
            wake();
        }
    }

    /**
     * Agent thread: whether a send should wake it (a message would give it work at once) or can
     * wait for its next deadline or storage completion. Written only when it changes.
     */
    void wakeOnSend(boolean wake) {
        if (wakeOnSend != wake) {
            wakeOnSend = wake;
        }
    }

    /** Agent thread: no park lasts past {@code deadlineNs} ({@link Long#MAX_VALUE} for none). */
    void parkUntil(long deadlineNs) {
        this.deadlineNs = deadlineNs;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (spins < MAX_SPINS) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < MAX_YIELDS) {
            yields++;
            Thread.yield();
        } else {
            if (thread == null) {
                thread = Thread.currentThread();
            }
            long parkFor = parkNs;
            if (deadlineNs != Long.MAX_VALUE) {
                long untilDeadline = deadlineNs - System.nanoTime();
                if (untilDeadline <= 0) {
                    return;
                }
                parkFor = Math.min(parkFor, untilDeadline);
            }
            parked = true;
            LockSupport.parkNanos(parkFor);
            parked = false;
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNs = minParkNs;
    }

    @Override
    public String alias() {
        return "wakeable-backoff";
    }
}
