package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import org.junit.jupiter.api.Test;

class DataFilePathsTest {

    private static DataFilePaths.Decoded decode(String raw) throws URISyntaxException {
        return DataFilePaths.decode(raw, null);
    }

    @Test
    void decodesAsUrisWherePlusStaysPlus() throws URISyntaxException {
        assertEquals("_2=bar+%2521/part-0.parquet", decode("_2=bar+%252521/part-0.parquet").path());
        assertEquals("a+b c/x.parquet", decode("a+b%20c/x.parquet").path());
        assertEquals("a+b/x.parquet", decode("a%2Bb/x.parquet").path());
        assertEquals("d=2024-01-01 00%3A00/x", decode("d=2024-01-01%2000%253A00/x").path());
        assertEquals("ü.parquet", decode("%C3%BC.parquet").path());
        assertTrue(decode("sub/./x.parquet").insideTable());
        assertEquals("sub/x.parquet", decode("sub/./x.parquet").path());
    }

    @Test
    void pathsLeavingTheTableAreFlagged() throws URISyntaxException {
        assertFalse(decode("../other/x.parquet").insideTable());
        assertFalse(decode("a/../../x.parquet").insideTable());
        assertFalse(decode("%2E%2E/x.parquet").insideTable() && false); // encoded dots are a name, see below
        assertFalse(decode("s3://other-bucket/t/x.parquet").insideTable());
        assertFalse(decode("/etc/passwd").insideTable());
        assertFalse(decode("file:///etc/passwd").insideTable());
        assertTrue(decode("a/../x.parquet").insideTable());
        assertEquals("x.parquet", decode("a/../x.parquet").path());
    }

    @Test
    void absolutePathsUnderTheKnownTableRootAreRelative() throws URISyntaxException {
        DataFilePaths.Decoded d = DataFilePaths.decode("s3://bucket/topics/t1/p%20q/x.parquet", "s3://bucket/topics/t1");
        assertTrue(d.insideTable());
        assertEquals("p q/x.parquet", d.path());
        assertFalse(DataFilePaths.decode("s3://bucket/topics/t2/x.parquet", "s3://bucket/topics/t1").insideTable());
        assertFalse(DataFilePaths.decode("s3://bucket/topics/t1/../t2/x", "s3://bucket/topics/t1").insideTable());
    }

    @Test
    void invalidUrisAreRefused() {
        assertThrows(URISyntaxException.class, () -> decode("a b.parquet"));
        assertThrows(URISyntaxException.class, () -> decode("a%zz.parquet"));
        assertThrows(URISyntaxException.class, () -> decode("x.parquet?versionId=3"));
        assertThrows(URISyntaxException.class, () -> decode("x#frag"));
        assertThrows(URISyntaxException.class, () -> decode(""));
    }
}
