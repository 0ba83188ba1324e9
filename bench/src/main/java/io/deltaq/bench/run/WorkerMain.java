package io.deltaq.bench.run;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a worker JVM, started by the coordinator with the coordinator's own class
 * path. Control lines arrive on stdin, results leave on stdout; anything else the libraries print
 * goes to stderr, which the coordinator keeps in a log file. When stdin ends before the run is
 * finished the coordinator is gone (killed, crashed), and the worker halts at once rather than
 * load the machine with nobody listening.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) {
        PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int status = new Worker(in::readLine, protocol::println, () -> Runtime.getRuntime().halt(3)).run();
        protocol.flush();
        System.exit(status);
    }
}
