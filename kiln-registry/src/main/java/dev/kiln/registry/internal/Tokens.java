package dev.kiln.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.AccessPolicy.Action;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Short-lived bearer tokens for Docker's token flow: {@code base64url(claims).base64url(HMAC-SHA256)}.
 * The key is random per process, so a restart revokes every token; clients simply fetch a new one.
 */
public final class Tokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;

    public Tokens(Clock clock, Duration lifetime) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public record Claims(@Nullable String user, Map<String, Set<Action>> access, boolean catalog) {}

    public Duration lifetime() {
        return lifetime;
    }

    public String issue(Claims claims) {
        ObjectNode node = Exchange.JSON.createObjectNode();
        if (claims.user() != null) {
            node.put("sub", claims.user());
        }
        node.put("exp", clock.instant().plus(lifetime).getEpochSecond());
        node.put("catalog", claims.catalog());
        ObjectNode access = node.putObject("access");
        claims.access().forEach((repo, actions) -> {
            var arr = access.putArray(repo);
            actions.forEach(a -> arr.add(a.scopeName()));
        });
        try {
            String payload = B64.encodeToString(Exchange.JSON.writeValueAsBytes(node));
            return payload + "." + B64.encodeToString(sign(payload));
        } catch (IOException e) {
            throw new IllegalStateException("token encoding failed", e);
        }
    }

    /** The claims of a valid, unexpired token. */
    public Optional<Claims> verify(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(sign(payload), B64D.decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            JsonNode node = Exchange.JSON.readTree(B64D.decode(payload));
            if (node.path("exp").asLong() < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            Map<String, Set<Action>> access = new LinkedHashMap<>();
            node.path("access").properties().forEach(e -> {
                EnumSet<Action> actions = EnumSet.noneOf(Action.class);
                e.getValue().forEach(a -> actions.add(Action.valueOf(a.asText().toUpperCase(java.util.Locale.ROOT))));
                access.put(e.getKey(), actions);
            });
            return Optional.of(new Claims(
                    node.hasNonNull("sub") ? node.get("sub").asText() : null,
                    access,
                    node.path("catalog").asBoolean()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
