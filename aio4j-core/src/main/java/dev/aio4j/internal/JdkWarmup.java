package dev.aio4j.internal;

/**
 * Initialises JDK classes whose static initialisers start virtual threads, from a platform
 * thread, before any loop runs.
 *
 * <p>On JDK 25 a virtual thread started by another virtual thread inherits its scheduler. The
 * JDK's socket pollers are started by {@code sun.nio.ch.Poller}'s initialiser; if a task ran it,
 * the pollers would live on that task's loop. Initialising here keeps them on the default
 * scheduler.
 *
 * <p>The cost, paid at JVM exit: the pollers' platform thread waits in {@code epoll_wait}, a
 * native call, and HotSpot's exit waits up to 300 ms for threads in native code to stop, so a
 * carrier-mode JVM exits about 0.3 s later than a portable one that never touched a JDK socket
 * (a plain Java program that only initialises {@code sun.nio.ch.Poller} shows the same delay).
 * Any program whose virtual threads use JDK sockets pays it anyway.
 */
final class JdkWarmup {
    private JdkWarmup() {}

    static void run() {
        Thread t = Thread.ofPlatform().name("aio4j-warmup").unstarted(() -> {
            for (String name : new String[] {"sun.nio.ch.Poller", "java.net.InetAddress"}) {
                try {
                    Class.forName(name, true, null);
                } catch (ClassNotFoundException | LinkageError ignored) {
                    // Not on this JDK: nothing to initialise.
                }
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
