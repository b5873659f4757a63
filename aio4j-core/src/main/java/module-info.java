/** aio4j: Python's asyncio for Java, with tasks as virtual threads scheduled by their loop. */
module dev.aio4j {
    requires jdk.unsupported; // sun.misc.Signal for SIGINT handling in Aio.run

    exports dev.aio4j;
    exports dev.aio4j.sync;
    exports dev.aio4j.queue;

    // Host name lookups made by a task wait off the loop (see internal.TaskResolver).
    provides java.net.spi.InetAddressResolverProvider with dev.aio4j.internal.TaskResolverProvider;
}
