package io.deltaq.deltalog.internal.parquet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads any Parquet file into generic nested rows ({@link ParquetStruct}), reading only the
 * requested top-level columns. Used for Delta checkpoints; record assembly (repetition and
 * definition levels) is parquet-column's, so null structs, structs of nulls, empty and null
 * lists and maps come out distinct. Lists and maps are recognised in the standard three-level
 * form and in the legacy forms (Parquet's backward-compatibility rules).
 */
public final class ParquetRows {
    private ParquetRows() {
    }

    /**
     * @param topLevelColumns the top-level columns wanted; absent ones read as null; null means all
     */
    public static List<ParquetStruct> read(byte[] file, String fileName, Set<String> topLevelColumns) {
        return read(file, 0, file.length, fileName, topLevelColumns);
    }

    /** Rows per byte of file that {@link #read} believes: far more than any writer's densest encoding of real rows. */
    static final long MAX_ROWS_PER_BYTE = 64;

    public static List<ParquetStruct> read(byte[] file, int off, int len, String fileName, Set<String> topLevelColumns) {
        FileMetaData meta = ParquetFooter.read(file, off, len, fileName);
        MessageType schema = ThriftSchema.fromThrift(meta.getSchema(), fileName);
        List<Type> wanted = new ArrayList<>();
        for (Type field : schema.getFields()) {
            if (topLevelColumns == null || topLevelColumns.contains(field.getName())) {
                wanted.add(field);
            }
        }
        // Every row is materialised, so its count must be believable before anything is allocated:
        // real files spend bytes on each row (checkpoint rows each hold a path, an id or a version).
        long maxRows = Math.min(Integer.MAX_VALUE, MAX_ROWS_PER_BYTE * len + 1024);
        if (meta.getNum_rows() < 0 || meta.getNum_rows() > maxRows) {
            throw new ParquetFormatException(fileName, "corrupt footer: num_rows is " + meta.getNum_rows()
                    + ", over the bound of " + maxRows + " rows for a file of " + len + " bytes");
        }
        List<ParquetStruct> rows = new ArrayList<>((int) Math.min(meta.getNum_rows(), 1 << 16));
        if (wanted.isEmpty()) {
            for (long i = 0; i < meta.getNum_rows(); i++) {
                rows.add(new ParquetStruct(0));
            }
            return rows;
        }
        MessageType requested = new MessageType(schema.getName(), wanted);
        try (Codecs codecs = new Codecs()) {
            MessageColumnIO io = new ColumnIOFactory(meta.getCreated_by() == null ? "" : meta.getCreated_by())
                    .getColumnIO(requested, schema, true);
            Materializer materializer = new Materializer(requested);
            for (RowGroup rowGroup : meta.getRow_groups()) {
                long n = rowGroup.getNum_rows();
                if (n == 0) {
                    continue;
                }
                if (n < 0 || rows.size() + n > meta.getNum_rows()) {
                    throw new ParquetFormatException(fileName, "corrupt footer: a row group of " + n + " rows after "
                            + rows.size() + " passes the file's num_rows of " + meta.getNum_rows());
                }
                RowGroupPages pages = new RowGroupPages(file, off, len, rowGroup, fileName, codecs);
                RecordReader<ParquetStruct> reader = io.getRecordReader(pages, materializer);
                for (long i = 0; i < n; i++) {
                    rows.add(reader.read());
                }
            }
        } catch (ParquetFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ParquetFormatException(fileName, "cannot read rows: " + e, e);
        }
        return rows;
    }

    /** Builds the value model from parquet-column's converter callbacks. */
    private static final class Materializer extends RecordMaterializer<ParquetStruct> {
        private final StructConverter root;
        private ParquetStruct last;

        Materializer(MessageType schema) {
            root = new StructConverter(schema, v -> last = (ParquetStruct) v);
        }

        @Override
        public ParquetStruct getCurrentRecord() {
            return last;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }

    static Converter converterFor(Type type, Consumer<Object> sink) {
        if (type.isPrimitive()) {
            return new ValueConverter(type, sink);
        }
        GroupType group = type.asGroupType();
        LogicalTypeAnnotation a = group.getLogicalTypeAnnotation();
        if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && isListShaped(group)) {
            return new ListConverter(group, sink);
        }
        if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) && isMapShaped(group)) {
            return new MapConverter(group, sink);
        }
        return new StructConverter(group, sink);
    }

    private static boolean isListShaped(GroupType g) {
        return g.getFieldCount() == 1 && g.getType(0).isRepetition(Type.Repetition.REPEATED);
    }

    private static boolean isMapShaped(GroupType g) {
        if (g.getFieldCount() != 1) {
            return false;
        }
        Type kv = g.getType(0);
        return kv.isRepetition(Type.Repetition.REPEATED) && !kv.isPrimitive()
                && kv.asGroupType().getFieldCount() >= 1 && kv.asGroupType().getFieldCount() <= 2;
    }

    private static final class StructConverter extends GroupConverter {
        private final Converter[] children;
        private final String[] names;
        private final boolean[] repeated;
        private final Consumer<Object> sink;
        private ParquetStruct current;

        StructConverter(GroupType type, Consumer<Object> sink) {
            this.sink = sink;
            int n = type.getFieldCount();
            children = new Converter[n];
            names = new String[n];
            repeated = new boolean[n];
            for (int i = 0; i < n; i++) {
                Type field = type.getType(i);
                String name = field.getName();
                names[i] = name;
                repeated[i] = field.isRepetition(Type.Repetition.REPEATED);
                // An unannotated repeated field is a list of non-null elements.
                children[i] = repeated[i]
                        ? converterFor(field, v -> listOf(current.get(name)).add(v))
                        : converterFor(field, v -> current.put(name, v));
            }
        }

        @SuppressWarnings("unchecked")
        private static List<Object> listOf(Object o) {
            return (List<Object>) o;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {
            current = new ParquetStruct(names.length);
            for (int i = 0; i < names.length; i++) {
                current.put(names[i], repeated[i] ? new ArrayList<>() : null);
            }
        }

        @Override
        public void end() {
            sink.accept(current);
        }
    }

    private static final class ListConverter extends GroupConverter {
        private final Converter child;
        private final Consumer<Object> sink;
        private List<Object> current;

        ListConverter(GroupType list, Consumer<Object> sink) {
            this.sink = sink;
            Type repeated = list.getType(0);
            boolean repeatedIsElement = repeated.isPrimitive()
                    || repeated.asGroupType().getFieldCount() != 1
                    || repeated.getName().equals("array")
                    || repeated.getName().equals(list.getName() + "_tuple");
            child = repeatedIsElement
                    ? converterFor(repeated, v -> current.add(v))
                    : new ElementConverter(repeated.asGroupType(), v -> current.add(v));
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return child;
        }

        @Override
        public void start() {
            current = new ArrayList<>();
        }

        @Override
        public void end() {
            sink.accept(current);
        }
    }

    /** The repeated group of a three-level list: one element per start/end, null when unset. */
    private static final class ElementConverter extends GroupConverter {
        private final Converter child;
        private final Consumer<Object> sink;
        private Object element;

        ElementConverter(GroupType repeated, Consumer<Object> sink) {
            this.sink = sink;
            child = converterFor(repeated.getType(0), v -> element = v);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return child;
        }

        @Override
        public void start() {
            element = null;
        }

        @Override
        public void end() {
            sink.accept(element);
        }
    }

    private static final class MapConverter extends GroupConverter {
        private final KeyValueConverter entries;
        private final Consumer<Object> sink;
        private Map<Object, Object> current;

        MapConverter(GroupType map, Consumer<Object> sink) {
            this.sink = sink;
            entries = new KeyValueConverter(map.getType(0).asGroupType(), this);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return entries;
        }

        @Override
        public void start() {
            current = new LinkedHashMap<>();
        }

        @Override
        public void end() {
            sink.accept(current);
        }
    }

    private static final class KeyValueConverter extends GroupConverter {
        private final Converter key;
        private final Converter value;
        private final MapConverter map;
        private Object k;
        private Object v;

        KeyValueConverter(GroupType kv, MapConverter map) {
            this.map = map;
            key = converterFor(kv.getType(0), x -> k = x);
            value = kv.getFieldCount() > 1 ? converterFor(kv.getType(1), x -> v = x) : null;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fieldIndex == 0 ? key : value;
        }

        @Override
        public void start() {
            k = null;
            v = null;
        }

        @Override
        public void end() {
            map.current.put(k, v);
        }
    }

    private static final class ValueConverter extends PrimitiveConverter {
        private final Consumer<Object> sink;
        private final boolean text;

        ValueConverter(Type type, Consumer<Object> sink) {
            this.sink = sink;
            LogicalTypeAnnotation a = type.getLogicalTypeAnnotation();
            this.text = a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                    || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
        }

        @Override
        public void addBinary(Binary value) {
            sink.accept(text ? value.toStringUsingUTF8() : value.getBytes());
        }

        @Override
        public void addBoolean(boolean value) {
            sink.accept(value);
        }

        @Override
        public void addDouble(double value) {
            sink.accept(value);
        }

        @Override
        public void addFloat(float value) {
            sink.accept(value);
        }

        @Override
        public void addInt(int value) {
            sink.accept(value);
        }

        @Override
        public void addLong(long value) {
            sink.accept(value);
        }
    }
}
