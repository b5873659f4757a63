/** aio4j-process: child processes whose pipes are streams on the aio4j loop. */
module dev.aio4j.process {
    requires transitive dev.aio4j.net;

    exports dev.aio4j.process;
}
