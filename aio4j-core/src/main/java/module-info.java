/** aio4j: Python's asyncio for Java, with tasks as virtual threads scheduled by their loop. */
module dev.aio4j {
    requires java.management; // each loop's EventLoopMXBean (./aio4j ps and pstree read it)
    requires jdk.unsupported; // sun.misc.Signal: loop signal handlers and the run's cancel signals

    exports dev.aio4j;
    exports dev.aio4j.sync;
    exports dev.aio4j.queue;
    exports dev.aio4j.file;

    // Host name lookups made by a task wait off the loop (see internal.TaskResolver).
    provides java.net.spi.InetAddressResolverProvider with dev.aio4j.internal.TaskResolverProvider;
}
