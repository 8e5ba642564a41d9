import dev.kiln.cli.Kiln;
import dev.kiln.content.FileTrees;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * `kiln image build CONFIG TAG OUT` run in one JVM, so the figure is the assembly itself without the
 * JVM's start: five warm-up builds, then the median and p90 of twenty, each into a fresh OUT.
 * Run: java -cp kiln-cli/target/kiln.jar bench/ImageWarm.java CONFIG OUT
 */
public class ImageWarm {
    public static void main(String[] args) throws Exception {
        String config = args[0];
        Path out = Path.of(args[1]);
        long[] times = new long[20];
        for (int i = -5; i < times.length; i++) {
            FileTrees.delete(out);
            CommandLine cli = Kiln.newCommandLine();
            cli.setOut(new PrintWriter(OutputStream.nullOutputStream()));
            long t0 = System.nanoTime();
            int rc = cli.execute("image", "build", config, "bench:latest", out.toString());
            long t = System.nanoTime() - t0;
            if (rc != 0) {
                throw new IllegalStateException("kiln image build exited " + rc);
            }
            if (i >= 0) {
                times[i] = t;
            }
        }
        Arrays.sort(times);
        System.out.printf("%s: warm kiln image build median %.1f ms (p90 %.1f ms, min %.1f ms)%n",
                Path.of(config).getFileName(), times[10] / 1e6, times[18] / 1e6, times[0] / 1e6);
    }
}
