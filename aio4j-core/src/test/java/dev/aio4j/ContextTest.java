package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Context.run, copies and threads, after CPython's Lib/test/test_context.py. */
class ContextTest {

    @Test
    void contextGetContext1_copyContextGivesAContext() {
        assertThat(Context.copyContext()).isNotNull();
    }

    @Test
    void contextRun3_anExceptionLeavesRunAsItIs() {
        Context ctx = new Context();
        assertThatThrownBy(() -> ctx.run(() -> {
                    throw new ArithmeticException("/ by zero");
                }))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> ctx.run(() -> {
                    throw new IOException("checked");
                }))
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void contextRun4_runSwitchesContextsAndSwitchesBack() {
        new Context().run(() -> {
            Context ctx1 = new Context();
            Context ctx2 = new Context();
            ContextVar<String> var = new ContextVar<>("var");
            Context returned = ctx1.run(() -> {
                assertThat(var.get(null)).isNull();
                var.set("spam");
                ctx2.run(() -> assertThat(var.get(null)).isNull());
                assertThat(var.get(null)).isEqualTo("spam");
                Context cur = Context.copyContext();
                assertThat(cur.size()).isEqualTo(1);
                assertThat(cur.get(var)).isEqualTo("spam");
                return cur;
            });
            assertThat(returned.asMap()).isEqualTo(ctx1.asMap());
            assertThat(returned.get(var)).isEqualTo("spam");
            assertThat(var.get(null)).isNull();
        });
    }

    @Test
    void contextRun5_aSetBeforeAnExceptionStaysInTheContextEntered() {
        Context ctx = new Context();
        ContextVar<String> var = new ContextVar<>("var");
        assertThatThrownBy(() -> ctx.run(() -> {
                    var.set("spam");
                    throw new IllegalStateException();
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(var.get(null)).isNull();
        assertThat(ctx.get(var)).isEqualTo("spam");
    }

    @Test
    void contextRun6_setInsideRunChangesTheContextEntered() {
        Context ctx = new Context();
        ContextVar<Integer> c = new ContextVar<>("a", 0);
        ctx.run(() -> {
            assertThat(c.get()).isZero();
            assertThat(ctx.get(c)).isNull();
            c.set(42);
            assertThat(c.get()).isEqualTo(42);
            assertThat(ctx.get(c)).isEqualTo(42);
        });
    }

    @Test
    void contextRun7_aContextCannotBeEnteredTwice() {
        Context ctx = new Context();
        ctx.run(() -> assertThatThrownBy(() -> ctx.run(() -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is already entered"));
    }

    @Test
    void contextCopy1_aCopyChangesIndependently() {
        Context ctx1 = new Context();
        ContextVar<Integer> c = new ContextVar<>("c", 42);
        ctx1.run(() -> {
            c.set(10);
            Context ctx2 = ctx1.copy();
            assertThat(ctx2.get(c)).isEqualTo(10);
            c.set(20);
            assertThat(ctx1.get(c)).isEqualTo(20);
            assertThat(ctx2.get(c)).isEqualTo(10);
            ctx2.run(() -> {
                assertThat(c.get()).isEqualTo(10);
                c.set(30);
                assertThat(c.get()).isEqualTo(30);
            });
            assertThat(ctx1.get(c)).isEqualTo(20);
            assertThat(ctx2.get(c)).isEqualTo(30);
        });
    }

    @Test
    void contextThreads1_eachThreadHasItsOwnContext() throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int num = 0; num < 10; num++) {
                int n = num;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        cvar.set(n + i);
                        Thread.sleep(1 + (n * 7 + i * 3) % 20);
                        assertThat(cvar.get()).isEqualTo(n + i);
                    }
                    return n;
                }));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(results.get(i).get()).isEqualTo(i);
            }
        } finally {
            pool.shutdown();
        }
    }
}
