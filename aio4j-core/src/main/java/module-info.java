/** aio4j: Python's asyncio for Java, with tasks as virtual threads scheduled by their loop. */
@SuppressWarnings("module") // the targets of the qualified export are built after the core
module dev.aio4j {
    requires java.management; // each loop's EventLoopMXBean (./aio4j ps and pstree read it)
    requires jdk.unsupported; // sun.misc.Signal: loop signal handlers and the run's cancel signals
    requires jdk.jfr; // the loop's Flight Recorder events (internal.jfr)

    exports dev.aio4j;
    exports dev.aio4j.sync;
    exports dev.aio4j.queue;
    exports dev.aio4j.file;

    // The wait queue every primitive parks on; net's streams and servers, and subprocesses'
    // waitFor, park on it too.
    exports dev.aio4j.internal to
            dev.aio4j.net,
            dev.aio4j.process;

    // Host name lookups made by a task wait off the loop (see internal.TaskResolver).
    provides java.net.spi.InetAddressResolverProvider with
            dev.aio4j.internal.TaskResolverProvider;
}
