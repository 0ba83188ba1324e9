package io.deltaq.s3io;

import io.deltaq.s3io.StoreMetrics.Operation;

/**
 * Every storage failure deltaq reports, worded in one place. Messages start with the request
 * ({@code put-if-absent <key> in <store location>}) so that any of them says which object of which
 * store; the exception type says what a caller may do about it (see {@link ObjectStore}).
 */
public final class StoreErrors {

    private StoreErrors() {
    }

    /**
     * Whether {@code failure} is a storage fault that passes, worth sending the request again after
     * a backoff: the store unavailable after its own retries (throttling, 5xx, timeouts, broken
     * connections), a 409 conflict with a concurrent conditional write, or no answer in time.
     * Access denied, wrong credentials, a missing bucket, an object too large are not: they do not
     * pass by waiting.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = Futures.unwrap(failure); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException || t instanceof ConditionalConflictException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (t instanceof ObjectStoreException) {
                return false;
            }
        }
        return false;
    }

    /** {@code <operation> <key> in <location>}: how every message names its request. */
    static String request(Operation op, String key, String location) {
        return op.label() + " " + key + " in " + location;
    }

    static ObjectStoreException closed(Operation op, String key, String location, Throwable cause) {
        return new ObjectStoreException(request(op, key, location) + ": the store is closed", cause);
    }

    static ObjectStoreException failed(String request, String detail, Throwable cause) {
        return new ObjectStoreException(request + ": " + detail, cause);
    }

    static StoreUnavailableException unavailable(String request, String why, Throwable cause) {
        return new StoreUnavailableException(request + ": " + why, cause);
    }

    static AmbiguousWriteException ambiguous(String key, String request, String why, Throwable cause) {
        return new AmbiguousWriteException(key, request + ": outcome unknown, " + why
                + ". Read the key back to decide.", cause);
    }

    static ConditionalConflictException conflict(String request, String detail, Throwable cause) {
        return new ConditionalConflictException(request + ": a concurrent conditional write of the same key was in"
                + " progress (" + detail + "); this attempt wrote nothing", cause);
    }

    static NoSuchBucketException noSuchBucket(String request, String bucket, Throwable cause) {
        return new NoSuchBucketException(request + ": bucket '" + bucket + "' does not exist at this endpoint", cause);
    }

    static StoreCredentialsException credentialsRejected(String request, String detail, Throwable cause) {
        return new StoreCredentialsException(request + ": the credentials were rejected (" + detail
                + "); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for this endpoint", cause);
    }

    static StoreCredentialsException credentialsMissing(String request, Throwable cause) {
        return new StoreCredentialsException(request + ": no credentials found (" + cause.getMessage()
                + "); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or configure a profile", cause);
    }

    static StoreAccessDeniedException accessDenied(String request, String detail, Throwable cause) {
        return new StoreAccessDeniedException(request + ": access denied (" + detail + ")", cause);
    }

    /**
     * What a store reports for an HTTP status after its retries, as {@link S3Failures} classifies a
     * real answer; used by the fault injector.
     */
    static ObjectStoreException forStatus(String request, int status, String detail) {
        String message = request + ": HTTP " + status + " (" + detail + ")";
        return switch (status) {
            case 401 -> new StoreCredentialsException(message, null);
            case 403 -> new StoreAccessDeniedException(message, null);
            case 409 -> conflict(request, "HTTP 409 (" + detail + ")", null);
            // Timeouts, throttling and server errors are what retries are for; any other 4xx is not.
            case 408, 429 -> new StoreUnavailableException(message, null);
            default -> status >= 500 ? new StoreUnavailableException(message, null) : new ObjectStoreException(message, null);
        };
    }

    static ConditionalWritesUnsupportedException conditionalWritesIgnored(String location, String probeKey) {
        return new ConditionalWritesUnsupportedException(location + ": the store does not support conditional writes"
                + " (If-None-Match: *): a second conditional create of the probe key " + probeKey + " replaced the"
                + " first instead of failing with 412 Precondition Failed. deltaq needs them to keep two writers"
                + " from both committing one log version; use a store that honours them (AWS S3, MinIO, R2, ...)");
    }

    static ObjectStoreException probeFailed(String location, String probeKey, String why) {
        return new ObjectStoreException(location + ": could not check that the store supports conditional writes"
                + " (If-None-Match: *) with the probe key " + probeKey + ": " + why);
    }

    /**
     * @param what where the size comes from: {@code "its Content-Length"}, {@code "its body"}, {@code "the file"}
     */
    static ObjectTooLargeException tooLarge(String request, String what, long size, long bound) {
        return new ObjectTooLargeException(request + ": the object is too large to read: " + what + " is " + size
                + " bytes, over the bound of " + bound + " bytes", size, bound);
    }
}
