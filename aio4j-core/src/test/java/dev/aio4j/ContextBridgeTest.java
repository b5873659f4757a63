package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A ThreadLocal registered as a bridge travels with contexts, as a ContextVar does. */
class ContextBridgeTest {
    /** Stands for SLF4J's MDC or OpenTelemetry's current Context: plain thread-bound state. */
    private static final ThreadLocal<String> MDC = new ThreadLocal<>();

    private static final ContextBridge<String> BRIDGE = ContextBridge.ofThreadLocal(MDC);

    @BeforeEach
    void register() {
        Context.addBridge(BRIDGE);
    }

    @AfterEach
    void unregister() {
        assertThat(Context.removeBridge(BRIDGE)).isTrue();
        MDC.remove();
    }

    @Test
    void aChildTaskStartsWithItsCreatorsValueAndItsChangesStayInIt() {
        List<String> log = TestSupport.runVirtual(() -> {
            List<String> out = new ArrayList<>();
            MDC.set("parent");
            Task<Void> child = Aio.createTask(() -> {
                out.add("child starts with " + MDC.get());
                MDC.set("child");
                Aio.sleep(Duration.ofMillis(10));
                out.add("child keeps " + MDC.get());
            });
            MDC.set("parent, later");
            child.await();
            out.add("parent keeps " + MDC.get());
            return out;
        });
        assertThat(log).containsExactly("child starts with parent", "child keeps child", "parent keeps parent, later");
    }

    @Test
    void aTaskWithoutAValueDoesNotSeeAnotherTasksValue() {
        String seen = TestSupport.runVirtual(() -> {
            Task<Void> setter = Aio.createTask(() -> {
                MDC.set("first task");
                Aio.sleep(Duration.ofMillis(10));
            });
            Task<String> reader = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMillis(5));
                return String.valueOf(MDC.get());
            });
            setter.await();
            return reader.await();
        });
        assertThat(seen).isEqualTo("null");
    }

    @Test
    void callbacksSeeTheValueWhenScheduledAndTheLoopThreadIsLeftClean() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source();
                Pipe.SinkChannel sink = pipe.sink()) {
            List<String> log = TestSupport.runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                List<String> out = new ArrayList<>();
                Future<Void> read = loop.createFuture();
                MDC.set("soon");
                loop.callSoon(() -> {
                    out.add("callSoon " + MDC.get());
                    MDC.set("changed by a callback");
                });
                loop.callSoon(() -> out.add("next callback " + MDC.get()));
                MDC.set("reader");
                loop.addReader(source, () -> {
                    out.add("reader " + MDC.get());
                    loop.removeReader(source);
                    read.setResult(null);
                });
                MDC.set("task");
                Aio.sleep(Duration.ofMillis(10));
                sink.write(ByteBuffer.wrap(new byte[] {1}));
                read.await();
                loop.callSoon(() -> out.add("unset " + MDC.get()));
                MDC.remove();
                Aio.sleep(Duration.ofMillis(10));
                return out;
            });
            assertThat(log).containsExactly("callSoon soon", "next callback soon", "reader reader", "unset task");
        }
    }

    @Test
    void toThreadCarriesTheValueAndTheWorkerGetsItsOwnBack() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            List<String> log = TestSupport.runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                loop.setDefaultExecutor(executor);
                List<String> out = new ArrayList<>();
                MDC.set("request-7");
                out.add(Aio.toThread(MDC::get));
                out.add(String.valueOf(Aio.runInExecutor(executor, MDC::get)));
                return out;
            });
            assertThat(log).containsExactly("request-7", "null");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void contextRunInstallsTheValueItHoldsAndRecordsChangesMadeInside() {
        MDC.set("outside");
        Context ctx = Context.copyContext();
        MDC.set("outside, later");
        ctx.run(() -> {
            assertThat(MDC.get()).isEqualTo("outside");
            MDC.set("inside");
        });
        assertThat(MDC.get()).isEqualTo("outside, later");
        assertThat(ctx.run(MDC::get)).isEqualTo("inside");
    }
}
