/**
 * Test support shared by every module above {@code s3io}: {@link io.deltaq.testkit.TestS3} (the
 * embedded S3 server and stores on it), {@link io.deltaq.testkit.GoldenTables} (the reference Delta
 * tables), {@link io.deltaq.testkit.RecordingStore}. Faults come from the main code's
 * {@link io.deltaq.s3io.FaultInjectingStore}, so tests exercise the injector that {@code fault.spec}
 * turns on. Test scope only.
 */
package io.deltaq.testkit;
