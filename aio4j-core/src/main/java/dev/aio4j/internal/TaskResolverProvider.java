package dev.aio4j.internal;

import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;

/**
 * The JDK's hook for aio4j's resolver: makes {@link TaskResolver} the system-wide
 * {@code InetAddress} resolver, registered in module-info and in
 * {@code META-INF/services/java.net.spi.InetAddressResolverProvider}.
 *
 * <p>Implementation notes: the JDK loads this class on the first name lookup of the JVM, which
 * may happen inside a task, with its resolver lock held. Loading therefore touches nothing but
 * the configuration it is given: no lookup (it would get the built-in resolver, the JDK's guard
 * against recursion), no loop, no thread. The worker pool starts on the first lookup a task
 * sends off the loop.
 */
public final class TaskResolverProvider extends InetAddressResolverProvider {

    /** The resolver the JDK installed, once it did; read by tests and tools. */
    private static volatile TaskResolver installed;

    /** Called by ServiceLoader. */
    public TaskResolverProvider() {}

    @Override
    public InetAddressResolver get(Configuration configuration) {
        TaskResolver resolver = new TaskResolver(configuration.builtinResolver());
        installed = resolver;
        return resolver;
    }

    @Override
    public String name() {
        return "aio4j";
    }

    /** The resolver the JDK uses, or null if this provider was not chosen (yet). */
    public static TaskResolver installed() {
        return installed;
    }
}
