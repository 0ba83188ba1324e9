package io.deltaq.deltalog.internal.parquet;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** Column names and the Parquet schema of a deltaq topic's data files; names equal the Delta schema's. */
public final class MessageFileSchema {
    public static final String KEY = "key";
    public static final String VALUE = "value";
    public static final String TIMESTAMP = "timestamp";
    public static final String HEADERS = "headers";
    /** The map's repeated group and its two fields, as Spark and the Parquet spec name them. */
    public static final String KEY_VALUE = "key_value";
    public static final String HEADER_KEY = "key";
    public static final String HEADER_VALUE = "value";

    /**
     * All columns optional, as Spark writes nullable Delta fields; deltaq never writes a null
     * value or timestamp.
     */
    public static final MessageType PARQUET_SCHEMA = Types.buildMessage()
            .optional(PrimitiveTypeName.BINARY).named(KEY)
            .optional(PrimitiveTypeName.BINARY).named(VALUE)
            .optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(TIMESTAMP)
            .optionalMap()
            .key(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
            .optionalValue(PrimitiveTypeName.BINARY)
            .named(HEADERS)
            .named("deltaq_message");

    /** The schema of the files deltaq wrote before headers: the same without the {@code headers} column. */
    public static final MessageType PARQUET_SCHEMA_WITHOUT_HEADERS = Types.buildMessage()
            .optional(PrimitiveTypeName.BINARY).named(KEY)
            .optional(PrimitiveTypeName.BINARY).named(VALUE)
            .optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(TIMESTAMP)
            .named("deltaq_message");

    private MessageFileSchema() {
    }
}
