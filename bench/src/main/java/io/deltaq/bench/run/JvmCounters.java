package io.deltaq.bench.run;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/**
 * Cumulative GC, CPU and allocation figures of this JVM, for the summary's per-rate deltas: collection
 * time and count from the {@link GarbageCollectorMXBean}s, the process's CPU time, bytes allocated by all threads and by
 * the harness's hot threads (pacing, polling) from HotSpot's {@code ThreadMXBean}.
 */
final class JvmCounters {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private JvmCounters() {
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean hotspot
                && hotspot.isThreadAllocatedMemorySupported()) {
            if (!hotspot.isThreadAllocatedMemoryEnabled()) {
                hotspot.setThreadAllocatedMemoryEnabled(true);
            }
            return hotspot;
        }
        return null;
    }

    /**
     * Bytes the calling thread has allocated so far, or -1 if unknown. Hot threads call it as they
     * finish: a thread that has ended no longer reports its figure.
     */
    static long currentThreadAllocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Adds {@code gcMs}, {@code gcCount}, {@code allocBytes} and {@code hotAllocBytes} to
     * {@code into}; the last sums the live {@code hotThreads} and the {@code finishedHotBytes} that
     * ended ones left behind.
     */
    static void addTo(Map<String, Long> into, List<Thread> hotThreads, Map<Thread, Long> finishedHotBytes) {
        long gcMs = 0;
        long gcCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        into.put("gcMs", gcMs);
        into.put("gcCount", gcCount);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            into.put("cpuNanos", os.getProcessCpuTime());
        }
        if (THREADS != null) {
            into.put("allocBytes", THREADS.getTotalThreadAllocatedBytes());
            long hot = 0;
            for (Thread thread : hotThreads) {
                Long finished = finishedHotBytes.get(thread);
                long bytes = finished != null ? finished : THREADS.getThreadAllocatedBytes(thread.getId());
                if (bytes > 0) {
                    hot += bytes;
                }
            }
            into.put("hotAllocBytes", hot);
        }
        addMemory(into);
    }

    /** Tick fields that are levels, not running totals: a restarted worker's do not add to its predecessor's. */
    static final java.util.Set<String> GAUGES = java.util.Set.of("rssBytes", "heapUsedBytes", "heapMaxBytes", "directBytes",
            "heapAfterGcBytes", io.deltaq.bench.driver.DeltaqDriver.LAST_CHECKPOINT_MS);

    /**
     * Adds the memory this JVM holds now: {@code rssBytes} (resident set, from /proc where there is
     * one), {@code heapUsedBytes}, {@code heapMaxBytes} and {@code directBytes} (direct buffers, which
     * hold deltaq's rings).
     */
    static void addMemory(Map<String, Long> into) {
        long rss = residentBytes();
        if (rss >= 0) {
            into.put("rssBytes", rss);
        }
        java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        into.put("heapUsedBytes", heap.getUsed());
        into.put("heapMaxBytes", heap.getMax());
        long afterGc = heapAfterLastGc();
        if (afterGc >= 0) {
            into.put("heapAfterGcBytes", afterGc);
        }
        for (java.lang.management.BufferPoolMXBean pool
                : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                into.put("directBytes", pool.getMemoryUsed());
            }
        }
    }

    /**
     * The heap in use right after the most recent collection, young or old (every heap pool's usage
     * after it, so the old generation as it stood then is included), or -1 before the first
     * collection: what survives collection, the figure that grows when something leaks.
     */
    static long heapAfterLastGc() {
        java.util.Set<String> heapPools = new java.util.HashSet<>();
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        com.sun.management.GcInfo latest = null;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean hotspot) {
                com.sun.management.GcInfo info = hotspot.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return -1;
        }
        long used = 0;
        for (Map.Entry<String, java.lang.management.MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    private static long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] words = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(words[0]) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux: no resident set figure.
        }
        return -1;
    }
}
