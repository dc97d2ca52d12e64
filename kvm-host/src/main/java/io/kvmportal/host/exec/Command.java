package io.kvmportal.host.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a short-lived host program from an argument list and collects its output. There is no way to
 * pass a shell string: every value stays one argument, whatever characters it holds.
 */
public final class Command {
    private static final Logger LOG = LoggerFactory.getLogger(Command.class);

    private Command() {
    }

    /** Runs {@code argv} with stdin from /dev/null, stdout and stderr merged; kills it after {@code timeout}. */
    public static CommandResult run(List<String> argv, Duration timeout) {
        SplitResult result = run(argv, timeout, true);
        return new CommandResult(result.argv(), result.exitCode(), result.stdout());
    }

    /**
     * Like {@link #run}, but stdout and stderr apart: for a program that answers in a format on stdout (JSON) and
     * says what went wrong on stderr.
     */
    public static SplitResult runSplit(List<String> argv, Duration timeout) {
        return run(argv, timeout, false);
    }

    private static SplitResult run(List<String> argv, Duration timeout, boolean merged) {
        List<String> command = List.copyOf(argv);
        LOG.info("spawn {}", command);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(merged)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new CommandException(command, "cannot start: " + e.getMessage(), e);
        }
        // Read on other threads so a chatty program cannot block on a full pipe while we wait.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<String> errors = merged ? CompletableFuture.completedFuture("")
                : CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CommandException(command, "did not finish within " + timeout, null);
            }
            return new SplitResult(command, process.exitValue(), output.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    errors.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandException(command, "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandException(command, "cannot read output: " + e.getMessage(), e);
        }
    }

    /** Like {@link #run} but a non-zero exit is an exception carrying the output. */
    public static String runChecked(List<String> argv, Duration timeout) {
        CommandResult result = run(argv, timeout);
        if (result.exitCode() != 0) {
            throw new CommandException(result.argv(), "exit " + result.exitCode() + ": " + result.output().strip(), null);
        }
        return result.output();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
