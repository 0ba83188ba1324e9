package io.deltaq.consumer;

import static io.deltaq.consumer.RingRecordDescriptor.HEADERS_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.HEADER_LENGTH;
import static io.deltaq.consumer.RingRecordDescriptor.INDEX_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.KEY_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.TIMESTAMP_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VALUE_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VERSION_OFFSET;

import io.deltaq.deltalog.DataFileNotFoundException;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.s3io.Futures;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Decodes the rows of pending commits into the ring (see {@link RingRecordDescriptor}), a bounded
 * number per call so that a duty cycle stays short, allocating nothing per row.
 *
 * <p>A full ring is not an error: the row that did not fit is remembered in the commit, and
 * publishing resumes there from the bytes already fetched once the application has drained enough
 * ({@link #hasRoom()}): no re-fetch, no loss, no duplicate. A file larger than one call's budget is
 * read in pieces from one open: each piece goes on from the last instead of decoding the file again
 * up to its first row. (Not after a piece the ring cut short: the reader has decoded past the row
 * that did not fit, and goes back to it by reading the file again from its start.) Used by the
 * tailer thread only.
 */
final class RingPublisher implements AutoCloseable {

    private final OneToOneRingBuffer ring;
    private final String table;
    private final MessageFileReader reader = new MessageFileReader();
    private final RingWriter writer;
    private int messageTypeId;
    private int commitEndTypeId;
    /** Free ring bytes the record that did not fit needs; 0 when nothing was turned away. */
    private int neededBytes;
    /** Ring bytes a record takes on average, to size a piece to the free space. */
    private long avgRecordBytes = 64;

    /** @param table the table's location, for messages */
    RingPublisher(OneToOneRingBuffer ring, String table) {
        this.ring = ring;
        this.table = table;
        this.writer = new RingWriter(ring, table);
        restart(0);
    }

    /** Records written from now on carry {@code epoch}; a record turned away before is forgotten. */
    void restart(int epoch) {
        messageTypeId = RingRecordDescriptor.typeId(epoch, RingRecordDescriptor.KIND_MESSAGE);
        commitEndTypeId = RingRecordDescriptor.typeId(epoch, RingRecordDescriptor.KIND_COMMIT_END);
        neededBytes = 0;
    }

    /** Whether the last {@link #publish} stopped at a full ring. */
    boolean blocked() {
        return neededBytes > 0;
    }

    /**
     * Whether publishing can go on: nothing was turned away, or the application drained enough for
     * the record that was (with its padding at the wrap), so that the retry cannot be turned away again.
     */
    boolean hasRoom() {
        if (neededBytes > 0) {
            if (ring.capacity() - ring.size() < neededBytes) {
                return false;
            }
            neededBytes = 0;
        }
        return true;
    }

    /**
     * Writes {@code commit}'s rows from where it stopped, at most {@code budget}, then its commit-end
     * record, which sets {@code commit.published}. Stops early at a full ring ({@link #blocked()}) or
     * at a file whose bytes are not fetched yet (its GET wakes the tailer when they are).
     *
     * @return the rows written
     * @throws ConsumerException if a file's GET failed or it cannot be decoded, or a row cannot be delivered
     */
    int publish(PendingCommit commit, int budget) {
        int written = 0;
        if (commit.files != null) {
            while (commit.fileIndex < commit.files.length && written < budget) {
                int n = publishFile(commit, budget - written);
                if (n < 0) { // not fetched yet, or gone
                    return written;
                }
                written += n;
                if (neededBytes > 0) {
                    return written;
                }
            }
            if (commit.fileIndex < commit.files.length) {
                return written; // budget spent
            }
        }
        commit.published = writeCommitEnd(commit.version);
        return written;
    }

    /**
     * Writes rows of the commit's current file; -1 while its bytes are not there yet, or when they
     * are gone ({@link PendingCommit#dataFileMissing} is then set). For a version read from a
     * compacted file only the version's window of the file is read: row {@code nextRow} of the
     * commit is row {@code windowStart + nextRow} of the file.
     */
    private int publishFile(PendingCommit c, int budget) {
        int k = c.fileIndex;
        LiveFile file = c.files[k];
        CompletableFuture<byte[]> f = c.data[k];
        if (f == null) {
            c.nextFile(c.rowsFromStats[k]); // not fetched: wholly before the start by its statistics
            return 0;
        }
        if (!f.isDone()) {
            return -1;
        }
        byte[] bytes;
        try {
            bytes = f.join();
        } catch (CompletionException | CancellationException e) {
            ConsumerException error = ConsumerErrors.readFailed(table, c.version, "reading data file " + file.path(), e);
            if (Futures.unwrap(e) instanceof DataFileNotFoundException) {
                c.dataFileMissing = error; // maybe vacuumed after a compaction: the tailer looks for the rows
                return -1;
            }
            throw error;
        }
        long skipInFile = c.skip - c.indexBase;
        int start = c.windowStart;
        try {
            if (!reader.isOpen(bytes, 0, bytes.length)) {
                reader.open(bytes, 0, bytes.length, file.path());
            }
            long windowEnd = c.windowRows < 0 ? reader.rows() : start + c.windowRows;
            if (windowEnd > reader.rows()) {
                throw ConsumerErrors.compactedFileTooShort(table, c.version, file.path(), windowEnd, reader.rows());
            }
            if (c.nextRow == 0 && skipInFile > 0) {
                long rows = c.rowsFromStats[k] >= 0 ? c.rowsFromStats[k] : reader.rows();
                if (rows <= skipInFile) {
                    c.nextFile(rows);
                    return 0;
                }
                c.nextRow = (int) skipInFile;
            }
            if (reader.row() != start + c.nextRow) {
                // forward to the start position, or back after rows the full ring turned away
                reader.seek(start + c.nextRow);
            }
            int free = ring.capacity() - ring.size();
            int chunk = (int) Math.max(1, Math.min(Math.min(budget, free / avgRecordBytes),
                    windowEnd - start - c.nextRow));
            writer.begin(c.version, c.indexBase - start, messageTypeId, file.path());
            int decoded = reader.read(chunk, writer);
            int written = writer.written;
            if (written > 0) {
                avgRecordBytes = Math.max(16, (avgRecordBytes + writer.bytesWritten / written) / 2);
            }
            if (writer.fullAtRow >= 0) {
                c.nextRow = writer.fullAtRow - start;
                neededBytes = writer.neededBytes;
            } else {
                c.nextRow += decoded;
                if (decoded < chunk || start + c.nextRow >= windowEnd) {
                    c.nextFile(c.nextRow);
                }
            }
            return written;
        } catch (ConsumerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ConsumerErrors.cannotDecode(table, c.version, file.path(), e);
        }
    }

    private boolean writeCommitEnd(long version) {
        int at = ring.tryClaim(commitEndTypeId, RingRecordDescriptor.COMMIT_END_LENGTH);
        if (at == RingBuffer.INSUFFICIENT_CAPACITY) {
            neededBytes = spaceNeeded(RingRecordDescriptor.COMMIT_END_LENGTH);
            return false;
        }
        ring.buffer().putLong(at, version);
        ring.commit(at);
        return true;
    }

    /** Free ring bytes that certainly take a record of {@code length}, even with padding at the wrap. */
    static int spaceNeeded(int length) {
        int aligned = BitUtil.align(length + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
        return 2 * aligned + RecordDescriptor.HEADER_LENGTH;
    }

    /** The smallest ring ({@code buffer.bytes}) that takes a record of {@code length}. */
    static long ringBytesFor(int length) {
        long needed = 8L * length; // agrona takes records up to an eighth of the ring
        long p = Long.highestOneBit(needed);
        return p == needed ? p : p << 1;
    }

    @Override
    public void close() {
        reader.close();
    }

    /** Writes decoded rows into the ring; remembers the first row that did not fit. */
    private static final class RingWriter implements io.deltaq.deltalog.internal.parquet.MessageRowHandler {
        private final OneToOneRingBuffer ring;
        private final AtomicBuffer buffer;
        private final int maxLength;
        private final String table;
        private long version;
        private long indexBase;
        private int typeId;
        private String file;
        int written;
        /** Ring bytes taken by this piece's records, headers and alignment included. */
        long bytesWritten;
        int fullAtRow;
        int neededBytes;

        RingWriter(OneToOneRingBuffer ring, String table) {
            this.ring = ring;
            this.buffer = ring.buffer();
            this.maxLength = ring.maxMsgLength();
            this.table = table;
        }

        void begin(long version, long indexBase, int typeId, String file) {
            this.version = version;
            this.indexBase = indexBase;
            this.typeId = typeId;
            this.file = file;
            written = 0;
            bytesWritten = 0;
            fullAtRow = -1;
            neededBytes = 0;
        }

        @Override
        public void onMessage(int rowIndex, byte[] keyBuf, int keyOff, int keyLen,
                              byte[] valueBuf, int valueOff, int valueLen, long timestampMicros,
                              byte[] headersBuf, int headersOff, int headersLen) {
            if (fullAtRow >= 0) {
                return; // the rest of this piece is decoded again when there is room
            }
            long index = indexBase + rowIndex;
            if (index > Position.MAX_INDEX) {
                throw ConsumerErrors.tooManyRows(table, version);
            }
            int length = RingRecordDescriptor.messageLength(keyLen, valueLen, headersLen);
            if (length > maxLength) {
                throw ConsumerErrors.messageTooLarge(table, version, index, file, length, keyLen, valueLen, headersLen,
                        maxLength, ringBytesFor(length));
            }
            int at = ring.tryClaim(typeId, length);
            if (at == RingBuffer.INSUFFICIENT_CAPACITY) {
                fullAtRow = rowIndex;
                neededBytes = spaceNeeded(length);
                return;
            }
            AtomicBuffer b = buffer;
            b.putLong(at + VERSION_OFFSET, version);
            b.putLong(at + TIMESTAMP_OFFSET, timestampMicros);
            b.putInt(at + INDEX_OFFSET, (int) index);
            b.putInt(at + KEY_LENGTH_OFFSET, keyLen);
            b.putInt(at + VALUE_LENGTH_OFFSET, valueLen);
            b.putInt(at + HEADERS_LENGTH_OFFSET, headersLen);
            int keyBytes = Math.max(keyLen, 0);
            if (keyBytes > 0) {
                b.putBytes(at + HEADER_LENGTH, keyBuf, keyOff, keyBytes);
            }
            if (valueLen > 0) {
                b.putBytes(at + HEADER_LENGTH + keyBytes, valueBuf, valueOff, valueLen);
            }
            if (headersLen > 0) {
                b.putBytes(at + HEADER_LENGTH + keyBytes + Math.max(valueLen, 0), headersBuf, headersOff, headersLen);
            }
            ring.commit(at);
            written++;
            bytesWritten += BitUtil.align(length + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
        }
    }
}
