package dev.aio4j;

import dev.aio4j.internal.Strand;

/**
 * A task's strand, which is also its thread's body: the thread runs the task with no object of
 * its own in between (a lambda would cost 16 bytes per task) and no frame more than that lambda.
 */
final class TaskStrand extends Strand {

    TaskStrand(Task<?> task) {
        super(task);
    }

    @Override
    public EventLoop loop() {
        return task.loop;
    }

    @Override
    public void run() {
        task.run();
    }
}
