package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

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
            assertTrue(captured.out().startsWith("usage: deltaq <command>"), captured.out());
            for (Command command : DeltaqMain.commands()) {
                assertTrue(captured.out().contains("\n  " + command.name() + " "), command.name() + " listed");
            }
            assertEquals("", captured.err());
        }
    }

    @Test
    void theBuiltInCommandsAreTheOnlyOnesWithoutAModuleThatProvidesMore() {
        assertEquals(List.of("serve", "produce", "consume", "inspect", "configure", "maintain"),
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
        assertTrue(captured.err().startsWith("deltaq: unknown command 'produse'\nusage: deltaq <command>"),
                captured.err());
    }

    @Test
    void helpForOneCommandAndCommandDashDashHelpPrintItsOptions() {
        for (String[] args : new String[][] {{"help", "serve"}, {"serve", "--help"}, {"serve", "-h", "--bogus"}}) {
            CapturedIo captured = run(0, args);
            String usage = captured.out();
            assertTrue(usage.startsWith("usage: deltaq serve [--dir PATH] [--latency-ms N] [--bucket NAME] [--port N]"),
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
}
