/**
 * An HTTP client for tasks (aiohttp's {@code ClientSession}): {@link dev.aio4j.http.client.HttpSession}
 * drives the JDK's {@code HttpClient} from tasks and adds what aiohttp users rely on, such as
 * connection limits and per-request timeouts; failures are typed subclasses of
 * {@link dev.aio4j.http.client.ClientError}.
 */
package dev.aio4j.http.client;
