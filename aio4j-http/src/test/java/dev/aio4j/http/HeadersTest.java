package dev.aio4j.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void aBadNameOrValueFailsWithTheCheckAndTheValue() {
        assertThatThrownBy(() -> new Headers().add("", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name is empty");
        assertThatThrownBy(() -> new Headers().add("a b", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name not an HTTP token: a b");
        assertThatThrownBy(() -> new Headers().set("X-A", "1\r\nX-B: 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value contains CR, LF or NUL: 1\\r\\nX-B: 2");
    }
}
