package io.deltaq.s3io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An executor's threads, made by {@link Threads.Daemons}, and waiting for them to end. */
class ThreadsTest {

    @Test
    void anExecutorsThreadsAreNamedDaemonsThatCloseCanWaitFor() throws Exception {
        Threads.Daemons threads = new Threads.Daemons("deltaq-test-worker");
        ExecutorService executor = Executors.newSingleThreadExecutor(threads);
        CountDownLatch release = new CountDownLatch(1);
        Future<Thread> running = executor.submit(() -> {
            release.await(30, TimeUnit.SECONDS);
            return Thread.currentThread();
        });
        executor.shutdown();
        assertFalse(threads.awaitExit(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)),
                "a thread still running its task has not ended by the deadline");
        release.countDown();
        Thread worker = running.get(30, TimeUnit.SECONDS);
        assertEquals("deltaq-test-worker", worker.getName());
        assertTrue(worker.isDaemon(), "a client never closed does not keep the JVM alive");
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(threads.awaitExit(System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
        assertFalse(worker.isAlive(), "ended, not only reported terminated");
    }

    @Test
    void aThreadThatATaskEndedAndItsReplacementAreBothWaitedFor() throws Exception {
        Threads.Daemons threads = new Threads.Daemons("deltaq-test-worker");
        ExecutorService executor = Executors.newSingleThreadExecutor(threads);
        Thread[] ran = new Thread[2];
        CountDownLatch first = new CountDownLatch(1);
        executor.execute(() -> {
            ran[0] = Thread.currentThread();
            ran[0].setUncaughtExceptionHandler((thread, expected) -> { }); // not a failure worth printing
            first.countDown();
            throw new IllegalStateException("ends the executor's thread; the executor makes another");
        });
        assertTrue(first.await(30, TimeUnit.SECONDS));
        ran[1] = executor.submit(Thread::currentThread).get(30, TimeUnit.SECONDS);
        executor.shutdown();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(threads.awaitExit(System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
        assertTrue(ran[0] != ran[1], "the task that threw ended its thread");
        assertFalse(ran[0].isAlive());
        assertFalse(ran[1].isAlive());
    }
}
