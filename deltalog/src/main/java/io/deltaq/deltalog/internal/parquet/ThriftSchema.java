package io.deltaq.deltalog.internal.parquet;

import java.util.ArrayList;
import java.util.List;

import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DecimalType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.IntType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.MilliSeconds;
import org.apache.parquet.format.NanoSeconds;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.schema.DecimalMetadata;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.OriginalType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;

/**
 * Converts between the footer's flat, depth-first list of thrift {@link SchemaElement}s and
 * parquet-column's {@link MessageType} (the job parquet-hadoop's metadata converter does, without Hadoop).
 */
@SuppressWarnings("deprecation") // converted types are the footer's legacy annotations; old files use only them
final class ThriftSchema {
    private ThriftSchema() {
    }

    static MessageType fromThrift(List<SchemaElement> elements, String fileName) {
        if (elements == null || elements.isEmpty()) {
            throw new ParquetFormatException(fileName, "footer has no schema");
        }
        int[] next = {1};
        SchemaElement root = elements.get(0);
        List<Type> fields = children(elements, next, root.getNum_children(), fileName);
        if (next[0] != elements.size()) {
            throw new ParquetFormatException(fileName, "corrupt schema: " + (elements.size() - next[0])
                    + " schema elements are not reachable from the root");
        }
        return new MessageType(root.getName() == null ? "schema" : root.getName(), fields);
    }

    private static List<Type> children(List<SchemaElement> elements, int[] next, int count, String fileName) {
        if (count < 0 || count > elements.size() - next[0]) {
            throw new ParquetFormatException(fileName, "corrupt schema: a group declares " + count
                    + " children, but the footer holds " + (elements.size() - next[0]) + " more schema elements");
        }
        List<Type> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (next[0] >= elements.size()) {
                throw new ParquetFormatException(fileName, "corrupt schema: a group declares more children than the footer holds");
            }
            SchemaElement e = elements.get(next[0]++);
            fields.add(element(elements, next, e, fileName));
        }
        return fields;
    }

    private static Type element(List<SchemaElement> elements, int[] next, SchemaElement e, String fileName) {
        Repetition repetition = e.isSetRepetition_type() ? Repetition.valueOf(e.getRepetition_type().name()) : Repetition.OPTIONAL;
        LogicalTypeAnnotation annotation = annotation(e);
        try {
            Type type;
            if (e.isSetType()) {
                PrimitiveTypeName primitive = fromThriftType(e.getType());
                type = new PrimitiveType(repetition, primitive, e.isSetType_length() ? e.getType_length() : 0, e.getName())
                        .withLogicalTypeAnnotation(annotation);
            } else {
                List<Type> fields = children(elements, next, e.getNum_children(), fileName);
                type = annotation == null
                        ? new GroupType(repetition, e.getName(), fields)
                        : org.apache.parquet.schema.Types.buildGroup(repetition).as(annotation).addFields(fields.toArray(new Type[0]))
                                .named(e.getName());
            }
            return e.isSetField_id() ? type.withId(e.getField_id()) : type;
        } catch (ParquetFormatException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new ParquetFormatException(fileName, "unsupported schema element '" + e.getName() + "': " + ex.getMessage(), ex);
        }
    }

    private static LogicalTypeAnnotation annotation(SchemaElement e) {
        if (e.isSetLogicalType()) {
            LogicalTypeAnnotation a = fromLogicalType(e.getLogicalType());
            if (a != null) {
                return a;
            }
        }
        if (e.isSetConverted_type()) {
            try {
                OriginalType original = OriginalType.valueOf(e.getConverted_type().name());
                DecimalMetadata decimal = original == OriginalType.DECIMAL ? new DecimalMetadata(e.getPrecision(), e.getScale()) : null;
                return LogicalTypeAnnotation.fromOriginalType(original, decimal);
            } catch (IllegalArgumentException unknown) {
                return null;
            }
        }
        return null;
    }

    private static LogicalTypeAnnotation fromLogicalType(LogicalType t) {
        if (t.isSetSTRING()) {
            return LogicalTypeAnnotation.stringType();
        } else if (t.isSetMAP()) {
            return LogicalTypeAnnotation.mapType();
        } else if (t.isSetLIST()) {
            return LogicalTypeAnnotation.listType();
        } else if (t.isSetENUM()) {
            return LogicalTypeAnnotation.enumType();
        } else if (t.isSetDECIMAL()) {
            return LogicalTypeAnnotation.decimalType(t.getDECIMAL().getScale(), t.getDECIMAL().getPrecision());
        } else if (t.isSetDATE()) {
            return LogicalTypeAnnotation.dateType();
        } else if (t.isSetTIME()) {
            return LogicalTypeAnnotation.timeType(t.getTIME().isIsAdjustedToUTC(), unit(t.getTIME().getUnit()));
        } else if (t.isSetTIMESTAMP()) {
            return LogicalTypeAnnotation.timestampType(t.getTIMESTAMP().isIsAdjustedToUTC(), unit(t.getTIMESTAMP().getUnit()));
        } else if (t.isSetINTEGER()) {
            return LogicalTypeAnnotation.intType(t.getINTEGER().getBitWidth(), t.getINTEGER().isIsSigned());
        } else if (t.isSetJSON()) {
            return LogicalTypeAnnotation.jsonType();
        } else if (t.isSetBSON()) {
            return LogicalTypeAnnotation.bsonType();
        } else if (t.isSetUUID()) {
            return LogicalTypeAnnotation.uuidType();
        } else if (t.isSetFLOAT16()) {
            return LogicalTypeAnnotation.float16Type();
        }
        return null; // UNKNOWN, VARIANT, geospatial: read as the plain physical type
    }

    private static LogicalTypeAnnotation.TimeUnit unit(TimeUnit u) {
        if (u.isSetMILLIS()) {
            return LogicalTypeAnnotation.TimeUnit.MILLIS;
        } else if (u.isSetNANOS()) {
            return LogicalTypeAnnotation.TimeUnit.NANOS;
        }
        return LogicalTypeAnnotation.TimeUnit.MICROS;
    }

    static List<SchemaElement> toThrift(MessageType schema) {
        List<SchemaElement> out = new ArrayList<>();
        SchemaElement root = new SchemaElement(schema.getName());
        root.setNum_children(schema.getFieldCount());
        out.add(root);
        for (Type field : schema.getFields()) {
            addThrift(field, out);
        }
        return out;
    }

    private static void addThrift(Type type, List<SchemaElement> out) {
        SchemaElement e = new SchemaElement(type.getName());
        e.setRepetition_type(FieldRepetitionType.valueOf(type.getRepetition().name()));
        if (type.getId() != null) {
            e.setField_id(type.getId().intValue());
        }
        LogicalTypeAnnotation a = type.getLogicalTypeAnnotation();
        if (a != null) {
            LogicalType logical = toLogicalType(a);
            if (logical != null) {
                e.setLogicalType(logical);
            }
            OriginalType original = a.toOriginalType();
            if (original != null) {
                e.setConverted_type(ConvertedType.valueOf(original.name()));
                if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
                    e.setScale(d.getScale());
                    e.setPrecision(d.getPrecision());
                }
            }
        }
        if (type.isPrimitive()) {
            PrimitiveType p = type.asPrimitiveType();
            e.setType(toThriftType(p.getPrimitiveTypeName()));
            if (p.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                e.setType_length(p.getTypeLength());
            }
            out.add(e);
        } else {
            GroupType g = type.asGroupType();
            e.setNum_children(g.getFieldCount());
            out.add(e);
            for (Type child : g.getFields()) {
                addThrift(child, out);
            }
        }
    }

    private static LogicalType toLogicalType(LogicalTypeAnnotation a) {
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
            return LogicalType.STRING(new org.apache.parquet.format.StringType());
        } else if (a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            return LogicalType.MAP(new org.apache.parquet.format.MapType());
        } else if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return LogicalType.LIST(new org.apache.parquet.format.ListType());
        } else if (a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
            return LogicalType.ENUM(new org.apache.parquet.format.EnumType());
        } else if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
            return LogicalType.DECIMAL(new DecimalType(d.getScale(), d.getPrecision()));
        } else if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return LogicalType.DATE(new org.apache.parquet.format.DateType());
        } else if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
            return LogicalType.TIMESTAMP(new TimestampType(t.isAdjustedToUTC(), thriftUnit(t.getUnit())));
        } else if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i) {
            return LogicalType.INTEGER(new IntType((byte) i.getBitWidth(), i.isSigned()));
        } else if (a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return LogicalType.JSON(new org.apache.parquet.format.JsonType());
        }
        return null;
    }

    static TimeUnit thriftUnit(LogicalTypeAnnotation.TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> TimeUnit.MILLIS(new MilliSeconds());
            case MICROS -> TimeUnit.MICROS(new MicroSeconds());
            case NANOS -> TimeUnit.NANOS(new NanoSeconds());
        };
    }

    static PrimitiveTypeName fromThriftType(org.apache.parquet.format.Type t) {
        return t == org.apache.parquet.format.Type.BYTE_ARRAY ? PrimitiveTypeName.BINARY : PrimitiveTypeName.valueOf(t.name());
    }

    static org.apache.parquet.format.Type toThriftType(PrimitiveTypeName t) {
        return t == PrimitiveTypeName.BINARY ? org.apache.parquet.format.Type.BYTE_ARRAY : org.apache.parquet.format.Type.valueOf(t.name());
    }
}
