import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway benchmark's upstream: a Jetty handler on 127.0.0.1 answering every request with the
 * same small JSON body. Run with the source launcher and the gateway's libraries:
 * {@code java -cp <jetty and slf4j-api jars> FixedJsonUpstream.java <port>}.
 * (The JDK's HttpServer was tried first: it writes headers and body in two segments, so every
 * keep-alive answer waited about 40 ms for a delayed ACK, which hid everything else.)
 */
public final class FixedJsonUpstream {
    private FixedJsonUpstream() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] body = "{\"id\":\"42\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}".getBytes(StandardCharsets.UTF_8);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        System.out.println("upstream on " + port);
    }
}
