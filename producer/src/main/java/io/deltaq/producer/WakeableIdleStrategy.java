package io.deltaq.producer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/**
 * Spins briefly, yields, then parks with exponential backoff up to a maximum, and can be woken:
 * {@link #wake()} unparks the agent thread when it may be parked, so new work (a send, a storage
 * completion) is picked up at once instead of after the park period. On a machine with few cores
 * a spinning thread steals the time the I/O threads need, so the spin phase is short.
 *
 * <p>A wake-up can be missed in a narrow race (the sender checks just before the agent parks);
 * the maximum park bounds that delay.
 */
final class WakeableIdleStrategy implements IdleStrategy {

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

    private final long maxParkNs;
    private volatile Thread thread;
    private volatile boolean parked;
    private int spins;
    private int yields;
    private long parkNs = MIN_PARK_NS;

    WakeableIdleStrategy(long maxParkNs) {
        this.maxParkNs = maxParkNs;
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
            parked = true;
            LockSupport.parkNanos(parkNs);
            parked = false;
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNs = MIN_PARK_NS;
    }

    @Override
    public String alias() {
        return "wakeable-backoff";
    }
}
