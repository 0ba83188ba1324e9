package io.deltaq.s3io;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** Waiting for a client's own thread to end, the one way every module does it. */
public final class Threads {

    private Threads() {
    }

    /**
     * Waits until {@code thread} has ended or {@code deadlineNanos} (a {@link System#nanoTime()} value)
     * has passed, and says whether it ended. A runner that reports its agent closed (Agrona's
     * {@code AgentRunner.close}, an executor's {@code awaitTermination}) may return while the thread is
     * still unwinding; a client whose {@code close} promises its threads are gone waits here as well.
     * An interrupt ends the wait early and is kept in the caller's interrupt flag.
     */
    public static boolean awaitExit(Thread thread, long deadlineNanos) {
        if (thread == null) {
            return true;
        }
        try {
            while (thread.isAlive()) {
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedJoin(thread, remainingNanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    /**
     * The threads of a client's executor: daemons, so a client never closed does not keep the JVM
     * alive, and remembered, so that a {@code close} that promises its threads are gone can wait for
     * them after {@code awaitTermination}, which returns while a thread is still unwinding. An
     * executor replaces a thread that a task ended, hence every thread made, not the last.
     */
    public static final class Daemons implements ThreadFactory {
        private final String name;
        private final List<Thread> made = new CopyOnWriteArrayList<>();

        /** @param name every thread's name */
        public Daemons(String name) {
            this.name = name;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            made.add(thread);
            return thread;
        }

        /** As {@link Threads#awaitExit}, for every thread made here: whether all of them ended. */
        public boolean awaitExit(long deadlineNanos) {
            boolean ended = true;
            for (Thread thread : made) {
                ended &= Threads.awaitExit(thread, deadlineNanos);
            }
            return ended;
        }
    }
}
