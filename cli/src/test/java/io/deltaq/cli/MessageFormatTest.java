package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The pieces of produce and consume that need no table: UTF-8 validation, timestamps, line splitting. */
class MessageFormatTest {

    private static boolean jdkSaysValid(byte[] b) {
        try {
            CharBuffer ignored = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return ignored != null;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void utf8ValidationAgreesWithTheJdkDecoderOnEdgeCasesAndRandomBytes() {
        byte[][] cases = {
                {}, {'a'}, {(byte) 0xC2, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF},
                {(byte) 0xE0, (byte) 0xA0, (byte) 0x80}, {(byte) 0xED, (byte) 0x9F, (byte) 0xBF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
                {(byte) 0xF0, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x82}, {'a', (byte) 0xE2}, {(byte) 0x80}, {(byte) 0xFF},
                "ünïcödé 🎉".getBytes(StandardCharsets.UTF_8),
        };
        for (byte[] c : cases) {
            assertEquals(jdkSaysValid(c), MessageFormat.isValidUtf8(c, 0, c.length), Arrays.toString(c));
        }
        Random random = new Random(42);
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[1 + random.nextInt(6)];
            random.nextBytes(b);
            if (random.nextBoolean()) {
                b[0] = (byte) (0xC0 | random.nextInt(0x40)); // a lead byte, so multi-byte forms are common
            }
            boolean expected = jdkSaysValid(b);
            valid += expected ? 1 : 0;
            assertEquals(expected, MessageFormat.isValidUtf8(b, 0, b.length), Arrays.toString(b));
        }
        assertTrue(valid > 1_000, "the random cases include valid text: " + valid);
        byte[] framed = {(byte) 0xFF, 'o', 'k', (byte) 0xFF};
        assertTrue(MessageFormat.isValidUtf8(framed, 1, 2), "only the given range counts");
        assertFalse(MessageFormat.isValidUtf8(new byte[] {(byte) 0xC3, (byte) 0xA9}, 0, 1), "cut inside a character");
    }

    @Test
    void timestampsAreIsoInstantsWithMicroseconds() {
        assertEquals("1970-01-01T00:00:00Z", MessageFormat.isoInstant(0));
        assertEquals("2024-05-01T12:00:00.123456Z", MessageFormat.isoInstant(1_714_564_800_123_456L));
        assertEquals("1969-12-31T23:59:59.999999Z", MessageFormat.isoInstant(-1));
    }

    /** Splits with the produce command's reader, reading through a stream that returns few bytes at a time. */
    private static List<byte[]> split(byte[] input, int chunk) throws IOException {
        InputStream in = new ByteArrayInputStream(input) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        ProduceCommand.LineReader reader = new ProduceCommand.LineReader(in, ProduceCommand.MAX_MESSAGE_BYTES);
        List<byte[]> lines = new ArrayList<>();
        while (reader.next()) {
            assertEquals(lines.size() + 1, reader.number());
            lines.add(Arrays.copyOfRange(reader.array(), reader.offset(), reader.offset() + reader.length()));
        }
        return lines;
    }

    @Test
    void linesSplitOnNewlineOnlyWhateverTheReadSizes() throws IOException {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        List<byte[]> expected = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] line = new byte[random.nextInt(i % 50 == 0 ? 200_000 : 40)];
            random.nextBytes(line);
            for (int k = 0; k < line.length; k++) {
                if (line[k] == '\n') {
                    line[k] = '\r';
                }
            }
            expected.add(line);
            input.writeBytes(line);
            input.write('\n');
        }
        byte[] last = "unterminated".getBytes(StandardCharsets.US_ASCII);
        expected.add(last);
        input.writeBytes(last);
        for (int chunk : new int[] {1, 7, 65_536, Integer.MAX_VALUE}) {
            List<byte[]> lines = split(input.toByteArray(), chunk);
            assertEquals(expected.size(), lines.size(), "chunk " + chunk);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), lines.get(i), "line " + (i + 1) + ", chunk " + chunk);
            }
        }
        assertEquals(0, split(new byte[0], 10).size());
        assertEquals(1, split(new byte[] {'\n'}, 10).size());
        assertEquals(0, split(new byte[] {'\n'}, 10).get(0).length);
    }
}
