package dev.chassis.core.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one HTTP exchange into an {@link AdminRequest}, calls the matching route's handler and
 * writes its {@link AdminResponse}, or a JSON error. Counts requests in progress for a graceful
 * stop. Thread-safe.
 */
final class AdminExchangeHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** Oversize bodies up to this many bytes are read and thrown away before answering 413. */
    static final long DISCARD_LIMIT = 1024 * 1024;

    private final RouteTable table;
    private final int maxBodyBytes;
    private final Object inFlightLock = new Object();
    private int inFlight;

    AdminExchangeHandler(RouteTable table, int maxBodyBytes) {
        this.table = table;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Waits until no request is in progress, or {@code grace} has passed. */
    void awaitIdle(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        synchronized (inFlightLock) {
            inFlight++;
        }
        try {
            respond(exchange, dispatch(exchange));
        } catch (IOException | RuntimeException e) {
            log.debug("admin response to {} {} could not be sent", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e);
        } finally {
            exchange.close();
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        }
    }

    private AdminResponse dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        RouteTable.Match match;
        Map<String, List<String>> query;
        try {
            match = table.match(method, rawPath == null ? "/" : rawPath);
            query = QueryParser.parse(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            return AdminResponse.error(400, "malformed request URI: " + e.getMessage());
        }
        if (match instanceof RouteTable.NotFound) {
            return AdminResponse.error(404, "no admin route for " + rawPath + "; GET /chassis lists them");
        }
        if (match instanceof RouteTable.MethodNotAllowed notAllowed) {
            String allow = String.join(", ", notAllowed.allowed());
            exchange.getResponseHeaders().set("Allow", allow);
            return AdminResponse.error(405, method + " is not allowed on " + rawPath + "; allowed: " + allow);
        }
        RouteTable.Found found = (RouteTable.Found) match;
        byte[] body = readBody(exchange);
        if (body == null) {
            return AdminResponse.error(413, "request body exceeds the limit of " + maxBodyBytes + " bytes");
        }
        String path = "/" + String.join("/", RouteTable.decodeSegments(rawPath));
        AdminRequest request = new AdminRequest(method, path, found.params(), query, body);
        try {
            AdminResponse response = found.route().handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("handler returned null");
            }
            return response;
        } catch (Exception e) {
            log.error("admin route {} {} failed on {} {}", found.route().method(), found.route().pathTemplate(),
                    method, rawPath, e);
            return AdminResponse.error(500, "internal error; see the service log");
        }
    }

    /**
     * Reads the body, or returns {@code null} when it is over the limit. An oversize body of up to
     * {@link #DISCARD_LIMIT} bytes is read and discarded, so that the client, still sending, gets to
     * read the 413 instead of a connection reset; a larger one is left unread and the connection is
     * closed after the answer.
     */
    private byte @Nullable [] readBody(HttpExchange exchange) throws IOException {
        long declared = declaredLength(exchange);
        if (declared > DISCARD_LIMIT) {
            exchange.getResponseHeaders().set("Connection", "close");
            return null;
        }
        InputStream in = exchange.getRequestBody();
        if (declared > maxBodyBytes) {
            discard(in);
            return null;
        }
        byte[] body = in.readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            discard(in);
            return null;
        }
        return body;
    }

    private static long declaredLength(HttpExchange exchange) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void discard(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long left = DISCARD_LIMIT;
        int read;
        while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
            left -= read;
        }
    }

    private static void respond(HttpExchange exchange, AdminResponse response) throws IOException {
        byte[] body = response.body();
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean noBody = body.length == 0 || response.status() == 204 || response.status() == 304
                || "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

}
