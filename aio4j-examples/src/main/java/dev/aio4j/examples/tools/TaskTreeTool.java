package dev.aio4j.examples.tools;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code ./aio4j ps PID} and {@code ./aio4j pstree PID}: the tasks of every aio4j loop of a
 * running JVM, as a table or as a tree (the shapes of {@code python -m asyncio ps} and
 * {@code pstree}). Attaches with the JDK's attach API, starts the target's local JMX agent
 * ({@code jcmd PID ManagementAgent.start_local} does the same) and reads each loop's
 * {@code dev.aio4j:type=EventLoop} MBean.
 *
 * <pre>
 *   ./aio4j ps PID              one line per task: id, name, state, age, what it waits for, who awaits it
 *   ./aio4j pstree PID          who awaits whom, as a tree
 *   ./aio4j pstree PID --stacks with each task's stack
 * </pre>
 *
 * <p>Exit status: 0 on success, 1 if the process cannot be attached to or runs no aio4j loop, 2
 * for a usage error. Attaching needs the same user as the target and a target JVM that allows
 * it (the default; {@code -XX:+DisableAttachMechanism} refuses).
 */
public final class TaskTreeTool {

    private TaskTreeTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool with {@code args} as on the command line; returns the exit status. */
    // The JMX address comes from the local JVM's own management agent (attach API), not from user input.
    @SuppressWarnings("BanJNDI")
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2
                || !(args[0].equals("ps") || args[0].equals("pstree"))
                || (args.length == 3 && !args[2].equals("--stacks"))
                || args.length > 3) {
            err.println("usage: aio4j ps PID | aio4j pstree PID [--stacks]");
            return 2;
        }
        String pid = args[1];
        if (!pid.matches("\\d+")) {
            err.println("aio4j " + args[0] + ": not a process id: " + pid);
            return 2;
        }
        String attribute = args[0].equals("ps") ? "TaskTable" : args.length == 3 ? "TaskTreeWithStacks" : "TaskTree";
        String address;
        try {
            address = agentAddress(pid);
        } catch (AttachNotSupportedException | IOException e) {
            err.println("aio4j " + args[0] + ": cannot attach to process " + pid + ": " + e.getMessage()
                    + " (is it a JVM of this user, started without -XX:+DisableAttachMechanism?)");
            return 1;
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Set<ObjectName> loops =
                    new TreeSet<>(server.queryNames(new ObjectName("dev.aio4j:type=EventLoop,*"), null));
            if (loops.isEmpty()) {
                err.println("aio4j " + args[0] + ": process " + pid + " has no aio4j event loop that has run"
                        + " (or runs with -Daio4j.jmx=false)");
                return 1;
            }
            boolean first = true;
            for (ObjectName loop : loops) {
                if (!first) {
                    out.println();
                }
                first = false;
                out.println(summary(server, loop));
                out.print(server.getAttribute(loop, attribute));
            }
            out.flush();
            return 0;
        } catch (IOException | JMException e) {
            err.println("aio4j " + args[0] + ": reading the loops of process " + pid + " failed: " + e);
            return 1;
        }
    }

    /** The address of the target's local JMX agent, started if it was not. */
    private static String agentAddress(String pid) throws AttachNotSupportedException, IOException {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            return vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
    }

    /** {@code aio4j-loop-1: 3 tasks, 0 ready, 1 timers, 4 channels, 1520 steps, slowest step 0 ms}. */
    private static String summary(MBeanServerConnection server, ObjectName loop) throws IOException, JMException {
        return server.getAttribute(loop, "Name") + ": " + server.getAttribute(loop, "Tasks") + " tasks, "
                + server.getAttribute(loop, "Ready") + " ready, " + server.getAttribute(loop, "Timers") + " timers, "
                + server.getAttribute(loop, "WatchedChannels") + " channels, " + server.getAttribute(loop, "Steps")
                + " steps, slowest step " + server.getAttribute(loop, "SlowestStepMillis") + " ms";
    }
}
