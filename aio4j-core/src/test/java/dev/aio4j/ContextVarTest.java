package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * ContextVar and its tokens, after CPython's Lib/test/test_context.py (the test each method
 * follows is in its name). Each test runs in a fresh context, as CPython's
 * {@code @isolated_context}.
 */
class ContextVarTest {

    @Test
    void contextVarNew1_hasItsNameAndNeedsOne() {
        assertThatThrownBy(() -> new ContextVar<>(null)).isInstanceOf(NullPointerException.class);
        assertThat(new ContextVar<>("aaa").name()).isEqualTo("aaa");
    }

    @Test
    void contextVarRepr1_showsNameDefaultAndWhetherATokenWasUsed() {
        new Context().run(() -> {
            assertThat(new ContextVar<>("a").toString()).contains("a");
            ContextVar<Integer> c = new ContextVar<>("a", 123);
            assertThat(c.toString()).contains("123");
            ContextVar.Token<Integer> t = c.set(1);
            assertThat(t.toString()).contains(c.toString()).doesNotContain("used");
            c.reset(t);
            assertThat(t.toString()).contains("used");
        });
    }

    @Test
    void contextGetset1_setGetResetAndCopiesThatKeepTheirValues() {
        new Context().run(() -> {
            ContextVar<Object> c = new ContextVar<>("c");
            assertThatThrownBy(c::get).isInstanceOf(NoSuchElementException.class);
            assertThat(c.get(null)).isNull();

            ContextVar.Token<Object> t0 = c.set(42);
            assertThat(c.get()).isEqualTo(42);
            assertThat(c.get(null)).isEqualTo(42);
            assertThat(t0.hadOldValue()).isFalse();
            assertThat(t0.var()).isSameAs(c);

            ContextVar.Token<Object> t = c.set("spam");
            assertThat(c.get()).isEqualTo("spam");
            assertThat(t.oldValue()).isEqualTo(42);
            c.reset(t);
            assertThat(c.get()).isEqualTo(42);

            c.set("spam2");
            assertThatThrownBy(() -> c.reset(t))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has already been used");
            assertThat(c.get()).isEqualTo("spam2");

            Context ctx1 = Context.copyContext();
            assertThat(ctx1.containsKey(c)).isTrue();

            c.reset(t0);
            assertThatThrownBy(() -> c.reset(t0)).isInstanceOf(IllegalStateException.class);
            assertThat(c.get(null)).isNull();

            assertThat(ctx1.get(c)).isEqualTo("spam2");
            assertThat(ctx1.size()).isEqualTo(1);
            assertThat(ctx1.asMap()).isEqualTo(Map.of(c, "spam2"));
            assertThat(List.copyOf(ctx1.asMap().keySet())).containsExactly(c);

            Context ctx2 = Context.copyContext();
            assertThat(ctx2.containsKey(c)).isFalse();
            assertThat(ctx2.get(c)).isNull();
            assertThat(ctx2.size()).isZero();
            assertThat(ctx2.asMap()).isEmpty();
        });
    }

    @Test
    void contextGetset2_aTokenResetsOnlyItsOwnVariable() {
        new Context().run(() -> {
            ContextVar<Integer> v1 = new ContextVar<>("v1");
            ContextVar<Integer> v2 = new ContextVar<>("v2");
            ContextVar.Token<Integer> t1 = v1.set(42);
            assertThatThrownBy(() -> v2.reset(t1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("token of another ContextVar than ");
        });
    }

    @Test
    void contextGetset3_aDefaultIsNotAValueOfTheContext() {
        ContextVar<Integer> c = new ContextVar<>("c", 42);
        Context ctx = new Context();
        ctx.run(() -> {
            assertThat(c.get()).isEqualTo(42);
            assertThat(ctx.get(c)).isNull();
            assertThat(ctx.containsKey(c)).isFalse();
            assertThat(ctx.asMap().keySet()).isEmpty();

            ContextVar.Token<Integer> t = c.set(1);
            assertThat(ctx.asMap().keySet()).containsExactly(c);
            assertThat(ctx.get(c)).isEqualTo(1);

            c.reset(t);
            assertThat(ctx.asMap().keySet()).isEmpty();
            assertThat(ctx.containsKey(c)).isFalse();
        });
    }

    @Test
    void contextGetset4_aTokenResetsOnlyInItsOwnContext() {
        new Context().run(() -> {
            ContextVar<Integer> c = new ContextVar<>("c", 42);
            Context ctx = new Context();
            ContextVar.Token<Integer> tok = ctx.run(() -> c.set(1));
            assertThatThrownBy(() -> c.reset(tok))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("token of another Context: ");
        });
    }

    @Test
    void contextGetset5_aCopyTakesTheReferenceNotADeepCopy() {
        new Context().run(() -> {
            ContextVar<List<Integer>> c = new ContextVar<>("c", List.of());
            c.set(new java.util.ArrayList<>());
            Context.copyContext().run(() -> {
                c.set(new java.util.ArrayList<>());
                c.get().add(42);
                assertThat(c.get()).containsExactly(42);
            });
            assertThat(c.get()).isEmpty();
        });
    }

    @Test
    void nullIsAValueNotAnAbsence() {
        new Context().run(() -> {
            ContextVar<String> c = new ContextVar<>("c", "default");
            c.set(null);
            assertThat(c.get()).isNull();
            assertThat(c.get("fallback")).isNull();
            assertThat(Context.copyContext().containsKey(c)).isTrue();
        });
    }
}
