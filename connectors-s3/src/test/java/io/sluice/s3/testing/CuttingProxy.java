package io.sluice.s3.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network fault in front of the test S3 server: a TCP proxy that sends an object's Content-Length and then only half
 * of its body before closing the connection, as a connection cut mid-download does, or before holding the connection
 * open without sending more until the client gives up, as a stalled one does, or not answering at all; the first GET
 * of each object, or every GET. Everything else passes through; each connection carries one request.
 */
public final class CuttingProxy implements AutoCloseable {

    /** What happens to an object's body. */
    public enum Fault {
        /** Half of it, then the connection closes: the first GET of each object. */
        CUT_FIRST,
        /** Half of it, then the connection closes: every GET. */
        CUT_EVERY,
        /** Half of it, then nothing while the connection stays open: the first GET of each object. */
        STALL_FIRST,
        /** Half of it, then nothing while the connection stays open: every GET. */
        STALL_EVERY,
        /** No answer at all, the request taken and the connection held open: the first GET of each object. */
        UNANSWERED_FIRST;

        boolean every() {
            return this == CUT_EVERY || this == STALL_EVERY;
        }

        boolean stalls() {
            return this == STALL_FIRST || this == STALL_EVERY;
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final Fault fault;
    private final Set<String> cutOnce = ConcurrentHashMap.newKeySet();
    private final AtomicInteger cuts = new AtomicInteger();

    public CuttingProxy(int targetPort, Fault fault) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.fault = fault;
        Thread acceptor = new Thread(this::accept, "cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The endpoint to give a connector as store.url. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** How many bodies were cut short or stalled so far. */
    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> relay(client), "cutting-proxy-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            InputStream fromClient = client.getInputStream();
            String request = head(fromClient);
            String[] requestLine = request.substring(0, request.indexOf("\r\n")).split(" ");
            StringBuilder forwarded = new StringBuilder();
            long requestBody = 0;
            for (String line : request.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:")) {
                    continue;
                }
                if (lower.startsWith("content-length:")) {
                    requestBody = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
                forwarded.append(line).append("\r\n");
            }
            forwarded.append("Connection: close\r\n\r\n");
            String path = requestLine[1];
            if (fault == Fault.UNANSWERED_FIRST && "GET".equals(requestLine[0]) && !path.contains("?")
                    && path.indexOf('/', 1) > 0 && cutOnce.add(path)) {
                cuts.incrementAndGet();
                holdUntilClosed(client);
                return;
            }
            OutputStream toTarget = target.getOutputStream();
            toTarget.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
            copy(fromClient, toTarget, requestBody);
            toTarget.flush();

            InputStream fromTarget = target.getInputStream();
            String response = head(fromTarget);
            OutputStream toClient = client.getOutputStream();
            toClient.write((response + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            long length = -1;
            for (String line : response.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            boolean objectGet = "GET".equals(requestLine[0]) && !path.contains("?") && response.startsWith("HTTP/1.1 200")
                    && path.indexOf('/', 1) > 0;
            if (objectGet && length > 1 && (fault.every() || cutOnce.add(path))) {
                copy(fromTarget, toClient, length / 2);
                toClient.flush();
                cuts.incrementAndGet();
                if (fault.stalls()) {
                    holdUntilClosed(client);
                }
                return; // closes both ends halfway through the body
            }
            fromTarget.transferTo(toClient);
            toClient.flush();
        } catch (IOException e) {
            // a client or server that went away: the connection ends, as a real network's would
        }
    }

    /** Sends nothing more and waits until the client closes the connection (at most five minutes). */
    private static void holdUntilClosed(Socket client) throws IOException {
        client.setSoTimeout(300_000);
        while (client.getInputStream().read() >= 0) {
            // the client sends nothing more on a one-request connection; wait for its end
        }
    }

    /** The message head up to (not including) the blank line that ends it. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a message head");
            }
            out.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static void copy(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buffer = new byte[8192];
        long left = bytes;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
