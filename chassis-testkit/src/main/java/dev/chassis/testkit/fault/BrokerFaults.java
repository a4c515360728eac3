package dev.chassis.testkit.fault;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closes RabbitMQ connections from the broker's side, as a broker restart or a network failure
 * would, through {@code rabbitmqctl}. Closing only the connections of one client (by the name it
 * gave its connection) or of one user leaves other clients of a shared broker alone.
 *
 * <pre>{@code
 * BrokerFaults faults = BrokerFaults.local();
 * int closed = faults.closeConnectionsNamed(rabbit.names().prefix(), "fault test");
 * }</pre>
 *
 * <p>Each call runs {@code rabbitmqctl}, which takes about a second. Failures throw
 * {@link IllegalStateException} with the command and its output. Instances hold no state and are
 * thread-safe.
 */
public final class BrokerFaults {
    private static final Pattern CONNECTION_NAME = Pattern.compile("\\{\"connection_name\",\"([^\"]*)\"}");
    private static final long TIMEOUT_SECONDS = 60;

    private final List<String> command;

    private BrokerFaults(List<String> command) {
        this.command = command;
    }

    /**
     * Faults through {@code rabbitmqctl} on the {@code PATH}, for a broker on this machine.
     *
     * @return the helper
     */
    public static BrokerFaults local() {
        return using(List.of("rabbitmqctl"));
    }

    /**
     * Faults through another way of running {@code rabbitmqctl}, for example
     * {@code List.of("docker", "exec", "rabbit", "rabbitmqctl")}.
     *
     * @param command the command and its first arguments; the helper appends {@code -q} and its own
     * @return the helper
     */
    public static BrokerFaults using(List<String> command) {
        requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name rabbitmqctl, was empty");
        }
        return new BrokerFaults(List.copyOf(command));
    }

    /**
     * Closes every client connection of the broker.
     *
     * @param reason told to the clients
     */
    public void closeAllConnections(String reason) {
        rabbitmqctl("close_all_connections", requireNonNull(reason, "reason"));
    }

    /**
     * Closes every connection of one user.
     *
     * @param user the user
     * @param reason told to the clients
     */
    public void closeConnectionsOfUser(String user, String reason) {
        rabbitmqctl("close_all_user_connections", requireNonNull(user, "user"), requireNonNull(reason, "reason"));
    }

    /**
     * Closes the connections whose client-given name (the {@code connection_name} client property)
     * starts with a prefix.
     *
     * @param namePrefix the start of the names
     * @param reason told to the clients
     * @return how many connections were closed
     */
    public int closeConnectionsNamed(String namePrefix, String reason) {
        requireNonNull(namePrefix, "namePrefix");
        requireNonNull(reason, "reason");
        int closed = 0;
        for (String pid : connectionsNamed(namePrefix)) {
            rabbitmqctl("close_connection", pid, reason);
            closed++;
        }
        return closed;
    }

    /**
     * The broker's ids of the connections whose client-given name starts with a prefix.
     *
     * @param namePrefix the start of the names
     * @return the connection ids, as {@code rabbitmqctl close_connection} takes them
     */
    public List<String> connectionsNamed(String namePrefix) {
        requireNonNull(namePrefix, "namePrefix");
        // one line per connection: <rabbit@host.1.2.0>\t[{"connection_name","orders-relay"},{"product",...},...]
        String listing = rabbitmqctl("list_connections", "--no-table-headers", "pid", "client_properties");
        List<String> pids = new ArrayList<>();
        for (String line : listing.split("\n")) {
            Matcher name = CONNECTION_NAME.matcher(line);
            if (line.startsWith("<") && name.find() && name.group(1).startsWith(namePrefix)) {
                pids.add(line.substring(0, line.indexOf('>') + 1));
            }
        }
        return pids;
    }

    /**
     * Runs {@code rabbitmqctl -q} with arguments, for what the other methods do not cover (adding a
     * user for a test, listing queues).
     *
     * @param arguments the arguments
     * @return what the command printed
     * @throws IllegalStateException if the command cannot run, fails or takes over a minute; the
     *     message has its output
     */
    public String rabbitmqctl(String... arguments) {
        requireNonNull(arguments, "arguments");
        List<String> line = new ArrayList<>(command);
        line.add("-q");
        line.addAll(List.of(arguments));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed (exit " + p.exitValue() + "): " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + String.join(" ", line) + ": " + e.getMessage()
                    + ". Is rabbitmqctl installed and may this user run it?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", line), e);
        }
    }

    /** @return the command this helper runs */
    @Override
    public String toString() {
        return "BrokerFaults" + command;
    }
}
