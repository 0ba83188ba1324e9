package io.deltaq.s3io;

/** Which AWS SDK client carries the S3 requests. Both run on the AWS Common Runtime, without Netty. */
public enum S3ClientKind {
    /**
     * The SDK's standard {@code S3AsyncClient} over the CRT HTTP client: one HTTP request per call,
     * and every attempt is this store's own, so a conditional create whose response was lost is
     * always recognised as ambiguous.
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
    CRT,
    /**
     * Requests sent on the CRT's HTTP connections and signed by its native SigV4 signer, without the
     * SDK's request pipeline (docs/rfcs/0007-lean-s3-requests.md): a fraction of the client CPU per
     * request, and far less for the JIT to compile in a client's first minute. Every attempt is this
     * store's own, as with {@link #CRT_HTTP}. Path-style or virtual-hosted addressing of an endpoint
     * or of AWS's regional endpoints; an endpoint with a path is refused. The default.
     */
    CRT_LEAN
}
