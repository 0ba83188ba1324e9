package io.deltaq.deltalog.actions;

import java.util.List;

/**
 * The {@code protocol} action: what a client must implement to read or write the table.
 *
 * @param readerFeatures the reader table features, present when {@code minReaderVersion} is 3;
 *     null when absent
 * @param writerFeatures the writer table features, present when {@code minWriterVersion} is 7;
 *     null when absent
 */
public record Protocol(int minReaderVersion, int minWriterVersion, List<String> readerFeatures,
                       List<String> writerFeatures) implements Action {

    public static final String NAME = "protocol";

    /** What deltaq creates: reader 1, writer 2 (append-only and invariants respected). */
    public static final Protocol DELTAQ_DEFAULT = new Protocol(1, 2, null, null);

    public Protocol {
        readerFeatures = Actions.copyList(readerFeatures);
        writerFeatures = Actions.copyList(writerFeatures);
    }

    /** The reader features, empty when none are listed. */
    public List<String> readerFeaturesOrEmpty() {
        return readerFeatures == null ? List.of() : readerFeatures;
    }

    /** The writer features, empty when none are listed. */
    public List<String> writerFeaturesOrEmpty() {
        return writerFeatures == null ? List.of() : writerFeatures;
    }

    @Override
    public String actionName() {
        return NAME;
    }
}
