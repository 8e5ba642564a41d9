package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.update.internal.RateLimits;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A spent GitHub quota is waited out until its reset time, not hammered with short retries. */
class RateLimitsTest {
    static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (k, v) -> true);
    }

    @Test
    void readsRetryAfterAndTheResetOfASpentQuota() {
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        assertThat(RateLimits.serverWait(headers(Map.of("retry-after", List.of("7"))), now))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(RateLimits.serverWait(
                        headers(Map.of(
                                "x-ratelimit-remaining", List.of("0"), "x-ratelimit-reset", List.of("1800000030"))),
                        now))
                .isEqualTo(Duration.ofSeconds(31));
        assertThat(RateLimits.serverWait(
                        headers(Map.of(
                                "x-ratelimit-remaining", List.of("12"), "x-ratelimit-reset", List.of("1800000030"))),
                        now))
                .isNull();
    }

    @Test
    void backoffWaitsWhatTheServerAskedAndGivesUpOnAbsurdWaits() {
        List<Duration> waits = new ArrayList<>();
        Backoff backoff = new Backoff(3, Duration.ofSeconds(1), waits::add);
        int[] calls = {0};
        String result = backoff.run("api", () -> {
            if (calls[0]++ == 0) {
                throw new Backoff.Transient("HTTP 403 (rate limit exhausted)", null, Duration.ofSeconds(42));
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(waits).containsExactly(Duration.ofSeconds(42));

        assertThatThrownBy(() -> backoff.run("api", () -> {
                    throw new Backoff.Transient("HTTP 429", null, Duration.ofHours(1));
                }))
                .isInstanceOf(UpdateException.class)
                .hasMessageContaining("asks to wait 3600 s");
    }
}
