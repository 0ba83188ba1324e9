package io.deltaq.deltalog.internal.parquet;

final class ParquetConstants {
    /**
     * Parsed by parquet-java as "application version x.y.z"; an application other than
     * parquet-mr keeps its statistics trusted.
     */
    static final String CREATED_BY = "deltaq version 0.1.0 (build deltaq)";
    /** How every deltaq version's {@link #CREATED_BY} begins. */
    static final String CREATED_BY_PREFIX = "deltaq version ";

    private ParquetConstants() {
    }
}
