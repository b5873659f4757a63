package dev.aio4j.http.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Handler OK = r -> Response.text("ok");

    @Test
    void aBadPatternFailsWithTheCheckAndThePattern() {
        assertThatThrownBy(() -> new Router().get("users", OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pattern does not start with '/': users");
        assertThatThrownBy(() -> new Router().get("/files/{path...}/x", OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pattern has {name...} before its last segment: /files/{path...}/x");
        assertThatThrownBy(() -> new Router().get("/users/{}", OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pattern has an empty parameter name: /users/{}");
    }
}
