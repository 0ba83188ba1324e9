package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

class DeltaqMainTest {

    private static CapturedIo run(int expectedStatus, String... args) {
        CapturedIo captured = new CapturedIo();
        assertEquals(expectedStatus, DeltaqMain.run(args, captured.io),
                () -> "deltaq " + String.join(" ", args) + "\nstdout: " + captured.out() + "\nstderr: " + captured.err());
        return captured;
    }

    @Test
    void helpAndDashDashHelpListEveryCommandOnStdout() {
        for (String help : new String[] {"help", "--help", "-h"}) {
            CapturedIo captured = run(0, help);
            assertTrue(captured.out().startsWith("usage: deltaq [-hV] COMMAND\n"), captured.out());
            for (String name : names()) {
                assertTrue(captured.out().contains("\n  " + name + " "), name + " listed");
            }
            assertTrue(captured.out().contains("source <(deltaq completion)"), captured.out());
            assertEquals("", captured.err());
        }
    }

    @Test
    void theBuiltInCommandsAreTheOnlyOnesWithoutAModuleThatProvidesMore() {
        assertEquals(List.of("serve", "produce", "consume", "inspect", "configure", "maintain", "topic"),
                DeltaqMain.commands().stream().map(Command::name).toList());
    }

    @Test
    void noArgumentsPrintsUsageOnStderrWithStatus2() {
        CapturedIo captured = run(2);
        assertEquals("", captured.out());
        assertTrue(captured.err().contains("  serve "), captured.err());
    }

    @Test
    void unknownCommandIsNamedOnStderrWithUsageAndStatus2() {
        CapturedIo captured = run(2, "produse", "--topic", "t");
        assertEquals("", captured.out());
        assertTrue(captured.err().startsWith("deltaq: unknown command 'produse'\nusage: deltaq [-hV] COMMAND"),
                captured.err());
    }

    @Test
    void helpForOneCommandAndCommandDashDashHelpPrintItsOptions() {
        for (String[] args : new String[][] {{"help", "serve"}, {"serve", "--help"}, {"serve", "-h", "--bogus"}}) {
            CapturedIo captured = run(0, args);
            String usage = captured.out();
            assertTrue(usage.startsWith("usage: deltaq serve [-h] [--dir=PATH] [--latency-ms=N] [--bucket=NAME] [--port=N]"),
                    usage);
            assertTrue(usage.contains("AWS_ENDPOINT_URL"), usage);
            assertTrue(usage.contains("  -h, --help "), usage);
        }
        CapturedIo unknown = run(2, "help", "nope");
        assertTrue(unknown.err().startsWith("deltaq help: unknown command 'nope'"), unknown.err());
    }

    @Test
    void badOptionsOfACommandAreUsageErrorsNamingTheCommand() {
        CapturedIo unknownOption = run(2, "serve", "--prot", "9000");
        assertTrue(unknownOption.err().startsWith("deltaq serve: unknown option --prot\nusage: deltaq serve "),
                unknownOption.err());
        assertEquals("", unknownOption.out());

        assertTrue(run(2, "serve", "--port").err().startsWith("deltaq serve: option --port needs a value"));
        assertTrue(run(2, "serve", "--port=http").err().startsWith("deltaq serve: --port needs a whole number"));
        assertTrue(run(2, "serve", "--latency-ms", "-5").err().startsWith("deltaq serve: --latency-ms must be"));
        assertTrue(run(2, "serve", "--bucket", "No_Such").err()
                .startsWith("deltaq serve: --bucket: invalid bucket name 'No_Such'"));
    }

    @Test
    void versionPrintsTheVersionTheBuildWrote() {
        String expected = "deltaq " + System.getProperty("deltaq.version") + "\n";
        assertTrue(expected.matches("deltaq \\d+\\.\\d+\\.\\d+.*\n"), "surefire passes the project version: " + expected);
        for (String version : new String[] {"--version", "-V"}) {
            CapturedIo captured = run(0, version);
            assertEquals(expected, captured.out());
            assertEquals("", captured.err());
        }
    }

    @Test
    void everyCommandAnswersHelpWithEachOfItsOptions() {
        for (String name : names()) {
            CapturedIo help = run(0, name, "--help");
            String usage = help.out();
            assertTrue(usage.startsWith("usage: deltaq " + name + " [-h]"), usage);
            assertTrue(usage.contains("\n  -h, --help "), usage);
            for (OptionSpec option : options(name)) {
                assertTrue(usage.contains(option.longestName()), option.longestName() + " in " + usage);
            }
            assertEquals("", help.err());
            assertEquals(usage, run(0, name, "-h").out());
            assertEquals(usage, run(0, "help", name).out());
        }
    }

    @Test
    void unknownOptionsAndMissingValuesOfEveryCommandExit2NamingTheCommandAndTheOption() {
        for (String name : names()) {
            CapturedIo unknown = run(2, name, "--no-such-option");
            assertTrue(unknown.err().startsWith("deltaq " + name + ": unknown option --no-such-option\nusage: deltaq " + name
                    + " "), unknown.err());
            assertEquals("", unknown.out());
            for (OptionSpec option : options(name)) {
                if (option.arity().max() > 0) {
                    String err = run(2, name, option.longestName()).err();
                    assertTrue(err.startsWith("deltaq " + name + ": option " + option.longestName() + " needs a value ("
                            + option.longestName() + " " + option.paramLabel() + ")\n"), err);
                }
            }
        }
        assertTrue(run(2, "--no-such-option").err().startsWith("deltaq: unknown option --no-such-option\nusage: deltaq "));
        assertTrue(run(2, "help", "a", "b").err().startsWith("deltaq help: too many arguments: 'b' after COMMAND\n"));
    }

    /**
     * The script, loaded into bash, completes command names and the options of a command: the shell
     * calls the function it registers with COMP_WORDS/COMP_CWORD set, and reads COMPREPLY. (compopt,
     * which the script calls, only works while bash itself is completing, so it is a no-op here.)
     */
    @Test
    void completionPrintsABashScriptThatCompletesCommandsAndOptions(@TempDir Path dir) throws Exception {
        CapturedIo completion = run(0, "completion");
        assertEquals("", completion.err());
        Path script = Files.writeString(dir.resolve("deltaq-completion.bash"), completion.out());
        assertEquals(String.join(" ", names()), complete(script, "deltaq", ""));
        assertEquals("serve", complete(script, "deltaq", "se"));
        assertEquals("--help --dir --latency-ms --bucket --port", complete(script, "deltaq", "serve", "--"));
        assertEquals("--commits", complete(script, "deltaq", "inspect", "--com"));
    }

    private static String complete(Path script, String... words) throws Exception {
        String wordArray = Arrays.stream(words).map(w -> "'" + w + "'").collect(Collectors.joining(" "));
        Process bash = new ProcessBuilder("bash", "-c", "source '" + script + "' && compopt() { :; } && COMP_WORDS=(" + wordArray + ")"
                + " && COMP_CWORD=" + (words.length - 1) + " && COMP_LINE=\"${COMP_WORDS[*]}\" && COMP_POINT=${#COMP_LINE}"
                + " && _complete_deltaq && echo \"${COMPREPLY[*]}\"").redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS) && bash.exitValue() == 0, out);
        return out.strip();
    }

    /** Every subcommand of deltaq: the commands, then help and completion. */
    private static List<String> names() {
        List<String> names = new ArrayList<>(DeltaqMain.commands().stream().map(Command::name).toList());
        names.addAll(List.of(DeltaqMain.HELP, DeltaqMain.COMPLETION));
        return names;
    }

    /** The options a command declares, -h/--help aside; help and completion declare none. */
    private static List<OptionSpec> options(String name) {
        return DeltaqMain.commands().stream().filter(c -> c.name().equals(name)).findFirst()
                .map(c -> c.options().commandLine().getCommandSpec().options().stream().filter(o -> !o.usageHelp()).toList())
                .orElse(List.of());
    }
}
