package io.deltaq.s3io;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Conditional writes on the local filesystem store. */
class LocalConditionalWritesTest extends ConditionalWritesContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return new LocalObjectStore(dir);
    }
}
