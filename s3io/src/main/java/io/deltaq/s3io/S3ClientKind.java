package io.deltaq.s3io;

/** Which AWS SDK client carries the S3 requests. Both run on the AWS Common Runtime, without Netty. */
public enum S3ClientKind {
    /**
     * The SDK's standard {@code S3AsyncClient} over the CRT HTTP client: one HTTP request per call,
     * and every attempt is this store's own, so a conditional create whose response was lost is
     * always recognised as ambiguous. The default.
     */
    CRT_HTTP,
    /**
     * The CRT S3 client ({@code S3AsyncClient.crtBuilder()}): meta-requests that split large objects
     * into parallel parts, built for throughput. Its native layer retries throttling, server errors
     * and broken connections by itself (a retry count of 0 does not turn that off), so a 412 may
     * answer its own hidden retry; the store then reads the key back and reports
     * {@link AmbiguousWriteException} when it holds the bytes just written. Every GET is a ranged
     * GET of up to one part.
     */
    CRT
}
