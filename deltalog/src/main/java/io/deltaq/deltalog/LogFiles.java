package io.deltaq.deltalog;

/**
 * Names of the files in {@code _delta_log} and their classification. Everything that is not a
 * commit or a checkpoint (checksums, compactions, {@code _commits/}, {@code _sidecars/}, hidden
 * files, {@code _last_checkpoint}) is ignored by log listing.
 */
final class LogFiles {

    static final String LOG_DIR = "_delta_log/";
    static final String LAST_CHECKPOINT = "_last_checkpoint";

    private static final int VERSION_DIGITS = 20;
    private static final int PART_DIGITS = 10;
    private static final String CHECKPOINT_INFIX = ".checkpoint.";

    private LogFiles() {
    }

    /** What a file in {@code _delta_log} is. */
    enum Kind { COMMIT, CLASSIC_CHECKPOINT, MULTIPART_CHECKPOINT, UUID_CHECKPOINT }

    /**
     * One file of the log.
     *
     * @param name the file name within {@code _delta_log}
     * @param part for multi-part checkpoints the 1-based part number, else 0
     * @param parts for multi-part checkpoints the number of parts, else 0
     */
    record LogFile(Kind kind, long version, int part, int parts, String name, long size) {
    }

    static String pad(long version) {
        String digits = Long.toString(version);
        StringBuilder sb = new StringBuilder(VERSION_DIGITS + 16);
        for (int i = digits.length(); i < VERSION_DIGITS; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }

    static String commitName(long version) {
        return pad(version) + ".json";
    }

    static String classicCheckpointName(long version) {
        return pad(version) + ".checkpoint.parquet";
    }

    /** Whether a name in {@code _delta_log} starts with a version number (i.e. may be a log file). */
    static boolean startsWithVersion(String name) {
        return name.length() > VERSION_DIGITS && allDigits(name, 0, VERSION_DIGITS);
    }

    /**
     * Classifies a file name within {@code _delta_log}; null for files a reader ignores, including
     * names in subdirectories.
     */
    static LogFile parse(String name, long size) {
        if (!startsWithVersion(name) || name.indexOf('/') >= 0) {
            return null;
        }
        long version = Long.parseLong(name, 0, VERSION_DIGITS, 10);
        String rest = name.substring(VERSION_DIGITS);
        if (rest.equals(".json")) {
            return new LogFile(Kind.COMMIT, version, 0, 0, name, size);
        }
        if (!rest.startsWith(CHECKPOINT_INFIX)) {
            return null; // .crc, .compacted.json, ...
        }
        String tail = rest.substring(CHECKPOINT_INFIX.length());
        if (tail.equals("parquet")) {
            return new LogFile(Kind.CLASSIC_CHECKPOINT, version, 0, 0, name, size);
        }
        // <part:10>.<parts:10>.parquet
        if (tail.length() == 2 * PART_DIGITS + 1 + ".parquet".length() && tail.endsWith(".parquet")
                && allDigits(tail, 0, PART_DIGITS) && tail.charAt(PART_DIGITS) == '.'
                && allDigits(tail, PART_DIGITS + 1, 2 * PART_DIGITS + 1)) {
            int part = Integer.parseInt(tail, 0, PART_DIGITS, 10);
            int parts = Integer.parseInt(tail, PART_DIGITS + 1, 2 * PART_DIGITS + 1, 10);
            if (part < 1 || part > parts) {
                return null;
            }
            return new LogFile(Kind.MULTIPART_CHECKPOINT, version, part, parts, name, size);
        }
        // <uuid>.json or <uuid>.parquet
        if ((tail.endsWith(".json") || tail.endsWith(".parquet")) && tail.indexOf('.') == tail.lastIndexOf('.')) {
            return new LogFile(Kind.UUID_CHECKPOINT, version, 0, 0, name, size);
        }
        return null;
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
