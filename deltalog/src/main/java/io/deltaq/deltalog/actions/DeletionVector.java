package io.deltaq.deltalog.actions;

/**
 * A deletion vector descriptor. deltaq does not read deletion vectors (tables that use them are
 * refused by the reader gate); the descriptor is modelled so that log replay keys logical files
 * by {@code (path, deletionVector.uniqueId)} as the protocol requires.
 *
 * @param offset null when absent (inline vectors)
 * @param maxRowIndex null when absent
 */
public record DeletionVector(
        String storageType, String pathOrInlineDv, Integer offset, int sizeInBytes, long cardinality,
        Long maxRowIndex) {

    public DeletionVector {
        Actions.required(storageType, "deletionVector", "storageType");
        Actions.required(pathOrInlineDv, "deletionVector", "pathOrInlineDv");
    }

    /** The protocol's unique id: storage type, path or inline data, and {@code @offset} when present. */
    public String uniqueId() {
        return offset == null
                ? storageType + pathOrInlineDv
                : storageType + pathOrInlineDv + "@" + offset;
    }
}
