package dev.chassis.examples.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Sends bytes exactly as written over a socket, so that nothing normalises the request first. */
final class RawHttp {
    /** A response: status, headers with lower-case names (last value wins), body. */
    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** Sends the request (CRLF line ends are written by the caller) and reads one response until the server closes. */
    static Reply send(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    /** A request line and headers with {@code Host} and {@code Connection: close}, and an optional body. */
    static Reply get(int port, String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return send(port, request.toString());
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0 && complete(text, end)) {
                break;
            }
        }
        return parse(all.toString(StandardCharsets.ISO_8859_1));
    }

    private static Reply parse(String text) throws IOException {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response head: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new Reply(status, headers, text.substring(end + 4));
    }

    /** A response with Content-Length is complete once that many body bytes arrived. */
    private static boolean complete(String text, int end) {
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring(15).strip());
                return text.length() - end - 4 >= length;
            }
        }
        return false;
    }

    /**
     * Reads up to {@code count} responses with {@code Content-Length} from one connection, starting
     * with bytes already read; stops early when the server closes or resets the connection.
     */
    static List<Reply> readReplies(String alreadyRead, InputStream in, int count) throws IOException {
        StringBuilder text = new StringBuilder(alreadyRead);
        List<Reply> replies = new ArrayList<>();
        byte[] buffer = new byte[8192];
        while (replies.size() < count) {
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0 && complete(text.toString(), end)) {
                Reply reply = parse(text.substring(0, end + 4 + contentLength(text.toString(), end)));
                replies.add(reply);
                text.delete(0, end + 4 + contentLength(text.toString(), end));
                continue;
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketException reset) {
                break;
            }
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        return replies;
    }

    private static int contentLength(String text, int end) {
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }
}
