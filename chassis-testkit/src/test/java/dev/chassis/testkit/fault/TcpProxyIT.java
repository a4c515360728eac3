package dev.chassis.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpProxyIT {
    private final ExecutorService echoThreads = Executors.newCachedThreadPool();
    private final ServerSocket echo = echoServer();
    private final TcpProxy proxy = TcpProxy.to("127.0.0.1", echo.getLocalPort());

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        echo.close();
        echoThreads.shutdownNow();
    }

    @Test
    void forwardsBothWays() throws IOException {
        // given
        try (Socket client = connect()) {
            // when
            String reply = roundTrip(client, "hello");

            // then
            assertThat(reply).isEqualTo("hello");
            assertThat(proxy.acceptedConnections()).isEqualTo(1);
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void delaysEachDirection() throws IOException {
        // given
        try (Socket client = connect()) {
            roundTrip(client, "warm-up");
            proxy.delay(Duration.ofMillis(300));

            // when
            long start = System.nanoTime();
            String reply = roundTrip(client, "slow");
            long millis = (System.nanoTime() - start) / 1_000_000;

            // then: 300 ms there and 300 ms back
            assertThat(reply).isEqualTo("slow");
            assertThat(millis).isBetween(600L, 5_000L);
        }
    }

    @Test
    void aCutHoldsTheDataWithoutClosingAndHealDeliversIt() throws IOException {
        // given
        try (Socket client = connect()) {
            roundTrip(client, "before");
            proxy.cut();

            // when
            client.getOutputStream().write("during".getBytes(StandardCharsets.UTF_8));
            client.setSoTimeout(500);

            // then nothing comes back, but the connection stays open
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).isEqualTo(1);

            // and after healing what was held back arrives
            proxy.heal();
            client.setSoTimeout(5_000);
            assertThat(read(client.getInputStream(), 6)).isEqualTo("during");
        }
    }

    @Test
    void aConnectionOpenedDuringACutReachesTheServerAfterHeal() throws IOException {
        // given
        proxy.cut();
        try (Socket client = connect()) {
            client.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));

            // when
            proxy.heal();

            // then
            assertThat(read(client.getInputStream(), 4)).isEqualTo("late");
        }
    }

    @Test
    void resetAbortsCurrentConnectionsAndLetsNewOnesThrough() throws IOException {
        // given
        try (Socket client = connect()) {
            roundTrip(client, "before");

            // when
            proxy.reset();

            // then
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(proxy.openConnections()).isZero();
        }
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "after")).isEqualTo("after");
        }
    }

    @Test
    void aJdbcConnectionThroughTheProxyFailsOnResetAndANewOneWorks() throws SQLException {
        // given a PostgreSQL session through a proxy
        try (TcpProxy pgProxy = TcpProxy.to("127.0.0.1", 5432)) {
            String url = "jdbc:postgresql://" + pgProxy.host() + ":" + pgProxy.port() + "/test";
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                assertThat(selectOne(c)).isEqualTo(1);

                // when
                pgProxy.reset();

                // then
                assertThatThrownBy(() -> selectOne(c)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("I/O error");
            }
            try (Connection again = DriverManager.getConnection(url, "postgres", "")) {
                assertThat(selectOne(again)).isEqualTo(1);
            }
        }
    }

    @Test
    void aJdbcQueryThroughADelayedProxyTakesAtLeastTheRoundTrip() throws SQLException {
        // given
        try (TcpProxy pgProxy = TcpProxy.to("127.0.0.1", 5432)) {
            String url = "jdbc:postgresql://" + pgProxy.host() + ":" + pgProxy.port() + "/test";
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                pgProxy.delay(Duration.ofMillis(150));

                // when
                long start = System.nanoTime();
                int one = selectOne(c);
                long millis = (System.nanoTime() - start) / 1_000_000;

                // then
                assertThat(one).isEqualTo(1);
                assertThat(millis).isGreaterThanOrEqualTo(300L);
            }
        }
    }

    @Test
    void afterCloseNothingIsAcceptedAndOpenConnectionsAreAborted() throws IOException {
        // given
        try (Socket client = connect()) {
            roundTrip(client, "before");

            // when
            proxy.close();

            // then
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
            assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void rejectsANegativeDelay() {
        assertThatThrownBy(() -> proxy.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latency must not be negative, was PT-0.001S");
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(proxy.host(), proxy.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String roundTrip(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        return read(client.getInputStream(), text.length());
    }

    private static String read(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private ServerSocket echoServer() {
        try {
            ServerSocket server = new ServerSocket(0);
            echoThreads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        echoThreads.execute(() -> {
                            try (s) {
                                s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException ignored) {
                                // the client went away
                            }
                        });
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
