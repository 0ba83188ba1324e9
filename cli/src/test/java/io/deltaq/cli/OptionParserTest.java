package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class OptionParserTest {

    private static OptionParser parser() {
        return new OptionParser("deltaq demo")
                .value("dir", "PATH", "a directory")
                .value("count", "N", "how many")
                .flag("verbose", "say more");
    }

    private static String error(List<String> args) {
        return assertThrows(UsageException.class, () -> parser().parse(args)).getMessage();
    }

    @Test
    void valuesBothSpellingsFlagsAndDefaults() throws UsageException {
        ParsedOptions options = parser().parse(List.of("--dir", "/tmp/x", "--count=7", "--verbose"));
        assertEquals(Optional.of(Path.of("/tmp/x")), options.path("dir"));
        assertEquals(7, options.intValue("count", 1, 0, 10));
        assertTrue(options.flag("verbose"));
        assertFalse(options.helpRequested());

        ParsedOptions empty = parser().parse(List.of());
        assertEquals(Optional.empty(), empty.string("dir"));
        assertEquals(1, empty.intValue("count", 1, 0, 10));
        assertFalse(empty.flag("verbose"));
        assertFalse(empty.has("dir"));
    }

    @Test
    void equalsFormKeepsEqualsSignsAndEmptyValuesAndNegativeNumbersFollowAsValues() throws UsageException {
        assertEquals("a=b", parser().parse(List.of("--dir=a=b")).string("dir", null));
        assertEquals("", parser().parse(List.of("--dir=")).string("dir", null));
        assertEquals("-3", parser().parse(List.of("--count", "-3")).string("count", null));
    }

    @Test
    void errorsNameTheCommandAndTheOption() {
        assertEquals("deltaq demo: unknown option --prot", error(List.of("--prot", "1")));
        assertEquals("deltaq demo: unknown option -x (options are spelled --name)", error(List.of("-x")));
        assertEquals("deltaq demo: option --dir needs a value (--dir PATH)", error(List.of("--dir")));
        assertEquals("deltaq demo: option --dir needs a value (--dir PATH)", error(List.of("--dir", "--verbose")));
        assertEquals("deltaq demo: option --verbose takes no value, got '--verbose=yes'",
                error(List.of("--verbose=yes")));
        assertEquals("deltaq demo: option --count given twice", error(List.of("--count", "1", "--count=2")));
        assertEquals("deltaq demo: unexpected argument 'stray'", error(List.of("stray")));
    }

    @Test
    void typedGettersReportBadValues() throws UsageException {
        ParsedOptions notANumber = parser().parse(List.of("--count", "ten"));
        assertEquals("deltaq demo: --count needs a whole number, got 'ten'",
                assertThrows(UsageException.class, () -> notANumber.intValue("count", 0, 0, 10)).getMessage());
        ParsedOptions tooBig = parser().parse(List.of("--count", "11"));
        assertEquals("deltaq demo: --count must be between 0 and 10, got 11",
                assertThrows(UsageException.class, () -> tooBig.intValue("count", 0, 0, 10)).getMessage());
        ParsedOptions emptyPath = parser().parse(List.of("--dir="));
        assertThrows(UsageException.class, () -> emptyPath.path("dir"));
        assertThrows(IllegalArgumentException.class, () -> emptyPath.string("undeclared"));
        assertThrows(IllegalArgumentException.class, () -> emptyPath.flag("dir"));
    }

    @Test
    void helpDoubleDashAndPositionals() throws UsageException {
        assertTrue(parser().parse(List.of("-h")).helpRequested());
        assertTrue(parser().parse(List.of("stray", "--help")).helpRequested(), "help wins over other mistakes");

        OptionParser withTopics = parser().positionals("TOPIC", 1, 2);
        assertEquals(List.of("a", "--verbose"), withTopics.parse(List.of("a", "--", "--verbose")).positionals());
        assertEquals("deltaq demo: missing TOPIC",
                assertThrows(UsageException.class, () -> withTopics.parse(List.of("--verbose"))).getMessage());
        assertThrows(UsageException.class, () -> withTopics.parse(List.of("a", "b", "c")));
    }

    @Test
    void usageListsEveryOptionInDeclarationOrderAndKeepsTheDescriptionAsWritten() {
        String usage = parser().positionals("TOPIC", 1, 1)
                .describe("the summary", "Does demo things, 100% of them.\n  An indented line: ${not a variable}.").usage();
        assertTrue(usage.startsWith("usage: deltaq demo [-h] [--dir=PATH] [--count=N] [--verbose] TOPIC\n"), usage);
        assertTrue(usage.contains("\nDoes demo things, 100% of them.\n  An indented line: ${not a variable}.\n"), usage);
        assertTrue(usage.contains("\n  -h, --help       show this help\n      --dir=PATH   a directory\n"), usage);
        assertFalse(usage.contains("the summary"), "the summary is for the list of deltaq help: " + usage);
    }

    @Test
    void repeatableOptionsKeepEveryValueInOrderAndOthersAreGivenOnce() throws UsageException {
        OptionParser parser = parser().repeatable("property", "KEY=VALUE", "a property");
        ParsedOptions options = parser.parse(List.of("--property", "a=1", "--property=b=", "--count", "2"));
        assertEquals(List.of("a=1", "b="), options.strings("property"));
        assertTrue(options.has("property"));
        assertEquals(List.of(), parser().repeatable("property", "KEY=VALUE", "a property").parse(List.of())
                .strings("property"));
        assertThrows(IllegalArgumentException.class, () -> options.string("property"));
        assertThrows(IllegalArgumentException.class, () -> options.strings("count"));
    }

    @Test
    void positionalsDeclaredInTurnFollowOneAnother() throws UsageException {
        OptionParser parser = parser().positionals("TABLE", 1, 1).positionals("KEY=VALUE", 0, Integer.MAX_VALUE);
        assertEquals(List.of("t", "a=1", "-", "b=2"), parser.parse(List.of("t", "a=1", "--verbose", "-", "b=2")).positionals());
        assertEquals(List.of("t"), parser().positionals("TABLE", 1, 1).positionals("KEY=VALUE", 0, Integer.MAX_VALUE)
                .parse(List.of("t")).positionals());
        assertEquals("deltaq demo: too many arguments: 'b' after TABLE",
                assertThrows(UsageException.class, () -> parser().positionals("TABLE", 1, 1).parse(List.of("a", "b")))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> parser().positionals("REST", 0, Integer.MAX_VALUE)
                .positionals("MORE", 0, 1));
    }

    @Test
    void argumentsAreTheWordsAsGivenAndAnAtSignIsAValue() throws UsageException {
        List<String> args = List.of("--dir", "@list.txt", "--count=3");
        ParsedOptions options = parser().parse(args);
        assertEquals(args, options.arguments());
        assertEquals("@list.txt", options.string("dir", null));
    }

    @Test
    void declaringAnOptionTwiceOrHelpIsABug() {
        assertThrows(IllegalArgumentException.class, () -> parser().flag("dir", "again"));
        assertThrows(IllegalArgumentException.class, () -> parser().flag("help", "mine"));
        assertThrows(IllegalArgumentException.class, () -> parser().flag("Bad_Name", "x"));
    }
}
