package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random trees of task groups, timeouts, shields and cancellations, run on virtual time, checked
 * against the invariants of structured concurrency: every task ends, no failure is lost, nothing
 * unexpected escapes, and {@code cancelling()} is back to zero wherever a task ends normally.
 * Seeded loops: a failing seed is printed and can be replayed alone.
 */
class StructuredConcurrencyPropertyTest {

    /** Seeds per run; {@code -Daio4j.structuredSeeds=5000} for a longer hunt. */
    private static final int SEEDS = Integer.getInteger("aio4j.structuredSeeds", 300);

    // ---------------------------------------------------------------- the trees

    private sealed interface Node permits Leaf, Group, Deadline, Shielded, CancelledAfter, Gathered {}

    /** Sleeps, then returns or fails with its id; may fail instead when cancelled. */
    private record Leaf(int id, int sleepMs, boolean fails, boolean failsWhenCancelled) implements Node {}

    /** A TaskGroup running each child as a task; the body sleeps and may fail too. */
    private record Group(int id, List<Node> children, int bodySleepMs, boolean bodyFails) implements Node {}

    /** Timeout.after around the child (TimeoutError caught), or moveOnAfter. */
    private record Deadline(int ms, boolean moveOn, Node child) implements Node {}

    /** The child in its own task, awaited through shield(). */
    private record Shielded(Node child) implements Node {}

    /** The children as tasks, awaited through gather() (which does not cancel siblings on failure). */
    private record Gathered(List<Node> children) implements Node {}

    /** The child in its own task, cancelled after a delay, then awaited. */
    private record CancelledAfter(int ms, Node child) implements Node {}

    private static final class LeafFailure extends RuntimeException {
        final int id;

        LeafFailure(int id) {
            super("failure " + id, null, false, true);
            this.id = id;
        }
    }

    private static final class Generator {
        private final Random random;
        private int nextId;

        Generator(long seed) {
            this.random = new Random(seed);
        }

        Node node(int depth) {
            int kind = depth >= 4 ? 0 : random.nextInt(depth == 0 ? 4 : 7);
            return switch (kind) {
                case 0, 5 -> new Leaf(nextId++, 10 * random.nextInt(5), random.nextInt(3) == 0, random.nextInt(4) == 0);
                case 1 -> {
                    List<Node> children = new ArrayList<>();
                    int n = random.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        children.add(node(depth + 1));
                    }
                    yield new Group(nextId++, children, 10 * random.nextInt(6), random.nextInt(6) == 0);
                }
                case 2 -> new Deadline(10 * random.nextInt(6), random.nextBoolean(), node(depth + 1));
                case 3 ->
                    random.nextBoolean()
                            ? new Shielded(node(depth + 1))
                            : new CancelledAfter(10 * random.nextInt(4), node(depth + 1));
                case 6 -> {
                    List<Node> children = new ArrayList<>();
                    int n = 1 + random.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        children.add(node(depth + 1));
                    }
                    yield new Gathered(children);
                }
                default -> new CancelledAfter(10 * random.nextInt(4), node(depth + 1));
            };
        }
    }

    // ---------------------------------------------------------------- running a tree

    private static final class Run {
        final Set<Integer> thrown = new HashSet<>();
        final Set<Integer> observed = new HashSet<>();
        final List<Throwable> unexpected = new ArrayList<>();
        final List<Task<?>> allTasks = new ArrayList<>();
        /** Tasks not owned by a group: their failures may legitimately reach nobody but us. */
        final List<Task<?>> orphans = new ArrayList<>();

        <T extends Task<?>> T track(T t) {
            allTasks.add(t);
            return t;
        }

        void exec(Node node) {
            switch (node) {
                case Leaf l -> {
                    try {
                        Aio.sleep(Duration.ofMillis(l.sleepMs()));
                    } catch (CancelledError e) {
                        if (l.failsWhenCancelled()) {
                            thrown.add(l.id());
                            throw new LeafFailure(l.id()); // a cleanup that fails, as test_taskgroup_08
                        }
                        throw e;
                    }
                    if (l.fails()) {
                        thrown.add(l.id());
                        throw new LeafFailure(l.id());
                    }
                }
                case Group g ->
                    TaskGroup.run(tg -> {
                        for (Node c : g.children()) {
                            track(tg.createTask(() -> exec(c)));
                        }
                        Aio.sleep(Duration.ofMillis(g.bodySleepMs()));
                        if (g.bodyFails()) {
                            thrown.add(g.id());
                            throw new LeafFailure(g.id());
                        }
                    });
                case Deadline d -> {
                    if (d.moveOn()) {
                        Timeout.moveOnAfter(Duration.ofMillis(d.ms()), () -> exec(d.child()));
                    } else {
                        try {
                            Timeout.after(Duration.ofMillis(d.ms()), () -> exec(d.child()));
                        } catch (TimeoutError e) {
                            collect(e);
                        }
                    }
                }
                case Shielded s -> {
                    Task<Void> t = track(Aio.createTask(() -> exec(s.child())));
                    orphans.add(t);
                    Aio.shield(t).await();
                }
                case Gathered g -> {
                    List<Task<Void>> tasks = new ArrayList<>();
                    for (Node c : g.children()) {
                        Task<Void> t = track(Aio.createTask(() -> exec(c)));
                        orphans.add(t); // gather leaves the siblings of a failure to run unobserved
                        tasks.add(t);
                    }
                    Aio.gather(tasks).await();
                }
                case CancelledAfter c -> {
                    Task<Void> t = track(Aio.createTask(() -> exec(c.child())));
                    orphans.add(t);
                    Task<?> me = Aio.currentTask();
                    int level = me.cancelling();
                    Aio.sleep(Duration.ofMillis(c.ms()));
                    t.cancel();
                    try {
                        t.await();
                    } catch (CancelledError e) {
                        if (me.cancelling() > level) {
                            throw e; // ours, not the one we sent
                        }
                    }
                }
            }
        }

        /** Records the leaf failures found in {@code t}; anything of an unexpected type is kept. */
        void collect(Throwable t) {
            if (t instanceof LeafFailure f) {
                observed.add(f.id);
            } else if (t instanceof TaskGroupException g) {
                g.exceptions().forEach(this::collect);
            } else if (!(t instanceof CancelledError) && !(t instanceof TimeoutError)) {
                unexpected.add(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (!(t instanceof TaskGroupException)) {
                    collect(s);
                }
            }
        }
    }

    private static void check(long seed, boolean eager) {
        Node root = new Generator(seed).node(0);
        Run run = new Run();
        String where = "seed " + seed + (eager ? " (eager tasks)" : "") + ": " + root;
        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> Aio.run(
                        () -> {
                            Task<?> main = Aio.currentTask();
                            try {
                                run.exec(root);
                            } catch (Throwable t) {
                                if (t instanceof CancelledError) {
                                    run.unexpected.add(t); // nobody cancels the main task
                                }
                                run.collect(t);
                            }
                            for (int i = 0; i < run.orphans.size(); i++) { // the list may grow while we wait
                                Task<?> t = run.orphans.get(i);
                                try {
                                    t.await();
                                } catch (Throwable e) {
                                    run.collect(e);
                                }
                            }
                            assertThat(main.cancelling()).as(where).isZero();
                            for (Task<?> t : run.allTasks) {
                                assertThat(t.done()).as("%s: %s ends", where, t).isTrue();
                                if (!t.cancelled() && t.exception() == null) {
                                    assertThat(t.cancelling())
                                            .as("%s: %s ended normally", where, t)
                                            .isZero();
                                }
                            }
                            return null;
                        },
                        RunOptions.defaults()
                                .withClock(VirtualClock.autojump())
                                .withSigintHandling(false)
                                .withTaskFactory(eager ? TaskFactory.EAGER : null)),
                where);
        assertThat(run.unexpected).as(where).isEmpty();
        assertThat(run.observed).as("%s: no failure is lost", where).containsExactlyInAnyOrderElementsOf(run.thrown);
    }

    @Test
    void randomTreesKeepTheInvariantsOfStructuredConcurrency() {
        long base = Long.getLong("aio4j.seed", 20261122L);
        for (int i = 0; i < SEEDS; i++) {
            check(base + i, false);
        }
    }

    @Test
    void randomTreesKeepTheInvariantsWithEagerTasks() {
        long base = Long.getLong("aio4j.seed", 20261122L);
        for (int i = 0; i < SEEDS; i++) {
            check(base + i, true);
        }
    }
}
