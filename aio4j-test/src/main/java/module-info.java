/** aio4j-test: JUnit 5 support for code that runs on aio4j loops. */
module dev.aio4j.test {
    requires transitive dev.aio4j.net;
    requires transitive org.junit.jupiter.api;

    exports dev.aio4j.test;
    exports dev.aio4j.test.contract;
    // JUnit reflects over the contract suites' test methods.
    opens dev.aio4j.test.contract to
            org.junit.platform.commons;
}
