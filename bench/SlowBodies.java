import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Slow-body attack against a registry on 127.0.0.1: keeps N upload bodies open, each from its own
 * loopback address (a distributed attacker), sending one byte every two seconds and reopening any
 * the server cuts off; meanwhile times GET /v2/ on a fresh connection every 100 ms.
 *
 *   java bench/SlowBodies.java PORT BODIES SECONDS
 *
 * Prints the GET latencies without and with the slow bodies, and how many bodies were open.
 */
public final class SlowBodies {
    private static final String HEAD = "POST /v2/bench/slow/blobs/uploads/?digest=sha256:" + "0".repeat(64)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int bodies = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);

        long[] idle = timeGets(port, 50);
        Socket[] slow = new Socket[bodies];
        long reopened = 0;
        for (int i = 0; i < bodies; i++) {
            slow[i] = open(port, i);
        }
        List<Long> under = new ArrayList<>();
        long failures = 0;
        int minOpen = bodies;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long nextDrip = 0;
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextDrip) {
                int open = 0;
                for (int i = 0; i < bodies; i++) {
                    if (alive(slow[i])) {
                        open++;
                    } else {
                        slow[i].close();
                        slow[i] = open(port, i);
                        reopened++;
                    }
                }
                minOpen = Math.min(minOpen, open);
                nextDrip = System.nanoTime() + 2_000_000_000L;
            }
            try {
                under.add(get(port));
            } catch (IOException e) {
                failures++;
            }
            Thread.sleep(100);
        }
        for (Socket s : slow) {
            s.close();
        }
        long[] loaded = under.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("idle:   GET /v2/ n=%d median %.2f ms p99 %.2f ms max %.2f ms%n", idle.length, ms(idle, 0.5), ms(idle, 0.99), ms(idle, 1));
        System.out.printf("attack: GET /v2/ n=%d median %.2f ms p99 %.2f ms max %.2f ms failed %d%n", loaded.length,
                ms(loaded, 0.5), ms(loaded, 0.99), ms(loaded, 1), failures);
        System.out.printf("slow bodies: %d kept open (fewest open at a drip round: %d), %d cut off by the server and reopened%n",
                bodies, minOpen, reopened);
    }

    /** A slow body that sent its headers; every drip round then sends one more byte. */
    private static Socket open(int port, int i) throws IOException {
        String local = "127.1." + (i / 250) + "." + (1 + i % 250);
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(local), 0);
        s.getOutputStream().write(HEAD.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Sends the next byte; false when the server has answered (cut it off) or closed the connection. */
    private static boolean alive(Socket s) {
        try {
            if (s.getInputStream().available() > 0) {
                return false;
            }
            OutputStream out = s.getOutputStream();
            out.write('x');
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long[] timeGets(int port, int n) throws Exception {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = get(port);
            Thread.sleep(20);
        }
        Arrays.sort(t);
        return t;
    }

    /** GET /v2/ on a new connection (as a new client would), nanoseconds to the end of the status line. */
    private static long get(int port) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] status = in.readNBytes(12);
            if (status.length < 12 || !new String(status, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected answer: " + new String(status, StandardCharsets.US_ASCII));
            }
            long took = System.nanoTime() - start;
            in.readAllBytes();
            return took;
        }
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
