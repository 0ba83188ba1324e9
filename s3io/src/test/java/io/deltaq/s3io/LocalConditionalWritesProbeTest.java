package io.deltaq.s3io;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalConditionalWritesProbeTest extends ConditionalWritesProbeTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return new LocalObjectStore(dir);
    }
}
