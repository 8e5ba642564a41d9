package dev.kiln.registry;

import dev.kiln.objects.S3Location;
import dev.kiln.registry.internal.Authenticator;
import dev.kiln.registry.internal.BodyLimits;
import dev.kiln.registry.internal.DistributionHandler;
import dev.kiln.registry.internal.Htpasswd;
import dev.kiln.registry.internal.LoginThrottle;
import dev.kiln.registry.internal.ManifestCache;
import dev.kiln.registry.internal.Metrics;
import dev.kiln.registry.internal.PemKeyStore;
import dev.kiln.registry.internal.Services;
import dev.kiln.registry.internal.Tokens;
import dev.kiln.registry.internal.s3.S3Storage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * An OCI distribution 1.1 registry on Jetty's core handler API, over a {@link FileSystemStorage} or,
 * with {@link RegistryConfig#s3()}, an S3 bucket that any number of replicas may serve together.
 * <pre>
 * try (RegistryServer server = new RegistryServer(RegistryConfig.builder(root).build())) {
 *     server.start();
 *     ... "127.0.0.1:" + server.port() ...
 * }
 * </pre>
 */
public final class RegistryServer implements AutoCloseable {
    private final RegistryConfig config;
    private final RegistryStorage storage;
    private final GarbageCollector collector;
    private final Metrics metrics = new Metrics();
    /** Null until {@link #start()} and again after {@link #close()}. */
    private @Nullable Server server;

    private static final int INPUT_BUFFER = 128 * 1024;
    private static final long POOL_BYTES = 32L << 20;

    private @Nullable ServerConnector connector;
    private @Nullable ScheduledExecutorService scheduler;

    public RegistryServer(RegistryConfig config) {
        this.config = config;
        this.storage = openStorage(config);
        this.collector = new GarbageCollector(storage, config.clock(), config.gcGrace(), config.uploadExpiry());
    }

    private static RegistryStorage openStorage(RegistryConfig config) {
        S3Location s3 = config.s3();
        if (s3 != null) {
            return S3Storage.open(s3, config.environment(), config.clock());
        }
        // RegistryConfig holds exactly one of root and s3
        return new FileSystemStorage(
                Objects.requireNonNull(config.root(), "registry config has neither root nor s3"), config.clock());
    }

    /**
     * One collection over the configured storage without serving it (kiln registry gc). Safe only while
     * no registry process writes that storage: the lock that orders pushes and collections is per process.
     */
    public static GarbageCollector.Report collectOffline(RegistryConfig config) {
        RegistryStorage storage = openStorage(config);
        try {
            return new GarbageCollector(storage, config.clock(), config.gcGrace(), config.uploadExpiry()).collect();
        } finally {
            if (storage instanceof S3Storage s3) {
                s3.close();
            }
        }
    }

    public RegistryConfig config() {
        return config;
    }

    public RegistryStorage storage() {
        return storage;
    }

    /** Runs one collection now, under the same lock as the scheduled ones. */
    public GarbageCollector.Report collectGarbage() {
        GarbageCollector.Report report = collector.collect();
        metrics.gc(report.blobsRemoved(), report.uploadsRemoved());
        return report;
    }

    // the garbage collection run's future is not kept: stop() ends it by shutting the scheduler down,
    // and the task catches its own failures
    @SuppressWarnings("FutureReturnValueIgnored")
    public synchronized RegistryServer start() {
        if (server != null) {
            throw new RegistryException("registry server is already started");
        }
        Path htpasswdFile = config.htpasswd();
        Htpasswd htpasswd = htpasswdFile == null ? null : Htpasswd.load(htpasswdFile);
        Authenticator auth = new Authenticator(
                htpasswd,
                config.access(),
                new Tokens(config.clock(), config.tokenLifetime()),
                config.service(),
                new LoginThrottle(config.limits().failedLoginsPerMinute(), config.clock()));
        Services services = new Services(
                storage,
                collector,
                auth,
                // Another replica may move a tag or delete a manifest at any time: no cache over shared storage.
                storage.shared() ? ManifestCache.disabled() : new ManifestCache(),
                metrics,
                config.maxManifestBytes(),
                config.maxBlobBytes(),
                config.deleteEnabled(),
                config.metricsPublic(),
                config.redirectPulls() != null && storage instanceof RegistryStorage.BlobUrls urls ? urls : null,
                config.redirectPulls());

        QueuedThreadPool threads = new QueuedThreadPool(ClientLimits.SERVER_THREADS, 8);
        threads.setName("kiln-registry");
        // A bounded buffer pool: Jetty's default keeps up to an eighth of the heap in idle buffers, which
        // after a few large uploads showed up as hundreds of MiB of resident memory.
        server = new Server(threads, null, new ArrayByteBufferPool(0, 0, 2 * INPUT_BUFFER, -1, POOL_BYTES, POOL_BYTES));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Names are checked against the spec grammar by the handler, which answers with a JSON error.
        http.setUriCompliance(UriCompliance.UNSAFE);
        // Jetty reads the socket into buffers of this size and hands each one to the handler as a chunk;
        // its 8 KiB default turned a 200 MB upload into 25,000 reads, hash updates and file writes.
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        http1.setInputBufferSize(INPUT_BUFFER);
        Path tlsCert = config.tlsCert();
        Path tlsKey = config.tlsKey();
        // RegistryConfig holds both or neither
        if (tlsCert != null && tlsKey != null) {
            char[] password = new char[24];
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < password.length; i++) {
                password[i] = (char) ('a' + random.nextInt(26));
            }
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStore(PemKeyStore.load(tlsCert, tlsKey, password));
            tls.setKeyStorePassword(new String(password));
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), http1);
        } else {
            connector = new ServerConnector(server, http1);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        // Also bounds a request body that stops arriving: Jetty fails the blocked read after this long.
        connector.setIdleTimeout(config.limits().idleTimeout().toMillis());
        server.addConnector(connector);
        ClientLimits limits = config.limits();
        server.setHandler(BodyLimits.wrap(
                new DistributionHandler(services, () -> storage.uploads().size()),
                limits.maxBodies(),
                limits.maxBodiesPerClient(),
                limits.minBodyBytesPerSecond(),
                limits.idleTimeout()));
        try {
            server.start();
        } catch (Exception e) {
            server = null;
            throw new RegistryException(
                    "cannot start registry on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        if (config.gcInterval() != null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kiln-registry-gc");
                t.setDaemon(true);
                return t;
            });
            long every = config.gcInterval().toMillis();
            scheduler.scheduleWithFixedDelay(
                    () -> {
                        try {
                            collectGarbage();
                        } catch (RuntimeException e) {
                            // the next run tries again; failures are visible in the gc metrics not moving
                        }
                    },
                    every,
                    every,
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        if (connector == null) {
            throw new RegistryException("registry server is not started");
        }
        return connector.getLocalPort();
    }

    /** {@code host:port} as clients write it in image references. */
    public String address() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return host + ":" + port();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        Server running = server;
        if (running == null) {
            // was a NullPointerException before start() and after close()
            throw new RegistryException("registry server is not started");
        }
        running.join();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new RegistryException("cannot stop registry server: " + e.getMessage(), e);
            } finally {
                server = null;
            }
        }
        if (storage instanceof S3Storage s3) {
            s3.close(); // its connections and transfer threads; a folder holds nothing open
        }
    }
}
