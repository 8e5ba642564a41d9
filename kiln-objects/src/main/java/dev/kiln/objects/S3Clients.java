package dev.kiln.objects;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the S3 client from the settings the AWS CLI reads: {@code AWS_ENDPOINT_URL_S3} or
 * {@code AWS_ENDPOINT_URL}, {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}, then the profile's
 * region in {@code ~/.aws/config}; credentials from {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}) when given, else the SDK's default
 * chain ({@code ~/.aws/credentials}, web identity, container and instance roles).
 *
 * <p>The environment is passed in, not read here, so tests point a store at their own server.
 */
final class S3Clients {
    private S3Clients() {}

    static S3Objects open(S3Location location, Map<String, String> env) {
        Optional<URI> endpoint =
                first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL").map(S3Clients::endpoint);
        Region region = Region.of(first(env, "AWS_REGION", "AWS_DEFAULT_REGION")
                .or(() -> profileRegion(env.getOrDefault("AWS_PROFILE", "default")))
                .orElse("us-east-1"));
        AwsCredentialsProvider credentials = credentials(env);
        // An endpoint other than AWS (S3Proxy, MinIO, Ceph) rarely has a DNS name per bucket.
        boolean pathStyle = endpoint.isPresent();
        S3ClientBuilder client = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                // Checksums only where S3 requires them: other S3 implementations do not all
                // understand the trailing checksums the SDK sends by default since 2.30.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        S3Presigner.Builder presigner = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(pathStyle)
                        .build());
        endpoint.ifPresent(uri -> {
            client.endpointOverride(uri);
            presigner.endpointOverride(uri);
        });
        // A plain-HTTP endpoint (a store on the same network) is read from its sockets directly: SocketGet
        boolean plainHttp =
                endpoint.map(uri -> "http".equalsIgnoreCase(uri.getScheme())).orElse(false);
        return new S3Objects(client.build(), presigner.build(), location, plainHttp);
    }

    private static URI endpoint(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ObjectStoreException("AWS_ENDPOINT_URL must be a URL such as http://127.0.0.1:9000, got '" + text
                    + "': " + e.getMessage());
        }
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        Optional<String> id = first(env, "AWS_ACCESS_KEY_ID");
        Optional<String> secret = first(env, "AWS_SECRET_ACCESS_KEY");
        if (id.isPresent() != secret.isPresent()) {
            throw new ObjectStoreException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together; only "
                    + (id.isPresent() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is set");
        }
        if (id.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        Optional<String> token = first(env, "AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(
                token.isPresent()
                        ? AwsSessionCredentials.create(id.get(), secret.get(), token.get())
                        : AwsBasicCredentials.create(id.get(), secret.get()));
    }

    private static Optional<String> profileRegion(String profile) {
        try {
            return ProfileFile.defaultProfileFile().profile(profile).flatMap(p -> p.property(ProfileProperty.REGION));
        } catch (RuntimeException e) {
            return Optional.empty(); // no readable ~/.aws/config: fall back to us-east-1
        }
    }

    private static Optional<String> first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }
}
