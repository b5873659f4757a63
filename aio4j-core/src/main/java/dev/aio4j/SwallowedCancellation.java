package dev.aio4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * Debug mode: finds a task that caught its {@link CancelledError} and carried on, typically
 * with {@code catch (Exception e)} around a wait in a retry loop, so that its cancellation is
 * lost and the task may never end. Logged once per task, at WARNING, with the frame that caught
 * the error when it can be found, and the fix.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Detection: when a wait of the task ends with a cancellation while requests are pending
 * ({@code cancelling() > 0}), the stack of that wait is kept (the delivery site). When the
 * task then starts another wait with requests still pending (no {@code uncancel()}) and none
 * waiting to be delivered, and that wait is at the delivery site again (the same frames of
 * code outside the library, down to the bytecode index), the task has come back to where it was
 * cancelled: the error was swallowed. Comparing sites, rather than warning at any wait, spares
 * the waits of cleanup code (a finally block, a {@code catch} that cleans up and rethrows), which
 * run elsewhere while the error is on its way out.
 *
 * <p>The catching frame: the innermost frame of the delivery site, outside the library, whose
 * method has a typed handler that covers the frame's bytecode index and catches CancelledError
 * (read from the class file's exception table; finally handlers rethrow and are skipped). Not
 * found (a class file that cannot be read): the report says so and lists the frames.
 *
 * <p>Exempt: the library's own catches that wait again on purpose, {@link TaskGroup} waiting
 * for its children after cancelling its parent. Known gap: Condition's re-acquire loop, if the
 * task is cancelled twice while it re-acquires the lock.
 *
 * <p>Cost: nothing unless debug mode is on and the task has a pending request; then one stack
 * walk per wait.
 */
final class SwallowedCancellation {
    private static final System.Logger LOG = System.getLogger("dev.aio4j");
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** The types of a {@code catch} that catches a CancelledError. */
    private static final Set<String> CATCHERS = Set.of(
            "dev/aio4j/CancelledError",
            "java/util/concurrent/CancellationException",
            "java/lang/IllegalStateException",
            "java/lang/RuntimeException",
            "java/lang/Exception",
            "java/lang/Throwable");

    /** The frames outside the library of the wait that delivered the last cancellation. */
    private final List<StackWalker.StackFrame> site;

    private boolean reported;

    private SwallowedCancellation(List<StackWalker.StackFrame> site) {
        this.site = site;
    }

    /** A wait of {@code task} ends with a cancellation while requests are pending. */
    static void delivered(Task<?> task) {
        if (!task.loop.getDebug()) {
            return;
        }
        SwallowedCancellation previous = task.swallowed();
        if (previous != null && previous.reported) {
            return;
        }
        task.diagnostics().swallowed = new SwallowedCancellation(userFrames());
    }

    /** {@code task} starts a wait with requests pending and none to deliver. */
    static void beforeWait(Task<?> task) {
        SwallowedCancellation s = task.swallowed();
        if (s == null || s.reported || !task.loop.getDebug()) {
            return;
        }
        List<StackWalker.StackFrame> here = WALKER.walk(frames -> frames.toList());
        for (StackWalker.StackFrame f : here) {
            if (f.getDeclaringClass() == TaskGroup.class && f.getMethodName().equals("exit")) {
                return; // the group waits for its children: it handles the cancellation
            }
        }
        if (!sameSite(s.site, userFrames(here))) {
            return;
        }
        s.reported = true;
        LOG.log(System.Logger.Level.WARNING, report(task, s.site));
    }

    static String report(Task<?> task, List<StackWalker.StackFrame> site) {
        StringBuilder sb = new StringBuilder()
                .append(task)
                .append(" waits again where it was cancelled, with the cancellation still requested (cancelling() = ")
                .append(task.cancelling())
                .append(", no uncancel()): its CancelledError was swallowed, and the task" + " may never end.");
        Catch c = null;
        for (StackWalker.StackFrame f : site) {
            c = catchIn(f);
            if (c != null) {
                sb.append("\nCaught by catch (")
                        .append(c.type.replace('/', '.'))
                        .append(") in ")
                        .append(f.toStackTraceElement());
                break;
            }
        }
        if (c == null) {
            sb.append("\nCaught in one of the frames below (no catch of CancelledError found in their class files).");
        }
        sb.append("\nFix: let CancelledError through: catch it first and rethrow it"
                        + " (catch (CancelledError e) { throw e; } before catch (Exception e)), or catch only the exceptions"
                        + " you mean; to really go on after a cancellation, call Aio.currentTask().uncancel().")
                .append("\nThe wait that raised it:");
        for (StackWalker.StackFrame f : site) {
            sb.append("\n\tat ").append(f.toStackTraceElement());
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ sites

    private static List<StackWalker.StackFrame> userFrames() {
        return userFrames(WALKER.walk(frames -> frames.toList()));
    }

    /** The frames from the first one outside the library outward. */
    private static List<StackWalker.StackFrame> userFrames(List<StackWalker.StackFrame> all) {
        for (int i = 0; i < all.size(); i++) {
            if (!Debug.isLibrary(all.get(i).getDeclaringClass())) {
                return all.subList(i, all.size());
            }
        }
        return List.of();
    }

    private static boolean sameSite(List<StackWalker.StackFrame> a, List<StackWalker.StackFrame> b) {
        if (a.isEmpty() || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            StackWalker.StackFrame x = a.get(i);
            StackWalker.StackFrame y = b.get(i);
            if (x.getDeclaringClass() != y.getDeclaringClass()
                    || x.getByteCodeIndex() != y.getByteCodeIndex()
                    || !x.getMethodName().equals(y.getMethodName())
                    || !x.getDescriptor().equals(y.getDescriptor())) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ the catching frame

    /** A handler of a method's exception table that catches CancelledError. */
    private record Catch(String type) {}

    /** The first typed handler of {@code f}'s method that covers its bytecode index and catches CancelledError. */
    private static Catch catchIn(StackWalker.StackFrame f) {
        Class<?> c = f.getDeclaringClass();
        try (InputStream in =
                c.getResourceAsStream(c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class")) {
            if (in == null) {
                return null;
            }
            return ExceptionTable.find(
                    new DataInputStream(in), f.getMethodName(), f.getDescriptor(), f.getByteCodeIndex());
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable class file: the report lists the frames instead
        }
    }

    /** Just enough of the class file format to read one method's exception table (JVMS 4). */
    private static final class ExceptionTable {
        private ExceptionTable() {}

        static Catch find(DataInputStream in, String method, String descriptor, int bci) throws IOException {
            in.readInt(); // magic
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNames = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNames[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++; // takes two entries
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag);
                }
            }
            in.skipNBytes(6); // access, this, super
            in.skipNBytes(2 * in.readUnsignedShort()); // interfaces
            skipMembers(in); // fields
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.skipNBytes(2);
                String name = utf8[in.readUnsignedShort()];
                String desc = utf8[in.readUnsignedShort()];
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attr = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (!attr.equals("Code") || !name.equals(method) || !desc.equals(descriptor)) {
                        in.skipNBytes(length);
                        continue;
                    }
                    in.skipNBytes(4); // max_stack, max_locals
                    in.skipNBytes(in.readInt()); // code
                    int handlers = in.readUnsignedShort();
                    for (int h = 0; h < handlers; h++) {
                        int start = in.readUnsignedShort();
                        int end = in.readUnsignedShort();
                        in.skipNBytes(2); // handler_pc
                        int type = in.readUnsignedShort();
                        if (type != 0 && start <= bci && bci < end && CATCHERS.contains(utf8[classNames[type]])) {
                            return new Catch(utf8[classNames[type]]);
                        }
                    }
                    return null;
                }
            }
            return null;
        }

        private static void skipMembers(DataInputStream in) throws IOException {
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                in.skipNBytes(6);
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    in.skipNBytes(2);
                    in.skipNBytes(in.readInt());
                }
            }
        }
    }
}
