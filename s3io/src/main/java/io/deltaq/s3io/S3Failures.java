package io.deltaq.s3io;

import io.deltaq.s3io.StoreMetrics.Operation;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Reads SDK failures: what they mean for a retry, and the typed error a caller gets. */
final class S3Failures {

    private static final Set<String> CREDENTIAL_CODES = Set.of(
            "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired");
    private static final Set<String> THROTTLING_CODES = Set.of(
            "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests");
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed");

    private S3Failures() {
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The HTTP status of a service error, or 0 when the failure is not a service response. */
    static int status(Throwable t) {
        return t instanceof AwsServiceException e ? e.statusCode() : 0;
    }

    /** The S3 error code of a service error, or "" when there is none (a HEAD, or not a service response). */
    static String code(Throwable t) {
        if (t instanceof AwsServiceException e && e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
            return e.awsErrorDetails().errorCode();
        }
        return "";
    }

    static boolean isMissingKey(Throwable t) {
        return status(t) == 404 && !"NoSuchBucket".equals(code(t));
    }

    static boolean isRetryable(Throwable t) {
        if (t instanceof AttemptTimeoutException) {
            return true;
        }
        if (t instanceof AwsServiceException) {
            int status = status(t);
            String code = code(t);
            return status >= 500 || status == 429 || THROTTLING_CODES.contains(code) || RETRYABLE_CODES.contains(code);
        }
        // Connection refused or reset, DNS, I/O errors of the CRT: transient by nature. Missing
        // credentials are also an SdkClientException, but no retry will make them appear.
        return t instanceof SdkClientException && !isCredentialsMissing(t);
    }

    /**
     * Whether an attempt that failed so may still have been applied by the server: a timeout or a
     * broken connection can hide a success, and so can a 500. Throttling is refused before work.
     */
    static boolean mayHaveLanded(Throwable t) {
        if (t instanceof AwsServiceException) {
            return status(t) >= 500 && !THROTTLING_CODES.contains(code(t)) && status(t) != 503;
        }
        return t instanceof AttemptTimeoutException || t instanceof SdkClientException;
    }

    private static boolean isCredentialsMissing(Throwable t) {
        String message = t.getMessage();
        return message != null && message.contains("Unable to load credentials");
    }

    /** The exception a caller sees for a failure that is final. */
    static ObjectStoreException classify(Operation op, String key, String location, String bucket, S3ObjectStore.Attempt attempt,
            Throwable t) {
        String request = StoreErrors.request(op, key, location);
        String attempts = attempt.number == 1 ? "" : " (after " + attempt.number + " attempts)";
        if (op == Operation.PUT_IF_ABSENT && attempt.mayHaveLanded) {
            return StoreErrors.ambiguous(key, request + attempts, "an attempt may have landed before its response was"
                    + " lost; last error: " + describe(t), t);
        }
        int status = status(t);
        String code = code(t);
        if ("NoSuchBucket".equals(code)) {
            return StoreErrors.noSuchBucket(request, bucket, t);
        }
        if (CREDENTIAL_CODES.contains(code) || (status == 403 && code.isEmpty())) {
            return StoreErrors.credentialsRejected(request, describe(t), t);
        }
        if (status == 403) {
            return StoreErrors.accessDenied(request, "bucket '" + bucket + "': " + describe(t), t);
        }
        if (t instanceof SdkClientException && isCredentialsMissing(t)) {
            return StoreErrors.credentialsMissing(request, t);
        }
        if (status == 409 && "ConditionalRequestConflict".equals(code)) {
            return StoreErrors.conflict(request + attempts, describe(t), t);
        }
        if (isRetryable(t)) {
            return StoreErrors.unavailable(request + attempts, describe(t), t);
        }
        return StoreErrors.failed(request + attempts, describe(t), t);
    }

    private static String describe(Throwable t) {
        if (t instanceof AwsServiceException e) {
            String code = code(t);
            return "HTTP " + e.statusCode() + (code.isEmpty() ? "" : " " + code)
                    + (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                            ? ": " + e.awsErrorDetails().errorMessage() : "");
        }
        return t.toString();
    }
}
