package dev.kiln.vuln.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgeTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void minutesHoursThenDays() {
        assertThat(Age.ago(NOW.minusSeconds(20), NOW)).isEqualTo("just now");
        assertThat(Age.ago(NOW.minusSeconds(60), NOW)).isEqualTo("1 minute ago");
        assertThat(Age.ago(NOW.minusSeconds(59 * 60), NOW)).isEqualTo("59 minutes ago");
        assertThat(Age.ago(NOW.minusSeconds(5 * 3600 + 10), NOW)).isEqualTo("5 hours ago");
        assertThat(Age.ago(NOW.minusSeconds(47 * 3600), NOW)).isEqualTo("47 hours ago");
        assertThat(Age.ago(NOW.minusSeconds(12 * 86_400), NOW)).isEqualTo("12 days ago");
        assertThat(Age.ago(NOW.plusSeconds(600), NOW)).isEqualTo("in the future");
    }
}
