package io.deltaq.deltalog.internal.parquet;

import java.util.ArrayList;
import java.util.List;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * A small schema description for {@link ParquetRowsWriter}: primitives, structs, lists and
 * maps, laid out in Parquet the way Spark writes them (three-level {@code list/element} lists,
 * {@code key_value} maps with required keys).
 */
public abstract sealed class RowType permits RowType.Primitive, RowType.Struct, RowType.ListOf, RowType.MapOf {
    public static final Primitive STRING = new Primitive("string", PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType());
    public static final Primitive BINARY = new Primitive("binary", PrimitiveTypeName.BINARY, null);
    public static final Primitive LONG = new Primitive("long", PrimitiveTypeName.INT64, null);
    public static final Primitive INT = new Primitive("int", PrimitiveTypeName.INT32, null);
    public static final Primitive BOOLEAN = new Primitive("boolean", PrimitiveTypeName.BOOLEAN, null);
    public static final Primitive DOUBLE = new Primitive("double", PrimitiveTypeName.DOUBLE, null);
    public static final Primitive FLOAT = new Primitive("float", PrimitiveTypeName.FLOAT, null);
    /** Microseconds since the epoch, UTC, as a Long. */
    public static final Primitive TIMESTAMP_MICROS = new Primitive("timestamp", PrimitiveTypeName.INT64,
            LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
    /** Days since the epoch, as an Integer. */
    public static final Primitive DATE = new Primitive("date", PrimitiveTypeName.INT32, LogicalTypeAnnotation.dateType());

    private RowType() {
    }

    public static Struct struct() {
        return new Struct();
    }

    public static ListOf list(RowType element, boolean elementNullable) {
        return new ListOf(element, elementNullable);
    }

    public static MapOf map(RowType key, RowType value, boolean valueNullable) {
        return new MapOf(key, value, valueNullable);
    }

    abstract Type toParquet(String name, Repetition repetition);

    public static final class Primitive extends RowType {
        final String name;
        final PrimitiveTypeName physical;
        final LogicalTypeAnnotation annotation;

        private Primitive(String name, PrimitiveTypeName physical, LogicalTypeAnnotation annotation) {
            this.name = name;
            this.physical = physical;
            this.annotation = annotation;
        }

        @Override
        Type toParquet(String fieldName, Repetition repetition) {
            return Types.primitive(physical, repetition).as(annotation).named(fieldName);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A struct; fields keep the order they are added in. */
    public static final class Struct extends RowType {
        final List<Field> fields = new ArrayList<>();

        private Struct() {
        }

        /** Adds a nullable field. */
        public Struct field(String name, RowType type) {
            return field(name, type, true);
        }

        public Struct field(String name, RowType type, boolean nullable) {
            for (Field f : fields) {
                if (f.name.equals(name)) {
                    throw new IllegalArgumentException("duplicate field '" + name + "'");
                }
            }
            fields.add(new Field(name, type, nullable));
            return this;
        }

        public List<Field> fields() {
            return List.copyOf(fields);
        }

        @Override
        Type toParquet(String name, Repetition repetition) {
            return new GroupType(repetition, name, parquetFields());
        }

        List<Type> parquetFields() {
            List<Type> out = new ArrayList<>(fields.size());
            for (Field f : fields) {
                out.add(f.type.toParquet(f.name, f.nullable ? Repetition.OPTIONAL : Repetition.REQUIRED));
            }
            return out;
        }

        /** The Parquet schema of a file whose rows have this struct's fields. */
        public MessageType toMessageType(String name) {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("a Parquet schema needs at least one field");
            }
            return new MessageType(name, parquetFields());
        }
    }

    public record Field(String name, RowType type, boolean nullable) {
    }

    public static final class ListOf extends RowType {
        final RowType element;
        final boolean elementNullable;

        private ListOf(RowType element, boolean elementNullable) {
            this.element = element;
            this.elementNullable = elementNullable;
        }

        @Override
        Type toParquet(String name, Repetition repetition) {
            Type elementType = element.toParquet("element", elementNullable ? Repetition.OPTIONAL : Repetition.REQUIRED);
            return Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
                    .addField(new GroupType(Repetition.REPEATED, "list", elementType))
                    .named(name);
        }
    }

    public static final class MapOf extends RowType {
        final RowType key;
        final RowType value;
        final boolean valueNullable;

        private MapOf(RowType key, RowType value, boolean valueNullable) {
            this.key = key;
            this.value = value;
            this.valueNullable = valueNullable;
        }

        @Override
        Type toParquet(String name, Repetition repetition) {
            Type keyType = key.toParquet("key", Repetition.REQUIRED);
            Type valueType = value.toParquet("value", valueNullable ? Repetition.OPTIONAL : Repetition.REQUIRED);
            return Types.buildGroup(repetition).as(LogicalTypeAnnotation.mapType())
                    .addField(new GroupType(Repetition.REPEATED, "key_value", keyType, valueType))
                    .named(name);
        }
    }
}
